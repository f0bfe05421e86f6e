"""`/start`: registration (display name → team) or joining a team from an invite deep link."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.filters import CommandObject, CommandStart, StateFilter
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message

from bot.service import TrainingService
from bot.storage import Person
from bot.telegram import keyboards
from bot.telegram.callbacks import MenuCb
from bot.telegram.filters import OnLoop
from bot.telegram.render import esc
from bot.telegram.states import Registration
from bot.texts import Texts

INVITE_PREFIX = "team_"
NAME_LIMITS = (2, 64)


async def start(
    message: Message, command: CommandObject, state: FSMContext, service: TrainingService,
    texts: Texts, person: Person | None,
) -> None:
    """`/start` or `/start team_<code>`; a running scenario is not touched (see /cancel)."""
    invite = (command.args or "").strip()
    team = service.people.team_by_invite(invite.removeprefix(INVITE_PREFIX)) if invite else None
    if invite and team is None:
        await message.answer(texts("start.invite_unknown"))
    if person is not None:
        if team is not None:
            service.people.join_team(person.id, team)
            await message.answer(texts("start.invite_joined", team=esc(team.name)))
        await message.answer(texts("start.welcome_back", name=esc(person.display_name)))
        await message.answer(texts("menu.title"), reply_markup=keyboards.main_menu(texts))
        return
    await state.set_state(Registration.name)
    await state.set_data({"team_id": team.id if team else None})
    await message.answer(texts("start.welcome"))


async def got_name(
    message: Message, state: FSMContext, service: TrainingService, texts: Texts
) -> None:
    name = " ".join((message.text or "").split())
    if not NAME_LIMITS[0] <= len(name) <= NAME_LIMITS[1] or name.startswith("/"):
        await message.answer(texts("register.name_bad"))
        return
    data = await state.get_data()
    if data.get("team_id") is not None:
        await _finish(message, state, service, texts, name, team_id=data["team_id"])
        return
    await state.update_data(name=name)
    await state.set_state(Registration.team)
    await message.answer(texts("register.ask_team", name=esc(name)),
                         reply_markup=keyboards.skip_team(texts))


async def got_team(
    message: Message, state: FSMContext, service: TrainingService, texts: Texts
) -> None:
    team_name = " ".join((message.text or "").split())
    if not 1 <= len(team_name) <= NAME_LIMITS[1] or team_name.startswith("/"):
        await message.answer(texts("register.team_bad"))
        return
    name = (await state.get_data())["name"]
    await _finish(message, state, service, texts, name, team_name=team_name)


async def skip_team(
    call: CallbackQuery, state: FSMContext, service: TrainingService, texts: Texts
) -> None:
    await call.answer()
    name = (await state.get_data())["name"]
    if isinstance(call.message, Message):
        await call.message.edit_reply_markup(reply_markup=None)
        await _finish(call.message, state, service, texts, name, user_id=call.from_user.id)


async def not_text(message: Message, texts: Texts) -> None:
    await message.answer(texts("register.name_bad"))


async def _finish(
    message: Message, state: FSMContext, service: TrainingService, texts: Texts, name: str, *,
    team_id: int | None = None, team_name: str | None = None, user_id: int | None = None,
) -> None:
    sender = message.from_user.id if message.from_user is not None else message.chat.id
    telegram_id = user_id if user_id is not None else sender
    service.people.register(
        telegram_id, name, team_id=team_id, team_name=team_name, language=texts.language
    )
    await state.clear()
    await message.answer(texts("register.done", name=esc(name)))
    await message.answer(texts("menu.title"), reply_markup=keyboards.main_menu(texts))


def make_router() -> Router:
    router = Router(name=__name__)
    router.message.register(start, CommandStart())
    router.message.register(got_name, StateFilter(Registration.name), OnLoop(F.text))
    router.message.register(got_team, StateFilter(Registration.team), OnLoop(F.text))
    router.message.register(not_text, StateFilter(Registration.name, Registration.team))
    router.callback_query.register(skip_team, StateFilter(Registration.team),
                                   MenuCb.filter(F.action == "skip_team"))
    return router
