"""The report as one JSON object (`roleplay report --json`, ../shared/spec/cli.md): at least
`period`, `people` (name, team, attempts, completed, passed, first_score, best_score,
avg_score), `scenarios` and `checks` (check, missed, rate); plus the key figures overall and per
team. Rates are fractions 0..1 (4 decimals), averages have one decimal, like the summary."""

from __future__ import annotations

from typing import Any

from bot.reports.figures import CheckRow, KeyFigures, PersonRow, Report, ScenarioRow, Summary
from bot.reports.summary import person_name
from bot.texts import Texts


def _r(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


def figures_json(figures: KeyFigures | None) -> dict[str, Any] | None:
    if figures is None:
        return None
    return {
        "people_active": figures.people_active,
        "people_total": figures.people_total,
        "attempts": figures.attempts,
        "completed": figures.completed,
        "abandoned": figures.abandoned,
        "in_progress": figures.in_progress,
        "passed": figures.passed,
        "pass_rate": _r(figures.pass_rate, 4),
        "avg_score": _r(figures.avg_score, 1),
        "lift": _r(figures.lift, 1),
        "median_seconds": _r(figures.median_seconds, 1),
        "hints": figures.hints,
    }


def person_json(texts: Texts, row: PersonRow) -> dict[str, Any]:
    return {
        "id": row.member.id,
        "name": person_name(texts, row.member),
        "forgotten": row.member.forgotten,
        "team": row.team.name,
        "attempts": row.attempts,
        "completed": row.completed,
        "abandoned": row.abandoned,
        "passed": row.passed,
        "pass_rate": _r(row.pass_rate, 4),
        "first_score": row.first_score,
        "best_score": row.best_score,
        "avg_score": _r(row.avg_score, 1),
        "hints": row.hints,
        "last_attempt": row.last_at,
    }


def scenario_json(row: ScenarioRow) -> dict[str, Any]:
    return {
        "scenario": row.scenario_id,
        "title": row.title,
        "versions": list(row.versions),
        "attempts": row.attempts,
        "completed": row.completed,
        "passed": row.passed,
        "completion_rate": _r(row.completion_rate, 4),
        "pass_rate": _r(row.pass_rate, 4),
        "avg_score": _r(row.avg_score, 1),
    }


def check_json(row: CheckRow) -> dict[str, Any]:
    return {
        "check": row.check,
        "title": row.title,
        "kind": row.kind,
        "missed": row.missed,
        "graded": row.graded,
        "rate": _r(row.rate, 4),
        "recommended": row.recommended,
    }


def summary_json(texts: Texts, summary: Summary) -> dict[str, Any]:
    return {
        "figures": figures_json(summary.figures),
        "previous": figures_json(summary.previous),
        "scenarios": [scenario_json(r) for r in summary.scenarios],
        "checks": [check_json(r) for r in summary.checks],
        "not_trained": [person_name(texts, m) for m in summary.not_trained],
    }


def report_json(texts: Texts, report: Report) -> dict[str, Any]:
    """The whole report: `period`, overall `figures`/`previous`, `people`, `scenarios`,
    `checks`, `not_trained`, `previews`, and `teams` (each with the same parts)."""
    period = report.period
    overall = summary_json(texts, report.overall)
    return {
        "period": {
            "since": None if period.since is None else period.since.isoformat(),
            "until": period.until.isoformat(),
            "days": period.length,
            "timezone": str(period.tz),
        },
        "figures": overall["figures"],
        "previous": overall["previous"],
        "people": [person_json(texts, r) for part in report.teams for r in part.summary.people],
        "scenarios": overall["scenarios"],
        "checks": overall["checks"],
        "not_trained": overall["not_trained"],
        "previews": report.previews,
        "teams": [
            {"id": part.team.id, "name": part.team.name} | summary_json(texts, part.summary)
            for part in report.teams
        ],
    }
