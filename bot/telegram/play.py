"""The play loop: start a run → client line → trainee reply → feedback → next line … → score
card. Training shows feedback after every reply and offers hints; exam only shows the card.

Restart-safe: the FSM state (`Play.answering`, data `attempt_id`) lives in SQLite and the run's
snapshot in the attempt row; `TrainingService` reloads both on every reply.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.filters import Command, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram.utils.chat_action import ChatActionSender

from bot.errors import AttemptAlreadyActive, AttemptClosed, DuplicateEvent
from bot.llm import Transcript
from bot.service import Receipt, TrainingService, TurnView
from bot.storage import Person
from bot.telegram import keyboards, render
from bot.telegram.callbacks import HintCb, StartCb
from bot.telegram.filters import OnLoop, Registered
from bot.telegram.split import send_long
from bot.telegram.states import Play
from bot.texts import Texts
from scenarios import ClientLine

TYPING_AFTER = 0.5
"""Seconds a reply is worked on before the client is shown «печатает…»: a turn graded by the
rules alone is answered sooner, so it costs no `sendChatAction` call (one Bot API call a turn
fewer against Telegram's 30 a second); a turn waiting on the LLM shows it."""


async def send_line(
    message: Message, texts: Texts, line: ClientLine, attempt_id: int, prefix: str = "",
    dispute_turn: int | None = None,
) -> None:
    """Send the client's line (after the feedback, if any), with the hint button when the run
    gives hints (the engine decides: `line.hint` is None otherwise) and «Оспорить» for the
    feedback of turn `dispute_turn`."""
    markup = keyboards.under_line(texts, attempt_id, line.hint_cost if line.hint else None,
                                  dispute_turn)
    text = render.client_line(texts, line)
    await send_long(message, f"{prefix}\n\n{text}" if prefix else text, reply_markup=markup)


async def enter_run(
    message: Message, state: FSMContext, service: TrainingService, texts: Texts,
    line: ClientLine, attempt_id: int,
) -> None:
    """Put the chat into the run and show the client's line (a start, a resume, a preview)."""
    await state.set_state(Play.answering)
    await state.set_data({"attempt_id": attempt_id})
    await send_line(message, texts, line, attempt_id)
    service.delivered(attempt_id)  # a restart before this line sends it (`deliver_pending`)


async def start_run(
    call: CallbackQuery, callback_data: StartCb, bot: Bot, state: FSMContext,
    service: TrainingService, person: Person, texts: Texts,
) -> None:
    """«Начать» / «Ещё раз». A double tap finds the first run active and starts nothing."""
    if not isinstance(call.message, Message):
        await call.answer()
        return
    try:
        async with ChatActionSender.typing(bot=bot, chat_id=call.message.chat.id,
                                           initial_sleep=TYPING_AFTER):
            view = await service.start(person.id, callback_data.id, callback_data.mode,
                                       "telegram", agent_name=person.display_name)
    except AttemptAlreadyActive:
        await call.answer(texts("play.already_running"), show_alert=True)
        return
    await call.answer()
    await enter_run(call.message, state, service, texts, view.line, view.attempt_id)


async def reply(
    message: Message, bot: Bot, state: FSMContext, service: TrainingService, texts: Texts,
    person: Person, receipt: Receipt,
) -> None:
    """The trainee's answer to the client: graded, stored, answered."""
    await _answer(message, bot, state, service, texts, person, receipt, message.text or "")


async def voice_reply(
    message: Message, bot: Bot, state: FSMContext, service: TrainingService, texts: Texts,
    person: Person, receipt: Receipt,
) -> None:
    """A spoken answer: transcribed, shown back («Я услышал(а): …»), graded like a typed one
    (the turn records that it was spoken). Without a speech endpoint: the request for text."""
    voice = message.voice
    if voice is None or not service.hears_voice:
        await message.answer(texts("play.text_only"))
        return
    if voice.duration > service.voice_max_seconds:
        await message.answer(texts("llm.voice.too_long", seconds=service.voice_max_seconds))
        return
    async with ChatActionSender.typing(bot=bot, chat_id=message.chat.id,
                                       initial_sleep=TYPING_AFTER):
        audio = await bot.download(voice)
        assert audio is not None  # without a destination, aiogram returns the bytes
        heard = await service.transcribe(audio.read(), content_type=voice.mime_type or "audio/ogg")
    await message.answer(texts("llm.voice.heard", text=render.esc(heard.text)))
    await _answer(message, bot, state, service, texts, person, receipt, heard.text, heard)


async def _answer(
    message: Message, bot: Bot, state: FSMContext, service: TrainingService, texts: Texts,
    person: Person, receipt: Receipt, text: str, transcript: Transcript | None = None,
) -> None:
    attempt_id = (await state.get_data()).get("attempt_id")
    if attempt_id is None:
        active = await service.active_attempt(person.id)
        if active is None:
            await state.clear()
            await message.answer(texts("play.no_active"))
            return
        attempt_id = active.attempt.id
    try:
        async with ChatActionSender.typing(bot=bot, chat_id=message.chat.id,
                                           initial_sleep=TYPING_AFTER):
            view = await service.answer(int(attempt_id), text, person_id=person.id,
                                        sent_at=message.date, receipt=receipt,
                                        transcript=transcript)
    except DuplicateEvent:  # a redelivered message: graded and stored the first time
        return
    except AttemptClosed:
        await state.clear()
        await message.answer(texts("final.already"))
        return
    await _render_turn(message, state, service, texts, view)


async def _render_turn(
    message: Message, state: FSMContext, service: TrainingService, texts: Texts, view: TurnView
) -> None:
    standard = view.standard or service.standard  # the standard that graded it: no extra read
    feedback = render.feedback(texts, standard, view.result) if view.show_feedback else ""
    if view.final is None:
        assert view.line is not None
        await send_line(message, texts, view.line, view.attempt_id, prefix=feedback,
                        dispute_turn=view.turn_index if feedback else None)
    else:
        await state.clear()
        closing = render.client_line(texts, view.line) if view.line and view.line.text else ""
        card = render.final_card(texts, standard, view.final)
        note = texts("lib.preview_done") if view.preview else ""
        text = "\n\n".join(part for part in (feedback, closing, card, note) if part)
        await send_long(message, text, reply_markup=keyboards.after_run(
            texts, view.final.scenario_id, view.mode, attempt_id=view.attempt_id,
            preview=view.preview))
    service.delivered(view.attempt_id)  # a restart before this line sends it again


async def not_text(message: Message, texts: Texts) -> None:
    """A sticker, photo, voice or file where an answer is expected: nothing is stored."""
    await message.answer(texts("play.text_only"))


async def hint(
    call: CallbackQuery, callback_data: HintCb, service: TrainingService, person: Person,
    texts: Texts,
) -> None:
    view = await service.hint(callback_data.attempt, person_id=person.id)
    await call.answer()
    if isinstance(call.message, Message):
        await send_long(call.message, render.hint(texts, view.text, view.penalty))


async def hint_command(
    message: Message, state: FSMContext, service: TrainingService, person: Person, texts: Texts
) -> None:
    """`/hint` typed as a command: the hint for the line awaiting an answer (it costs points in
    training); never graded as a reply. Without a run, says so."""
    attempt_id = (await state.get_data()).get("attempt_id")
    if attempt_id is None:
        active = await service.active_attempt(person.id)
        if active is None:
            await message.answer(texts("play.command_no_run"))
            return
        attempt_id = active.attempt.id
    view = await service.hint(int(attempt_id), person_id=person.id)
    await send_long(message, render.hint(texts, view.text, view.penalty))


async def unknown_command(message: Message, texts: Texts) -> None:
    """Any other `/word` during a run: a polite notice; nothing is graded or stored."""
    command = (message.text or "").split(maxsplit=1)[0]
    await message.answer(texts("play.unknown_command", command=render.esc(command)))


async def resume(
    message: Message, state: FSMContext, service: TrainingService, texts: Texts, person: Person
) -> None:
    """A message outside any dialogue: continue a run left active (its state was lost), or say
    there is nothing to answer (a reply after the end is not graded)."""
    active = await service.active_attempt(person.id)
    if active is None:
        await message.answer(texts("play.no_active"))
        return
    await enter_run(message, state, service, texts, active.line, active.attempt.id)


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(Registered())
    router.callback_query.filter(Registered())
    router.callback_query.register(start_run, StartCb.filter())
    router.callback_query.register(hint, HintCb.filter())
    # a line beginning with «/» is a command, never a reply (commands of the routers before
    # this one — /cancel, /help, /progress, /start, the role commands — are handled there)
    router.message.register(hint_command, Command("hint", "подсказка"))
    router.message.register(unknown_command, StateFilter(Play.answering),
                            OnLoop(F.text.startswith("/")))
    router.message.register(reply, StateFilter(Play.answering), OnLoop(F.text))
    router.message.register(voice_reply, StateFilter(Play.answering), OnLoop(F.voice))
    router.message.register(not_text, StateFilter(Play.answering))
    router.message.register(resume, StateFilter(None))
    return router
