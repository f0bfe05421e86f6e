"""The scorer: Russian replies graded against a service standard kept as data (pure package).

No aiogram, httpx or sqlite here: an LLM second opinion comes in through the `Judge` protocol.
"""

from __future__ import annotations

from typing import Protocol

from scoring.errors import PatternError, ScoringError, StandardError, UnknownCheckError
from scoring.grader import Grader
from scoring.model import CheckKind, Context, Evidence, GradeResult, ScoreResult, Verdict
from scoring.score import score_reply
from scoring.standard import CheckSpec, Standard, default_standard, load_standard


class Judge(Protocol):
    """An LLM second opinion on a graded reply; `bot/` implements it over HTTP.

    Returns verdicts to override (check id → value), or None when it has no opinion.
    """

    async def review(
        self, text: str, result: GradeResult, context: Context
    ) -> dict[str, bool] | None: ...


__all__ = [
    "CheckKind",
    "CheckSpec",
    "Context",
    "Evidence",
    "GradeResult",
    "Grader",
    "Judge",
    "PatternError",
    "ScoreResult",
    "ScoringError",
    "Standard",
    "StandardError",
    "UnknownCheckError",
    "Verdict",
    "default_standard",
    "load_standard",
    "score_reply",
]
