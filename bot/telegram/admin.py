"""Admin commands: `/grant <telegram_id> <role>`. Guarded by a router-level role filter."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.storage import ROLES, Storage
from bot.telegram import render
from bot.telegram.filters import RoleFilter
from bot.texts import Texts

GRANTABLE = tuple(r for r in ROLES if r != "trainee")


async def grant(message: Message, command: CommandObject, storage: Storage, texts: Texts) -> None:
    """`/grant <telegram_id> <role>` (admins only)."""
    parts = (command.args or "").split()
    roles_list = ", ".join(GRANTABLE)
    if len(parts) != 2 or not parts[0].lstrip("-").isdigit():
        await message.answer(texts("grant.usage", roles=roles_list))
        return
    telegram_id, role = int(parts[0]), parts[1].lower()
    if role not in GRANTABLE:
        await message.answer(texts("grant.unknown_role", role=render.esc(role), roles=roles_list))
        return
    target = storage.person_by_telegram(telegram_id)
    if target is None:
        await message.answer(texts("grant.unknown_person", telegram_id=telegram_id))
        return
    storage.grant_role(target.id, role)
    await message.answer(texts("grant.done", name=render.esc(target.display_name), role=role))


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(RoleFilter("admin"))
    router.message.register(grant, Command("grant"))
    return router
