"""Rows as frozen dataclasses (JSON columns decoded) and the mappers from sqlite-utils dicts.

The mappers are written out field by field on purpose: a column renamed in a migration then
fails loudly here, not somewhere far away with a KeyError.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

Mode = Literal["training", "exam"]
Channel = Literal["telegram", "terminal"]
"""The door an attempt was played through (not the scenario's phone/office/chat channel)."""
Status = Literal["active", "finished", "abandoned"]
Role = Literal["trainee", "trainer", "hr", "admin"]

MODES: tuple[Mode, ...] = ("training", "exam")
CHANNELS: tuple[Channel, ...] = ("telegram", "terminal")
ROLES: tuple[Role, ...] = ("trainee", "trainer", "hr", "admin")


def utcnow() -> str:
    """The current UTC time as an ISO-8601 string (how every timestamp is stored)."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


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
    mode: Mode
    channel: Channel
    status: Status
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
    line_shown_at: str | None = None
    undelivered: bool = False
    formula: int | None = None
    preview: bool = False
    """A trainer's preview run: stored like any attempt, counted by no report."""
    reviewed_at: str | None = None
    """When an accepted dispute last changed the score (None: never reviewed)."""
    original_score: int | None = None
    """The score before the first accepted dispute changed it."""


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
    spoken: bool = False
    flags: list[str] = field(default_factory=list)
    judge: dict[str, Any] | None = None


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
    spoken: bool = False
    flags: Sequence[str] = ()
    judge: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class LLMCall:
    """One stored LLM / speech call of an attempt's turn (`turn_idx` None: at the start)."""

    id: int
    attempt_id: int
    turn_idx: int | None
    purpose: str
    model: str
    prompt_version: str | None
    prompt_tokens: int | None
    completion_tokens: int | None
    latency_ms: int
    outcome: str
    attempts: int
    created_at: str


@dataclass(frozen=True, slots=True)
class Finish:
    """How an attempt ended (written together with its last turn)."""

    score: int
    passed: bool
    outcome: str | None
    card: dict[str, Any] = field(default_factory=dict)
    formula: int | None = None


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


Source = Literal["seed", "telegram", "terminal"]
"""Where a published version came from: the shipped library (or SCENARIOS_PATH), or a door."""
DisputeStatus = Literal["open", "accepted", "rejected"]
DISPUTE_STATUSES: tuple[DisputeStatus, ...] = ("open", "accepted", "rejected")


@dataclass(frozen=True, slots=True)
class PublishedScenario:
    """One published version of a scenario (every version is kept)."""

    id: int
    scenario_id: str
    number: int
    content_hash: str
    title: str
    kind: str
    file_name: str
    yaml: str
    content: str
    source: Source
    published_by: int | None
    published_by_name: str | None
    published_at: str
    warnings: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class LibraryEntry:
    """One scenario of the published library: its current version and whether trainees see it."""

    scenario_id: str
    enabled: bool
    current: PublishedScenario
    versions: int
    changed_by: int | None
    changed_at: str


@dataclass(frozen=True, slots=True)
class PublishedStandard:
    id: int
    number: int
    version: str
    name: str
    file_name: str
    yaml: str
    source: Source
    published_by: int | None
    published_by_name: str | None
    published_at: str


@dataclass(frozen=True, slots=True)
class Dispute:
    """A trainee contesting one verdict of one turn, and the trainer's ruling."""

    id: int
    attempt_id: int
    turn_id: int
    turn_idx: int
    check_id: str
    original: bool
    comment: str | None
    status: DisputeStatus
    opened_by: int
    opened_at: str
    ruled_by: int | None
    ruled_at: str | None
    scenario_id: str
    person_name: str | None
    ruled_by_name: str | None

    @property
    def value(self) -> bool:
        """The verdict that stands: flipped when the dispute was accepted."""
        return (not self.original) if self.status == "accepted" else self.original


@dataclass(frozen=True, slots=True)
class AttemptPath:
    """One stored attempt of a scenario as the trainer's statistics read it."""

    attempt_id: int
    status: Status
    outcome: str | None
    passed: bool | None
    hints_used: int
    scenario_version_id: int


@dataclass(frozen=True, slots=True)
class TurnStep:
    """One graded reply of an attempt as the trainer's statistics read it."""

    attempt_id: int
    idx: int
    state: str
    next_state: str | None
    passed: bool
    missed_steps: list[str]
    violations: list[str]
    elapsed_seconds: float | None


def loads(value: str | None, default: Any) -> Any:
    return default if value is None else json.loads(value)


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def as_bool(value: int | None) -> bool | None:
    return None if value is None else bool(value)


def team_from(row: dict[str, Any]) -> Team:
    return Team(row["id"], row["name"], row["invite_code"], row["created_at"])


def person_from(row: dict[str, Any]) -> Person:
    return Person(
        id=row["id"],
        display_name=row["display_name"],
        telegram_id=row["telegram_id"],
        terminal_login=row["terminal_login"],
        team_id=row["team_id"],
        roles=tuple(loads(row["roles"], [])),
        language=row["language"],
        created_at=row["created_at"],
    )


def attempt_from(row: dict[str, Any]) -> Attempt:
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
        current_line=loads(row["current_line"], None),
        turn_count=row["turn_count"],
        hints_used=row["hints_used"],
        score=row["score"],
        passed=as_bool(row["passed"]),
        outcome=row["outcome"],
        card=loads(row["card"], None),
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        line_shown_at=row.get("line_shown_at"),
        undelivered=bool(row.get("undelivered")),
        formula=row.get("formula"),
        preview=bool(row.get("preview") or 0),
        reviewed_at=row.get("reviewed_at"),
        original_score=row.get("original_score"),
    )


