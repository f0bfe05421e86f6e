"""Whole-conversation credit: which steps a run requires, where each counts, which are done.

A step is *required* by a run once a state on the path taken expects it; steps of states never
reached are not. Each step check has a window in the standard (`CheckSpec.step_window`, see
docs/SCORING.md «Windows»):

- `first` — the first reply of the run;
- `from_expected` — from the first reply whose state expects the step, to the end;
- `closing` — from the first reply whose state expects a `closing` step, to the end;
- `any` — every reply.

A reply whose state expects the step is always inside its window. The engine grades each reply
on every step of the scenario whose window is open there and that is not done yet, so a step done
in its window counts once, wherever it was done: it is not demanded again, and a step made up for
later is credited. Everything here is derived from the run's history (old snapshots included).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from scenarios.model import Scenario
from scenarios.run import Turn
from scoring import Standard


@dataclass(frozen=True)
class Credit:
    """What the replies so far did: reply indexes are 0-based positions in the history."""

    expected_at: dict[str, int] = field(default_factory=dict)
    """Step -> the first reply whose state expected it (in order of first expectation)."""
    done_at: dict[str, int] = field(default_factory=dict)
    """Step -> the first reply that performed it inside its window (required yet or not)."""

    @property
    def steps(self) -> dict[str, bool]:
        """Every step the path required so far -> whether it is credited."""
        return {step: step in self.done_at for step in self.expected_at}

    def done(self, step: str) -> bool:
        return step in self.done_at


def scenario_steps(scenario: Scenario) -> list[str]:
    """Every step any state of the scenario expects, in the order the file first names them."""
    return list(dict.fromkeys(step for state in scenario.states.values() for step in state.expect))


def credit(scenario: Scenario, history: Sequence[Turn]) -> Credit:
    """The credit of the replies in `history` (each graded on the steps open at its turn)."""
    out = Credit()
    for index, turn in enumerate(history):
        state = scenario.states.get(turn.state)
        for step in state.expect if state is not None else ():
            out.expected_at.setdefault(step, index)
        for cid, verdict in turn.grade.verdicts.items():
            if verdict.kind == "step" and verdict.value:
                out.done_at.setdefault(cid, index)
    return out


def open_steps(
    scenario: Scenario, standard: Standard, history: Sequence[Turn], state_id: str
) -> list[str]:
    """The steps to grade the next reply (given in state `state_id`) on: the state's own
    `expect` plus every other step of the scenario whose window is open at this reply — minus
    the steps already done (they count once)."""
    so_far = credit(scenario, history)
    expect = scenario.states[state_id].expect
    expected = {*so_far.expected_at, *expect}
    closing = any(_window(standard, step) == "closing" for step in expected)
    first = not history

    def is_open(step: str) -> bool:
        window = _window(standard, step)
        return (
            step in expect
            or window == "any"
            or (window == "first" and first)
            or (window == "from_expected" and step in expected)
            or (window == "closing" and closing)
        )

    return [s for s in scenario_steps(scenario) if not so_far.done(s) and is_open(s)]


def _window(standard: Standard, step: str) -> str:
    spec = standard.checks.get(step)
    return spec.step_window if spec is not None else "from_expected"
