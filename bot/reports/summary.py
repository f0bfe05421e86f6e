"""The report, a person's attempts and one attempt's transcript as door-neutral `Line`s (the same
`bot.feedback.Line` the score card uses): Telegram formats them as HTML, the terminal as text.
Also the small formatters every rendering of a report shares (names, periods, numbers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from bot.feedback import Kind, Line, check_title
from bot.reports.figures import (
    KeyFigures,
    PersonReport,
    PersonRow,
    Summary,
    TeamReport,
    Transcript,
)
from bot.reports.period import Period
from bot.storage.reports import AttemptFact, Member
from bot.texts import Texts
from scoring import Standard

NOT_TRAINED_SHOWN = 30
"""Names listed under «не тренировались» before «…и ещё N» (the summary stays one message)."""


# --- formatters ----------------------------------------------------------------------------------


def person_name(texts: Texts, member: Member) -> str:
    """The name to show: the display name, or «Удалённый сотрудник №N» once it was deleted."""
    return texts("report.forgotten", id=member.id) if member.forgotten else member.name


def period_label(texts: Texts, period: Period) -> str:
    until = period.until.strftime("%d.%m.%Y")
    if period.since is None:
        return texts("report.period.all", until=until)
    since = period.since.strftime("%d.%m.%Y")
    if period.days is not None:
        return texts("report.period.days", days=period.days, since=since, until=until)
    return texts("report.period.dates", since=since, until=until)


def number(value: float | None, texts: Texts, digits: int = 1) -> str:
    """A number the Russian way (decimal comma, no trailing ",0"); «—» for None."""
    if value is None:
        return texts("report.none")
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".") if digits else f"{value:.0f}"
    return text.replace(".", ",").replace("-", "−")


def percent(rate: float | None, texts: Texts) -> str:
    return texts("report.none") if rate is None else f"{round(rate * 100)}%"


def quoted(texts: Texts, phrase: str) -> str:
    """A phrase in «», unless it already quotes its own parts (the standard does that)."""
    return phrase if "«" in phrase else texts("report.quoted", phrase=phrase)


def duration(seconds: float | None, texts: Texts) -> str:
    if seconds is None:
        return texts("report.none")
    whole = round(abs(seconds))
    minutes, rest = divmod(whole, 60)
    if minutes:
        return texts("report.minutes", minutes=minutes, seconds=rest)
    return texts("report.seconds", seconds=rest)


def local_time(tz: ZoneInfo, stamp: str) -> str:
    """A stored UTC timestamp as local «dd.mm.yyyy hh:mm»."""
    return Period(None, date.min, tz).local(stamp).strftime("%d.%m.%Y %H:%M")


def _signed(diff: float, text: str) -> str:
    if abs(diff) < 1e-9:
        return "="
    return ("▲" if diff > 0 else "▼") + text.lstrip("−")


def delta(
    texts: Texts, now: float | None, before: float | None, kind: str = "count"
) -> str:
    """« (▲2)» / « (▼5 п.п.)» / « (=)» against the previous period; "" when either is missing."""
    if now is None or before is None:
        return ""
    diff = now - before
    if kind == "rate":
        text = texts("report.points", value=number(abs(diff) * 100, texts, 0))
    elif kind == "seconds":
        text = duration(abs(diff), texts)
    else:
        text = number(abs(diff), texts)
    return texts("report.delta", delta=_signed(diff, text))


# --- the summary ---------------------------------------------------------------------------------


def figure_lines(texts: Texts, now: KeyFigures, before: KeyFigures | None) -> list[Line]:
    """The strip of key figures, each with its change against the previous period."""
    def d(name: str, kind: str = "count") -> str:
        return delta(texts, getattr(now, name), getattr(before, name) if before else None, kind)

    lines = [
        Line("note", texts("report.people", active=now.people_active, total=now.people_total,
                           delta=d("people_active"))),
        Line("note", texts("report.attempts", attempts=now.attempts, delta=d("attempts"),
                           completed=now.completed, abandoned=now.abandoned)),
    ]
    if now.in_progress:
        lines.append(Line("note", texts("report.in_progress", count=now.in_progress)))
    lines += [
        Line("note", texts("report.pass_rate", rate=percent(now.pass_rate, texts),
                           delta=d("pass_rate", "rate"))),
        Line("note", texts("report.avg_score", score=number(now.avg_score, texts),
                           delta=d("avg_score"))),
        Line("note", texts("report.lift", lift=_plus(number(now.lift, texts), now.lift),
                           delta=d("lift"))),
        Line("note", texts("report.median", time=duration(now.median_seconds, texts),
                           delta=d("median_seconds", "seconds"))),
        Line("note", texts("report.hints", hints=now.hints, delta=d("hints"))),
    ]
    return lines


def _plus(text: str, value: float | None) -> str:
    return f"+{text}" if value is not None and value > 0 else text


def team_lines(texts: Texts, period: Period, part: TeamReport, previews: int = 0) -> list[Line]:
    """One team's summary: key figures with changes, scenarios, the five checks missed most
    with the standard's phrase, who has not trained."""
    summary = part.summary
    lines = [Line("title", texts("report.title", team=part.team.name,
                                 period=period_label(texts, period)))]
    lines += figure_lines(texts, summary.figures, summary.previous)
    if summary.previous is not None:
        lines.append(Line("footer", texts("report.changes")))
    if previews:
        lines.append(Line("footer", texts("report.previews", count=previews)))
    lines += scenario_lines(texts, summary)
    lines += check_lines(texts, summary)
    lines += not_trained_lines(texts, summary)
    return lines


