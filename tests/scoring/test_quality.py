"""The scorer's quality on labelled sets: macro-F1 ≥ 0.95 and no check below 0.85.

`holdout*.jsonl` were written by people who never saw the standard's phrase lists; the dev set is
the shared sample. The scorer knows none of their texts.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from scoring import Grader

HERE = Path(__file__).parent
SETS = sorted((HERE / "data").glob("holdout*.jsonl"))
DEV = HERE.parents[2] / "shared" / "eval" / "dev.jsonl"
if DEV.exists():
    SETS.append(DEV)
#: Sets committed with their first (unseen) measurement before the fixes that bring them to the
#: bar: expected to fail until then (strict: a set that passes must leave this list).
KNOWN_BELOW: set[str] = {"holdout18.jsonl"}


def f1_by_check(grader: Grader, path: Path) -> dict[str, float]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, fp, fn
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        result = grader.grade(case["text"], case["checks"], case.get("context") or {})
        for check, expected in case["expected"].items():
            got = result.value(check)
            tp_fp_fn = counts[check]
            if got and expected:
                tp_fp_fn[0] += 1
            elif got:
                tp_fp_fn[1] += 1
            elif expected:
                tp_fp_fn[2] += 1
    scores = {}
    for check, (tp, fp, fn) in counts.items():
        scores[check] = 1.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)
    return scores


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            p,
            marks=[pytest.mark.xfail(reason="first measurement, not fixed yet", strict=True)]
            if p.name in KNOWN_BELOW
            else [],
        )
        for p in SETS
    ],
    ids=[p.name for p in SETS],
)
def test_macro_f1_and_worst_check(grader: Grader, path: Path) -> None:
    scores = f1_by_check(grader, path)
    macro = sum(scores.values()) / len(scores)
    worst = min(scores, key=lambda c: scores[c])
    assert macro >= 0.95, f"macro-F1 {macro:.3f}"
    assert scores[worst] >= 0.85, f"{worst}: {scores[worst]:.3f}"
