"""The trainer's workbench as door-neutral text lines (plain text from `bot.texts`): problems of
a file, self-test findings, the statistics of a scenario. Telegram escapes and formats them
(`bot/telegram/trainer.py`); the terminal prints them (`bot/commands/trainer.py`)."""

from __future__ import annotations

from bot.feedback import check_title
from bot.problems import in_russian
from bot.service.stats import CheckCount, ScenarioFunnel, StateStats
from bot.service.trainer import Located
from bot.texts import Texts
from scenarios.selftest import Finding, SelfTest
from scoring import Standard


def problem_line(texts: Texts, located: Located) -> str:
    """`FILE:LINE:COL: message` as `roleplay validate` prints it, the message in Russian and
    naming the field it stands at."""
    p = located.problem
    message = in_russian(texts, p.message)
    field = located.field
    head, sep, rest = message.partition(": ")
    if field and sep and " " not in head and (field.startswith(head)
                                              or field.endswith(f".{head}")):
        message = f"{field}: {rest}"  # the loader named the list or the key; here, the full path
    elif field and field not in message:
        message = f"{texts('problem.field', field=field)}: {message}"
    return f"{p.file}:{p.line}:{p.col}: {message}"


def finding_line(texts: Texts, finding: Finding, standard: Standard) -> str:
    """One self-test finding in plain Russian, naming its state."""
    values: dict[str, object] = {
        "state": finding.state or "—",
        "trainee": texts(f"selftest.trainee.{finding.trainee}") if finding.trainee else "",
        "steps": ", ".join(check_title(standard, s) for s in finding.steps) or "—",
        "checks": ", ".join(check_title(standard, c) for c in finding.checks) or "—",
        "to": finding.to or "—",
        "outcome": texts(f"selftest.outcome.{finding.outcome or 'none'}"),
        "score": finding.score if finding.score is not None else "—",
    }
    mark = "❌" if finding.severity == "error" else "⚠️"
    return f"{mark} {texts(f'selftest.{finding.code}', **values)}"


def selftest_lines(texts: Texts, result: SelfTest, standard: Standard) -> list[str]:
    """The self-test's verdict, then each finding."""
    head = "selftest.ok" if result.ok and not result.findings else (
        "selftest.warnings" if result.ok else "selftest.failed")
    strong = next((r for r in result.runs if r.trainee == "strong"), None)
    lines = [texts(head, states=len(result.states),
                   score=strong.score if strong is not None else "—")]
    lines += [finding_line(texts, f, standard) for f in result.findings]
    return lines


def _checks(texts: Texts, standard: Standard, counts: list[CheckCount]) -> str:
    return ", ".join(
        texts("stats.check", title=check_title(standard, c.check), count=c.count,
              percent=round(c.rate * 100))
        for c in counts
    )


def _state_lines(texts: Texts, standard: Standard, row: StateStats) -> list[str]:
    if row.final:
        return [texts("stats.final", state=row.state, reached=row.reached,
                      percent=round(row.reached_share * 100),
                      outcome=texts(f"selftest.outcome.{row.outcome or 'none'}"))]
    lines = [texts(
        "stats.state", state=row.state, reached=row.reached,
        percent=round(row.reached_share * 100), replies=row.replies,
        failed="—" if row.failure_rate is None else f"{round(row.failure_rate * 100)} %",
        median="—" if row.median_answer_seconds is None else
        texts("stats.seconds", seconds=row.median_answer_seconds),
    )]
    if not row.in_current_version:
        lines[0] += " " + texts("stats.old_state")
    if row.missed:
        lines.append(texts("stats.missed", checks=_checks(texts, standard, row.missed)))
    if row.violations:
        lines.append(texts("stats.violations", checks=_checks(texts, standard, row.violations)))
    if row.dropped or row.hung_up or row.escalated:
        lines.append(texts("stats.ends", dropped=row.dropped, hung_up=row.hung_up,
                           escalated=row.escalated))
    return lines


def stats_lines(texts: Texts, standard: Standard, result: ScenarioFunnel) -> list[str]:
    """Where trainees fail: the totals, the hint use, then the funnel state by state."""
    lines = [texts("stats.title", title=result.title, id=result.scenario_id)]
    if not result.runs:
        return [*lines, texts("stats.empty")]
    outcomes = ", ".join(
        texts("stats.outcome", outcome=texts(f"selftest.outcome.{k}"), count=v)
        for k, v in result.outcomes.items()
    ) or "—"
    lines.append(texts("stats.totals", runs=result.runs, finished=result.finished,
                       passed=result.passed, abandoned=result.abandoned,
                       active=result.in_progress, outcomes=outcomes))
    lines.append(texts("stats.hints", with_hints=result.runs_with_hints, runs=result.runs,
                       percent=round(result.hint_share * 100), hints=result.hints))
    for row in result.states:
        lines += _state_lines(texts, standard, row)
    return lines
