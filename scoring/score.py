"""From verdicts to a 0–100 score (the formula is documented in docs/SCORING.md)."""

from __future__ import annotations

from collections.abc import Sequence

from scoring.errors import UnknownCheckError
from scoring.model import GradeResult, ScoreResult
from scoring.standard import Standard, default_standard


def score_reply(
    result: GradeResult, expected_steps: Sequence[str], standard: Standard | None = None
) -> ScoreResult:
    """Score one graded reply against the steps a scenario state expects.

    score = round(100 · Σ weight(passed expected steps) / Σ weight(expected steps))
            − Σ penalty(violations committed), clamped to 0..100 (no expected steps: base 100).
    passed = score ≥ the standard's pass mark and no blocking violation was committed.
    Raises `UnknownCheckError` for an expected step the standard does not define; pure.
    """
    standard = standard or default_standard()
    steps = list(dict.fromkeys(expected_steps))
    for step in steps:
        if step not in standard.checks:
            raise UnknownCheckError(step)
    passed_steps = [s for s in steps if s in result.verdicts and result.verdicts[s].value]
    missed_steps = [s for s in steps if s not in passed_steps]
    total = sum(standard.checks[s].weight for s in steps)
    earned = sum(standard.checks[s].weight for s in passed_steps)
    base = 100 if total <= 0 else round(100 * earned / total)
    violations = [v for v in result.violations if v.check in standard.checks]
    penalty = sum(standard.checks[v.check].penalty for v in violations)
    score = max(0, min(100, base - penalty))
    blocking = [v.check for v in violations if standard.checks[v.check].blocking]
    return ScoreResult(
        score=score,
        passed=score >= standard.pass_mark and not blocking,
        passed_steps=passed_steps,
        missed_steps=missed_steps,
        violations=violations,
        blocking=blocking,
    )
