"""Trainer commands: `/scenarios` lists the library with versions. Role-guarded router."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.service import TrainingService
from bot.telegram import render
from bot.telegram.filters import RoleFilter
from bot.telegram.split import send_long
from bot.texts import Texts


async def list_scenarios(message: Message, service: TrainingService, texts: Texts) -> None:
    """`/scenarios`: the library with versions (trainers)."""
    lines = [texts("trainer.scenarios_title")]
    for scenario in service.scenarios():
        lines.append(texts("trainer.scenario_row", id=scenario.id, title=render.esc(scenario.title),
                           kind=texts.kind(scenario.kind),
                           difficulty=texts(f"difficulty.{scenario.difficulty}"),
                           version=scenario.version))
    await send_long(message, "\n".join(lines))


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(RoleFilter("trainer", "admin"))
    router.message.register(list_scenarios, Command("scenarios"))
    return router
