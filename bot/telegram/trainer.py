"""The trainer's workbench in Telegram (role-guarded router; the service checks the role again,
whatever callback data comes in).

`/scenarios` lists the published library; a scenario's card offers: show to / hide from
trainees, download its YAML, its diagram, play it as a trainee (a preview no report counts),
where trainees fail, the self-test. A YAML document sent by a trainer is published (a scenario
or the company standard); when the self-test warns, the trainer confirms first. `/disputes`
and the «Принять» / «Отклонить» buttons rule on disputed verdicts.
"""

from __future__ import annotations

import asyncio
import io
import logging
from datetime import datetime

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.diagram import render_png
from bot.errors import AttemptAlreadyActive
from bot.feedback import check_title
from bot.service import TrainingService, Who
from bot.service.disputes import DisputeView, RulingView
from bot.service.trainer import LibraryItem, LibraryView, PublishOutcome
from bot.storage import PublishedScenario
from bot.telegram import render
from bot.telegram.callbacks import LibCb, PublishCb, RuleCb
from bot.telegram.filters import OnLoop, RoleFilter
from bot.telegram.play import enter_run
from bot.telegram.split import send_long
from bot.texts import Texts
from bot.workbench import finding_line, problem_line, selftest_lines, stats_lines

logger = logging.getLogger(__name__)
SHOWN_PROBLEMS = 15
"""At most this many problems (or warnings) are listed in one answer; the count says the rest."""
QUOTE = 600
"""Characters of the client line and the reply shown in a dispute."""


def when(stamp: str | None) -> str:
    """An ISO timestamp as the bot shows it (UTC)."""
    if not stamp:
        return "—"
    return datetime.fromisoformat(stamp).strftime("%d.%m.%Y %H:%M UTC")


def _who(texts: Texts, version: PublishedScenario) -> str:
    return render.esc(version.published_by_name or texts("lib.seed"))


# --- the library ------------------------------------------------------------------------------


def _library(texts: Texts, view: LibraryView) -> tuple[str, InlineKeyboardBuilder]:
    standard = view.standard.number if view.standard is not None else "—"
    lines = [texts("lib.title", standard=standard)]
    kb = InlineKeyboardBuilder()
    for item in view.items:
        current = item.entry.current
        mark = texts(f"lib.mark.{'on' if item.entry.enabled else 'off'}")
        lines.append(texts("lib.row", mark=mark, id=item.id,
                           title=render.esc(item.scenario.title),
                           number=current.number, who=_who(texts, current),
                           when=when(current.published_at)))
        kb.button(text=f"{item.scenario.title} · v{current.number}",
                  callback_data=LibCb(action="open", v=current.id))
    kb.adjust(1)
    lines += ["", texts("lib.upload_hint")]
    return "\n".join(lines), kb


async def list_scenarios(message: Message, service: TrainingService, texts: Texts, who: Who
                         ) -> None:
    """`/scenarios`: the library with versions and who published them."""
    text, kb = _library(texts, service.trainer.library(who))
    await send_long(message, text, reply_markup=kb.as_markup())


def _card(texts: Texts, item: LibraryItem, versions: list[PublishedScenario]
          ) -> tuple[str, InlineKeyboardBuilder]:
    current = item.entry.current
    rows = [
        texts("lib.version_row", number=v.number, who=_who(texts, v), when=when(v.published_at),
              warnings=texts("lib.version_warnings", count=len(v.warnings)) if v.warnings
              else "")
        for v in reversed(versions[-10:])
    ]
    state = "on" if item.entry.enabled else "off"
    text = texts("lib.card", title=render.esc(item.scenario.title), id=item.id,
                 kind=texts.kind(item.scenario.kind),
                 difficulty=texts(f"difficulty.{item.scenario.difficulty}"),
                 number=current.number, hash=current.content_hash, who=_who(texts, current),
                 when=when(current.published_at), visible=texts(f"lib.visible.{state}"),
                 versions="\n".join(rows))
    kb = InlineKeyboardBuilder()
    toggle = "on" if not item.entry.enabled else "off"
    for action in (toggle, "yaml", "png", "play", "stats", "test", "list"):
        kb.button(text=texts(f"lib.btn.{action}"), callback_data=LibCb(action=action,
                                                                       v=current.id))
    kb.adjust(1, 2, 2, 1, 1)
    return text, kb


