"""No rule flags a polite reply of our own: sentences written for this test that share words or
forms with the rules (a tautology, a dash, «вы же», «вам что», «ещё раз», a vocative)."""

from __future__ import annotations

from pathlib import Path

import pytest

from scoring import Grader, default_standard

VIOLATIONS = sorted(c for c, spec in default_standard().checks.items() if spec.kind == "violation")


OWN = Path(__file__).parent / "data" / "polite_own.txt"
OWN_POLITE = [
    line.strip()
    for line in OWN.read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]


def test_there_are_enough_polite_replies_of_our_own() -> None:
    assert len(OWN_POLITE) >= 80


@pytest.mark.parametrize("text", OWN_POLITE)
def test_a_polite_reply_of_our_own_commits_no_violation(grader: Grader, text: str) -> None:
    result = grader.grade(text, VIOLATIONS)
    assert {c: v.quotes for c, v in result.verdicts.items() if v.value} == {}
