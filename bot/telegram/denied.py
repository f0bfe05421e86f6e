"""The refusal: a privileged command, a YAML document to publish or a trainer's button that no
role router accepted (the sender lacks the role) ends here."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.telegram.callbacks import LibCb, PublishCb, RuleCb
from bot.telegram.filters import OnLoop
from bot.texts import Texts

TRAINERS = ("trainer", "admin")

# command -> roles that may use it (the refusal names them)
PRIVILEGED: dict[str, tuple[str, ...]] = {
    "grant": ("admin",),
    "revoke": ("admin",),
    "scenarios": TRAINERS,
    "disputes": TRAINERS,
    "team_report": ("hr", "admin"),
    "report": ("hr", "admin"),
    "hr_team": ("admin",),
    "hr_untie": ("admin",),
    "forget": ("admin",),
    "invite": ("hr", "admin"),
}


def _roles(texts: Texts, roles: tuple[str, ...]) -> str:
    return texts.join([texts.role(role, "datv") for role in roles])  # «тренерам и HR»


async def denied(message: Message, command: CommandObject, texts: Texts) -> None:
    roles = PRIVILEGED.get(command.command, ("admin",))
    await message.answer(texts("roles.denied", roles=_roles(texts, roles)))


async def denied_upload(message: Message, texts: Texts) -> None:
    """A YAML document from someone who may not publish."""
    await message.answer(texts("publish.denied", roles=_roles(texts, TRAINERS)))


async def denied_button(call: CallbackQuery, texts: Texts) -> None:
    """A trainer's button (an old message forwarded, crafted data) pressed by someone else."""
    await call.answer(texts("trainer.denied_action", roles=_roles(texts, TRAINERS)),
                      show_alert=True)


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(denied, Command(*PRIVILEGED))
    router.message.register(denied_upload,
                            OnLoop(F.document.file_name.lower().endswith((".yaml", ".yml"))))
    router.callback_query.register(denied_button, LibCb.filter())
    router.callback_query.register(denied_button, PublishCb.filter())
    router.callback_query.register(denied_button, RuleCb.filter())
    return router
