"""No rule flags an ordinary polite reply: a property over the dev set's good replies.

A good reply is a dev case whose labelled violations are all false. Any mix of them (in any order, with a leading «Хорошо,» / «Так,», in any one
of their contexts, with or without a third party in the scene) must commit no violation: the
implicit-rudeness and disclosure rules catch forms, not the words polite replies also use.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import Grader, default_standard

DEV = Path(__file__).resolve().parents[3] / "shared" / "eval" / "dev.jsonl"
pytestmark = pytest.mark.skipif(not DEV.exists(), reason="../shared is not beside the project")
VIOLATIONS = sorted(c for c, spec in default_standard().checks.items() if spec.kind == "violation")


def _good() -> list[dict[str, Any]]:
    if not DEV.exists():
        return []
    good = []
    for line in DEV.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        case = json.loads(line)
        expected = case["expected"]
        labelled = [c for c in expected if c in VIOLATIONS]
        if labelled and not any(expected[c] for c in labelled):
            good.append(case)
    return good


GOOD = _good()


def test_there_are_enough_good_replies() -> None:
    assert len(GOOD) >= 30


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cases=st.lists(st.sampled_from(GOOD), min_size=1, max_size=3),
    lead=st.sampled_from(["", "Хорошо, ", "Так, ", "Конечно. "]),
    third_party=st.booleans(),
)
def test_no_rule_flags_an_ordinary_polite_reply(
    grader: Grader, cases: list[dict[str, Any]], lead: str, third_party: bool
) -> None:
    text = lead + " ".join(case["text"] for case in cases)
    context: dict[str, object] = {}
    for case in reversed(cases):
        context.update(case["context"])
    if third_party:
        context.setdefault("third_party", ["Сериков Бахыт"])
    result = grader.grade(text, VIOLATIONS, context)
    flagged = {c: v.quotes for c, v in result.verdicts.items() if v.value}
    assert flagged == {}, text
