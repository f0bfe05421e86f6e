"""The exception root of `scenarios`; `Problem` is the one type both loaders report."""

from __future__ import annotations

from collections.abc import Sequence

from scoring.source import Problem

__all__ = ["NoHint", "Problem", "RunError", "ScenarioError"]


class ScenarioError(Exception):
    """Root of every error raised by `scenarios`; `.problems` lists what is wrong, if from files."""

    def __init__(self, message: str, problems: Sequence[Problem] = ()) -> None:
        self.problems: list[Problem] = list(problems)
        text = message if not self.problems else "\n".join(str(p) for p in self.problems)
        super().__init__(text)


class RunError(ScenarioError):
    """A run was used wrongly: a reply after the end, a snapshot of another scenario version, ..."""


class NoHint(RunError):
    """No hint can be given for the current line (an exam run, or the state has none)."""
