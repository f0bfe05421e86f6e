"""HR commands: `/team_report` (their own team only) and `/invite` (team deep link).
Role-guarded router."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.deep_linking import create_start_link

from bot.service import TrainingService
from bot.storage import Person, Storage
from bot.telegram import render
from bot.telegram.filters import RoleFilter
from bot.telegram.split import split_text
from bot.texts import Texts


async def team_report(
    message: Message, service: TrainingService, texts: Texts, person: Person | None
) -> None:
    """`/team_report`: attempts and average score per member of the HR person's own team."""
    if person is None or person.team_id is None:
        await message.answer(texts("hr.no_team"))
        return
    team, members = service.team_summary(person.team_id)
    for chunk in split_text(render.team_report(texts, team, members)):
        await message.answer(chunk)


async def invite(
    message: Message, bot: Bot, storage: Storage, texts: Texts, person: Person | None
) -> None:
    """`/invite`: the deep link that makes a new user join the HR person's team."""
    if person is None or person.team_id is None:
        await message.answer(texts("hr.no_team"))
        return
    team = storage.get_team(person.team_id)
    link = await create_start_link(bot, f"team_{team.invite_code}")
    await message.answer(texts("hr.invite", link=link))


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(RoleFilter("hr", "admin"))
    router.message.register(team_report, Command("team_report"))
    router.message.register(invite, Command("invite"))
    return router
