"""The last router: whatever nobody else took — from someone not registered yet, or a button no
router understands (an old message's keyboard, forged data). Every callback gets an answer, so no
button keeps spinning."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message

from bot.telegram.filters import Registered
from bot.texts import Texts


async def unregistered(event: Message | CallbackQuery, texts: Texts) -> None:
    """Point at /start (a button of an old chat, a message before registering)."""
    if isinstance(event, CallbackQuery):
        await event.answer(texts("error.person_not_found"), show_alert=True)
    else:
        await event.answer(texts("error.person_not_found"))


async def stale_button(call: CallbackQuery, texts: Texts) -> None:
    await call.answer(texts("error.stale_button"), show_alert=True)


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(unregistered, ~Registered())
    router.callback_query.register(unregistered, ~Registered())
    router.callback_query.register(stale_button)
    return router
