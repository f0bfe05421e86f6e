"""Admin commands: `/grant` and `/revoke <telegram_id> <role>`. Guarded by a router-level role
filter; the service checks the role again."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.errors import PersonNotFound
from bot.service import GRANTABLE, TrainingService, Who
from bot.telegram import render
from bot.telegram.filters import RoleFilter
from bot.texts import Texts


async def change_role(
    message: Message, command: CommandObject, service: TrainingService, texts: Texts, who: Who
) -> None:
    """`/grant <telegram_id> <role>` / `/revoke <telegram_id> <role>` (admins only)."""
    parts = (command.args or "").split()
    roles_list = ", ".join(texts("role.choice", code=r, name=texts.role(r)) for r in GRANTABLE)
    if len(parts) != 2 or not parts[0].lstrip("-").isdigit():
        await message.answer(texts(f"{command.command}.usage", roles=roles_list))
        return
    telegram_id, role = int(parts[0]), parts[1].lower()
    if role not in GRANTABLE:
        await message.answer(texts("grant.unknown_role", role=render.esc(role), roles=roles_list))
        return
    change = service.people.grant if command.command == "grant" else service.people.revoke
    try:
        target = change(who, telegram_id, role)
    except PersonNotFound:
        await message.answer(texts("grant.unknown_person", telegram_id=telegram_id))
        return
    await message.answer(texts(f"{command.command}.done", name=render.esc(target.display_name),
                               role=texts.role(role)))


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(RoleFilter("admin"))
    router.message.register(change_role, Command("grant", "revoke"))
    return router
