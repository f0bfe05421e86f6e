"""Scenario versions, attempts and their turns: what was played, on which version, how it went."""

from __future__ import annotations

import sqlite3
from typing import Any, NoReturn

from sqlite_utils.db import NotFoundError

from bot.errors import (
    AttemptAlreadyActive,
    AttemptClosed,
    AttemptNotFound,
    DuplicateEvent,
    InvalidMode,
    NotFound,
    StaleTurn,
    StorageError,
)
from bot.storage.base import Connection
from bot.storage.rows import (
    CHANNELS,
    MODES,
    Attempt,
    Channel,
    Finish,
    Mode,
    NewTurn,
    ScenarioStats,
    ScenarioVersion,
    Status,
    Turn,
    as_bool,
    attempt_from,
    dumps,
    turn_from,
    utcnow,
)


class AttemptStore(Connection):
    """Scenario versions (what an attempt was played on), attempts and turns."""

    # --- scenario versions -------------------------------------------------------------------

    def ensure_scenario_version(
        self,
        scenario_id: str,
        content_hash: str,
        standard_version: str,
        content: str,
        title: str | None = None,
    ) -> int:
        """The id of the version row for this scenario content and standard, created if new.

        Writes: only when the (scenario, hash, standard) triple is new; an existing row is never
        changed, so old attempts keep pointing at what they were played on.
        """
        with self.transaction():
            table = self._table("scenario_versions")
            rows = list(
                table.rows_where(
                    "scenario_id = ? AND content_hash = ? AND standard_version = ?",
                    [scenario_id, content_hash, standard_version],
                    limit=1,
                )
            )
            if rows:
                return int(rows[0]["id"])
            table.insert(
                {
                    "scenario_id": scenario_id,
                    "content_hash": content_hash,
                    "standard_version": standard_version,
                    "title": title,
                    "content": content,
                    "created_at": utcnow(),
                }
            )
            return self._last_id(table)

    def get_scenario_version(self, version_id: int) -> ScenarioVersion:
        """The stored scenario version. Writes: no. Raises `NotFound`."""
        try:
            row = self._table("scenario_versions").get(version_id)
        except NotFoundError as exc:
            raise NotFound(f"scenario version {version_id} not found") from exc
        return ScenarioVersion(
            id=row["id"],
            scenario_id=row["scenario_id"],
            content_hash=row["content_hash"],
            standard_version=row["standard_version"],
            title=row["title"],
            content=row["content"],
            created_at=row["created_at"],
        )

    def scenario_versions(self, scenario_id: str) -> list[ScenarioVersion]:
        """Every stored version of one scenario, oldest first. Writes: no."""
        rows = self._table("scenario_versions").rows_where(
            "scenario_id = ?", [scenario_id], order_by="id"
        )
        return [self.get_scenario_version(int(r["id"])) for r in rows]

    # --- attempts ----------------------------------------------------------------------------

    def create_attempt(
        self,
        *,
        person_id: int,
        scenario_version_id: int,
        scenario_id: str,
        mode: Mode,
        channel: Channel,
        seed: int,
        run_state: str,
        current_line: dict[str, Any] | None,
        abandon_active: bool = False,
        preview: bool = False,
    ) -> int:
        """Create an active attempt; return its id. Writes: yes.

        A `preview` attempt (a trainer trying a scenario as a trainee) is stored and played like
        any other and counted by no report or statistic. With `abandon_active`, a still-active
        attempt of the same person is marked abandoned in the same transaction. Raises
        `InvalidMode` for an unknown mode or channel, `AttemptAlreadyActive` if the person
        already has an active attempt (and `abandon_active` is false), `StorageError` if a
        referenced row does not exist.
        """
        if mode not in MODES:
            raise InvalidMode(f"unknown mode {mode!r}")
        if channel not in CHANNELS:
            raise InvalidMode(f"unknown channel {channel!r}")
        now = utcnow()
        try:
            with self.transaction() as db:
                if abandon_active:
                    db.execute(
                        "UPDATE attempts SET status = 'abandoned', finished_at = ? "
                        "WHERE person_id = ? AND status = 'active'",
                        [now, person_id],
                    )
                table = self._table("attempts")
                table.insert(
                    {
                        "person_id": person_id,
                        "scenario_version_id": scenario_version_id,
                        "scenario_id": scenario_id,
                        "mode": mode,
                        "channel": channel,
                        "status": "active",
                        "seed": seed,
                        "run_state": run_state,
                        "current_line": None if current_line is None else dumps(current_line),
                        "turn_count": 0,
                        "hints_used": 0,
                        "started_at": now,
                        "line_shown_at": now,
                        "preview": int(preview),
                        # a Telegram run's first line is owed until the door says it went out
                        # (`mark_delivered`): a bot that dies in between sends it at start-up
                        "undelivered": int(channel == "telegram"),
                    }
                )
                return self._last_id(table)
        except sqlite3.IntegrityError as exc:
            active = self.active_attempt(person_id)
            if active is not None:
                raise AttemptAlreadyActive(active.id) from exc
            raise StorageError(f"cannot create attempt for person {person_id}: {exc}") from exc

    def get_attempt(self, attempt_id: int) -> Attempt:
        """The attempt with this id. Writes: no. Raises `AttemptNotFound`."""
        row = self._one("SELECT * FROM attempts WHERE id = ?", [attempt_id])
        if row is None:
            raise AttemptNotFound(f"attempt {attempt_id} not found")
        return attempt_from(row)

    def active_attempt(self, person_id: int) -> Attempt | None:
        """The person's active attempt, or None. Writes: no."""
        row = self._one(
            "SELECT * FROM attempts WHERE person_id = ? AND status = 'active' LIMIT 1", [person_id]
        )
        return attempt_from(row) if row is not None else None

    def record_turn(
        self,
        attempt_id: int,
        *,
        expected_turn_count: int,
        turn: NewTurn,
        run_state: str,
        current_line: dict[str, Any] | None,
        finish: Finish | None = None,
        event: tuple[str, str | int] | None = None,
    ) -> int:
        """Write one graded turn and the attempt's new snapshot in ONE transaction; return the
        turn's id. Writes: yes (nothing at all when it raises).

        With `event` (kind, key) — e.g. ("update", update_id) — the event is recorded as processed
        in the same transaction, so a redelivered message is never graded twice and never lost.
        The write happens only if the attempt is still active and has exactly
        `expected_turn_count` turns (optimistic check). With `finish`, the attempt is closed as
        finished with its score, outcome and card; otherwise the next line's time is set.

        Raises `DuplicateEvent` if `event` was already recorded, `AttemptClosed` if the attempt
        is not active, `StaleTurn` if another writer answered it meanwhile, `AttemptNotFound`.
        """
        now = utcnow()
        with self.transaction() as db:
            if event is not None:
                cursor = db.execute(
                    "INSERT OR IGNORE INTO processed_events (kind, key, processed_at) "
                    "VALUES (?, ?, ?)",
                    [event[0], str(event[1]), now],
                )
                if cursor.rowcount != 1:
                    raise DuplicateEvent(f"{event[0]} {event[1]} was already processed")
                if event[0] == "update":
                    db.execute("DELETE FROM inbox WHERE update_id = ?", [int(event[1])])
            changes: dict[str, Any] = {
                "run_state": run_state,
                "current_line": None if current_line is None else dumps(current_line),
                "turn_count": expected_turn_count + 1,
                "line_shown_at": now,
                "undelivered": 1,
            }
            if finish is not None:
                changes |= {
                    "status": "finished",
                    "score": finish.score,
                    "passed": int(finish.passed),
                    "outcome": finish.outcome,
                    "card": dumps(finish.card),
                    "formula": finish.formula,
                    "finished_at": now,
                }
            assignments = ", ".join(f"[{k}] = :{k}" for k in changes)
            cursor = db.execute(
                f"UPDATE attempts SET {assignments} "
                "WHERE id = :attempt_id AND status = 'active' AND turn_count = :expected",
                {**changes, "attempt_id": attempt_id, "expected": expected_turn_count},
            )
            if cursor.rowcount != 1:
                self._refuse(attempt_id, expected_turn_count)
            row = {
                    "attempt_id": attempt_id,
                    "idx": expected_turn_count,
                    "state": turn.state,
                    "next_state": turn.next_state,
                    "client_line": turn.client_line,
                    "reply_text": turn.reply_text,
                    "verdicts": dumps(turn.verdicts),
                    "passed_steps": dumps(list(turn.passed_steps)),
                    "missed_steps": dumps(list(turn.missed_steps)),
                    "violations": dumps(list(turn.violations)),
                    "score": turn.score,
                    "passed": int(turn.passed),
                    "too_long": int(turn.too_long),
                    "elapsed_seconds": turn.elapsed_seconds,
                    "degraded": int(turn.degraded),
                    "created_at": now,
                    "spoken": int(turn.spoken),
                    "flags": dumps(list(turn.flags)),
                    "judge": None if turn.judge is None else dumps(turn.judge),
            }
            cursor = db.execute(
                f"INSERT INTO turns ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
                list(row.values()),
            )
            if cursor.lastrowid is None:
                raise StorageError("insert into turns returned no id")
            return int(cursor.lastrowid)

    def mark_delivered(self, attempt_id: int) -> None:
        """The answer to the attempt's last turn (or its first line) went out. Writes: yes."""
        with self.transaction() as db:
            db.execute("UPDATE attempts SET undelivered = 0 WHERE id = ?", [attempt_id])

    def undelivered(self, channel: Channel) -> list[Attempt]:
        """Attempts of that door whose last turn was stored but never answered (the bot died in
        between), oldest first. Writes: no."""
        rows = self._all(
            "SELECT * FROM attempts WHERE undelivered = 1 AND channel = ? ORDER BY id", [channel]
        )
        return [attempt_from(r) for r in rows]

    def _refuse(self, attempt_id: int, expected_turn_count: int | None = None) -> NoReturn:
        """Raise what stopped a conditional write: `AttemptNotFound`, `AttemptClosed`, or
        (the attempt is active but its turn count moved on) `StaleTurn`."""
        attempt = self.get_attempt(attempt_id)
        if attempt.status != "active":
            raise AttemptClosed(attempt_id, attempt.status)
        raise StaleTurn(
            f"attempt {attempt_id} has {attempt.turn_count} turns, expected {expected_turn_count}"
        )

    def abandon_attempt(
        self,
        attempt_id: int,
        *,
        score: int | None = None,
        run_state: str | None = None,
        card: dict[str, Any] | None = None,
        formula: int | None = None,
    ) -> None:
        """Mark an active attempt abandoned (optionally with its score so far, the closed
        snapshot, card and the run formula they were computed with). Writes: yes.

        Raises `AttemptNotFound`, `AttemptClosed` if it was not active.
        """
        changes: dict[str, Any] = {"status": "abandoned", "finished_at": utcnow(), "passed": 0}
        if score is not None:
            changes["score"] = score
        if run_state is not None:
            changes["run_state"] = run_state
        if card is not None:
            changes["card"] = dumps(card)
        if formula is not None:
            changes["formula"] = formula
        assignments = ", ".join(f"[{k}] = :{k}" for k in changes)
        with self.transaction() as db:
            cursor = db.execute(
                f"UPDATE attempts SET {assignments} WHERE id = :attempt_id AND status = 'active'",
                {**changes, "attempt_id": attempt_id},
            )
            if cursor.rowcount == 0:
                self._refuse(attempt_id)

    def record_hint(self, attempt_id: int, *, hints_used: int, run_state: str) -> None:
        """Store a hint taken on an active attempt: the run's snapshot (which counts it) and the
        count. Writes: yes. Raises `AttemptNotFound`, `AttemptClosed` if it is not active.
        """
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE attempts SET hints_used = ?, run_state = ? "
                "WHERE id = ? AND status = 'active'",
                [hints_used, run_state, attempt_id],
            )
            if cursor.rowcount == 0:
                self._refuse(attempt_id)

    def list_attempts(
        self,
        person_id: int,
        *,
        scenario_id: str | None = None,
        status: Status | None = None,
        limit: int | None = None,
        include_preview: bool = False,
    ) -> list[Attempt]:
        """A person's attempts, newest first, optionally filtered; a trainer's preview attempts
        only with `include_preview`. Writes: no."""
        where = ["person_id = ?"]
        args: list[Any] = [person_id]
        if not include_preview:
            where.append("preview = 0")
        if scenario_id is not None:
            where.append("scenario_id = ?")
            args.append(scenario_id)
        if status is not None:
            where.append("status = ?")
            args.append(status)
        rows = self._table("attempts").rows_where(
            " AND ".join(where), args, order_by="id DESC", limit=limit
        )
        return [attempt_from(r) for r in rows]

    def turns(self, attempt_id: int) -> list[Turn]:
        """An attempt's turns in order. Writes: no."""
        rows = self._all("SELECT * FROM turns WHERE attempt_id = ? ORDER BY idx", [attempt_id])
        return [turn_from(r) for r in rows]

    def scenario_stats(self, person_id: int) -> list[ScenarioStats]:
        """Per scenario: attempts, finished, best and latest finished score (preview attempts
        are not counted). Writes: no."""
        rows = self.db.query(
            """
            SELECT a.scenario_id,
                   count(*) AS attempts,
                   sum(a.status = 'finished') AS finished,
                   max(CASE WHEN a.status = 'finished' THEN a.score END) AS best_score,
                   (SELECT l.score FROM attempts l
                     WHERE l.person_id = a.person_id AND l.scenario_id = a.scenario_id
                       AND l.status = 'finished' AND l.preview = 0
                     ORDER BY l.id DESC LIMIT 1) AS latest_score,
                   (SELECT l.passed FROM attempts l
                     WHERE l.person_id = a.person_id AND l.scenario_id = a.scenario_id
                       AND l.status = 'finished' AND l.preview = 0
                     ORDER BY l.id DESC LIMIT 1) AS latest_passed,
                   (SELECT l.finished_at FROM attempts l
                     WHERE l.person_id = a.person_id AND l.scenario_id = a.scenario_id
                       AND l.status = 'finished' AND l.preview = 0
                     ORDER BY l.id DESC LIMIT 1) AS latest_at
              FROM attempts a
             WHERE a.person_id = ? AND a.preview = 0
             GROUP BY a.scenario_id
             ORDER BY a.scenario_id
            """,
            [person_id],
        )
        return [
            ScenarioStats(
                scenario_id=r["scenario_id"],
                attempts=r["attempts"],
                finished=r["finished"] or 0,
                best_score=r["best_score"],
                latest_score=r["latest_score"],
                latest_passed=as_bool(r["latest_passed"]),
                latest_at=r["latest_at"],
            )
            for r in rows
        ]

    def missed_checks(self, person_id: int, limit: int = 5) -> list[tuple[str, int]]:
        """The step checks this person missed most often over all graded turns, with counts,
        most missed first (ties by check id); preview attempts are not counted. Writes: no."""
        rows = self.db.query(
            """
            SELECT m.value AS check_id, count(*) AS n
              FROM turns t
              JOIN attempts a ON a.id = t.attempt_id
              JOIN json_each(t.missed_steps) m
             WHERE a.person_id = ? AND a.preview = 0
             GROUP BY m.value
             ORDER BY n DESC, check_id
             LIMIT ?
            """,
            [person_id, limit],
        )
        return [(r["check_id"], r["n"]) for r in rows]