def turn_from(row: dict[str, Any]) -> Turn:
    return Turn(
        id=row["id"],
        attempt_id=row["attempt_id"],
        idx=row["idx"],
        state=row["state"],
        next_state=row["next_state"],
        client_line=row["client_line"],
        reply_text=row["reply_text"],
        verdicts=loads(row["verdicts"], {}),
        passed_steps=loads(row["passed_steps"], []),
        missed_steps=loads(row["missed_steps"], []),
        violations=loads(row["violations"], []),
        score=row["score"],
        passed=bool(row["passed"]),
        too_long=bool(row["too_long"]),
        elapsed_seconds=row["elapsed_seconds"],
        degraded=bool(row["degraded"]),
        created_at=row["created_at"],
        spoken=bool(row["spoken"]),
        flags=loads(row["flags"], []),
        judge=loads(row["judge"], None),
    )


def llm_call_from(row: dict[str, Any]) -> LLMCall:
    return LLMCall(
        id=row["id"],
        attempt_id=row["attempt_id"],
        turn_idx=row["turn_idx"],
        purpose=row["purpose"],
        model=row["model"],
        prompt_version=row["prompt_version"],
        prompt_tokens=row["prompt_tokens"],
        completion_tokens=row["completion_tokens"],
        latency_ms=row["latency_ms"],
        outcome=row["outcome"],
        attempts=row["attempts"],
        created_at=row["created_at"],
    )




def published_from(row: dict[str, Any]) -> PublishedScenario:
    return PublishedScenario(
        id=row["id"],
        scenario_id=row["scenario_id"],
        number=row["number"],
        content_hash=row["content_hash"],
        title=row["title"],
        kind=row["kind"],
        file_name=row["file_name"],
        yaml=row["yaml"],
        content=row["content"],
        source=row["source"],
        published_by=row["published_by"],
        published_by_name=row.get("published_by_name"),
        published_at=row["published_at"],
        warnings=loads(row["warnings"], []),
    )


def standard_from(row: dict[str, Any]) -> PublishedStandard:
    return PublishedStandard(
        id=row["id"],
        number=row["number"],
        version=row["version"],
        name=row["name"],
        file_name=row["file_name"],
        yaml=row["yaml"],
        source=row["source"],
        published_by=row["published_by"],
        published_by_name=row.get("published_by_name"),
        published_at=row["published_at"],
    )


def dispute_from(row: dict[str, Any]) -> Dispute:
    return Dispute(
        id=row["id"],
        attempt_id=row["attempt_id"],
        turn_id=row["turn_id"],
        turn_idx=row["turn_idx"],
        check_id=row["check_id"],
        original=bool(row["original"]),
        comment=row["comment"],
        status=row["status"],
        opened_by=row["opened_by"],
        opened_at=row["opened_at"],
        ruled_by=row["ruled_by"],
        ruled_at=row["ruled_at"],
        scenario_id=row["scenario_id"],
        person_name=row.get("person_name"),
        ruled_by_name=row.get("ruled_by_name"),
    )
