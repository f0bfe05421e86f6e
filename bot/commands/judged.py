"""The judge for `roleplay grade --jsonl FILE --judge`, built from the settings (thin)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import IO

import click

from bot.app import llm_parts
from bot.llm.grading import GradeLine, judge_stream
from bot.settings import Settings
from bot.texts import Texts
from scoring import Grader


def grade_with_judge(
    grader: Grader, grade_line: GradeLine, lines: Iterable[tuple[int, bytes | None]],
    sink: IO[bytes],
) -> None:
    """Grade a JSONL stream with the rules and the configured judge. Raises `UsageError`
    without LLM_BASE_URL."""
    settings = Settings()
    if not settings.llm_base_url:
        raise click.UsageError(Texts(settings.language)("llm.term.no_llm"))
    asyncio.run(_run(settings, grader, grade_line, lines, sink))


async def _run(
    settings: Settings, grader: Grader, grade_line: GradeLine,
    lines: Iterable[tuple[int, bytes | None]], sink: IO[bytes],
) -> None:
    http, parts = llm_parts(settings)
    try:
        assert parts.judge is not None
        await judge_stream(grader, parts.judge, grade_line, lines, sink, settings.llm_timeout)
    finally:
        if http is not None:
            await http.aclose()
