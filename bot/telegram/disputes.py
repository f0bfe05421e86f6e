"""A trainee disputes a verdict: «Оспорить оценку» under the feedback or the score card → the
verdict → an optional comment → the trainers of the team get it with «Принять» / «Отклонить»
(`bot/telegram/trainer.py` handles those). A run in progress goes on afterwards."""

from __future__ import annotations

import logging

from aiogram import Bot, F, Router
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.feedback import check_title
from bot.service import TrainingService
from bot.service.disputes import VerdictChoice
from bot.storage import Person
from bot.telegram import render
from bot.telegram.callbacks import DisputeCb, DisputePickCb, DisputeSkipCb
from bot.telegram.filters import OnLoop, Registered
from bot.telegram.states import Disputing, Play
from bot.telegram.trainer import dispute_text, ruling_keyboard
from bot.texts import Texts

logger = logging.getLogger(__name__)
MAX_CHOICES = 20


def _mark(choice: VerdictChoice) -> str:
    if choice.kind == "violation":
        return "⛔"
    return "✅" if choice.value else "❌"


def _turn(callback_t: int) -> int | None:
    return None if callback_t < 0 else callback_t


async def pick(call: CallbackQuery, callback_data: DisputeCb, service: TrainingService,
               person: Person, texts: Texts) -> None:
    """«Оспорить оценку»: the verdicts of that reply (or of the whole run) to choose from."""
    choices = service.disputes.choices(callback_data.a, _turn(callback_data.t),
                                       person_id=person.id)[:MAX_CHOICES]
    await call.answer()
    if not isinstance(call.message, Message):
        return
    if not choices:
        await call.message.answer(texts("dispute.nothing"))
        return
    kb = InlineKeyboardBuilder()
    for i, choice in enumerate(choices):
        title = check_title(service.standard, choice.check)
        label = texts("dispute.pick_row", mark=_mark(choice), title=title) if callback_data.t >= 0 \
            else texts("dispute.pick_row_turn", turn=choice.turn_idx + 1, mark=_mark(choice),
                       title=title)
        kb.button(text=label, callback_data=DisputePickCb(a=callback_data.a, t=callback_data.t,
                                                          i=i))
    kb.adjust(1)
    await call.message.answer(texts("dispute.pick"), reply_markup=kb.as_markup())


async def chosen(call: CallbackQuery, callback_data: DisputePickCb, state: FSMContext,
                 service: TrainingService, person: Person, texts: Texts) -> None:
    """One verdict chosen: ask for a comment (the run in progress, if any, waits)."""
    choices = service.disputes.choices(callback_data.a, _turn(callback_data.t),
                                       person_id=person.id)
    await call.answer()
    if not isinstance(call.message, Message):
        return
    if not 0 <= callback_data.i < len(choices):
        await call.message.answer(texts("dispute.nothing"))
        return
    choice = choices[callback_data.i]
    await state.update_data(
        dispute={"a": callback_data.a, "t": choice.turn_idx, "c": choice.check},
        resume=await state.get_state(),
    )
    await state.set_state(Disputing.comment)
    key = "violation" if choice.kind == "violation" else f"step_{str(choice.value).lower()}"
    kb = InlineKeyboardBuilder()
    kb.button(text=texts("dispute.btn.skip"), callback_data=DisputeSkipCb())
    await call.message.answer(
        texts("dispute.ask_comment", title=render.esc(check_title(service.standard, choice.check)),
              verdict=texts(f"dispute.verdict.{key}")),
        reply_markup=kb.as_markup())


async def comment(message: Message, bot: Bot, state: FSMContext, service: TrainingService,
                  person: Person, texts: Texts) -> None:
    await _send(message, bot, state, service, person, texts, message.text)


async def skip(call: CallbackQuery, bot: Bot, state: FSMContext, service: TrainingService,
               person: Person, texts: Texts) -> None:
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.edit_reply_markup(reply_markup=None)
        await _send(call.message, bot, state, service, person, texts, None)


async def _send(message: Message, bot: Bot, state: FSMContext, service: TrainingService,
                person: Person, texts: Texts, text: str | None) -> None:
    """Record the dispute, go back to the run (if one was going on), tell the trainers."""
    data = await state.get_data()
    draft = data.get("dispute")
    resume = data.get("resume")
    await state.update_data(dispute=None, resume=None)
    await state.set_state(Play.answering if resume == Play.answering.state else None)
    if not draft:
        await message.answer(texts("dispute.nothing"))
        return
    view = service.disputes.open(int(draft["a"]), int(draft["t"]), str(draft["c"]),
                                 person_id=person.id, comment=text)
    key = "dispute.sent_resume" if resume == Play.answering.state else "dispute.sent"
    await message.answer(texts(key) if view.reviewers else texts("dispute.no_reviewer"))
    body = dispute_text(texts, service, view)
    for chat_id in view.reviewers:
        try:
            await bot.send_message(chat_id, body[:4000],
                                   reply_markup=ruling_keyboard(texts, view.dispute.id).as_markup())
        except TelegramAPIError as exc:  # a trainer who blocked the bot: the others still get it
            logger.info("dispute %s not delivered to a trainer: %s", view.dispute.id,
                        type(exc).__name__)


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(Registered())
    router.callback_query.filter(Registered())
    router.callback_query.register(pick, DisputeCb.filter())
    router.callback_query.register(chosen, DisputePickCb.filter())
    router.callback_query.register(skip, DisputeSkipCb.filter(), StateFilter(Disputing.comment))
    router.message.register(comment, StateFilter(Disputing.comment), OnLoop(F.text))
    return router

