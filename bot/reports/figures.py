"""The report's figures, computed from the stored facts the service hands over (pure: no I/O).

Definitions (docs/REPORTS.md says the same for HR):
- an attempt counts when `ReportStore.counted` says so (a trainer's preview does not); it is
  *completed* when finished, *abandoned* when the trainee left it; an active one is *in progress*.
  Abandoned and active attempts are never failures: pass rate and average score are over
  completed attempts only.
- *pass rate* = passed / completed; *completion* = completed / attempts;
- *first-to-best lift* = the mean, over each person and scenario with at least two completed
  attempts in the period, of best score − first score;
- *time per run* = finished − started of a completed attempt (the median is shown);
- a *step* is missed in a completed attempt when its score card (whole-conversation credit) has
  it false; a *violation* is "missed" when committed; its rate is over the completed attempts.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.reports.period import Period
from bot.storage import Turn
from bot.storage.reports import AttemptFact, CheckFact, Member


@dataclass(frozen=True, slots=True)
class TeamRef:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class CheckInfo:
    """How the standard names a check and what it recommends saying (labels, not numbers)."""

    title: str
    kind: str
    recommended: str | None


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything one report is computed from, as the service read it."""

    period: Period
    teams: tuple[TeamRef, ...]
    members: tuple[Member, ...]
    attempts: tuple[AttemptFact, ...]
    checks: tuple[CheckFact, ...]
    previous: tuple[AttemptFact, ...] | None
    """The attempts of the period before (None when there is none: all time)."""
    previews: int
    check_info: Mapping[str, CheckInfo]


@dataclass(frozen=True, slots=True)
class KeyFigures:
    people_active: int
    people_total: int
    attempts: int
    completed: int
    abandoned: int
    in_progress: int
    passed: int
    pass_rate: float | None
    avg_score: float | None
    lift: float | None
    median_seconds: float | None
    hints: int


@dataclass(frozen=True, slots=True)
class PersonRow:
    member: Member
    team: TeamRef
    attempts: int
    completed: int
    abandoned: int
    passed: int
    first_score: int | None
    best_score: int | None
    avg_score: float | None
    hints: int
    last_at: str | None

    @property
    def pass_rate(self) -> float | None:
        return _rate(self.passed, self.completed)


@dataclass(frozen=True, slots=True)
class ScenarioRow:
    scenario_id: str
    title: str
    versions: tuple[int, ...]
    attempts: int
    completed: int
    passed: int
    avg_score: float | None

    @property
    def completion_rate(self) -> float | None:
        return _rate(self.completed, self.attempts)

    @property
    def pass_rate(self) -> float | None:
        return _rate(self.passed, self.completed)


@dataclass(frozen=True, slots=True)
class CheckRow:
    check: str
    title: str
    kind: str
    missed: int
    graded: int
    recommended: str | None

    @property
    def rate(self) -> float | None:
        return _rate(self.missed, self.graded)


