"""Inline keyboards of HR's report and the admins' data deletion (no handler logic here)."""

from __future__ import annotations

from collections.abc import Sequence

from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.reports.figures import PersonReport, PersonRow
from bot.reports.period import PRESETS
from bot.reports.summary import local_time, person_button
from bot.storage import Team
from bot.telegram.callbacks import ForgetCb, ReportCb
from bot.texts import Texts

PAGE = 8
"""People or attempts per page of a drill-down list."""


def days_value(days: int | None) -> int:
    """A period preset in callback data: 0 is all time."""
    return days or 0


def _period_label(texts: Texts, days: int | None) -> str:
    return texts("report.btn.days", days=days) if days else texts("report.btn.all")


def summary(texts: Texts, team_id: int, days: int | None) -> InlineKeyboardMarkup:
    """Under a team's summary: the period presets (the current one marked), the drill-down
    into people, the charts and the files."""
    kb = InlineKeyboardBuilder()
    for preset in PRESETS:
        label = _period_label(texts, preset)
        if preset == days:
            label = texts("report.btn.current", label=label)
        kb.button(text=label, callback_data=ReportCb(action="period", team=team_id,
                                                     days=days_value(preset)))
    value = days_value(days)
    kb.button(text=texts("report.btn.people"),
              callback_data=ReportCb(action="people", team=team_id, days=value))
    kb.button(text=texts("report.btn.charts"),
              callback_data=ReportCb(action="charts", team=team_id, days=value))
    kb.button(text=texts("report.btn.files"),
              callback_data=ReportCb(action="files", team=team_id, days=value))
    kb.adjust(4, 1, 2)
    return kb.as_markup()


def teams(texts: Texts, choices: Sequence[Team], page: int = 0) -> InlineKeyboardMarkup:
    """A team picker (an admin or an HR person with many teams)."""
    kb = InlineKeyboardBuilder()
    shown = choices[page * PAGE:(page + 1) * PAGE]
    for team in shown:
        kb.button(text=team.name, callback_data=ReportCb(action="team", team=team.id))
    _pages(kb, texts, len(choices), page, ReportCb(action="teams"))
    return kb.as_markup()


def _pages(kb: InlineKeyboardBuilder, texts: Texts, total: int, page: int, base: ReportCb,
           back: ReportCb | None = None) -> None:
    widths = [1] * min(PAGE, max(0, total - page * PAGE))
    nav = 0
    if page > 0:
        kb.button(text=texts("report.btn.prev"), callback_data=base.model_copy(
            update={"page": page - 1}))
        nav += 1
    if (page + 1) * PAGE < total:
        kb.button(text=texts("report.btn.next"), callback_data=base.model_copy(
            update={"page": page + 1}))
        nav += 1
    if back is not None:
        kb.button(text=texts("report.btn.back"), callback_data=back)
    kb.adjust(*widths, *([nav] if nav else []), 1)


def people(texts: Texts, team_id: int, days: int | None, rows: Sequence[PersonRow],
           page: int) -> InlineKeyboardMarkup:
    """A page of the team's people, each a button to their attempts."""
    value = days_value(days)
    kb = InlineKeyboardBuilder()
    for row in rows[page * PAGE:(page + 1) * PAGE]:
        kb.button(text=person_button(texts, row), callback_data=ReportCb(
            action="person", team=team_id, days=value, person=row.member.id))
    _pages(kb, texts, len(rows), page, ReportCb(action="people", team=team_id, days=value),
           back=ReportCb(action="team", team=team_id, days=value))
    return kb.as_markup()


def person(texts: Texts, view: PersonReport, days: int | None,
           page: int) -> InlineKeyboardMarkup:
    """A page of one person's attempts, each a button to its transcript."""
    value, team_id, person_id = days_value(days), view.team.id, view.row.member.id
    kb = InlineKeyboardBuilder()
    for attempt in view.attempts[page * PAGE:(page + 1) * PAGE]:
        score = texts("report.none") if attempt.score is None else attempt.score
        kb.button(text=texts("report.attempt_button", id=attempt.id, score=score,
                             date=local_time(view.period.tz, attempt.started_at)),
                  callback_data=ReportCb(action="attempt", team=team_id, days=value,
                                         person=person_id, attempt=attempt.id))
    _pages(kb, texts, len(view.attempts), page,
           ReportCb(action="person", team=team_id, days=value, person=person_id),
           back=ReportCb(action="people", team=team_id, days=value))
    return kb.as_markup()


def back_to_person(texts: Texts, team_id: int, days: int, person_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=texts("report.btn.back"), callback_data=ReportCb(
        action="person", team=team_id, days=days, person=person_id))
    return kb.as_markup()


def forget(texts: Texts, person_id: int) -> InlineKeyboardMarkup:
    kb = InlineKeyboardBuilder()
    kb.button(text=texts("forget.yes"), callback_data=ForgetCb(person=person_id, ok=1))
    kb.button(text=texts("forget.no"), callback_data=ForgetCb(person=person_id, ok=0))
    return kb.as_markup()
