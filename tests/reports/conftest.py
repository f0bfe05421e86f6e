"""Fixtures for the report tests: the real composition (`build_app`) on a SQLite file in
tmp_path, and a small company whose attempts were played through the real engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from report_helpers import World, build_world

from bot.app import App, build_app
from bot.settings import Settings

ADMIN = 900


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, db_path=tmp_path / "roleplay.db", admin_ids=[ADMIN],
                    bot_token=None, llm_base_url=None)  # type: ignore[call-arg]


@pytest.fixture
async def app(settings: Settings) -> AsyncIterator[App]:
    app = build_app(settings)
    try:
        yield app
    finally:
        await app.close()


@pytest.fixture
async def world(app: App) -> World:
    return await build_world(app.service, ADMIN)


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:
    """The environment a `roleplay` command needs to open the same database."""
    return {"DB_PATH": str(settings.db_path), "ADMIN_IDS": str(ADMIN)}
