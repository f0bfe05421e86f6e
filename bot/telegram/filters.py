"""Filters used at router level: role checks and "is this person registered"."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject

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
