"""The real composition on a SQLite file in tmp_path, as pytest fixtures shared by the handler
tests (tests/bot) and the report tests (tests/reports): import them into a conftest."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App, build_app
from bot.settings import Settings

ADMIN_ID = 900  # in ADMIN_IDS of these settings


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
