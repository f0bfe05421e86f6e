"""From verdicts to a 0–100 score: one reply's (`score_reply`) and a whole run's (`score_run`);
both formulas are documented in docs/SCORING.md."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

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


RUN_FORMULA = 2
"""Version of the run formula below (stored with each attempt; 1 was the mean of turn scores)."""


@dataclass(frozen=True)
class RunScore:
    """A run's score as docs/SCORING.md «A run's score» computes it."""

    step_score: int
    """round(100 · Σ weights of the credited steps / Σ weights of the required steps); 0 when
    nothing was required."""
    score: int
    """max(0, step_score − Σ penalty points)."""
    passed: bool
    """score ≥ pass_mark, no blocking violation, and the outcome counts as a pass."""


def score_run(
    steps: Mapping[str, bool],
    weights: Mapping[str, float],
    penalty_points: Iterable[int],
    *,
    pass_mark: int,
    blocking: bool,
    outcome_passed: bool,
) -> RunScore:
    """The run's score from its card: the weighted share of the required steps credited, minus
    every penalty (violations, hints), never below 0; passed when the score reaches the pass
    mark, no blocking violation was committed and the outcome is a pass. Pure; never raises
    for a step without a weight (it weighs 0)."""
    total = sum(weights.get(step, 0.0) for step in steps)
    earned = sum(weights.get(step, 0.0) for step, done in steps.items() if done)
    step_score = round(100 * earned / total) if total > 0 else 0
    score = max(0, step_score - sum(penalty_points))
    return RunScore(
        step_score=step_score,
        score=score,
        passed=score >= pass_mark and not blocking and outcome_passed,
    )
