"""The play loop: start a run → client line → trainee reply → feedback → next line … → score
card. Training shows feedback after every reply and offers hints; exam only shows the card.

Restart-safe: the FSM state (`Play.answering`, data `attempt_id`) lives in SQLite and the run's
snapshot in the attempt row; `TrainingService` reloads both on every reply.
"""

from __future__ import annotations

import time

from aiogram import Bot, F, Router
from aiogram.filters import StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message, Update
from aiogram.utils.chat_action import ChatActionSender

from bot.errors import AlreadyAnswered, AttemptAlreadyActive, AttemptClosed
from bot.service import HINT_PENALTY, TrainingService, TurnView
from bot.storage import Person
from bot.telegram import keyboards, render
from bot.telegram.callbacks import HintCb, StartCb
from bot.telegram.filters import Registered
from bot.telegram.split import split_text
from bot.telegram.states import Play
from bot.texts import Texts
from scenarios import ClientLine
from scoring import Standard


async def send_long(message: Message, text: str, **kwargs: object) -> None:
    """Send `text` in ≤ 4096-character parts; a keyboard goes with the last part only."""
    chunks = split_text(text)
    markup = kwargs.pop("reply_markup", None)
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        await message.answer(chunk, reply_markup=markup if last else None)  # type: ignore[arg-type]


async def _send_line(
    message: Message, state: FSMContext, texts: Texts, line: ClientLine, attempt_id: int,
    mode: str, prefix: str = "",
) -> None:
    """Send the client's line and remember when it was shown (the answer time starts then)."""
    markup = None
    if mode == "training" and line.hint:
        markup = keyboards.hint(texts, attempt_id, HINT_PENALTY)
    text = render.client_line(texts, line)
    await send_long(message, f"{prefix}\n\n{text}" if prefix else text, reply_markup=markup)
    await state.update_data(attempt_id=attempt_id, shown_at=time.time())


def _elapsed(message: Message, shown_at: object) -> float | None:
    """Seconds from showing the client's line to the trainee's message (Telegram's timestamp)."""
    if not isinstance(shown_at, int | float):
        return None
    return max(0.0, message.date.timestamp() - float(shown_at))


async def start_run(
    call: CallbackQuery, callback_data: StartCb, bot: Bot, state: FSMContext,
    service: TrainingService, person: Person, texts: Texts,
) -> None:
    """«Начать» / «Ещё раз». A double tap finds the first run active and starts nothing."""
    if not isinstance(call.message, Message):
        await call.answer()
        return
    try:
        async with ChatActionSender.typing(bot=bot, chat_id=call.message.chat.id):
            view = await service.start(person.id, callback_data.id, callback_data.mode,
                                       "telegram", agent_name=person.display_name)
    except AttemptAlreadyActive:
        await call.answer(texts("play.already_running"), show_alert=True)
        return
    await call.answer()
    await state.set_state(Play.answering)
    await state.set_data({"attempt_id": view.attempt_id})
    await _send_line(call.message, state, texts, view.line, view.attempt_id, view.mode)


async def reply(
    message: Message, bot: Bot, state: FSMContext, service: TrainingService, texts: Texts,
    standard: Standard, person: Person, event_update: Update,
) -> None:
    """The trainee's answer to the client: graded, stored, answered."""
    data = await state.get_data()
    attempt_id = data.get("attempt_id")
    if attempt_id is None:
        active = await service.active_attempt(person.id)
        if active is None:
            await state.clear()
            await message.answer(texts("play.no_active"))
            return
        attempt_id = active.attempt.id
    try:
        async with ChatActionSender.typing(bot=bot, chat_id=message.chat.id):
            view = await service.answer(
                int(attempt_id),
                message.text or "",
                _elapsed(message, data.get("shown_at")),
                event=("update", event_update.update_id),
            )
    except AlreadyAnswered:  # a redelivered message: graded and stored the first time
        return
    except AttemptClosed:
        await state.clear()
        await message.answer(texts("final.already"))
        return
    await _render_turn(message, state, service, texts, standard, view)


async def _render_turn(
    message: Message, state: FSMContext, service: TrainingService, texts: Texts,
    standard: Standard, view: TurnView,
) -> None:
    feedback = render.feedback(texts, standard, view.result) if view.show_feedback else ""
    if view.card is None:
        assert view.line is not None
        await _send_line(
            message, state, texts, view.line, view.attempt_id, view.mode, prefix=feedback
        )
        return
    await state.clear()
    if view.line is not None and view.line.text:
        closing = render.client_line(texts, view.line)
        await send_long(message, f"{feedback}\n\n{closing}" if feedback else closing)
    elif feedback:
        await send_long(message, feedback)
    attempt = service.storage.get_attempt(view.attempt_id)
    scenario = service.scenario(attempt.scenario_id) if attempt.scenario_id in service.library \
        else None
    title = scenario.title if scenario is not None else attempt.scenario_id
    card = render.final_card(texts, standard, title, view.card, started_at=attempt.started_at,
                             finished_at=attempt.finished_at, hints=attempt.hints_used)
    await send_long(message, card,
                    reply_markup=keyboards.after_run(texts, attempt.scenario_id, view.mode))


async def not_text(message: Message, texts: Texts) -> None:
    """A sticker, photo, voice or file where an answer is expected: nothing is stored."""
    await message.answer(texts("play.text_only"))


async def hint(
    call: CallbackQuery, callback_data: HintCb, service: TrainingService, texts: Texts
) -> None:
    view = await service.hint(callback_data.attempt)
    await call.answer()
    if isinstance(call.message, Message):
        await send_long(call.message, texts("play.hint", hint=render.esc(view.text)))


async def resume(
    message: Message, state: FSMContext, service: TrainingService, texts: Texts, person: Person
) -> None:
    """A message outside any dialogue: continue a run left active (its state was lost), or say
    there is nothing to answer (a reply after the end is not graded)."""
    active = await service.active_attempt(person.id)
    if active is None:
        await message.answer(texts("play.no_active"))
        return
    await state.set_state(Play.answering)
    await state.set_data({"attempt_id": active.attempt.id})
    await _send_line(message, state, texts, active.line, active.attempt.id, active.attempt.mode)


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(Registered())
    router.callback_query.filter(Registered())
    router.callback_query.register(start_run, StartCb.filter())
    router.callback_query.register(hint, HintCb.filter())
    router.message.register(reply, StateFilter(Play.answering), F.text)
    router.message.register(not_text, StateFilter(Play.answering))
    router.message.register(resume, StateFilter(None))
    return router
