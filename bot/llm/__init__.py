"""The optional LLM: an OpenAI-compatible client (httpx) and the seams it implements.

Rooms: `client` (HTTP, errors translated into `LLMUnavailable`), `voice` (`scenarios.ClientVoice`),
`judge` (`scenarios.Judge`); the coach and speech-to-text, and the prompt files, get rooms here
too. With no `LLM_BASE_URL` nothing here is built and runs use scripted lines and rule grading.
"""

from __future__ import annotations

import httpx

from bot.llm.client import LLMClient
from bot.llm.judge import LLMJudge
from bot.llm.voice import LLMVoice
from scoring import Standard


def build_llm(
    http: httpx.AsyncClient,
    *,
    base_url: str | None,
    model: str,
    api_key: str | None = None,
    timeout: float = 8.0,
    standard: Standard | None = None,
) -> tuple[LLMVoice | None, LLMJudge | None]:
    """The voice and judge for these settings, or (None, None) when no `base_url` is set."""
    if not base_url:
        return None, None
    client = LLMClient(http, base_url=base_url, model=model, api_key=api_key, timeout=timeout)
    return LLMVoice(client), LLMJudge(client, standard)


__all__ = ["LLMClient", "LLMJudge", "LLMVoice", "build_llm"]
