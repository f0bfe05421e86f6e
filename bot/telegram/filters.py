"""Filters: role checks and "is this person registered" (router level), and `OnLoop`, the way
every magic filter (`F.text`, `F.document`) is registered."""

from __future__ import annotations

from typing import Any

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from magic_filter import MagicFilter

from bot.storage import Person


class RoleFilter(Filter):
    """Passes when the user has any of `roles` (`roles` comes from the `Identity` middleware)."""

    def __init__(self, *roles: str) -> None:
        if not roles:
            raise ValueError("RoleFilter needs at least one role")
        self.roles = frozenset(roles)

    async def __call__(self, event: TelegramObject, roles: frozenset[str] = frozenset()) -> bool:
        return bool(self.roles & roles)


class Registered(Filter):
    """Passes when the Telegram user has a `Person` row."""

    async def __call__(self, event: TelegramObject, person: Person | None = None) -> bool:
        return person is not None


class OnLoop(Filter):
    """A magic filter (`F.text`, `F.voice`, `F.document`) resolved on the event loop.

    aiogram calls a plain `F` filter, a sync callable, through `asyncio.to_thread` every time it
    is checked: a round trip to a worker thread per filter per message, about 6 % of the bot's
    CPU under load (docs/RELIABILITY.md). Wrapped, it is resolved in place; the result is what
    the magic filter returns (a dict from `.as_()` is passed on to the handler).
    """

    def __init__(self, magic: MagicFilter) -> None:
        self.magic = magic

    async def __call__(self, event: TelegramObject) -> Any:
        return self.magic.resolve(event)
