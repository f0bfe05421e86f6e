"""Nothing received is lost: the inbox of updates (polling mode).

aiogram confirms an update to Telegram (the next `getUpdates` offset) as soon as it has handed
the update to a task — so a bot killed while a reply is being graded would never see that reply
again. `Inbox`, a request middleware on the bot's session, stores every update `getUpdates`
returns in SQLite (one transaction a batch) before the polling loop can confirm it; handling the
update drops it (with the turn, in the turn's own transaction, or when the handler is done), and
`replay` feeds the ones left over to the dispatcher at start-up. Together with the receipts
(`bot.telegram.middlewares.Dedup`) a reply is graded exactly once, whenever the bot dies.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from aiogram import Dispatcher
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import Update

from bot.service import TrainingService

if TYPE_CHECKING:
    from aiogram import Bot

logger = logging.getLogger(__name__)


class Inbox(BaseRequestMiddleware):
    """Keep what `getUpdates` returns before the polling loop confirms it."""

    def __init__(self, service: TrainingService) -> None:
        self.service = service

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        response = await make_request(bot, method)
        # what the next middleware hands back is the call's result (typed as a Response)
        updates = getattr(response, "result", response)
        if isinstance(method, GetUpdates) and isinstance(updates, list):
            self.service.keep_received([
                (u.update_id, u.model_dump_json(exclude_none=True, by_alias=True))
                for u in updates if isinstance(u, Update)
            ])
        return response


def replay(dp: Dispatcher, bot: Bot, service: TrainingService) -> list[asyncio.Task[object]]:
    """Feed the updates received but never handled (the bot died first) to the dispatcher, in
    order, as tasks; the receipts skip any that were handled after all. Writes: via handlers."""
    tasks: list[asyncio.Task[object]] = []
    for update_id, body in service.unhandled():
        update = Update.model_validate_json(body, context={"bot": bot})
        logger.info("replaying update %s received before a restart", update_id)
        tasks.append(asyncio.create_task(dp.feed_update(bot, update)))
    return tasks
