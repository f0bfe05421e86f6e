"""The one error router: renders every `BotError` to the user in their language."""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent

from bot.errors import BotError
from bot.telegram.split import send_long
from bot.texts import Texts

logger = logging.getLogger(__name__)


async def on_bot_error(event: ErrorEvent, texts: Texts) -> bool:
    exc = event.exception
    key = getattr(exc, "key", "error.internal")
    text = texts.get(key, "error.internal")
    logger.info("BotError %s: %s", type(exc).__name__, exc)
    update = event.update
    if update.callback_query is not None:
        await update.callback_query.answer(text[:200], show_alert=True)
    elif update.message is not None:
        await send_long(update.message, text)
    return True


async def on_unexpected(event: ErrorEvent, texts: Texts) -> bool:
    """Anything else is a bug: log it with its traceback, tell the user something went wrong."""
    logger.error("unhandled error in update %s", event.update.update_id,
                 exc_info=event.exception)
    text = texts("error.internal")
    update = event.update
    if update.callback_query is not None:
        await update.callback_query.answer(text[:200], show_alert=True)
    elif update.message is not None:
        await update.message.answer(text)
    return True


def make_router() -> Router:
    router = Router(name=__name__)
    router.errors.register(on_bot_error, ExceptionTypeFilter(BotError))
    router.errors.register(on_unexpected)
    return router
