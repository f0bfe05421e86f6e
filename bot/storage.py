"""SQLite storage through sqlite-utils: WAL mode, schema from `migrations/` applied at start.

One `Storage` owns one connection to one file. Every method is synchronous and short; a method
that writes several rows does it in one transaction. Rows come back as frozen dataclasses with JSON
columns already decoded.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from sqlite_utils import Database
from sqlite_utils.db import NotFoundError, Table

import migrations
from bot.errors import (
    AttemptNotFound,
    DuplicateEvent,
    NotFound,
    PersonNotFound,
    StorageError,
    TeamNotFound,
)

Mode = Literal["training", "exam"]
Channel = Literal["telegram", "terminal"]
Status = Literal["active", "finished", "abandoned"]

MODES: tuple[str, ...] = ("training", "exam")
CHANNELS: tuple[str, ...] = ("telegram", "terminal")
ROLES: tuple[str, ...] = ("trainee", "trainer", "hr", "admin")


def utcnow() -> str:
    """The current UTC time as an ISO-8601 string (how every timestamp is stored)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


# --- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Team:
    id: int
    name: str
    invite_code: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Person:
    id: int
    display_name: str
    telegram_id: int | None
    terminal_login: str | None
    team_id: int | None
    roles: tuple[str, ...]
    language: str
    created_at: str

    def has_role(self, role: str) -> bool:
        """Everyone is a trainee; other roles are granted (admin implies every role)."""
        return role == "trainee" or role in self.roles or "admin" in self.roles


@dataclass(frozen=True, slots=True)
class ScenarioVersion:
    id: int
    scenario_id: str
    content_hash: str
    standard_version: str
    title: str | None
    content: str
    created_at: str


@dataclass(frozen=True, slots=True)
class Attempt:
    id: int
    person_id: int
    scenario_version_id: int
    scenario_id: str
    mode: str
    channel: str
    status: str
    seed: int
    run_state: str
    current_line: dict[str, Any] | None
    turn_count: int
    hints_used: int
    score: int | None
    passed: bool | None
    outcome: str | None
    card: dict[str, Any] | None
    started_at: str
    finished_at: str | None


@dataclass(frozen=True, slots=True)
class Turn:
    id: int
    attempt_id: int
    idx: int
    state: str
    next_state: str | None
    client_line: str
    reply_text: str
    verdicts: dict[str, Any]
    passed_steps: list[str]
    missed_steps: list[str]
    violations: list[dict[str, Any]]
    score: int
    passed: bool
    too_long: bool
    elapsed_seconds: float | None
    degraded: bool
    created_at: str


@dataclass(frozen=True, slots=True)
class NewTurn:
    """What the service writes for one graded reply."""

    state: str
    client_line: str
    reply_text: str
    verdicts: dict[str, Any]
    passed_steps: Sequence[str]
    missed_steps: Sequence[str]
    violations: Sequence[dict[str, Any]]
    score: int
    passed: bool
    next_state: str | None = None
    too_long: bool = False
    elapsed_seconds: float | None = None
    degraded: bool = False


@dataclass(frozen=True, slots=True)
class Finish:
    """How an attempt ended (written together with its last turn)."""

    score: int
    passed: bool
    outcome: str | None
    card: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScenarioStats:
    """One person's results on one scenario."""

    scenario_id: str
    attempts: int
    finished: int
    best_score: int | None
    latest_score: int | None
    latest_passed: bool | None
    latest_at: str | None


def _loads(value: str | None, default: Any) -> Any:
    return default if value is None else json.loads(value)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def _team(row: dict[str, Any]) -> Team:
    return Team(row["id"], row["name"], row["invite_code"], row["created_at"])


def _person(row: dict[str, Any]) -> Person:
    return Person(
        id=row["id"],
        display_name=row["display_name"],
        telegram_id=row["telegram_id"],
        terminal_login=row["terminal_login"],
        team_id=row["team_id"],
        roles=tuple(_loads(row["roles"], [])),
        language=row["language"],
        created_at=row["created_at"],
    )


