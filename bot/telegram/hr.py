"""HR: `/report` (alias: the old `/team_report`) — each of the HR person's teams for a period,
with period buttons, drill-down (people → a person's attempts → one transcript), the charts as
photos and the workbook and web page as documents; `/invite` — the teams' invite links.

Role-guarded router; every id in a callback is checked again in `service.reports` (another
team's team, person or attempt is "not found", rendered by the error router as an alert). The
service is asked before a callback is answered, so an error gives the one answer it may.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.deep_linking import create_start_link

from bot.reports import summary
from bot.reports.figures import Report
from bot.reports.period import DEFAULT_DAYS
from bot.service import TrainingService, Who
from bot.telegram import hr_keyboards as kb
from bot.telegram.callbacks import ReportCb
from bot.telegram.filters import RoleFilter
from bot.telegram.registration import INVITE_PREFIX
from bot.telegram.render import esc, lines_html
from bot.telegram.split import send_long, split_text
from bot.texts import Texts

FEW_TEAMS = 5
"""Up to this many teams `/report` sends one summary each; more get a team picker."""


def _days(data: ReportCb) -> int | None:
    return data.days or None


def _team_report(service: TrainingService, who: Who, data: ReportCb) -> Report:
    """The report of the button's team and period (the service checks the team is `who`'s)."""
    return service.reports.report(who, service.reports.period(_days(data)), data.team)


def _summary(texts: Texts, report: Report, team_id: int) -> str:
    return lines_html(summary.team_lines(texts, report.period, report.team(team_id),
                                         report.previews))


async def report(message: Message, service: TrainingService, texts: Texts, who: Who) -> None:
    """`/report`: the last 30 days of each of the HR person's teams (a picker for many)."""
    teams = service.reports.teams(who)
    if not teams:
        await message.answer(texts("report.no_team"))
    elif len(teams) > FEW_TEAMS:
        await message.answer(texts("report.pick_team", count=len(teams)),
                             reply_markup=kb.teams(texts, teams))
    for team in teams if len(teams) <= FEW_TEAMS else []:
        result = service.reports.report(who, service.reports.period(DEFAULT_DAYS), team.id)
        await send_long(message, _summary(texts, result, team.id),
                        reply_markup=kb.summary(texts, team.id, DEFAULT_DAYS))


async def pick_team(call: CallbackQuery, callback_data: ReportCb, service: TrainingService,
                    texts: Texts, who: Who) -> None:
    """A page of the team picker."""
    teams = service.reports.teams(who)
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.edit_reply_markup(
            reply_markup=kb.teams(texts, teams, callback_data.page))


async def team(call: CallbackQuery, callback_data: ReportCb, service: TrainingService,
               texts: Texts, who: Who) -> None:
    """A team's summary as a new message (from the picker or «Назад»)."""
    days = _days(callback_data)
    result = _team_report(service, who, callback_data)
    await call.answer()
    if isinstance(call.message, Message):
        await send_long(call.message, _summary(texts, result, callback_data.team),
                        reply_markup=kb.summary(texts, callback_data.team, days))


async def period(call: CallbackQuery, callback_data: ReportCb, service: TrainingService,
                 texts: Texts, who: Who) -> None:
    """A period button: the same message shows the team for that period."""
    days = _days(callback_data)
    result = _team_report(service, who, callback_data)
    await call.answer()
    if isinstance(call.message, Message):
        text = split_text(_summary(texts, result, callback_data.team))[0]
        try:
            await call.message.edit_text(text, reply_markup=kb.summary(texts, callback_data.team,
                                                                       days))
        except TelegramBadRequest as exc:  # the period shown was pressed again
            if "not modified" not in str(exc):
                raise


async def people(call: CallbackQuery, callback_data: ReportCb, service: TrainingService,
                 texts: Texts, who: Who) -> None:
    """The team's people, a page of buttons (each opens their attempts)."""
    days = _days(callback_data)
    result = _team_report(service, who, callback_data)
    part = result.team(callback_data.team)
    await call.answer()
    if isinstance(call.message, Message):
        title = texts("report.people_title", team=part.team.name,
                      period=summary.period_label(texts, result.period))
        await call.message.answer(esc(title), reply_markup=kb.people(
            texts, part.team.id, days, part.summary.people, callback_data.page))


