"""Admins: which teams an HR person reports on (`/hr_team <telegram_id> [team name]`,
`/hr_untie <telegram_id> <team name>`) and deleting a person's personal data on request
(`/forget <telegram_id>`, confirmed with a button). Guarded by a router-level role filter; the
service checks the role again, also for a crafted confirmation."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message

from bot.errors import PersonNotFound
from bot.service import TrainingService, Who
from bot.telegram import hr_keyboards as kb
from bot.telegram.callbacks import ForgetCb
from bot.telegram.filters import RoleFilter
from bot.telegram.render import esc
from bot.texts import Texts


def _args(command: CommandObject) -> tuple[int | None, str]:
    """(telegram id, the rest) of `/cmd <telegram_id> [rest…]`; id None when it is not one."""
    first, _, rest = (command.args or "").strip().partition(" ")
    return (int(first) if first.lstrip("-").isdigit() else None), rest.strip()


async def hr_team(message: Message, command: CommandObject, service: TrainingService,
                  texts: Texts, who: Who) -> None:
    """`/hr_team <id> <team>` assigns a team (granting hr); `/hr_team <id>` lists them."""
    telegram_id, team_name = _args(command)
    if telegram_id is None:
        await message.answer(texts("hr_team.usage"))
    elif not team_name:
        person, teams = service.reports.assigned(who, telegram_id)
        names = ", ".join(f"«{t.name}»" for t in teams)
        key = "hr_team.list" if teams else "hr_team.none"
        await message.answer(texts(key, name=esc(person.display_name), teams=esc(names)))
    else:
        person, team = service.reports.assign(who, telegram_id, team_name)
        await message.answer(texts("hr_team.done", name=esc(person.display_name),
                                   team=esc(team.name)))


async def hr_untie(message: Message, command: CommandObject, service: TrainingService,
                   texts: Texts, who: Who) -> None:
    """`/hr_untie <id> <team>`: the HR person no longer reports on that team."""
    telegram_id, team_name = _args(command)
    if telegram_id is None or not team_name:
        await message.answer(texts("hr_untie.usage"))
        return
    person, team, was = service.reports.untie(who, telegram_id, team_name)
    key = "hr_untie.done" if was else "hr_untie.not_assigned"
    await message.answer(texts(key, name=esc(person.display_name), team=esc(team.name)))


async def forget(message: Message, command: CommandObject, service: TrainingService,
                 texts: Texts, who: Who) -> None:
    """`/forget <telegram_id>`: asks to confirm deleting that person's personal data."""
    telegram_id, _ = _args(command)
    if telegram_id is None:
        await message.answer(texts("forget.usage"))
        return
    try:
        person = service.reports.by_telegram(who, telegram_id)
    except PersonNotFound:
        await message.answer(texts("grant.unknown_person", telegram_id=telegram_id))
        return
    await message.answer(texts("forget.confirm", name=esc(person.display_name),
                               telegram_id=telegram_id), reply_markup=kb.forget(texts, person.id))


async def confirm_forget(call: CallbackQuery, callback_data: ForgetCb, service: TrainingService,
                         texts: Texts, who: Who) -> None:
    """The confirmation: delete (the service checks the admin role again) or cancel."""
    if callback_data.ok:
        done = service.reports.forget(who, callback_data.person)
        text = texts("forget.done", attempts=done.counts.attempts, turns=done.counts.turns)
    else:
        text = texts("forget.cancelled")
    await call.answer()
    if isinstance(call.message, Message):
        await call.message.edit_text(text)


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(RoleFilter("admin"))
    router.callback_query.filter(RoleFilter("admin"))
    router.message.register(hr_team, Command("hr_team"))
    router.message.register(hr_untie, Command("hr_untie"))
    router.message.register(forget, Command("forget"))
    router.callback_query.register(confirm_forget, ForgetCb.filter())
    return router