async def open_card(call: CallbackQuery, callback_data: LibCb, service: TrainingService,
                    texts: Texts, who: Who) -> None:
    item = service.trainer.item_by_version(who, callback_data.v)
    text, kb = _card(texts, item, service.trainer.versions(who, item.id))
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.answer(text, reply_markup=kb.as_markup())


async def back_to_list(call: CallbackQuery, service: TrainingService, texts: Texts, who: Who
                       ) -> None:
    text, kb = _library(texts, service.trainer.library(who))
    await call.answer()
    if isinstance(call.message, Message):
        await send_long(call.message, text, reply_markup=kb.as_markup())


async def toggle(call: CallbackQuery, callback_data: LibCb, service: TrainingService,
                 texts: Texts, who: Who) -> None:
    """Show the scenario to trainees (`on`) or hide it (`off`); the card is redrawn."""
    item = service.trainer.item_by_version(who, callback_data.v)
    item = service.trainer.set_enabled(who, item.id, callback_data.action == "on")
    await call.answer(texts(f"lib.{callback_data.action}_done", title=item.scenario.title))
    if isinstance(call.message, Message):
        text, kb = _card(texts, item, service.trainer.versions(who, item.id))
        await call.message.edit_text(text, reply_markup=kb.as_markup())


async def download(call: CallbackQuery, callback_data: LibCb, service: TrainingService,
                   texts: Texts, who: Who) -> None:
    """The current version's YAML, exactly as it was published."""
    item = service.trainer.item_by_version(who, callback_data.v)
    name, data = service.trainer.download(who, item.id)
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.answer_document(BufferedInputFile(data, filename=name), caption=texts(
            "lib.yaml_caption", id=item.id, number=item.entry.current.number))


async def diagram(call: CallbackQuery, callback_data: LibCb, service: TrainingService,
                  texts: Texts, who: Who) -> None:
    """The state machine as a PNG (drawn in a worker thread)."""
    item = service.trainer.item_by_version(who, callback_data.v)
    await call.answer()
    png = await asyncio.to_thread(render_png, item.scenario, texts)
    if isinstance(call.message, Message):
        await call.message.answer_photo(
            BufferedInputFile(png, filename=f"{item.id}.png"),
            caption=texts("lib.png_caption", title=item.scenario.title,
                          number=item.entry.current.number))


async def preview(call: CallbackQuery, callback_data: LibCb, state: FSMContext,
                  service: TrainingService, texts: Texts, who: Who) -> None:
    """Play the scenario as a trainee would; the attempt counts in no report."""
    item = service.trainer.item_by_version(who, callback_data.v)
    try:
        view = await service.trainer.preview(who, item.id)
    except AttemptAlreadyActive:
        await call.answer(texts("play.already_running"), show_alert=True)
        return
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.answer(texts("lib.preview_note", title=render.esc(item.scenario.title)))
        await enter_run(call.message, state, service, texts, view.line, view.attempt_id)


async def stats(call: CallbackQuery, callback_data: LibCb, service: TrainingService,
                texts: Texts, who: Who) -> None:
    """Where trainees fail: the coloured diagram and the numbers."""
    item = service.trainer.item_by_version(who, callback_data.v)
    result = service.trainer.stats(who, item.id)
    await call.answer()
    if not isinstance(call.message, Message):
        return
    if result.runs:
        png = await asyncio.to_thread(render_png, item.scenario, texts, result.failure_rates())
        await call.message.answer_photo(BufferedInputFile(png, filename=f"{item.id}-stats.png"),
                                        caption=texts("lib.stats_caption",
                                                      title=item.scenario.title))
    lines = stats_lines(texts, service.standard, result)
    await send_long(call.message, "\n".join(render.esc(line) for line in lines))


async def selftest(call: CallbackQuery, callback_data: LibCb, service: TrainingService,
                   texts: Texts, who: Who) -> None:
    item = service.trainer.item_by_version(who, callback_data.v)
    result = await service.trainer.selftest(who, item.id)
    await call.answer()
    if isinstance(call.message, Message):
        lines = selftest_lines(texts, result, service.standard)
        await send_long(call.message, "\n".join(render.esc(line) for line in lines))


# --- publishing -------------------------------------------------------------------------------


