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

from tg_harness import ADMIN_ID, Chat, RecordingSession  # noqa: E402

from bot.__main__ import App, build_app, build_dispatcher  # noqa: E402
from bot.settings import Settings  # noqa: E402


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, db_path=tmp_path / "bot.db", admin_ids=[ADMIN_ID],
                    bot_token=None, llm_base_url=None)  # type: ignore[call-arg]


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[App]:
    app = build_app(settings)
    try:
        yield app
    finally:
        await app.close()


@pytest.fixture
async def dp(app: App) -> Dispatcher:
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
