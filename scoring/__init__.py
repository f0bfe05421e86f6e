"""The scorer: Russian replies graded against a service standard kept as data (pure package).

No aiogram, httpx or sqlite here. An LLM second opinion reaches a run through the `Judge`
protocol of `scenarios.protocols`; the scorer itself never calls out.
"""

from __future__ import annotations

from scoring.errors import PatternError, ScoringError, StandardError, UnknownCheckError
from scoring.grader import Grader
from scoring.model import CheckKind, Context, Evidence, GradeResult, ScoreResult, Verdict
from scoring.score import score_reply
from scoring.standard import CheckSpec, Standard, default_standard, load_standard

__all__ = [
    "CheckKind",
    "CheckSpec",
    "Context",
    "Evidence",
    "GradeResult",
    "Grader",
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
