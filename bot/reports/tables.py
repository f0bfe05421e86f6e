"""The report's tables, once, for both files: the workbook (`xlsx`) writes them as typed cells,
the page (`html`) as HTML tables, so both hold the same content. Values are typed Python values
(int, float, naive local `datetime`, str, None); a column says how to show them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from bot.reports.figures import KeyFigures, Report, person_checks
from bot.reports.summary import person_name
from bot.storage.reports import AttemptFact, TurnFact
from bot.texts import Texts

ColumnKind = Literal["text", "long", "int", "score", "percent", "minutes", "seconds", "datetime"]
Value = int | float | str | datetime | None
FIGURES: tuple[tuple[str, str], ...] = (
    ("people_active", "int"), ("people_total", "int"), ("attempts", "int"),
    ("completed", "int"), ("abandoned", "int"), ("in_progress", "int"), ("passed", "int"),
    ("pass_rate", "percent"), ("avg_score", "score"), ("lift", "score"),
    ("median_seconds", "seconds"), ("hints", "int"),
)


@dataclass(frozen=True, slots=True)
class Column:
    header: str
    kind: ColumnKind
    width: float


@dataclass(frozen=True, slots=True)
class Table:
    """One sheet / one HTML table: `rows` may be a one-pass iterator (the answers)."""

    key: str
    title: str
    columns: tuple[Column, ...]
    rows: Iterable[list[Value]]


def _col(texts: Texts, key: str, kind: ColumnKind = "text", width: float = 12) -> Column:
    return Column(texts(f"col.{key}"), kind, width)


def _local(report: Report, stamp: str | None) -> datetime | None:
    return None if stamp is None else report.period.local(stamp).replace(tzinfo=None)


def _yes_no(texts: Texts, value: bool | None) -> str:
    return "" if value is None else texts("yes" if value else "no")


def figures_table(texts: Texts, report: Report) -> Table:
    """Per team: each key figure, this period and the one before."""
    rows: list[list[Value]] = []
    for part in report.teams:
        now, before = part.summary.figures, part.summary.previous
        for name, _ in FIGURES:
            unit = texts(f"fig.unit.{name}") if texts.has(f"fig.unit.{name}") else ""
            rows.append([part.team.name, texts(f"fig.{name}") + unit, _figure(now, name),
                         None if before is None else _figure(before, name)])
    return Table("figures", texts("html.figures"), (
        _col(texts, "team", width=22), _col(texts, "figure", width=34),
        _col(texts, "value", "score", 14), _col(texts, "previous", "score", 16),
    ), rows)


def _figure(figures: KeyFigures, name: str) -> Value:
    value = getattr(figures, name)
    if name == "pass_rate" and value is not None:
        return round(100 * value, 1)
    return round(value, 1) if isinstance(value, float) else value


def people_table(texts: Texts, report: Report) -> Table:
    """«Сотрудники»: everyone of the report's teams with their figures in the period."""
    rows: list[list[Value]] = [
        [r.team.name, person_name(texts, r.member), r.attempts, r.completed, r.abandoned,
         r.passed, r.pass_rate, r.first_score, r.best_score,
         None if r.avg_score is None else round(r.avg_score, 1), r.hints,
         _local(report, r.last_at)]
        for part in report.teams for r in part.summary.people
    ]
    return Table("people", texts("xlsx.sheet.people"), (
        _col(texts, "team", width=22), _col(texts, "person", width=28),
        _col(texts, "attempts", "int", 10), _col(texts, "completed", "int", 11),
        _col(texts, "abandoned", "int", 10), _col(texts, "passed", "int", 10),
        _col(texts, "pass_rate", "percent", 13), _col(texts, "first", "int", 12),
        _col(texts, "best", "int", 12), _col(texts, "avg", "score", 13),
        _col(texts, "hints", "int", 11), _col(texts, "last", "datetime", 18),
    ), rows)


def attempts_table(texts: Texts, report: Report) -> Table:
    """«Попытки»: every counted attempt of the period, oldest first."""
    rows = [_attempt_row(texts, report, a) for a in report.attempts]
    return Table("attempts", texts("xlsx.sheet.attempts"), (
        _col(texts, "attempt", "int", 11), _col(texts, "started", "datetime", 18),
        _col(texts, "finished", "datetime", 18), _col(texts, "team", width=20),
        _col(texts, "person", width=26), _col(texts, "scenario", width=40),
        _col(texts, "scenario_id", width=18), _col(texts, "version", "int", 9),
        _col(texts, "mode", width=12), _col(texts, "status", width=12),
        _col(texts, "score", "int", 8), _col(texts, "result", width=8),
        _col(texts, "outcome", width=16), _col(texts, "hints", "int", 11),
        _col(texts, "turns", "int", 9), _col(texts, "minutes", "minutes", 12),
    ), rows)


