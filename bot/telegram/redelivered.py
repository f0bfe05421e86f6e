"""An update that was already handled, delivered again (a restart before Telegram got the
confirmation): nothing is done twice, and nothing is sent twice. A reply's answer that a crash
left unsent has gone out already by then: `deliver_pending` sends every such answer at start-up,
before the first update is handled (showing the line again here would reach the trainee after
they had answered it, and read as a request to answer it again). A button just stops spinning.
First in the router list, so no other router sees such an update.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Dispatcher, Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.service import TrainingService
from bot.telegram import keyboards, render
from bot.telegram.split import send_long_to
from bot.telegram.states import Play
from bot.texts import Texts

logger = logging.getLogger(__name__)


class Redelivered(Filter):
    """Passes for an update the `Dedup` middleware found handled before."""

    async def __call__(self, event: TelegramObject, redelivered: bool = False) -> bool:
        return redelivered


async def message_again(message: Message) -> None:
    logger.info("a message handled before was delivered again: nothing to do")


async def button_again(call: CallbackQuery) -> None:
    await call.answer()


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(Redelivered())
    router.callback_query.filter(Redelivered())
    router.message.register(message_again)
    router.callback_query.register(button_again)
    return router


async def deliver_pending(
    bot: Bot, service: TrainingService, texts: Texts, dispatcher: Dispatcher
) -> int:
    """At start-up: the answers the last run of the bot stored but never sent (it died between
    the two) go out now — the client's line awaiting an answer, or the score card. The chat is
    put into the run (the FSM state a start sets), as a bot killed mid-start may never have
    done, so the trainee's answer to that line is graded. Returns how many. Writes: marks each
    delivered; the chats' FSM state."""
    sent = 0
    for pending in await service.undelivered():
        if pending.active is not None:
            chat = dispatcher.fsm.get_context(bot, pending.telegram_id, pending.telegram_id)
            await chat.set_state(Play.answering)
            await chat.set_data({"attempt_id": pending.attempt_id})
            line = pending.active.line
            markup = (keyboards.hint(texts, pending.attempt_id, line.hint_cost) if line.hint
                      else None)
            # a run that died before its first line went out has no answer to speak of
            note = texts("play.restarted" if pending.active.attempt.turn_count
                         else "play.restarted_start")
            text = f"{note}\n\n{render.client_line(texts, line)}"
        elif pending.final is not None:
            markup = keyboards.after_run(texts, pending.final.scenario_id, pending.mode)
            text = f"{texts('play.restarted_card')}\n\n" + render.final_card(
                texts, service.standard, pending.final)
        else:
            continue
        await send_long_to(bot, pending.telegram_id, text, markup)
        service.delivered(pending.attempt_id)
        sent += 1
    if sent:
        logger.info("sent %d answers a restart had left unsent", sent)
    return sent