async def person(call: CallbackQuery, callback_data: ReportCb, service: TrainingService,
                 texts: Texts, who: Who) -> None:
    """One person: their figures and attempts in the period (date, scenario, version, mode,
    score, passed), a page of buttons to the transcripts."""
    days = _days(callback_data)
    view = service.reports.person(who, callback_data.person, service.reports.period(days))
    await call.answer()
    if isinstance(call.message, Message):
        await send_long(call.message, lines_html(summary.person_lines(texts, view)),
                        reply_markup=kb.person(texts, view, days, callback_data.page))


async def attempt(call: CallbackQuery, callback_data: ReportCb, service: TrainingService,
                  texts: Texts, who: Who) -> None:
    """One attempt's transcript: client lines, replies, ✅/❌ per step, violations, disputes."""
    view = service.reports.attempt(who, callback_data.attempt)
    await call.answer()
    if isinstance(call.message, Message):
        text = lines_html(summary.transcript_lines(texts, service.standard, view))
        await send_long(call.message, text, reply_markup=kb.back_to_person(
            texts, view.team.id, callback_data.days, view.member.id))


async def pictures(call: CallbackQuery, callback_data: ReportCb, service: TrainingService,
                   texts: Texts, who: Who) -> None:
    """The team's three charts as photos."""
    from bot.reports import charts  # matplotlib loads when HR asks, not at the bot's start

    result = _team_report(service, who, callback_data)
    await call.answer()
    if isinstance(call.message, Message):
        for chart in charts.team_charts(texts, result, callback_data.team):
            await call.message.answer_photo(BufferedInputFile(chart.png, chart.name),
                                            caption=chart.caption)


async def files(call: CallbackQuery, callback_data: ReportCb, service: TrainingService,
                texts: Texts, who: Who) -> None:
    """The team's workbook and web page as documents."""
    from bot.reports import charts, html, xlsx  # matplotlib, openpyxl: on demand, not at start

    result = _team_report(service, who, callback_data)
    book = xlsx.workbook(texts, result, service.reports.turns(who, result))
    page = html.page(texts, result, service.reports.turns(who, result),
                     charts.team_charts(texts, result, callback_data.team))
    await call.answer()
    if isinstance(call.message, Message):
        name = _file_name(result, callback_data.team)
        caption = texts("report.files_caption", team=result.team(callback_data.team).team.name,
                        period=summary.period_label(texts, result.period))
        await call.message.answer_document(BufferedInputFile(book, f"{name}.xlsx"),
                                           caption=caption)
        await call.message.answer_document(BufferedInputFile(page.encode(), f"{name}.html"),
                                           caption=caption)


def _file_name(result: Report, team_id: int) -> str:
    since = result.period.since.isoformat() if result.period.since else "start"
    return f"report-team{team_id}-{since}-{result.period.until.isoformat()}"


async def invite(message: Message, bot: Bot, service: TrainingService, texts: Texts,
                 who: Who) -> None:
    """`/invite`: the deep link that makes a new user join each of the HR person's teams."""
    teams = service.reports.teams(who)
    if not teams:
        await message.answer(texts("report.no_team"))
    lines = [texts("hr.invite_row", team=esc(t.name),
                   link=await create_start_link(bot, f"{INVITE_PREFIX}{t.invite_code}"))
             for t in teams]
    if lines:
        await send_long(message, "\n".join([texts("hr.invite"), *lines]))


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(RoleFilter("hr", "admin"))
    router.callback_query.filter(RoleFilter("hr", "admin"))
    router.message.register(report, Command("report", "team_report"))
    router.message.register(invite, Command("invite"))
    for action, handler in (
        ("teams", pick_team), ("team", team), ("period", period), ("people", people),
        ("person", person), ("attempt", attempt), ("charts", pictures), ("files", files),
    ):
        router.callback_query.register(handler, ReportCb.filter(F.action == action))
    return router
