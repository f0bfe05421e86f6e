"""Fixtures for the report tests: the real composition (`build_app`) on a SQLite file in
tmp_path (tests/helpers/app_fixtures.py), and a small company whose attempts were played through
the real engine."""

from __future__ import annotations

import pytest
from app_fixtures import ADMIN_ID, app, settings  # noqa: F401 (the shared fixtures)
from report_helpers import World, build_world

from bot.app import App
from bot.settings import Settings

ADMIN = ADMIN_ID


@pytest.fixture
async def world(app: App) -> World:  # noqa: F811
    return await build_world(app.service, ADMIN)


@pytest.fixture
def env(settings: Settings) -> dict[str, str]:  # noqa: F811
    """The environment a `roleplay` command needs to open the same database."""
    return {"DB_PATH": str(settings.db_path), "ADMIN_IDS": str(ADMIN)}
