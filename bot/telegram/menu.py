"""Main menu (inline buttons), `/help`, «Мой прогресс» (`/progress`) and `/cancel` (`/quit`)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.service import TrainingService
from bot.storage import Person
from bot.telegram import keyboards, render
from bot.telegram.callbacks import MenuCb
from bot.telegram.filters import Registered
from bot.telegram.split import send_long
from bot.texts import Texts


async def help_command(message: Message, texts: Texts) -> None:
    await message.answer(texts("help.text"), reply_markup=keyboards.back_to_menu(texts))


async def progress_command(
    message: Message, service: TrainingService, person: Person, texts: Texts
) -> None:
    text = render.progress(texts, service.standard, service.progress(person.id))
    await send_long(message, text)


async def cancel_command(
    message: Message, state: FSMContext, service: TrainingService, person: Person, texts: Texts
) -> None:
    """Abandon the running scenario (recorded as abandoned) and leave any dialogue."""
    active = await service.active_attempt(person.id)
    await state.clear()
    if active is None:
        await message.answer(texts("cancel.nothing"), reply_markup=keyboards.main_menu(texts))
        return
    await service.abandon(active.attempt.id, person_id=person.id)
    await message.answer(texts("cancel.done"), reply_markup=keyboards.main_menu(texts))


async def menu_button(
    call: CallbackQuery, callback_data: MenuCb, service: TrainingService, person: Person,
    texts: Texts,
) -> None:
    await call.answer()
    if not isinstance(call.message, Message):
        return
    if callback_data.action == "help":
        await call.message.answer(texts("help.text"), reply_markup=keyboards.back_to_menu(texts))
    elif callback_data.action == "progress":
        text = render.progress(texts, service.standard, service.progress(person.id))
        await send_long(call.message, text, reply_markup=keyboards.back_to_menu(texts))
    else:
        await call.message.answer(texts("menu.title"), reply_markup=keyboards.main_menu(texts))


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(help_command, Command("help"))
    # the rest needs a registered person
    router.message.register(progress_command, Command("progress"), Registered())
    router.message.register(cancel_command, Command("cancel", "quit"), Registered())
    router.callback_query.register(
        menu_button, MenuCb.filter(F.action.in_({"menu", "help", "progress"})), Registered()
    )
    return router