def _outcome(texts: Texts, service: TrainingService, outcome: PublishOutcome) -> str:
    name = render.esc(outcome.file_name)
    if outcome.status == "published":
        if outcome.kind == "standard":
            return texts("publish.published_standard", number=outcome.number,
                         count=len(outcome.checked))
        return texts("publish.published", id=outcome.scenario_id, number=outcome.number)
    if outcome.status == "unchanged":
        return texts("publish.unchanged", number=outcome.number)
    if outcome.problems:
        lines = [texts("publish.rejected", file=name, count=len(outcome.problems))]
        lines += [f"• <code>{render.esc(problem_line(texts, p))}</code>"
                  for p in outcome.problems[:SHOWN_PROBLEMS]]
        if len(outcome.problems) > SHOWN_PROBLEMS:
            lines.append(texts("publish.more", count=len(outcome.problems) - SHOWN_PROBLEMS))
        return "\n".join(lines)
    lines = [texts("publish.confirm", file=name, count=len(outcome.warnings))]
    shown = outcome.warnings[:SHOWN_PROBLEMS]
    for warning in shown:
        prefix = f"{render.esc(texts('publish.warnings_of', id=warning.scenario_id))} " if \
            outcome.kind == "standard" else ""
        lines.append(prefix + render.esc(finding_line(texts, warning.finding, service.standard)))
    if len(outcome.warnings) > len(shown):
        lines.append(texts("publish.more", count=len(outcome.warnings) - len(shown)))
    return "\n".join(lines)


async def _download(bot: Bot, file_id: str) -> bytes:
    buffer = io.BytesIO()
    await bot.download(file_id, destination=buffer)
    return buffer.getvalue()


async def upload(message: Message, bot: Bot, state: FSMContext, service: TrainingService,
                 texts: Texts, who: Who) -> None:
    """A YAML document from a trainer: validated, self-tested, published — or told why not."""
    document = message.document
    assert document is not None
    name = document.file_name or "uploaded.yaml"
    problems = service.trainer.check_upload(who, name, document.file_size)
    if problems:
        outcome = PublishOutcome("rejected", "scenario", name, problems)
        await send_long(message, _outcome(texts, service, outcome))
        return
    data = await _download(bot, document.file_id)
    outcome = await service.trainer.publish(who, name, data)
    markup = None
    if outcome.status == "confirm":
        await state.update_data(publish={"file_id": document.file_id, "name": name})
        kb = InlineKeyboardBuilder()
        kb.button(text=texts("publish.btn.ok"), callback_data=PublishCb(ok=1))
        kb.button(text=texts("publish.btn.cancel"), callback_data=PublishCb(ok=0))
        markup = kb.as_markup()
    await send_long(message, _outcome(texts, service, outcome), reply_markup=markup)


async def confirm(call: CallbackQuery, callback_data: PublishCb, bot: Bot, state: FSMContext,
                  service: TrainingService, texts: Texts, who: Who) -> None:
    """«Опубликовать» despite the warnings (the file is fetched again), or «Отмена»."""
    pending = (await state.get_data()).get("publish")
    await state.update_data(publish=None)
    if not isinstance(call.message, Message):
        await call.answer()
        return
    await call.answer()
    await call.message.edit_reply_markup(reply_markup=None)
    if not callback_data.ok:
        await call.message.answer(texts("publish.cancelled"))
        return
    if not pending:
        await call.message.answer(texts("publish.expired"))
        return
    data = await _download(bot, pending["file_id"])
    outcome = await service.trainer.publish(who, pending["name"], data, accept_warnings=True)
    await send_long(call.message, _outcome(texts, service, outcome))


# --- disputes ---------------------------------------------------------------------------------


def dispute_text(texts: Texts, service: TrainingService, view: DisputeView) -> str:
    """A dispute as its trainers see it: the client line, the reply, the verdict, its evidence."""
    d = view.dispute
    key = "violation" if view.kind == "violation" else f"step_{str(d.original).lower()}"
    evidence = view.evidence
    proof = (texts("dispute.evidence", quote=render.esc(evidence.get("quote", "")),
                   rule=render.esc(evidence.get("rule", "")))
             if evidence else texts("dispute.no_evidence"))
    return texts(
        "dispute.to_trainer", id=d.id, name=render.esc(view.trainee_name),
        team=texts("dispute.team", team=render.esc(view.team_name)) if view.team_name else "",
        title=render.esc(view.scenario_title), turn=d.turn_idx + 1,
        client=render.esc(view.client_line[:QUOTE]), reply=render.esc(view.reply[:QUOTE]),
        check=render.esc(check_title(service.standard, d.check_id)),
        verdict=texts(f"dispute.verdict.{key}"), evidence=proof,
        comment=texts("dispute.comment", comment=render.esc(d.comment)) if d.comment else "",
    )


