"""HR commands: `/team_report` (their own team only) and `/invite` (team deep link).
Role-guarded router."""

from __future__ import annotations

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram.utils.deep_linking import create_start_link

from bot.service import TrainingService, Who
from bot.telegram import render
from bot.telegram.filters import RoleFilter
from bot.telegram.registration import INVITE_PREFIX
from bot.telegram.split import send_long
from bot.texts import Texts


async def team_report(message: Message, service: TrainingService, texts: Texts, who: Who) -> None:
    """`/team_report`: attempts and average score per member of the HR person's own team."""
    await send_long(message, render.team_report(texts, service.people.team_summary(who)))


async def invite(message: Message, bot: Bot, service: TrainingService, texts: Texts,
                 who: Who) -> None:
    """`/invite`: the deep link that makes a new user join the HR person's team."""
    team = service.people.own_team(who)
    link = await create_start_link(bot, f"{INVITE_PREFIX}{team.invite_code}")
    await message.answer(texts("hr.invite", link=link))


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(RoleFilter("hr", "admin"))
    router.message.register(team_report, Command("team_report"))
    router.message.register(invite, Command("invite"))
    return router