def scenario_lines(texts: Texts, summary: Summary) -> list[Line]:
    if not summary.scenarios:
        return [Line("section", texts("report.empty"))]
    lines = [Line("section", texts("report.scenarios"))]
    for row in summary.scenarios:
        lines.append(Line("note", texts(
            "report.scenario_row", title=row.title, attempts=row.attempts,
            completion=percent(row.completion_rate, texts), rate=percent(row.pass_rate, texts),
        )))
    return lines


def check_lines(texts: Texts, summary: Summary, top: int = 5) -> list[Line]:
    if not summary.figures.completed:
        return []
    lines = [Line("section", texts("report.checks"))]
    rows = summary.top_checks(top)
    if not rows:
        lines.append(Line("note", texts("report.no_misses")))
    for n, row in enumerate(rows, 1):
        key = "report.check_step" if row.kind == "step" else "report.check_violation"
        lines.append(Line("note", texts(key, n=n, title=row.title, missed=row.missed,
                                        graded=row.graded, rate=percent(row.rate, texts))))
        if row.recommended:
            lines.append(Line("example", texts("report.check_phrase",
                                               phrase=quoted(texts, row.recommended))))
    return lines


def not_trained_lines(texts: Texts, summary: Summary) -> list[Line]:
    people = summary.not_trained
    if not people:
        return [Line("section", texts("report.all_trained"))]
    lines = [Line("section", texts("report.not_trained", count=len(people)))]
    names = [person_name(texts, m) for m in people[:NOT_TRAINED_SHOWN]]
    lines.append(Line("note", ", ".join(names)))
    if len(people) > NOT_TRAINED_SHOWN:
        lines.append(Line("note", texts("report.not_trained_more",
                                        count=len(people) - NOT_TRAINED_SHOWN)))
    return lines


# --- drill-down ----------------------------------------------------------------------------------


def person_button(texts: Texts, row: PersonRow) -> str:
    return texts("report.person_button", name=person_name(texts, row.member),
                 attempts=row.attempts, avg=number(row.avg_score, texts))


def result_mark(texts: Texts, attempt: AttemptFact) -> str:
    """✅ / ❌ / ⏸ and the status; «пересмотрено» when an accepted dispute changed the score."""
    if attempt.status != "finished":
        return texts("report.mark.open") + " " + texts(f"report.status.{attempt.status}")
    mark = texts("report.mark.passed" if attempt.passed else "report.mark.failed")
    return f"{mark} {texts('report.mark.reviewed')}" if attempt.reviewed_at else mark


def attempt_row(texts: Texts, period: Period, n: int, attempt: AttemptFact) -> str:
    score = texts("report.none") if attempt.score is None else str(attempt.score)
    return texts(
        "report.attempt_row", n=n, date=local_time(period.tz, attempt.started_at),
        title=attempt.title, version=attempt.version_no, mode=texts(f"mode.{attempt.mode}"),
        score=score, mark=result_mark(texts, attempt),
    )


