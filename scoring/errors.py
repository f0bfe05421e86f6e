"""The scorer's exception tree: everything it raises derives from `ScoringError`."""

from __future__ import annotations


class ScoringError(Exception):
    """Root of the scorer's exceptions."""


class PatternError(ScoringError):
    """A phrase pattern cannot be compiled (the message says why, in plain words)."""


class StandardError(ScoringError):
    """A standard file is broken. `problems` holds every `FILE:LINE:COL: message` line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class UnknownCheckError(ScoringError, KeyError):
    """A check id that the standard does not define."""

    def __init__(self, check: str) -> None:
        self.check = check
        super().__init__(f"unknown check id: {check!r}")

    def __str__(self) -> str:
        return f"unknown check id: {self.check!r}"
