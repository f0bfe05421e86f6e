"""The scorer's exception tree: everything it raises derives from `ScoringError`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.source import Problem


class ScoringError(Exception):
    """Root of the scorer's exceptions."""


class PatternError(ScoringError):
    """A phrase pattern cannot be compiled (the message says why, in plain words)."""


class StandardError(ScoringError):
    """A standard file is broken. `problems` holds every problem (`str(p)` is
    `FILE:LINE:COL: message`), the same `scoring.source.Problem` the scenario loader reports."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class UnknownCheckError(ScoringError, KeyError):
    """A check id that the standard does not define."""

    def __init__(self, check: str) -> None:
        self.check = check
        super().__init__(f"unknown check id: {check!r}")

    def __str__(self) -> str:
        return f"unknown check id: {self.check!r}"
