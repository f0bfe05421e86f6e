"""HR reports: which teams an HR person sees and the report queries over stored attempts
(deleting a person's data on request is `bot.storage.privacy`).

The report queries read only what was stored when an attempt was played: the attempt row (score,
passed, status, hints, times), its score card (`card`: per-step verdicts with whole-conversation
credit, the violations) and the scenario version it points at. Nothing is recomputed from the
library or the standard as they are today, so a past period's figures never change when either is
edited. Which attempts count is said in one place: `ReportStore.counted`.

Period bounds are UTC ISO-8601 strings in the stored format (`utcnow()`), compared as strings
(`since <= started_at < until`), so the `started_at` indexes of migration `m005_reports` serve
them (`EXPLAIN QUERY PLAN` is checked in tests/reports and bench/bench_reports.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from bot.storage.base import Connection
from bot.storage.rows import loads, utcnow

CheckKind = Literal["step", "violation"]

PREVIEW_COLUMNS = ("preview", "is_preview")
"""Columns that mark a trainer's preview attempt (added by the trainer's workbench); when one
exists, such attempts are left out of every report (`ReportStore.counted`)."""

@dataclass(frozen=True, slots=True)
class Member:
    """A person as reports show them: `name` is "" once their data was deleted (`forgotten`)."""

    id: int
    name: str
    team_id: int | None
    forgotten: bool


@dataclass(frozen=True, slots=True)
class AttemptFact:
    """One counted attempt as it was stored, with the scenario version it was played on.

    `version_no` is the version's number among the stored versions of its scenario (1, 2, …);
    `title` is the scenario's title in that version."""

    id: int
    person_id: int
    team_id: int | None
    scenario_id: str
    version_id: int
    version_no: int
    version_hash: str
    title: str
    mode: str
    status: str
    score: int | None
    passed: bool | None
    outcome: str | None
    hints: int
    turns: int
    started_at: str
    finished_at: str | None
    reviewed_at: str | None = None  # when an accepted dispute last changed the score


@dataclass(frozen=True, slots=True)
class CheckFact:
    """One person's record on one check over the finished counted attempts of a period.

    Steps: `graded` = attempts whose card required the step, `missed` = those where it was not
    performed. Violations: `missed` = attempts in which it was committed (`graded` is 0: every
    finished attempt grades every violation; the caller knows how many there were)."""

    person_id: int
    team_id: int | None
    check: str
    kind: CheckKind
    graded: int
    missed: int


