"""Deleting a person's personal data on request (152-FZ): the name, ids and every text of their
attempts go, the attempts stay as anonymous numbers; then the file is rewritten so that no old
byte is left on disk (docs/REPORTS.md «Personal data»)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from bot.errors import PersonNotFound
from bot.storage.base import Connection
from bot.storage.rows import Person, dumps, loads, person_from, utcnow

RUN_STATE_KEEP = (
    "scenario_id", "scenario_version", "seed", "state", "mode", "tries", "strikes", "patience",
    "hints", "finished", "abandoned", "outcome", "score",
)
"""What of a `RunState` snapshot survives `forget_person` (no texts, no name, no history)."""

CARD_KEEP = (
    "formula", "score", "passed", "outcome", "abandoned", "outcome_passed", "pass_mark",
    "step_score", "steps", "weights", "penalties", "expected_at", "credited_at",
    "missed_recommended", "turns", "hints", "hint_cost",
)
"""What of a score card survives `forget_person` (violations are kept without their quotes)."""

DISPUTE_TEXT_COLUMNS = (
    "comment", "reply", "reply_text", "client_line", "quote", "text", "evidence", "note",
    "reason", "ruling", "ruling_comment", "decision_comment",
)
"""Free-text columns of a `disputes` table (the trainer's workbench) blanked by `forget_person`."""


@dataclass(frozen=True, slots=True)
class ForgetCounts:
    """What `forget_person` changed."""

    person_id: int
    attempts: int
    turns: int
    fsm_rows: int
    disputes: int


class PrivacyStore(Connection):
    """Finding a person by what an admin knows of them, and forgetting them."""

    def people_matching(self, ref: str) -> list[Person]:
        """Everyone whose Telegram id, terminal login or display name (case-insensitive) is
        `ref`. Writes: no."""
        ref = ref.strip()
        found: dict[int, Person] = {}
        if ref.lstrip("-").isdigit():
            for r in self._table("people").rows_where("telegram_id = ?", [int(ref)]):
                found[r["id"]] = person_from(r)
        for r in self._table("people").rows_where("terminal_login = ?", [ref]):
            found[r["id"]] = person_from(r)
        folded = ref.casefold()
        for r in self._table("people").rows_where("forgotten_at IS NULL"):
            if r["display_name"].strip().casefold() == folded:
                found[r["id"]] = person_from(r)
        return sorted(found.values(), key=lambda p: p.id)

    def forget_person(self, person_id: int) -> ForgetCounts:
        """Delete a person's personal data in one transaction: the name, Telegram id and terminal
        login, their roles and HR assignments, their conversation state, and every text of their
        attempts (replies, client lines, quoted evidence and violations, the judge's review, the
        run snapshots' history and agent name, the card's coaching tip, free-text columns of
        their disputes). The attempts stay as
        anonymous numbers (scores, verdicts, times); an active one is closed as abandoned.

        Writes: yes. Raises `PersonNotFound`. The freed pages still hold the old bytes until
        `compact()` runs (the service calls it right after).
        """
        now = utcnow()
        with self.transaction() as db:
            row = db.execute(
                "SELECT telegram_id FROM people WHERE id = ?", [person_id]
            ).fetchone()
            if row is None:
                raise PersonNotFound(f"person {person_id} not found")
            telegram_id = row[0]
            db.execute(
                "UPDATE attempts SET status = 'abandoned', finished_at = ?, passed = 0 "
                "WHERE person_id = ? AND status = 'active'",
                [now, person_id],
            )
            attempts = db.execute(
                "SELECT id, run_state, card FROM attempts WHERE person_id = ?", [person_id]
            ).fetchall()
            for attempt_id, run_state, card in attempts:
                db.execute(
                    "UPDATE attempts SET run_state = ?, card = ?, current_line = NULL WHERE id = ?",
                    [_scrub_run_state(run_state), _scrub_card(card), attempt_id],
                )
            turns = db.execute(
                "SELECT t.id, t.verdicts, t.violations FROM turns t "
                "JOIN attempts a ON a.id = t.attempt_id WHERE a.person_id = ?",
                [person_id],
            ).fetchall()
            judged = ", judge = NULL" if "judge" in self._columns("turns") else ""
            for turn_id, verdicts, violations in turns:
                db.execute(
                    "UPDATE turns SET reply_text = '', client_line = '', verdicts = ?, "
                    f"violations = ?{judged} WHERE id = ?",
                    [_scrub_verdicts(verdicts), _scrub_violations(violations), turn_id],
                )
            db.execute(
                "UPDATE people SET display_name = '', telegram_id = NULL, terminal_login = NULL, "
                "roles = '[]', forgotten_at = ? WHERE id = ?",
                [now, person_id],
            )
            db.execute("DELETE FROM hr_teams WHERE person_id = ?", [person_id])
            fsm_rows = self._forget_fsm(telegram_id)
            self._forget_inbox(telegram_id)
            disputes = self._forget_disputes(person_id)
        return ForgetCounts(person_id, len(attempts), len(turns), fsm_rows, disputes)

    def _forget_fsm(self, telegram_id: int | None) -> int:
        """Delete the aiogram FSM rows of a Telegram user (keys `fsm:bot:chat[:thread]:user:
        destiny`, `DefaultKeyBuilder`): their chat or user part is the id."""
        if telegram_id is None:
            return 0
        uid = str(telegram_id)
        keys = [
            r[0] for r in self.db.execute(
                "SELECT key FROM fsm_states WHERE key LIKE ?", [f"%:{uid}%"]
            ).fetchall()
            if uid in str(r[0]).split(":")[2:-1]
        ]
        for key in keys:
            self.db.execute("DELETE FROM fsm_states WHERE key = ?", [key])
        return len(keys)

    def _forget_inbox(self, telegram_id: int | None) -> None:
        """Updates of that user still waiting in the inbox (their text and name)."""
        if telegram_id is None or "body" not in self._columns("inbox"):
            return
        self.db.execute(
            "DELETE FROM inbox WHERE ? IN (json_extract(body, '$.message.from.id'), "
            "json_extract(body, '$.callback_query.from.id'))",
            [telegram_id],
        )

    def _forget_disputes(self, person_id: int) -> int:
        columns = self._columns("disputes")
        texts = [c for c in DISPUTE_TEXT_COLUMNS if c in columns]
        if "attempt_id" not in columns or not texts:
            return 0
        blanks = ", ".join(f"[{c}] = ''" for c in texts)
        cursor = self.db.execute(
            f"UPDATE disputes SET {blanks} "
            "WHERE attempt_id IN (SELECT id FROM attempts WHERE person_id = ?)",
            [person_id],
        )
        return cursor.rowcount

    def compact(self) -> bool:
        """Rewrite the database file without free pages (VACUUM) and empty the write-ahead log
        (`wal_checkpoint(TRUNCATE)`), so deleted bytes are gone from the files on disk. True if
        the log was emptied (False: another connection was reading; it is emptied at the next
        checkpoint). Writes: yes (the whole file). Raises `sqlite3.Error` inside a transaction.
        """
        with self._lock:
            self.db.execute("VACUUM")
            if str(self.path) == ":memory:":
                return True
            busy, _, _ = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return not busy


def _scrub_run_state(value: str | None) -> str:
    data = loads(value, {})
    kept = {k: data[k] for k in RUN_STATE_KEEP if k in data}
    kept |= {"history": [], "agent_name": None, "line": None}
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"))


def _scrub_card(value: str | None) -> str | None:
    card = loads(value, None)
    if not isinstance(card, dict):
        return None
    kept = {k: card[k] for k in CARD_KEEP if k in card}
    kept["violations"] = [_unquoted(v) for v in card.get("violations", [])]
    return dumps(kept)


def _unquoted(violation: Any) -> Any:
    if isinstance(violation, dict):
        kept = {k: violation[k] for k in ("check", "blocking", "turn") if k in violation}
        return kept | {"quote": ""}
    if isinstance(violation, list | tuple) and violation:
        return [violation[0], ""]
    return violation


def _scrub_verdicts(value: str) -> str:
    verdicts = loads(value, {})
    return dumps({
        check: {"check": check, "kind": v.get("kind"), "value": v.get("value"),
                "evidence": None, "also": []} | ({"source": v["source"]} if "source" in v else {})
        for check, v in verdicts.items() if isinstance(v, dict)
    })


def _scrub_violations(value: str) -> str:
    return dumps([_unquoted(v) for v in loads(value, [])])
