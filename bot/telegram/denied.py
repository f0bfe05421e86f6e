"""The refusal: a privileged command that no role router accepted ends here."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import Message

from bot.texts import Texts

# command -> roles that may use it (the refusal names them)
PRIVILEGED: dict[str, tuple[str, ...]] = {
    "grant": ("admin",),
    "revoke": ("admin",),
    "scenarios": ("trainer", "admin"),
    "team_report": ("hr", "admin"),
    "invite": ("hr", "admin"),
}


async def denied(message: Message, command: CommandObject, texts: Texts) -> None:
    roles = PRIVILEGED.get(command.command, ("admin",))
    names = texts.join([texts.role(role, "datv") for role in roles])  # «тренерам и HR»
    await message.answer(texts("roles.denied", roles=names))


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(denied, Command(*PRIVILEGED))
    return router
