"""The seams through which the outside world reaches the pure packages, kept in one place.

`bot/` implements each protocol (and types its implementation against it); the engine only
ever sees these shapes. A seam that cannot answer raises `SeamUnavailable` (or times out): the
engine then falls back to the scripted line / the rule verdicts and marks the turn degraded.
Anything else a seam raises is a bug: the engine logs it with the scenario and state (never the
reply text) and falls back too, and the test suite fails on such a log record.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from scenarios.model import Scenario
from scenarios.run import Turn
from scoring import Context, GradeResult


class SeamUnavailable(Exception):  # noqa: N818 - the name says what happened, like TimeoutError
    """A seam (the LLM voice or judge) could not give a usable answer this time."""


class ClientVoice(Protocol):
    """Says the scripted client line in the scenario persona's own words.

    Sees the scenario (persona, context with the client's mood, channel), the state, the
    scripted line (its meaning) and the conversation so far; returns the line to show.
    """

    async def line(
        self, scenario: Scenario, state_id: str, scripted: str, history: Sequence[Turn]
    ) -> str: ...


class Judge(Protocol):
    """A second opinion on a graded reply. Returns verdicts to change (check id → value), or
    None when it has no opinion."""

    async def review(
        self, text: str, result: GradeResult, context: Context
    ) -> dict[str, bool] | None: ...
