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
from zoneinfo import ZoneInfo

from bot.llm import LLMParts, build_llm
from bot.service import TrainingService
from bot.settings import Settings
from bot.storage import Storage
from bot.texts import Texts
from scenarios import Scenario, library_paths, load_library
from scoring import Standard, default_grader, load_grader
from scoring.cache import default_cache_dir

if TYPE_CHECKING:  # imported only when an LLM or speech endpoint is configured
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
    grader = (
        load_grader(settings.standard_path, cache_dir=default_cache_dir())
        if settings.standard_path
        else default_grader()
    )
    standard = grader.standard
    library = load_library(library_paths(settings.scenarios_path), standard,
                           cache_dir=default_cache_dir())
    for problem in library.problems:  # a broken file is skipped; the rest of the library loads
        logger.warning("scenario file skipped: %s", problem)
    storage = Storage(settings.db_path, synchronous=settings.db_synchronous)
    texts = Texts(settings.language)
    http, llm = llm_parts(settings)
    service = TrainingService(
        storage, library, grader, voice=llm.voice, judge=llm.judge, standard=standard,
        llm_timeout=settings.llm_timeout, admin_ids=settings.admin_ids, coach=llm.coach,
        stt=llm.stt, texts=texts, voice_max_seconds=settings.stt_max_seconds,
        report_tz=ZoneInfo(settings.report_timezone),
    )
    return App(settings, storage, library, standard, service, texts, http)


def llm_parts(settings: Settings) -> tuple[httpx.AsyncClient | None, LLMParts]:
    """The HTTP client and the LLM seams for these settings; (None, no parts) when neither
    LLM_BASE_URL nor STT_BASE_URL is set. The caller closes the client."""
    if not settings.llm_base_url and not settings.stt_base_url:
        return None, LLMParts()
    import httpx

    http = httpx.AsyncClient()
    secret = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    stt_secret = settings.stt_api_key.get_secret_value() if settings.stt_api_key else None
    return http, build_llm(
        http,
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        api_key=secret,
        timeout=settings.llm_timeout,
        cooldown=settings.llm_cooldown,
        stt_base_url=settings.stt_base_url,
        stt_model=settings.stt_model,
        stt_api_key=stt_secret,
        stt_timeout=settings.stt_timeout,
    )


@asynccontextmanager
async def open_app(settings: Settings) -> AsyncIterator[App]:
    """`build_app` as an async context manager: closed (HTTP client, database) on the way out."""
    app = build_app(settings)
    try:
        yield app
    finally:
        await app.close()
