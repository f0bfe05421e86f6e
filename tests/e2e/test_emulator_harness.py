"""The emulator launcher itself: an aiogram 3 bot runs against it without patches."""

from __future__ import annotations

import asyncio
import time

import httpx
from aiogram import Bot, Dispatcher, F
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter
from aiogram.filters import CommandStart
from aiogram.types import BotCommand, CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from tg_user import Emulator, TgUser


def _bot(emulator: Emulator, token: str) -> Bot:
    return Bot(token, session=AiohttpSession(api=TelegramAPIServer.from_base(emulator.url)))


def _echo_dispatcher() -> Dispatcher:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        kb = InlineKeyboardBuilder()
        kb.button(text="Нажми", callback_data="press")
        await message.answer("привет", reply_markup=kb.as_markup())

    @dp.callback_query(F.data == "press")
    async def press(call: CallbackQuery) -> None:
        assert isinstance(call.message, Message)
        edited = await call.message.edit_text("нажато")
        assert isinstance(edited, Message)
        await call.answer()

    @dp.message(F.text)
    async def echo(message: Message) -> None:
        assert message.text is not None
        await message.answer(message.text.upper())

    return dp


async def test_get_me_has_is_bot_and_commands_are_stored(
    emulator: Emulator, token: str, http: httpx.AsyncClient
) -> None:
    bot = _bot(emulator, token)
    try:
        me = await bot.get_me()
        assert me.is_bot and me.id == 666
        assert await bot.set_my_commands([BotCommand(command="help", description="Помощь")])
        commands = await bot.get_my_commands()
        assert [c.command for c in commands] == ["help"]
        assert await bot.delete_webhook()
    finally:
        await bot.session.close()


async def test_long_polling_waits_instead_of_spinning(
    emulator: Emulator, token: str, http: httpx.AsyncClient
) -> None:
    bot = _bot(emulator, token)
    try:
        started = time.monotonic()
        updates = await bot.get_updates(timeout=1)
        assert updates == []
        assert 0.9 <= time.monotonic() - started < 3
    finally:
        await bot.session.close()


async def test_polling_bot_echoes_and_handles_buttons(
    emulator: Emulator, token: str, http: httpx.AsyncClient
) -> None:
    bot, dp = _bot(emulator, token), _echo_dispatcher()
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=2))
    user = TgUser(http, emulator, token, user_id=501)
    try:
        await user.send_command("start")
        hello = await user.wait_text("привет")
        assert hello.button("Нажми")["callback_data"] == "press"
        await user.press(hello, "Нажми")
        edited = await user.wait_text("нажато")
        assert edited.message_id == hello.message_id and edited.edited
        await user.send_text("эхо")
        assert (await user.wait_text("ЭХО")).text == "ЭХО"
    finally:
        await dp.stop_polling()
        await polling
        await bot.session.close()


async def test_update_is_redelivered_until_confirmed(
    emulator: Emulator, token: str, http: httpx.AsyncClient
) -> None:
    """Like Telegram: a bot that dies before confirming an update gets it again."""
    bot = _bot(emulator, token)
    user = TgUser(http, emulator, token, user_id=502)
    try:
        await user.send_text("раз")
        first = await bot.get_updates(timeout=1)
        again = await bot.get_updates(timeout=0)
        assert [u.update_id for u in first] == [u.update_id for u in again] != []
        confirmed = await bot.get_updates(offset=first[-1].update_id + 1, timeout=0)
        assert confirmed == []
    finally:
        await bot.session.close()


async def test_flood_control_answers_429_with_retry_after(
    emulator: Emulator, token: str, http: httpx.AsyncClient
) -> None:
    bot = _bot(emulator, token)
    try:
        await emulator.flood(http, "sendMessage", count=1, retry_after=3)
        try:
            await bot.send_message(1, "x")
        except TelegramRetryAfter as exc:
            assert exc.retry_after == 3
        else:
            raise AssertionError("expected TelegramRetryAfter")
        sent = await bot.send_message(1, "y", reply_markup=InlineKeyboardMarkup(inline_keyboard=[]))
        assert sent.text == "y"
    finally:
        await bot.session.close()
