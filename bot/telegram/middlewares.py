"""Per-update middlewares: count updates in flight, serialise one user's updates, skip updates
already handled, load who is writing.

All are outer middlewares on `dp.update`, installed by `bot.__main__.build_dispatcher` in this
order: `InFlight` → `UserLock` → `Dedup` → `Identity`. They reach the data only through
`TrainingService`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User

from bot.service import TrainingService

logger = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class InFlight(BaseMiddleware):
    """Counts updates being handled, so that shutdown can let the turns in progress finish."""

    def __init__(self) -> None:
        self.count = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        self.count += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self.count -= 1
            if self.count == 0:
                self._idle.set()

    async def drained(self, timeout: float) -> bool:
        """Wait until no update is in progress; False if `timeout` seconds passed first."""
        try:
            await asyncio.wait_for(self._idle.wait(), timeout)
        except TimeoutError:
            return False
        return True


class Dedup(BaseMiddleware):
    """Handle every update once, across restarts, and lose none.

    Telegram (and the emulator) delivers an update again until the bot confirms it with the next
    `getUpdates` offset. An update already handled goes only to the `redelivered` router (it
    answers without doing anything again, so the trainee still sees where the run stands);
    otherwise the handler gets a
    `receipt` for it. A graded reply records the receipt in the same transaction as its turn
    (`TrainingService.answer(receipt=...)`), anything else is recorded when the handler is done
    (`TrainingService.settle`) — so a reply is graded exactly once even if the bot is killed
    mid-turn. Runs inside `UserLock`, so a duplicate waits for the original and then sees it.
    """

    def __init__(self, service: TrainingService) -> None:
        self.service = service
        self.skipped = 0

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        receipt = self.service.receipt("update", event.update_id)
        if receipt is None:  # handled before: only `bot.telegram.redelivered` sees it
            self.skipped += 1
            logger.info("update %s was already handled; redelivered", event.update_id)
            data["redelivered"] = True
            return await handler(event, data)
        data["receipt"] = receipt
        try:
            return await handler(event, data)
        finally:
            self.service.settle(receipt)


class UserLock(BaseMiddleware):
    """One update at a time per Telegram user, in arrival order.

    The polling loop hands updates to tasks in order; `asyncio.Lock` wakes waiters first come,
    first served, so two messages sent together are handled one after the other, in order.
    """

    def __init__(self) -> None:
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None:
            return await handler(event, data)
        lock = self._locks.setdefault(user.id, asyncio.Lock())
        self._users[user.id] = self._users.get(user.id, 0) + 1
        try:
            async with lock:
                return await handler(event, data)
        finally:
            self._users[user.id] -= 1
            if self._users[user.id] == 0:  # nobody waits: forget the lock
                del self._users[user.id]
                del self._locks[user.id]


class Identity(BaseMiddleware):
    """Put `who` (`bot.service.Who`), `person` (the registered `Person` or None) and `roles`
    (a frozenset) into the data, as `TrainingService.people` tells."""

    def __init__(self, service: TrainingService) -> None:
        self.service = service

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        who = self.service.people.identify(user.id if user is not None else None)
        data["who"] = who
        data["person"] = who.person
        data["roles"] = who.roles
        return await handler(event, data)
