"""Voice answers: a recording → its text, over `POST {base}/audio/transcriptions` (OpenAI's
speech-to-text protocol), with the same resilience as every LLM call (`LLMClient`)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import LLMUnavailable
from bot.llm.client import LLMClient
from bot.llm.ledger import CallRecord, llm_turn


@dataclass(frozen=True, slots=True)
class Transcript:
    """What the trainee said in a voice message, and the record of the call that heard it."""

    text: str
    calls: tuple[CallRecord, ...] = ()


class SpeechToText:
    """Transcribes recordings with `client` (its `model` is STT_MODEL). Raises
    `LLMUnavailable` when the endpoint fails or hears nothing."""

    def __init__(self, client: LLMClient, *, language: str = "ru") -> None:
        self.client = client
        self.language = language

    async def transcribe(
        self, audio: bytes, *, filename: str = "voice.ogg", content_type: str = "audio/ogg"
    ) -> Transcript:
        with llm_turn(self.client.timeout) as ledger:
            text = await self.client.transcribe(
                audio, filename=filename, content_type=content_type, language=self.language
            )
        return Transcript(text, tuple(ledger.calls))


__all__ = ["LLMUnavailable", "SpeechToText", "Transcript"]