def _attempt(row: dict[str, Any]) -> Attempt:
    return Attempt(
        id=row["id"],
        person_id=row["person_id"],
        scenario_version_id=row["scenario_version_id"],
        scenario_id=row["scenario_id"],
        mode=row["mode"],
        channel=row["channel"],
        status=row["status"],
        seed=row["seed"],
        run_state=row["run_state"],
        current_line=_loads(row["current_line"], None),
        turn_count=row["turn_count"],
        hints_used=row["hints_used"],
        score=row["score"],
        passed=_bool(row["passed"]),
        outcome=row["outcome"],
        card=_loads(row["card"], None),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
    )


def _turn(row: dict[str, Any]) -> Turn:
    return Turn(
        id=row["id"],
        attempt_id=row["attempt_id"],
        idx=row["idx"],
        state=row["state"],
        next_state=row["next_state"],
        client_line=row["client_line"],
        reply_text=row["reply_text"],
        verdicts=_loads(row["verdicts"], {}),
        passed_steps=_loads(row["passed_steps"], []),
        missed_steps=_loads(row["missed_steps"], []),
        violations=_loads(row["violations"], []),
        score=row["score"],
        passed=bool(row["passed"]),
        too_long=bool(row["too_long"]),
        elapsed_seconds=row["elapsed_seconds"],
        degraded=bool(row["degraded"]),
        created_at=row["created_at"],
    )


