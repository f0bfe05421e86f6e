"""The application's parts built from settings, once, for both doors (Telegram and terminal).

`build_app(settings)` opens the database, loads the standard and the scenario library (validated
against that standard), builds the grader, the optional LLM seams and the `TrainingService`.
`bot/__main__.py` (Telegram) and `roleplay play` / `roleplay run` (terminal) both start here.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.service import TrainingService
from bot.settings import Settings
from bot.storage import Storage
from bot.texts import Texts
from scenarios import Scenario, library_paths, load_library
from scoring import Grader, Standard, default_standard, load_standard
from scoring.cache import default_cache_dir

if TYPE_CHECKING:
    import httpx

logger = logging.getLogger(__name__)


@dataclass
class App:
    """Everything built from the settings, so that it can be closed in one place."""

    settings: Settings
    storage: Storage
    library: Mapping[str, Scenario]
    standard: Standard
    service: TrainingService
    texts: Texts
    http: httpx.AsyncClient | None = None

    async def close(self) -> None:
        if self.http is not None:
            await self.http.aclose()
        self.storage.close()


def build_app(settings: Settings) -> App:
    """Open the database, load content and build the training service. Writes: migrates the DB.

    Raises `bot.errors.StorageError` if the database cannot be opened, `scoring.StandardError`
    if the standard is broken. A broken scenario file is logged and skipped.
    """
    standard = (
        load_standard(settings.standard_path, cache_dir=default_cache_dir())
        if settings.standard_path
        else default_standard()
    )
    library = load_library(library_paths(settings.scenarios_path), standard)
    for problem in library.problems:  # a broken file is skipped; the rest of the library loads
        logger.warning("scenario file skipped: %s", problem)
    storage = Storage(settings.db_path)
    http: httpx.AsyncClient | None = None
    voice = judge = None
    if settings.llm_base_url:  # the HTTP client and the LLM seams only when an LLM is set up
        import httpx

        from bot.llm import build_llm

        http = httpx.AsyncClient()
        voice, judge = build_llm(
            http,
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key.get_secret_value() if settings.llm_api_key else None,
            timeout=settings.llm_timeout,
            standard=standard,
        )
    service = TrainingService(
        storage, library, Grader(standard), voice=voice, judge=judge, standard=standard,
        llm_timeout=settings.llm_timeout, admin_ids=settings.admin_ids,
    )
    return App(settings, storage, library, standard, service, Texts(settings.language), http)


@asynccontextmanager
async def open_app(settings: Settings) -> AsyncIterator[App]:
    """`build_app` as an async context manager: closed (HTTP client, database) on the way out."""
    app = build_app(settings)
    try:
        yield app
    finally:
        await app.close()
