"""Per-update middlewares: skip duplicates, serialise one user's updates, load who is writing.

All are outer middlewares on `dp.update`, installed by `bot.__main__.build_dispatcher` in this
order: `InFlight` → `UserLock` → `Dedup` → `Identity`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update, User

from bot.storage import Storage

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
    `getUpdates` offset. An update already recorded in SQLite (`processed_events`) is skipped;
    otherwise it is handled and recorded afterwards. A bot killed mid-turn therefore handles the
    redelivered reply again — and the turn itself records its update id in the same transaction
    as the graded turn (`TrainingService.answer(event=...)`), so a reply is graded exactly once.
    Runs inside `UserLock`, so a duplicate waits for the original and then sees it recorded.
    """

    def __init__(self, storage: Storage) -> None:
        self.storage = storage
        self.skipped = 0

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        if self.storage.is_processed("update", event.update_id):
            self.skipped += 1
            logger.info("update %s was already handled; skipped", event.update_id)
            return None
        try:
            return await handler(event, data)
        finally:
            self.storage.mark_processed("update", event.update_id)


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
    """Put `person` (the registered `Person` or None) and `roles` (a frozenset) into the data.

    Everyone is a trainee; admins are the people granted "admin" plus the Telegram ids in
    `ADMIN_IDS` (they need not be registered to be admins).
    """

    def __init__(self, storage: Storage, admin_ids: Collection[int]) -> None:
        self.storage = storage
        self.admin_ids = frozenset(admin_ids)

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        user: User | None = data.get("event_from_user")
        person = self.storage.person_by_telegram(user.id) if user is not None else None
        roles = {"trainee"}
        if person is not None:
            roles.update(person.roles)
        if user is not None and user.id in self.admin_ids:
            roles.add("admin")
        if "admin" in roles:
            roles.update({"trainer", "hr"})
        data["person"] = person
        data["roles"] = frozenset(roles)
        return await handler(event, data)
