"""An update that was already handled, delivered again (a restart before Telegram got the
confirmation): nothing is done twice. A reply's turn is already stored, but its answer may never
have gone out — so the trainee gets the client's line that now awaits an answer; a button just
stops spinning. First in the router list, so no other router sees such an update.
"""

from __future__ import annotations

import logging

from aiogram import Bot, Router
from aiogram.filters import Filter
from aiogram.types import CallbackQuery, Message, TelegramObject

from bot.service import TrainingService
from bot.storage import Person
from bot.telegram import keyboards, render
from bot.telegram.play import send_line
from bot.telegram.split import send_long_to
from bot.texts import Texts

logger = logging.getLogger(__name__)


class Redelivered(Filter):
    """Passes for an update the `Dedup` middleware found handled before."""

    async def __call__(self, event: TelegramObject, redelivered: bool = False) -> bool:
        return redelivered


async def message_again(
    message: Message, service: TrainingService, texts: Texts, person: Person | None
) -> None:
    active = await service.active_attempt(person.id) if person is not None else None
    if active is None:
        return
    await send_line(message, texts, active.line, active.attempt.id,
                    prefix=texts("play.already_counted"))


async def button_again(call: CallbackQuery) -> None:
    await call.answer()


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(Redelivered())
    router.callback_query.filter(Redelivered())
    router.message.register(message_again)
    router.callback_query.register(button_again)
    return router


async def deliver_pending(bot: Bot, service: TrainingService, texts: Texts) -> int:
    """At start-up: the answers the last run of the bot stored but never sent (it died between
    the two) go out now — the client's line awaiting an answer, or the score card. Returns how
    many. Writes: marks each delivered."""
    sent = 0
    for pending in await service.undelivered():
        if pending.active is not None:
            line = pending.active.line
            markup = (keyboards.hint(texts, pending.attempt_id, line.hint_cost) if line.hint
                      else None)
            text = f"{texts('play.restarted')}\n\n{render.client_line(texts, line)}"
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