@dataclass(frozen=True, slots=True)
class TurnFact:
    """One stored turn of a counted attempt (client line, reply, verdicts of that reply)."""

    attempt_id: int
    idx: int
    state: str
    client_line: str
    reply_text: str
    passed_steps: list[str]
    missed_steps: list[str]
    violations: list[dict[str, Any]]
    score: int
    passed: bool
    elapsed_seconds: float | None
    created_at: str


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose attempts a query reads: the people of `team_ids`, optionally one person or one
    attempt of theirs, in the period `since <= started_at < until` (None = open)."""

    team_ids: tuple[int, ...]
    since: str | None = None
    until: str | None = None
    person_id: int | None = None
    attempt_id: int | None = None


class ReportStore(Connection):
    """HR assignments and the report queries."""

    # --- which teams an HR person reports on ---------------------------------------------------

    def assign_hr_team(self, person_id: int, team_id: int, by: int | None = None) -> bool:
        """Assign a team to an HR person; True if it was new. Writes: yes.
        Raises `StorageError` if the person or the team does not exist."""
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO hr_teams (person_id, team_id, assigned_at, assigned_by) "
                "SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM people WHERE id = ?) "
                "AND EXISTS (SELECT 1 FROM teams WHERE id = ?)",
                [person_id, team_id, utcnow(), by, person_id, team_id],
            )
            return cursor.rowcount == 1

    def untie_hr_team(self, person_id: int, team_id: int) -> bool:
        """Take a team away from an HR person; True if it was assigned. Writes: yes."""
        with self.transaction() as db:
            cursor = db.execute(
                "DELETE FROM hr_teams WHERE person_id = ? AND team_id = ?", [person_id, team_id]
            )
            return cursor.rowcount == 1

    def hr_team_ids(self, person_id: int) -> list[int]:
        """The ids of the teams assigned to an HR person, by team name. Writes: no."""
        rows = self.db.query(
            "SELECT h.team_id FROM hr_teams h JOIN teams t ON t.id = h.team_id "
            "WHERE h.person_id = ? ORDER BY t.name, t.id",
            [person_id],
        )
        return [int(r["team_id"]) for r in rows]

    # --- which attempts count ------------------------------------------------------------------

    def counted(self, alias: str = "a") -> str:
        """THE predicate of an attempt that counts in reports, as SQL over `alias`: every stored
        attempt except a trainer's preview (when the schema has a preview flag). Abandoned and
        active attempts count as what they are (never as failures); queries that need finished
        ones say `status = 'finished'` on top of this."""
        flags = [c for c in PREVIEW_COLUMNS if c in self._columns("attempts")]
        if not flags:
            return "1"
        return " AND ".join(f"coalesce({alias}.[{c}], 0) = 0" for c in flags)

    def _scope_sql(self, scope: Scope, *, finished: bool = False) -> tuple[str, list[Any]]:
        where = [self.counted("a")]
        args: list[Any] = []
        if not scope.team_ids:
            where.append("0")
        else:
            where.append(f"p.team_id IN ({', '.join('?' * len(scope.team_ids))})")
            args += list(scope.team_ids)
        if scope.person_id is not None:
            where.append("a.person_id = ?")
            args.append(scope.person_id)
        if scope.attempt_id is not None:
            where.append("a.id = ?")
            args.append(scope.attempt_id)
        if scope.since is not None:
            where.append("a.started_at >= ?")
            args.append(scope.since)
        if scope.until is not None:
            where.append("a.started_at < ?")
            args.append(scope.until)
        if finished:
            where.append("a.status = 'finished'")
        return " AND ".join(where), args

    # --- the report queries ------------------------------------------------------------------

    def members(self, team_ids: Sequence[int]) -> list[Member]:
        """The people of these teams, by name. Writes: no."""
        marks = ", ".join("?" * len(team_ids)) or "NULL"
        rows = self.db.query(
            "SELECT id, display_name, team_id, forgotten_at FROM people "
            f"WHERE team_id IN ({marks}) ORDER BY display_name, id",
            list(team_ids),
        )
        return [
            Member(r["id"], r["display_name"], r["team_id"], r["forgotten_at"] is not None)
            for r in rows
        ]

    def attempts_sql(self, scope: Scope) -> tuple[str, list[Any]]:
        """The SQL of `report_attempts` (also for `EXPLAIN QUERY PLAN`)."""
        where, args = self._scope_sql(scope)
        sql = (
            "SELECT a.id, a.person_id, p.team_id, a.scenario_id, a.scenario_version_id, a.mode, "
            "a.status, a.score, a.passed, a.outcome, a.hints_used, a.turn_count, a.started_at, "
            "a.finished_at, a.reviewed_at FROM attempts a JOIN people p ON p.id = a.person_id "
            f"WHERE {where} ORDER BY a.started_at, a.id"
        )
        return sql, args

    def report_attempts(self, scope: Scope) -> list[AttemptFact]:
        """The counted attempts in `scope`, oldest first. Writes: no."""
        versions = self._versions()
        sql, args = self.attempts_sql(scope)
        facts = []
        for r in self.db.execute(sql, args).fetchall():
            no, content_hash, title = versions.get(r[4], (0, "", None))
            facts.append(AttemptFact(
                id=r[0], person_id=r[1], team_id=r[2], scenario_id=r[3], version_id=r[4],
                version_no=no, version_hash=content_hash, title=title or r[3], mode=r[5],
                status=r[6], score=r[7], passed=None if r[8] is None else bool(r[8]),
                outcome=r[9], hints=r[10], turns=r[11], started_at=r[12], finished_at=r[13],
                reviewed_at=r[14],
            ))
        return facts

    def _versions(self) -> dict[int, tuple[int, str, str | None]]:
        """Version id -> (its number within its scenario, content hash, title)."""
        rows = self.db.execute(
            "SELECT id, content_hash, title, "
            "row_number() OVER (PARTITION BY scenario_id ORDER BY id) FROM scenario_versions"
        ).fetchall()
        return {r[0]: (r[3], r[1], r[2]) for r in rows}

    def checks_sql(self, scope: Scope) -> list[tuple[str, list[Any]]]:
        """The SQL of `report_checks`: steps, then violations (also for `EXPLAIN QUERY PLAN`).
        Grouped by check first: grouped by person first, SQLite would rather walk every
        attempt in person order than search the period."""
        where, args = self._scope_sql(scope, finished=True)
        steps = (
            "SELECT a.person_id, p.team_id, s.key, count(*), sum(s.value = 0) "
            "FROM attempts a JOIN people p ON p.id = a.person_id, json_each(a.card, '$.steps') s "
            f"WHERE {where} GROUP BY s.key, a.person_id"
        )
        violations = (
            "SELECT a.person_id, p.team_id, "
            "coalesce(json_extract(v.value, '$.check'), json_extract(v.value, '$[0]')) AS c, "
            "count(DISTINCT a.id) FROM attempts a JOIN people p ON p.id = a.person_id, "
            f"json_each(a.card, '$.violations') v WHERE {where} GROUP BY c, a.person_id"
        )
        return [(steps, args), (violations, args)]

    def report_checks(self, scope: Scope) -> list[CheckFact]:
        """Per person and check: how often it was required and missed (steps) or committed
        (violations) in the finished counted attempts of `scope`, from their score cards.
        Writes: no."""
        (steps, args), (violations, _) = self.checks_sql(scope)
        facts = [
            CheckFact(r[0], r[1], r[2], "step", r[3], r[4] or 0)
            for r in self.db.execute(steps, args).fetchall()
        ]
        facts += [
            CheckFact(r[0], r[1], r[2], "violation", 0, r[3])
            for r in self.db.execute(violations, args).fetchall()
            if r[2] is not None
        ]
        return facts

    def turns_sql(self, scope: Scope) -> tuple[str, list[Any]]:
        """The SQL of `report_turns` (also for `EXPLAIN QUERY PLAN`)."""
        where, args = self._scope_sql(scope)
        sql = (
            "SELECT t.attempt_id, t.idx, t.state, t.client_line, t.reply_text, t.passed_steps, "
            "t.missed_steps, t.violations, t.score, t.passed, t.elapsed_seconds, t.created_at "
            "FROM attempts a JOIN people p ON p.id = a.person_id "
            f"JOIN turns t ON t.attempt_id = a.id WHERE {where} "
            "ORDER BY a.started_at, a.id, t.idx"
        )
        return sql, args

    def report_turns(self, scope: Scope) -> Iterator[TurnFact]:
        """The stored turns of the counted attempts in `scope`, attempt by attempt, streamed
        (an export writes them as they come). Writes: no."""
        sql, args = self.turns_sql(scope)
        cursor = self.db.execute(sql, args)
        steps: dict[str, list[str]] = {}  # a list of steps is decoded once per distinct text

        def step_list(value: str | None) -> list[str]:
            if value is None or value == "[]":
                return []
            found = steps.get(value)
            if found is None:
                found = steps[value] = _list(value)
            return list(found)  # each fact its own list

        while rows := cursor.fetchmany(2000):
            for r in rows:
                yield TurnFact(
                    attempt_id=r[0], idx=r[1], state=r[2], client_line=r[3], reply_text=r[4],
                    passed_steps=step_list(r[5]), missed_steps=step_list(r[6]),
                    violations=_list(r[7]), score=r[8], passed=bool(r[9]),
                    elapsed_seconds=r[10], created_at=r[11],
                )

    def previews(self, scope: Scope) -> int:
        """How many preview attempts `scope` holds (left out of the figures). Writes: no."""
        flags = [c for c in PREVIEW_COLUMNS if c in self._columns("attempts")]
        if not flags:
            return 0
        where, args = self._scope_sql(scope)
        where = where.replace(self.counted("a"), "NOT (" + self.counted("a") + ")", 1)
        row = self.db.execute(
            f"SELECT count(*) FROM attempts a JOIN people p ON p.id = a.person_id WHERE {where}",
            args,
        ).fetchone()
        return int(row[0])

    def explain(self, sql: str, args: Sequence[Any]) -> list[str]:
        """`EXPLAIN QUERY PLAN` of a query, one detail line per step. Writes: no."""
        return [str(r[3]) for r in self.db.execute(f"EXPLAIN QUERY PLAN {sql}", list(args))]

    def disputes(self, attempt_id: int) -> list[dict[str, Any]] | None:
        """The disputes of one attempt as stored by the trainer's workbench (every column), or
        None when the schema has no `disputes` table. Writes: no."""
        if "attempt_id" not in self._columns("disputes"):
            return None
        order = "id" if "id" in self._columns("disputes") else "rowid"
        return list(self.db.query(
            f"SELECT * FROM disputes WHERE attempt_id = ? ORDER BY {order}", [attempt_id]
        ))

def _list(value: str | None) -> Any:
    """A stored JSON list; the empty one (most missed steps and violations) without the JSON
    decoder (a sixth of an export's time went into decoding `[]`)."""
    return [] if value is None or value == "[]" else loads(value, [])


__all__ = [
    "AttemptFact",
    "CheckFact",
    "Member",
    "ReportStore",
    "Scope",
    "TurnFact",
]