def person_lines(texts: Texts, view: PersonReport) -> list[Line]:
    """A person's figures in the period and their attempts (date, scenario, version, mode,
    score, passed)."""
    row = view.row
    lines = [
        Line("title", texts("report.person_title", name=person_name(texts, row.member),
                            team=view.team.name, period=period_label(texts, view.period))),
        Line("note", texts(
            "report.person_stats", attempts=row.attempts, completed=row.completed,
            passed=row.passed, first=number(row.first_score, texts),
            best=number(row.best_score, texts), avg=number(row.avg_score, texts), hints=row.hints,
        )),
    ]
    if not view.attempts:
        return [*lines, Line("section", texts("report.no_attempts"))]
    lines.append(Line("section", texts("report.attempts_title")))
    lines += [
        Line("note", attempt_row(texts, view.period, n, a))
        for n, a in enumerate(view.attempts, 1)
    ]
    return lines


def transcript_lines(texts: Texts, standard: Standard, view: Transcript) -> list[Line]:
    """One attempt: per turn the client's line, the reply, ✅/❌ per expected step and the
    violations quoted; then the card's steps and the disputes (when the schema has them)."""
    attempt = view.attempt
    verdict = (
        f"report.verdict.{'passed' if attempt.passed else 'failed'}"
        if attempt.status == "finished" else f"report.verdict.{attempt.status}"
    )
    lines = [
        Line("title", texts("report.transcript_title", id=attempt.id,
                            name=person_name(texts, view.member), title=attempt.title,
                            version=attempt.version_no, mode=texts(f"mode.{attempt.mode}"))),
        Line("good" if attempt.passed else "bad", texts(
            "report.transcript_result", date=local_time(view.tz, attempt.started_at),
            score=texts("report.none") if attempt.score is None else attempt.score,
            verdict=texts(verdict) + (
                " " + texts("report.reviewed", date=local_time(view.tz, attempt.reviewed_at))
                if attempt.reviewed_at else ""),
        )),
    ]
    deleted = texts("report.text_deleted")
    for turn in view.turns:
        lines.append(Line("section", texts("report.turn", n=turn.idx + 1, score=turn.score)))
        lines.append(Line("note", texts("report.turn_client", text=turn.client_line or deleted)))
        lines.append(Line("note", texts("report.turn_reply", text=turn.reply_text or deleted)))
        for step in turn.passed_steps:
            lines.append(Line("step_ok", texts("fb.step_ok", title=check_title(standard, step))))
        for step in turn.missed_steps:
            lines.append(Line("step_missed",
                              texts("fb.step_missed", title=check_title(standard, step))))
        for violation in turn.violations:
            lines.append(_violation(texts, standard, violation))
    if view.steps:
        lines.append(Line("section", texts("report.card_steps")))
        for step, ok in view.steps.items():
            kind: Kind = "step_ok" if ok else "step_missed"
            lines.append(Line(kind, texts(f"fb.{kind}", title=check_title(standard, step))))
    if view.disputes is not None:
        lines += dispute_lines(texts, standard, view.disputes)
    return lines


def _violation(texts: Texts, standard: Standard, violation: Mapping[str, Any]) -> Line:
    title = check_title(standard, str(violation.get("check", "")))
    quote = str(violation.get("quote") or "")
    if quote:
        return Line("violation", texts("fb.violation", title=title, quote=quote))
    return Line("violation", texts("fb.violation_bare", title=title))


def dispute_lines(
    texts: Texts, standard: Standard, disputes: Sequence[Mapping[str, Any]]
) -> list[Line]:
    """The disputes of an attempt as the trainer's workbench stored them: the check, the status
    and the comment when the table has such columns."""
    lines = [Line("section", texts("report.disputes"))]
    if not disputes:
        return [*lines, Line("note", texts("report.no_disputes"))]
    for row in disputes:
        check = str(row.get("check_id") or row.get("check") or "")
        comment = str(row.get("comment") or "")
        lines.append(Line("note", texts(
            "report.dispute_row", check=check_title(standard, check) if check else "—",
            status=str(row.get("status") or ""), comment=f" — «{comment}»" if comment else "",
        )))
    return lines
