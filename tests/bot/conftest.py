"""Fixtures for handler-level tests: the real composition (storage in tmp_path, library, grader,
service, dispatcher) with a recording Bot API session."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode

sys.path.insert(0, str(Path(__file__).resolve().parent))

from app_fixtures import app, settings  # noqa: E402,F401 (the shared fixtures)
from tg_harness import Chat, RecordingSession  # noqa: E402

from bot.__main__ import App, build_dispatcher  # noqa: E402


@pytest.fixture
async def dp(app: App) -> Dispatcher:  # noqa: F811
    return await build_dispatcher(app)


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    bot = Bot("42:handler-test", session=RecordingSession(),
              default=DefaultBotProperties(parse_mode=ParseMode.HTML))
    yield bot


@pytest.fixture
def chat(dp: Dispatcher, bot: Bot) -> Callable[..., Chat]:
    """chat(user_id, first_name="Тест") -> Chat"""

    def make(user_id: int, first_name: str = "Тест") -> Chat:
        return Chat(dp, bot, user_id, first_name)

    return make