@dataclass(frozen=True, slots=True)
class PersonChecks:
    """One person's row of the heatmap: step check -> (missed, graded)."""

    member: Member
    cells: Mapping[str, tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Summary:
    """The figures of one group of people (a team, or every team of the report)."""

    figures: KeyFigures
    previous: KeyFigures | None
    people: tuple[PersonRow, ...]
    scenarios: tuple[ScenarioRow, ...]
    checks: tuple[CheckRow, ...]
    """Every check graded or committed, most missed first."""
    not_trained: tuple[Member, ...]
    heat: tuple[PersonChecks, ...]
    """Step checks per person (people with completed attempts, most missing first)."""
    series: tuple[tuple[date, float, int], ...]
    """(bucket start, average score, completed attempts) over time."""

    def top_checks(self, n: int = 5) -> list[CheckRow]:
        """The `n` checks missed most (by count, then rate); checks never missed are left out."""
        return [c for c in self.checks if c.missed][:n]


@dataclass(frozen=True, slots=True)
class TeamReport:
    team: TeamRef
    summary: Summary


@dataclass(frozen=True, slots=True)
class Report:
    """A report over one or more teams for one period."""

    period: Period
    teams: tuple[TeamReport, ...]
    overall: Summary
    attempts: tuple[AttemptFact, ...]
    members: Mapping[int, Member]
    team_of: Mapping[int, TeamRef]
    """Person id -> their team."""
    previews: int
    check_facts: tuple[CheckFact, ...]
    check_info: Mapping[str, CheckInfo]

    def team(self, team_id: int) -> TeamReport:
        """The part of one team. Raises `KeyError` if the report does not cover it."""
        for part in self.teams:
            if part.team.id == team_id:
                return part
        raise KeyError(team_id)


@dataclass(frozen=True, slots=True)
class PersonReport:
    """One person's attempts in a period (newest first) and their row of the report."""

    period: Period
    team: TeamRef
    row: PersonRow
    attempts: tuple[AttemptFact, ...]


@dataclass(frozen=True, slots=True)
class Transcript:
    """One attempt as stored: its turns, the card's steps and violations, its disputes (None when
    the schema has no disputes)."""

    attempt: AttemptFact
    member: Member
    team: TeamRef
    turns: tuple[Turn, ...]
    steps: dict[str, bool]
    violations: tuple[tuple[str, str], ...]
    disputes: tuple[dict[str, Any], ...] | None
    tz: ZoneInfo


def build(data: ReportData) -> Report:
    """Compute the report of `data` (pure)."""
    teams = {t.id: t for t in data.teams}
    team_of = {m.id: teams[m.team_id] for m in data.members if m.team_id in teams}
    members = [m for m in data.members if m.id in team_of]
    attempts = [a for a in data.attempts if a.person_id in team_of]
    checks = [c for c in data.checks if c.person_id in team_of]
    previous = None if data.previous is None else [
        a for a in data.previous if a.person_id in team_of]
    parts = []
    grouped = [_by_team(rows) for rows in (members, attempts, checks, previous or [])]
    for team in data.teams:
        m, a, c, p = (group.get(team.id, []) for group in grouped)
        parts.append(TeamReport(team, summarize(data, m, a, c, None if previous is None else p,
                                                team_of)))
    return Report(
        period=data.period,
        teams=tuple(parts),
        overall=summarize(data, members, attempts, checks, previous, team_of),
        attempts=tuple(attempts),
        members={m.id: m for m in data.members},
        team_of=team_of,
        previews=data.previews,
        check_facts=tuple(checks),
        check_info=data.check_info,
    )


def _by_team(rows: Sequence[Member | AttemptFact | CheckFact]) -> dict[int | None, list[Any]]:
    grouped: dict[int | None, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row.team_id].append(row)
    return grouped


def person_checks(report: Report) -> dict[int, list[CheckRow]]:
    """Per person: their record on every check they were graded on or committed, most missed
    first (grouped once: a company has thousands of people)."""
    facts: dict[int, list[CheckFact]] = defaultdict(list)
    attempts: dict[int, list[AttemptFact]] = defaultdict(list)
    for fact in report.check_facts:
        facts[fact.person_id].append(fact)
    for attempt in report.attempts:
        attempts[attempt.person_id].append(attempt)
    return {person: _check_rows(rows, attempts[person], report.check_info)
            for person, rows in facts.items()}


def summarize(
    data: ReportData,
    members: Sequence[Member],
    attempts: Sequence[AttemptFact],
    checks: Sequence[CheckFact],
    previous: Sequence[AttemptFact] | None,
    team_of: Mapping[int, TeamRef],
) -> Summary:
    """The figures of one group of people: `members` and their attempts, check records and
    attempts of the period before (pure)."""
    by_person: dict[int, list[AttemptFact]] = defaultdict(list)
    for attempt in attempts:
        by_person[attempt.person_id].append(attempt)
    return Summary(
        figures=key_figures(len(members), attempts),
        previous=None if previous is None else key_figures(len(members), previous),
        people=tuple(_person_row(m, team_of[m.id], by_person.get(m.id, [])) for m in members),
        scenarios=tuple(_scenario_rows(attempts)),
        checks=tuple(_check_rows(checks, attempts, data.check_info)),
        not_trained=tuple(m for m in members if m.id not in by_person),
        heat=tuple(_heat(members, checks)),
        series=tuple(_series(attempts, data.period)),
    )


def key_figures(people_total: int, attempts: Sequence[AttemptFact]) -> KeyFigures:
    """The strip of key figures over `attempts` of a group of `people_total` people."""
    done = _completed(attempts)
    scores = [a.score for a in done if a.score is not None]
    passed = sum(1 for a in done if a.passed)
    durations = [_seconds(a) for a in done]
    known = [d for d in durations if d is not None]
    return KeyFigures(
        people_active=len({a.person_id for a in attempts}),
        people_total=people_total,
        attempts=len(attempts),
        completed=len(done),
        abandoned=sum(1 for a in attempts if a.status == "abandoned"),
        in_progress=sum(1 for a in attempts if a.status == "active"),
        passed=passed,
        pass_rate=_rate(passed, len(done)),
        avg_score=_mean(scores),
        lift=_lift(done),
        median_seconds=statistics.median(known) if known else None,
        hints=sum(a.hints for a in attempts),
    )


def _completed(attempts: Iterable[AttemptFact]) -> list[AttemptFact]:
    return [a for a in attempts if a.status == "finished"]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _seconds(attempt: AttemptFact) -> float | None:
    if attempt.finished_at is None:
        return None
    started = datetime.fromisoformat(attempt.started_at)
    finished = datetime.fromisoformat(attempt.finished_at)
    return max(0.0, (finished - started).total_seconds())


def _lift(done: Sequence[AttemptFact]) -> float | None:
    """Mean of best − first over (person, scenario) pairs with two or more completed attempts."""
    runs: dict[tuple[int, str], list[int]] = defaultdict(list)
    for attempt in sorted(done, key=lambda a: (a.started_at, a.id)):
        if attempt.score is not None:
            runs[(attempt.person_id, attempt.scenario_id)].append(attempt.score)
    lifts = [max(scores) - scores[0] for scores in runs.values() if len(scores) >= 2]
    return _mean(lifts)


def _person_row(member: Member, team: TeamRef, attempts: Sequence[AttemptFact]) -> PersonRow:
    done = [a for a in _completed(attempts) if a.score is not None]
    scores = [a.score for a in done if a.score is not None]
    return PersonRow(
        member=member,
        team=team,
        attempts=len(attempts),
        completed=len(_completed(attempts)),
        abandoned=sum(1 for a in attempts if a.status == "abandoned"),
        passed=sum(1 for a in attempts if a.status == "finished" and a.passed),
        first_score=done[0].score if done else None,
        best_score=max(scores) if scores else None,
        avg_score=_mean(scores),
        hints=sum(a.hints for a in attempts),
        last_at=max((a.started_at for a in attempts), default=None),
    )


def _scenario_rows(attempts: Sequence[AttemptFact]) -> list[ScenarioRow]:
    groups: dict[str, list[AttemptFact]] = defaultdict(list)
    for attempt in attempts:
        groups[attempt.scenario_id].append(attempt)
    rows = []
    for scenario_id, group in groups.items():
        done = _completed(group)
        latest = max(group, key=lambda a: (a.version_id, a.started_at))
        rows.append(ScenarioRow(
            scenario_id=scenario_id,
            title=latest.title,
            versions=tuple(sorted({a.version_no for a in group})),
            attempts=len(group),
            completed=len(done),
            passed=sum(1 for a in done if a.passed),
            avg_score=_mean([a.score for a in done if a.score is not None]),
        ))
    return sorted(rows, key=lambda r: (-r.attempts, r.title, r.scenario_id))


def _check_rows(
    checks: Sequence[CheckFact], attempts: Sequence[AttemptFact], info: Mapping[str, CheckInfo]
) -> list[CheckRow]:
    completed = len(_completed(attempts))
    missed: dict[tuple[str, str], int] = defaultdict(int)
    graded: dict[tuple[str, str], int] = defaultdict(int)
    for fact in checks:
        missed[(fact.check, fact.kind)] += fact.missed
        graded[(fact.check, fact.kind)] += fact.graded if fact.kind == "step" else 0
    rows = []
    for (check, kind), count in missed.items():
        spec = info.get(check)
        rows.append(CheckRow(
            check=check,
            title=spec.title if spec else check,
            kind=kind,
            missed=count,
            graded=graded[(check, kind)] if kind == "step" else completed,
            recommended=spec.recommended if spec else None,
        ))
    return sorted(rows, key=lambda r: (-r.missed, -(r.rate or 0.0), r.check))


def _heat(members: Sequence[Member], checks: Sequence[CheckFact]) -> list[PersonChecks]:
    cells: dict[int, dict[str, tuple[int, int]]] = defaultdict(dict)
    for fact in checks:
        if fact.kind == "step" and fact.graded:
            cells[fact.person_id][fact.check] = (fact.missed, fact.graded)
    rows = [PersonChecks(m, cells[m.id]) for m in members if m.id in cells]

    def missing(row: PersonChecks) -> float:
        total = sum(g for _, g in row.cells.values())
        return sum(m for m, _ in row.cells.values()) / total if total else 0.0

    return sorted(rows, key=lambda r: (-missing(r), r.member.name, r.member.id))


def bucket_days(period: Period, attempts: Sequence[AttemptFact]) -> int:
    """The width of a point on the score-over-time chart: a day (≤ 31 days), a week (≤ 183) or
    about a month."""
    length = period.length
    if length is None and attempts:
        first = period.local(min(a.started_at for a in attempts)).date()
        length = (period.until - first).days + 1
    length = length or 1
    return 1 if length <= 31 else 7 if length <= 183 else 30


def _bucket(day: date, width: int) -> date:
    if width == 1:
        return day
    if width == 7:
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _series(attempts: Sequence[AttemptFact], period: Period) -> list[tuple[date, float, int]]:
    width = bucket_days(period, attempts)
    scores: dict[date, list[int]] = defaultdict(list)
    for attempt in _completed(attempts):
        if attempt.score is not None:
            scores[_bucket(period.local(attempt.started_at).date(), width)].append(attempt.score)
    return [(day, sum(v) / len(v), len(v)) for day, v in sorted(scores.items())]