class Storage:
    """The application's SQLite database (WAL mode, migrated on open).

    `Storage(db_path)` creates the parent folder and the file if needed, turns on WAL mode and
    foreign keys, and applies pending migrations. Raises `StorageError` if the file cannot be
    opened or migrated. Use as a context manager or call `close()`.
    """

    def __init__(self, db_path: str | Path, *, busy_timeout_ms: int = 5000) -> None:
        self.path = Path(db_path)
        try:
            if str(db_path) != ":memory:":
                self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(db_path), check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise StorageError(f"cannot open database {db_path}: {exc}") from exc
        self._lock = threading.RLock()
        try:
            self.db = Database(conn)
            self.db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            self.db.execute("PRAGMA foreign_keys = ON")
            if str(db_path) != ":memory:":
                self.db.enable_wal()
            self.applied_migrations = migrations.apply(self.db)
        except sqlite3.Error as exc:
            conn.close()
            raise StorageError(f"cannot prepare database {db_path}: {exc}") from exc

    # --- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection. Writes: no. Safe to call twice."""
        self.db.close()

    def __enter__(self) -> Storage:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One transaction (nested calls become savepoints); rolled back on any exception."""
        with self._lock, self.db.atomic() as db:
            yield db

    @property
    def journal_mode(self) -> str:
        """`wal` for a file database. Writes: no."""
        return str(self.db.journal_mode)

    def _table(self, name: str) -> Table:
        return self.db.table(name)

    @staticmethod
    def _last_id(table: Table) -> int:
        if table.last_pk is None:
            raise StorageError(f"insert into {table.name} returned no id")
        return int(table.last_pk)

    # --- teams -------------------------------------------------------------------------------

    def create_team(self, name: str, invite_code: str | None = None) -> Team:
        """Create a team with a fresh (or the given) invite code. Writes: yes.

        Raises `StorageError` if the invite code is already taken.
        """
        code = invite_code or secrets.token_urlsafe(6).replace("-", "x").replace("_", "y")
        try:
            with self.transaction():
                table = self._table("teams")
                table.insert({"name": name, "invite_code": code, "created_at": utcnow()})
                team_id = self._last_id(table)
        except sqlite3.IntegrityError as exc:
            raise StorageError(f"invite code {code!r} is taken") from exc
        return self.get_team(int(team_id))

    def get_team(self, team_id: int) -> Team:
        """The team with this id. Writes: no. Raises `TeamNotFound`."""
        try:
            return _team(self._table("teams").get(team_id))
        except NotFoundError as exc:
            raise TeamNotFound(f"team {team_id} not found") from exc

    def team_by_invite(self, invite_code: str) -> Team | None:
        """The team with this invite code, or None. Writes: no."""
        rows = list(self._table("teams").rows_where("invite_code = ?", [invite_code], limit=1))
        return _team(rows[0]) if rows else None

    def list_teams(self) -> list[Team]:
        """Every team, by name. Writes: no."""
        return [_team(r) for r in self._table("teams").rows_where(order_by="name")]

    # --- people ------------------------------------------------------------------------------

    def create_person(
        self,
        display_name: str,
        *,
        telegram_id: int | None = None,
        terminal_login: str | None = None,
        team_id: int | None = None,
        roles: Iterable[str] = (),
        language: str = "ru",
    ) -> Person:
        """Create a person. Writes: yes.

        Raises `ValueError` for an unknown role, `StorageError` if the Telegram id or terminal
        login is already registered or the team does not exist.
        """
        role_list = self._check_roles(roles)
        try:
            with self.transaction():
                table = self._table("people")
                table.insert(
                    {
                        "display_name": display_name,
                        "telegram_id": telegram_id,
                        "terminal_login": terminal_login,
                        "team_id": team_id,
                        "roles": _dumps(role_list),
                        "language": language,
                        "created_at": utcnow(),
                    }
                )
                person_id = self._last_id(table)
        except sqlite3.IntegrityError as exc:
            raise StorageError(f"cannot create person {display_name!r}: {exc}") from exc
        return self.get_person(int(person_id))

    def get_person(self, person_id: int) -> Person:
        """The person with this id. Writes: no. Raises `PersonNotFound`."""
        try:
            return _person(self._table("people").get(person_id))
        except NotFoundError as exc:
            raise PersonNotFound(f"person {person_id} not found") from exc

    def person_by_telegram(self, telegram_id: int) -> Person | None:
        """The person registered with this Telegram user id, or None. Writes: no."""
        rows = list(self._table("people").rows_where("telegram_id = ?", [telegram_id], limit=1))
        return _person(rows[0]) if rows else None

    def terminal_person(self, login: str, display_name: str | None = None) -> Person:
        """The terminal user with this login, created on first use. Writes: only when creating."""
        rows = list(self._table("people").rows_where("terminal_login = ?", [login], limit=1))
        if rows:
            return _person(rows[0])
        return self.create_person(display_name or login, terminal_login=login)

    def update_person(
        self,
        person_id: int,
        *,
        display_name: str | None = None,
        team_id: int | None = None,
        language: str | None = None,
    ) -> Person:
        """Change a person's name, team or language (None = keep). Writes: yes.

        Raises `PersonNotFound`, `StorageError` if the team does not exist.
        """
        self.get_person(person_id)
        changes: dict[str, Any] = {}
        if display_name is not None:
            changes["display_name"] = display_name
        if team_id is not None:
            changes["team_id"] = team_id
        if language is not None:
            changes["language"] = language
        if changes:
            try:
                with self.transaction():
                    self._table("people").update(person_id, changes)
            except sqlite3.IntegrityError as exc:
                raise StorageError(f"cannot update person {person_id}: {exc}") from exc
        return self.get_person(person_id)

    def set_roles(self, person_id: int, roles: Iterable[str]) -> Person:
        """Replace a person's granted roles. Writes: yes. Raises `PersonNotFound`, `ValueError`."""
        role_list = self._check_roles(roles)
        self.get_person(person_id)
        with self.transaction():
            self._table("people").update(person_id, {"roles": _dumps(role_list)})
        return self.get_person(person_id)

    def grant_role(self, person_id: int, role: str) -> Person:
        """Add one role. Writes: yes. Raises `PersonNotFound`, `ValueError` for an unknown role."""
        person = self.get_person(person_id)
        return self.set_roles(person_id, [*person.roles, role])

    def list_people(self, team_id: int | None = None) -> list[Person]:
        """Everyone (or one team's members), by name. Writes: no."""
        where, args = ("team_id = ?", [team_id]) if team_id is not None else (None, None)
        rows = self._table("people").rows_where(where, args, order_by="display_name, id")
        return [_person(r) for r in rows]

    @staticmethod
    def _check_roles(roles: Iterable[str]) -> list[str]:
        result: list[str] = []
        for role in roles:
            if role not in ROLES:
                raise ValueError(f"unknown role {role!r}; known: {', '.join(ROLES)}")
            if role != "trainee" and role not in result:
                result.append(role)
        return sorted(result)

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
        mode: str,
        channel: str,
        seed: int,
        run_state: str,
        current_line: dict[str, Any] | None,
        abandon_active: bool = False,
    ) -> int:
        """Create an active attempt; return its id. Writes: yes.

        With `abandon_active`, a still-active attempt of the same person is marked abandoned in
        the same transaction. Raises `ValueError` for an unknown mode/channel, `StorageError` if
        the person already has an active attempt (and `abandon_active` is false) or a referenced
        row does not exist.
        """
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        if channel not in CHANNELS:
            raise ValueError(f"unknown channel {channel!r}")
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
                        "current_line": None if current_line is None else _dumps(current_line),
                        "turn_count": 0,
                        "hints_used": 0,
                        "started_at": now,
                    }
                )
                return self._last_id(table)
        except sqlite3.IntegrityError as exc:
            raise StorageError(f"cannot create attempt for person {person_id}: {exc}") from exc

    def get_attempt(self, attempt_id: int) -> Attempt:
        """The attempt with this id. Writes: no. Raises `AttemptNotFound`."""
        try:
            return _attempt(self._table("attempts").get(attempt_id))
        except NotFoundError as exc:
            raise AttemptNotFound(f"attempt {attempt_id} not found") from exc

    def active_attempt(self, person_id: int) -> Attempt | None:
        """The person's active attempt, or None. Writes: no."""
        rows = list(
            self._table("attempts").rows_where(
                "person_id = ? AND status = 'active'", [person_id], limit=1
            )
        )
        return _attempt(rows[0]) if rows else None

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
        turn's id. Writes: yes.

        With `event` (kind, key) — e.g. ("update", update_id) — the event is recorded as processed
        in the same transaction; if it already was, nothing is written and `DuplicateEvent` is
        raised, so a redelivered message is never graded twice and never lost.

        The write happens only if the attempt is still active and has exactly
        `expected_turn_count` turns (optimistic check); otherwise nothing is written and
        `StorageError` is raised (`AttemptNotFound` if there is no such attempt). With `finish`,
        the attempt is closed as finished with its score, outcome and card.
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
            changes: dict[str, Any] = {
                "run_state": run_state,
                "current_line": None if current_line is None else _dumps(current_line),
                "turn_count": expected_turn_count + 1,
            }
            if finish is not None:
                changes |= {
                    "status": "finished",
                    "score": finish.score,
                    "passed": int(finish.passed),
                    "outcome": finish.outcome,
                    "card": _dumps(finish.card),
                    "finished_at": now,
                }
            assignments = ", ".join(f"[{k}] = :{k}" for k in changes)
            cursor = db.execute(
                f"UPDATE attempts SET {assignments} "
                "WHERE id = :attempt_id AND status = 'active' AND turn_count = :expected",
                {**changes, "attempt_id": attempt_id, "expected": expected_turn_count},
            )
            if cursor.rowcount != 1:
                attempt = self.get_attempt(attempt_id)  # raises AttemptNotFound
                raise StorageError(
                    f"attempt {attempt_id} is {attempt.status} with {attempt.turn_count} turns, "
                    f"expected active with {expected_turn_count}"
                )
            table = self._table("turns")
            table.insert(
                {
                    "attempt_id": attempt_id,
                    "idx": expected_turn_count,
                    "state": turn.state,
                    "next_state": turn.next_state,
                    "client_line": turn.client_line,
                    "reply_text": turn.reply_text,
                    "verdicts": _dumps(turn.verdicts),
                    "passed_steps": _dumps(list(turn.passed_steps)),
                    "missed_steps": _dumps(list(turn.missed_steps)),
                    "violations": _dumps(list(turn.violations)),
                    "score": turn.score,
                    "passed": int(turn.passed),
                    "too_long": int(turn.too_long),
                    "elapsed_seconds": turn.elapsed_seconds,
                    "degraded": int(turn.degraded),
                    "created_at": now,
                }
            )
            return self._last_id(table)

    def abandon_attempt(
        self,
        attempt_id: int,
        *,
        score: int | None = None,
        run_state: str | None = None,
        card: dict[str, Any] | None = None,
    ) -> bool:
        """Mark an active attempt abandoned (optionally with its score so far, the closed
        snapshot and card); return False if it was not active. Writes: yes.

        Raises `AttemptNotFound`.
        """
        changes: dict[str, Any] = {"status": "abandoned", "finished_at": utcnow(), "passed": 0}
        if score is not None:
            changes["score"] = score
        if run_state is not None:
            changes["run_state"] = run_state
        if card is not None:
            changes["card"] = _dumps(card)
        assignments = ", ".join(f"[{k}] = :{k}" for k in changes)
        with self.transaction() as db:
            cursor = db.execute(
                f"UPDATE attempts SET {assignments} WHERE id = :attempt_id AND status = 'active'",
                {**changes, "attempt_id": attempt_id},
            )
            if cursor.rowcount == 0:
                self.get_attempt(attempt_id)
                return False
            return True

    def add_hint(self, attempt_id: int) -> int:
        """Count one more hint on an active attempt; return the new count. Writes: yes.

        Raises `AttemptNotFound`; `StorageError` if the attempt is not active.
        """
        with self.transaction() as db:
            cursor = db.execute(
                "UPDATE attempts SET hints_used = hints_used + 1 "
                "WHERE id = ? AND status = 'active'",
                [attempt_id],
            )
            attempt = self.get_attempt(attempt_id)
            if cursor.rowcount == 0:
                raise StorageError(f"attempt {attempt_id} is {attempt.status}")
            return attempt.hints_used

    def list_attempts(
        self,
        person_id: int,
        *,
        scenario_id: str | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> list[Attempt]:
        """A person's attempts, newest first, optionally filtered. Writes: no."""
        where = ["person_id = ?"]
        args: list[Any] = [person_id]
        if scenario_id is not None:
            where.append("scenario_id = ?")
            args.append(scenario_id)
        if status is not None:
            where.append("status = ?")
            args.append(status)
        rows = self._table("attempts").rows_where(
            " AND ".join(where), args, order_by="id DESC", limit=limit
        )
        return [_attempt(r) for r in rows]

    def turns(self, attempt_id: int) -> list[Turn]:
        """An attempt's turns in order. Writes: no."""
        rows = self._table("turns").rows_where("attempt_id = ?", [attempt_id], order_by="idx")
        return [_turn(r) for r in rows]

    def scenario_stats(self, person_id: int) -> list[ScenarioStats]:
        """Per scenario: attempts, finished, best and latest finished score. Writes: no."""
        rows = self.db.query(
            """
            SELECT a.scenario_id,
                   count(*) AS attempts,
                   sum(a.status = 'finished') AS finished,
                   max(CASE WHEN a.status = 'finished' THEN a.score END) AS best_score,
                   (SELECT l.score FROM attempts l
                     WHERE l.person_id = a.person_id AND l.scenario_id = a.scenario_id
                       AND l.status = 'finished' ORDER BY l.id DESC LIMIT 1) AS latest_score,
                   (SELECT l.passed FROM attempts l
                     WHERE l.person_id = a.person_id AND l.scenario_id = a.scenario_id
                       AND l.status = 'finished' ORDER BY l.id DESC LIMIT 1) AS latest_passed,
                   (SELECT l.finished_at FROM attempts l
                     WHERE l.person_id = a.person_id AND l.scenario_id = a.scenario_id
                       AND l.status = 'finished' ORDER BY l.id DESC LIMIT 1) AS latest_at
              FROM attempts a
             WHERE a.person_id = ?
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
                latest_passed=_bool(r["latest_passed"]),
                latest_at=r["latest_at"],
            )
            for r in rows
        ]

    def missed_checks(self, person_id: int, limit: int = 5) -> list[tuple[str, int]]:
        """The step checks this person missed most often over all graded turns, with counts,
        most missed first (ties by check id). Writes: no."""
        rows = self.db.query(
            """
            SELECT m.value AS check_id, count(*) AS n
              FROM turns t
              JOIN attempts a ON a.id = t.attempt_id
              JOIN json_each(t.missed_steps) m
             WHERE a.person_id = ?
             GROUP BY m.value
             ORDER BY n DESC, check_id
             LIMIT ?
            """,
            [person_id, limit],
        )
        return [(r["check_id"], r["n"]) for r in rows]

    # --- idempotency -------------------------------------------------------------------------

    def mark_processed(self, kind: str, key: str | int) -> bool:
        """Record that an event (e.g. kind "update", key = update_id; kind "callback", key =
        callback query id) is being handled. Return True the first time, False if it was
        already recorded — the caller then skips it. Writes: yes (first time only).
        """
        with self.transaction() as db:
            cursor = db.execute(
                "INSERT OR IGNORE INTO processed_events (kind, key, processed_at) VALUES (?, ?, ?)",
                [kind, str(key), utcnow()],
            )
            return cursor.rowcount == 1

    def is_processed(self, kind: str, key: str | int) -> bool:
        """Whether the event was recorded by `mark_processed`. Writes: no."""
        rows = self.db.query(
            "SELECT 1 FROM processed_events WHERE kind = ? AND key = ?", [kind, str(key)]
        )
        return any(True for _ in rows)

    def prune_processed(self, older_than: timedelta) -> int:
        """Forget idempotency records older than `older_than`; return how many. Writes: yes."""
        cutoff = (datetime.now(UTC) - older_than).isoformat(timespec="microseconds")
        with self.transaction() as db:
            cursor = db.execute("DELETE FROM processed_events WHERE processed_at < ?", [cutoff])
            return cursor.rowcount

    # --- aiogram FSM rows (used by bot/fsm_storage.py) ---------------------------------------

    def fsm_get(self, key: str) -> tuple[str | None, dict[str, Any]]:
        """The FSM state and data stored under `key` ((None, {}) if none). Writes: no."""
        rows = list(self._table("fsm_states").rows_where("key = ?", [key], limit=1))
        if not rows:
            return None, {}
        return rows[0]["state"], _loads(rows[0]["data"], {})

    def fsm_set_state(self, key: str, state: str | None) -> None:
        """Set the FSM state under `key` (data kept). Writes: yes."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO fsm_states (key, state, data, updated_at) VALUES (?, ?, '{}', ?) "
                "ON CONFLICT(key) DO UPDATE SET state = excluded.state, "
                "updated_at = excluded.updated_at",
                [key, state, utcnow()],
            )

    def fsm_set_data(self, key: str, data: dict[str, Any]) -> None:
        """Replace the FSM data under `key` (state kept). Writes: yes.

        Raises `TypeError` if the data is not JSON-serialisable.
        """
        payload = _dumps(data)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO fsm_states (key, state, data, updated_at) VALUES (?, NULL, ?, ?) "
                "ON CONFLICT(key) DO UPDATE SET data = excluded.data, "
                "updated_at = excluded.updated_at",
                [key, payload, utcnow()],
            )