def _attempt_row(texts: Texts, report: Report, a: AttemptFact) -> list[Value]:
    minutes = None
    if a.status == "finished" and a.finished_at is not None:
        started = datetime.fromisoformat(a.started_at)
        minutes = round(max(0.0, (datetime.fromisoformat(a.finished_at) - started)
                            .total_seconds()) / 60, 2)
    return [
        a.id, _local(report, a.started_at), _local(report, a.finished_at),
        report.team_of[a.person_id].name, person_name(texts, report.members[a.person_id]),
        a.title, a.scenario_id, a.version_no, texts(f"mode.{a.mode}"),
        texts(f"status.{a.status}"), a.score,
        _yes_no(texts, a.passed if a.status == "finished" else None),
        texts.get(f"outcome.{a.outcome}", "report.none") if a.outcome else "",
        a.hints, a.turns, minutes,
    ]


def answers_table(texts: Texts, report: Report, turns: Iterable[TurnFact]) -> Table:
    """«Ответы»: every stored turn — the client's line, the reply, the steps done and missed,
    the violations quoted. `turns` is consumed once, as it comes."""
    return Table("answers", texts("xlsx.sheet.answers"), (
        _col(texts, "attempt", "int", 11), _col(texts, "answered", "datetime", 18),
        _col(texts, "team", width=18), _col(texts, "person", width=24),
        _col(texts, "scenario", width=30), _col(texts, "turn", "int", 9),
        _col(texts, "client", "long", 50),
        _col(texts, "reply", "long", 60), _col(texts, "score", "int", 8),
        _col(texts, "done_steps", "long", 30), _col(texts, "missed_steps", "long", 30),
        _col(texts, "violations", "long", 34), _col(texts, "answer_seconds", "seconds", 14),
    ), _answer_rows(texts, report, turns))


def _answer_rows(texts: Texts, report: Report, turns: Iterable[TurnFact]) -> Iterator[list[Value]]:
    """One row per turn; what is the same for every turn of an attempt (team, person, scenario)
    is looked up once per attempt and a check's title once per check (~66k rows a month for a
    whole company)."""
    attempts = {a.id: a for a in report.attempts}
    info = report.check_info
    deleted = texts("report.text_deleted")
    titles: dict[str, str] = {}

    def title(check: str) -> str:
        found = titles.get(check)
        if found is None:
            spec = info.get(check)
            found = titles[check] = spec.title if spec else check
        return found

    def steps(checks: list[str]) -> str:
        return ", ".join([title(c) for c in checks]) if checks else ""

    current: int | None = None
    prefix: tuple[str, str, str] = ("", "", "")
    for t in turns:
        if t.attempt_id != current:
            a = attempts.get(t.attempt_id)
            if a is None:
                continue
            current = a.id
            prefix = (report.team_of[a.person_id].name,
                      person_name(texts, report.members[a.person_id]), a.title)
        violations = "; ".join([
            f"{title(str(v.get('check')))}: «{v.get('quote')}»" if v.get("quote")
            else title(str(v.get("check"))) for v in t.violations
        ]) if t.violations else ""
        yield [
            current, _local(report, t.created_at), prefix[0], prefix[1], prefix[2], t.idx + 1,
            t.client_line or deleted, t.reply_text or deleted, t.score,
            steps(t.passed_steps), steps(t.missed_steps), violations,
            None if t.elapsed_seconds is None else round(t.elapsed_seconds, 1),
        ]


def checks_table(texts: Texts, report: Report) -> Table:
    """«Проверки»: per team, then per person: each check's misses (steps) or violations, out of
    how many completed attempts, the rate; the standard's phrase on the team's rows.

    The phrase is the standard's, one per check: on the rows of the whole team (every check
    anyone of the team was graded on) and not again on each person's row of the same check
    (~23k long texts, a tenth of the sheet's cells for a company-wide month)."""
    rows: list[list[Value]] = []
    whole = texts("xlsx.whole_team")
    by_person = person_checks(report)
    for part in report.teams:
        rows += [
            [part.team.name, whole, c.title, c.check, texts(f"check_kind.{c.kind}"),
             c.missed, c.graded, c.rate, c.recommended or None]
            for c in part.summary.checks
        ]
        for r in part.summary.people:
            if r.completed:
                who = person_name(texts, r.member)
                rows += [
                    [part.team.name, who, c.title, c.check, texts(f"check_kind.{c.kind}"),
                     c.missed, c.graded, c.rate, None]
                    for c in by_person.get(r.member.id, [])
                ]
    return Table("checks", texts("xlsx.sheet.checks"), (
        _col(texts, "team", width=20), _col(texts, "person", width=26),
        _col(texts, "check", width=30), _col(texts, "check_id", width=22),
        _col(texts, "kind", width=11), _col(texts, "missed", "int", 12),
        _col(texts, "graded", "int", 8), _col(texts, "rate", "percent", 9),
        _col(texts, "recommended", "long", 50),
    ), rows)


def all_tables(texts: Texts, report: Report, turns: Iterable[TurnFact]) -> list[Table]:
    """The key figures, then «Сотрудники», «Попытки», «Ответы», «Проверки»."""
    return [
        figures_table(texts, report), people_table(texts, report),
        attempts_table(texts, report), answers_table(texts, report, turns),
        checks_table(texts, report),
    ]
