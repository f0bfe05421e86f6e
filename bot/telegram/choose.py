"""Choosing a scenario: mode (training/exam) → kind → scenario (with the trainee's best score)
→ briefing card with «Начать»."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.types import CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder

from bot.service import TrainingService
from bot.storage import Person
from bot.telegram import render
from bot.telegram.callbacks import KindCb, MenuCb, ScenarioCb, StartCb
from bot.telegram.filters import Registered
from bot.texts import Texts

MODES = {"train": "training", "exam": "exam"}


async def choose_kind(
    call: CallbackQuery, callback_data: MenuCb, service: TrainingService, texts: Texts
) -> None:
    await call.answer()
    mode = MODES[callback_data.action]
    kinds = sorted({s.kind for s in service.scenarios()})
    kb = InlineKeyboardBuilder()
    for kind in kinds:
        kb.button(text=render.kind_label(texts, kind), callback_data=KindCb(mode=mode, kind=kind))
    kb.button(text=texts("menu.back"), callback_data=MenuCb(action="menu"))
    kb.adjust(1)
    if isinstance(call.message, Message):
        await call.message.answer(texts("choose.kind", mode=texts(f"mode.{mode}")),
                                  reply_markup=kb.as_markup())


async def choose_scenario(
    call: CallbackQuery, callback_data: KindCb, service: TrainingService, person: Person,
    texts: Texts,
) -> None:
    await call.answer()
    best = service.best_scores(person.id)
    chosen = sorted(service.scenarios(callback_data.kind), key=lambda s: (s.difficulty, s.title))
    kb = InlineKeyboardBuilder()
    for scenario in chosen:
        kb.button(text=render.scenario_button(texts, scenario, best.get(scenario.id)),
                  callback_data=ScenarioCb(mode=callback_data.mode, id=scenario.id))
    action = "exam" if callback_data.mode == "exam" else "train"
    kb.button(text=texts("brief.back"), callback_data=MenuCb(action=action))
    kb.adjust(1)
    text = texts("choose.scenario") if chosen else texts("choose.empty")
    if isinstance(call.message, Message):
        await call.message.answer(text, reply_markup=kb.as_markup())


async def briefing(
    call: CallbackQuery, callback_data: ScenarioCb, service: TrainingService, texts: Texts,
    person: Person,
) -> None:
    await call.answer()
    scenario = service.scenario(callback_data.id)
    mode = scenario.mode_for(callback_data.mode)
    kb = InlineKeyboardBuilder()
    kb.button(text=texts("brief.start"), callback_data=StartCb(mode=mode, id=scenario.id))
    kb.button(text=texts("brief.back"),
              callback_data=KindCb(mode=callback_data.mode, kind=scenario.kind))
    kb.adjust(1)
    if isinstance(call.message, Message):
        text = render.briefing(texts, service.standard, scenario, mode, person.display_name)
        await call.message.answer(text, reply_markup=kb.as_markup())


def make_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.filter(Registered())
    router.callback_query.register(choose_kind, MenuCb.filter(F.action.in_(set(MODES))))
    router.callback_query.register(choose_scenario, KindCb.filter())
    router.callback_query.register(briefing, ScenarioCb.filter())
    return router
