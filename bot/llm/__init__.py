"""The optional LLM: a resilient OpenAI-compatible client and the seams it implements.

Rooms: `client` (HTTP with timeout, retries, circuit breaker; errors → `LLMUnavailable`),
`ledger` (a turn's time budget and call records), `prompts` (the versioned prompt files in
`prompts/`), `contract` (one repair request for a broken answer), `voice`
(`scenarios.ClientVoice`), `judge` (`scenarios.Judge`), `coach` (the tip at the end of a run,
LLM or rule-built), `stt` (voice answers). With no `LLM_BASE_URL` (and no `STT_BASE_URL`)
nothing here calls out: runs use scripted lines, rule grading and rule-built tips.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.llm.client import Breaker, LLMClient
from bot.llm.coach import LLMCoach, Tip, rule_tip
from bot.llm.judge import LLMJudge
from bot.llm.ledger import CallRecord, llm_turn
from bot.llm.stt import SpeechToText, Transcript
from bot.llm.voice import LLMVoice

if TYPE_CHECKING:  # httpx is imported where a client is made (`bot.app.llm_parts`)
    import httpx


@dataclass(frozen=True, slots=True)
class LLMParts:
    """The seams built from the settings; each None when its endpoint is not configured."""

    voice: LLMVoice | None = None
    judge: LLMJudge | None = None
    coach: LLMCoach | None = None
    stt: SpeechToText | None = None


def build_llm(
    http: httpx.AsyncClient,
    *,
    base_url: str | None,
    model: str,
    api_key: str | None = None,
    timeout: float = 8.0,
    cooldown: float = 30.0,
    stt_base_url: str | None = None,
    stt_model: str = "whisper-1",
    stt_api_key: str | None = None,
    stt_timeout: float = 15.0,
) -> LLMParts:
    """The voice, judge and coach over one chat client (one breaker), and speech-to-text over
    its own client; parts whose URL is not set are None."""
    stt = None
    speech_url = stt_base_url or base_url
    if speech_url:
        speech = LLMClient(http, base_url=speech_url, model=stt_model,
                           api_key=stt_api_key or api_key, timeout=stt_timeout,
                           cooldown=cooldown, retries=1)
        stt = SpeechToText(speech)
    if not base_url:
        return LLMParts(stt=stt)
    client = LLMClient(http, base_url=base_url, model=model, api_key=api_key, timeout=timeout,
                       cooldown=cooldown)
    return LLMParts(LLMVoice(client), LLMJudge(client), LLMCoach(client), stt)


__all__ = [
    "Breaker",
    "CallRecord",
    "LLMClient",
    "LLMCoach",
    "LLMJudge",
    "LLMParts",
    "LLMVoice",
    "SpeechToText",
    "Tip",
    "Transcript",
    "build_llm",
    "llm_turn",
    "rule_tip",
]
