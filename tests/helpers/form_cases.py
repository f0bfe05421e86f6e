"""Families of sentences for the scorer's form tests (`tests/scoring/test_*_forms.py`).

A family maps to cases `(check, text, expected)` or `(check, text, expected, context)`; a file
about one check writes `(text, expected)` and names the check once. `params` turns the families
into pytest parameters `(check, text, expected, context)` with ids `family-n`; `tried_both_ways`
says which families have fewer than three sentences that do it or three look-alikes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pytest

from scoring import Grader

Case = tuple[Any, ...]
ARGS = ("check", "text", "expected", "context")


def _full(case: Case, check: str | None) -> tuple[str, str, bool, dict[str, Any]]:
    if check is not None:
        case = (check, *case)
    context = case[3] if len(case) > 3 else {}
    return case[0], case[1], case[2], context


def params(families: Mapping[str, Sequence[Case]], check: str | None = None) -> list[Any]:
    """Every case as `pytest.param(check, text, expected, context, id="family-n")`."""
    return [
        pytest.param(*_full(case, check), id=f"{family}-{n}")
        for family, cases in families.items()
        for n, case in enumerate(cases)
    ]


def assert_graded(
    grader: Grader, check: str, text: str, expected: bool, context: dict[str, Any]
) -> None:
    verdict = grader.grade(text, [check], context).verdicts[check]
    assert verdict.value is expected, verdict


def tried_both_ways(
    families: Mapping[str, Sequence[Case]], check: str | None = None, least: int = 3
) -> list[str]:
    """The families with fewer than `least` cases that do it, or fewer than `least` that do not."""
    short = []
    for family, cases in families.items():
        done = sum(1 for case in cases if _full(case, check)[2])
        if done < least or len(cases) - done < least:
            short.append(family)
    return short
