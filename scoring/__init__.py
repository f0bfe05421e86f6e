"""The scorer: Russian replies graded against a service standard kept as data (pure package).

No aiogram, httpx or sqlite here. An LLM second opinion reaches a run through the `Judge`
protocol of `scenarios.protocols`; the scorer itself never calls out.
"""

from __future__ import annotations

from scoring.errors import PatternError, ScoringError, StandardError, UnknownCheckError
from scoring.grader import Grader
from scoring.model import CheckKind, Context, Evidence, GradeResult, ScoreResult, Verdict
from scoring.score import RUN_FORMULA, RunScore, score_reply, score_run
from scoring.standard import (
    CheckSpec,
    Standard,
    Window,
    default_grader,
    default_standard,
    load_grader,
    load_standard,
)

__all__ = [
    "CheckKind",
    "CheckSpec",
    "Context",
    "Evidence",
    "GradeResult",
    "Grader",
    "PatternError",
    "RUN_FORMULA",
    "RunScore",
    "ScoreResult",
    "ScoringError",
    "Standard",
    "StandardError",
    "UnknownCheckError",
    "Verdict",
    "Window",
    "default_grader",
    "default_standard",
    "load_grader",
    "load_standard",
    "score_reply",
    "score_run",
]
