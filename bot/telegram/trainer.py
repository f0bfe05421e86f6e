"""Trainer commands: `/scenarios` lists the library with versions. Role-guarded router."""

from __future__ import annotations

from collections.abc import Mapping

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message

from bot.telegram import render
from bot.telegram.filters import RoleFilter
from bot.telegram.split import split_text
from bot.texts import Texts
from scenarios import Scenario


async def list_scenarios(message: Message, library: Mapping[str, Scenario], texts: Texts) -> None:
    """`/scenarios`: the library with versions (trainers)."""
    lines = [texts("trainer.scenarios_title")]
    for scenario in library.values():
        lines.append(texts("trainer.scenario_row", id=scenario.id, title=render.esc(scenario.title),
                           kind=scenario.kind, difficulty=scenario.difficulty,
                           version=scenario.version))
    for chunk in split_text("\n".join(lines)):
        await message.answer(chunk)


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.filter(RoleFilter("trainer", "admin"))
    router.message.register(list_scenarios, Command("scenarios"))
    return router