def ruling_keyboard(texts: Texts, dispute_id: int) -> InlineKeyboardBuilder:
    kb = InlineKeyboardBuilder()
    kb.button(text=texts("dispute.btn.accept"), callback_data=RuleCb(d=dispute_id, ok=1))
    kb.button(text=texts("dispute.btn.reject"), callback_data=RuleCb(d=dispute_id, ok=0))
    kb.adjust(2)
    return kb


async def open_disputes(message: Message, service: TrainingService, texts: Texts, who: Who
                        ) -> None:
    """`/disputes`: every open dispute this trainer rules on, each with its buttons."""
    views = service.disputes.disputes(who, "open")
    await message.answer(texts("dispute.list_title", count=len(views)) if views
                         else texts("dispute.list_empty"))
    for view in views:
        await send_long(message, dispute_text(texts, service, view),
                        reply_markup=ruling_keyboard(texts, view.dispute.id).as_markup())


def _ruled_line(texts: Texts, ruling: RulingView) -> str:
    d = ruling.dispute
    who = render.esc(d.ruled_by_name or texts("dispute.trainer"))
    if d.status == "accepted":
        return texts("dispute.accepted_by", who=who, when=when(d.ruled_at),
                     before=ruling.score_before, after=ruling.score_after)
    return texts("dispute.rejected_by", who=who, when=when(d.ruled_at))


def trainee_notice(texts: Texts, service: TrainingService, ruling: RulingView) -> str:
    d = ruling.dispute
    values = {
        "check": render.esc(check_title(service.standard, d.check_id)),
        "title": render.esc(ruling.view.scenario_title), "turn": d.turn_idx + 1,
        "who": render.esc(d.ruled_by_name or texts("dispute.trainer")), "when": when(d.ruled_at),
    }
    if d.status == "accepted":
        passed = texts("dispute.passed" if ruling.passed_after else "dispute.failed")
        return texts("dispute.to_trainee_accepted", before=ruling.score_before,
                     after=ruling.score_after, passed=passed, **values)
    return texts("dispute.to_trainee_rejected", **values)


async def rule(call: CallbackQuery, callback_data: RuleCb, bot: Bot, service: TrainingService,
               texts: Texts, who: Who) -> None:
    """«Принять» / «Отклонить»: the ruling, the message marked, the trainee told."""
    ruling = service.disputes.rule(who, callback_data.d, accept=bool(callback_data.ok))
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.edit_text(
            f"{dispute_text(texts, service, ruling.view)}\n\n{_ruled_line(texts, ruling)}",
            reply_markup=None)
    if ruling.trainee_telegram_id is not None:
        try:
            await bot.send_message(ruling.trainee_telegram_id,
                                   trainee_notice(texts, service, ruling))
        except TelegramAPIError as exc:  # e.g. the trainee blocked the bot: the ruling stands
            logger.info("could not tell the trainee of dispute %s: %s", ruling.dispute.id,
                        type(exc).__name__)


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(RoleFilter("trainer", "admin"))
    router.callback_query.filter(RoleFilter("trainer", "admin"))
    router.message.register(list_scenarios, Command("scenarios"))
    router.message.register(open_disputes, Command("disputes"))
    router.message.register(upload, OnLoop(F.document))
    router.callback_query.register(open_card, LibCb.filter(F.action == "open"))
    router.callback_query.register(back_to_list, LibCb.filter(F.action == "list"))
    router.callback_query.register(toggle, LibCb.filter(F.action.in_({"on", "off"})))
    router.callback_query.register(download, LibCb.filter(F.action == "yaml"))
    router.callback_query.register(diagram, LibCb.filter(F.action == "png"))
    router.callback_query.register(preview, LibCb.filter(F.action == "play"))
    router.callback_query.register(stats, LibCb.filter(F.action == "stats"))
    router.callback_query.register(selftest, LibCb.filter(F.action == "test"))
    router.callback_query.register(confirm, PublishCb.filter())
    router.callback_query.register(rule, RuleCb.filter())
    return router

