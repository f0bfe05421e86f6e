"""The seams through which the outside world reaches the pure packages, kept in one place.

`bot/` implements each protocol (and types its implementation against it); the engine only
ever sees these shapes. A seam that cannot answer raises `SeamUnavailable` (or times out): the
engine then falls back to the scripted line / the rule verdicts and marks the turn degraded.
Anything else a seam raises is a bug: the engine logs it with the scenario and state (never the
reply text) and falls back too, and the test suite fails on such a log record.

What a seam may see is decided here, by the shape of what it is given (`../shared/spec/llm.md`):
the voice gets a `VoiceRequest` (persona, mood, channel, facts, the conversation, the meaning of
the scripted line) and never the checks, expected steps, hints or score; the judge gets the
client's line, the reply and the judged checks' definitions, never the rule verdicts, the
trainee's name or their history.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from scenarios.model import Persona, ScenarioContext
from scenarios.mood import ClientMood
from scoring import CheckKind


class SeamUnavailable(Exception):  # noqa: N818 - the name says what happened, like TimeoutError
    """A seam (the LLM voice or judge) could not give a usable answer this time."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Exchange(_Frozen):
    """One earlier exchange of the conversation: what the client said, what the employee said."""

    client: str | None = None
    reply: str


class VoiceRequest(_Frozen):
    """Everything the client's voice may know for one line, and nothing else."""

    title: str
    persona: Persona | None
    context: ScenarioContext
    difficulty: int
    mood: ClientMood
    scripted: str
    history: list[Exchange] = Field(default_factory=list)
    final: bool = False


class JudgeCheck(_Frozen):
    """One check the judge is asked about: its id, kind, title, definition and examples."""

    id: str
    kind: CheckKind
    title: str
    definition: str
    examples: list[str] = Field(default_factory=list)


class JudgeVerdict(_Frozen):
    """The judge's answer for one check; a `true` counts only with a quote found in the reply."""

    check: str
    value: bool
    quote: str | None = None


class ClientVoice(Protocol):
    """Says the scripted client line (its meaning) in the persona's own words, in reply to what
    the employee actually said; returns the line to show."""

    async def line(self, request: VoiceRequest) -> str: ...


class Judge(Protocol):
    """A second opinion on one reply for the given checks: a verdict per check it can judge
    (checks it was not asked about are ignored by the engine)."""

    async def review(
        self, client_line: str, reply: str, checks: Sequence[JudgeCheck]
    ) -> Sequence[JudgeVerdict]: ...
