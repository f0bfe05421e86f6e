"""The data of one run: a JSON-serialisable snapshot (`RunState`) and what the engine hands out.

`bot/` stores `RunState` as JSON and restores it after a restart; everything here is plain
pydantic data with no behaviour beyond validation.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scenarios.model import Mode, Outcome
from scoring import GradeResult, ScoreResult

Source = Literal["rules", "judge"]


class Turn(BaseModel):
    """One answered client line: what was said, how it was graded, where the run went."""

    state: str
    client: str | None = None
    reply: str
    grade: GradeResult
    score: ScoreResult
    next_state: str
    degraded: bool = False
    judge: dict[str, bool] = Field(default_factory=dict)


class RunState(BaseModel):
    """A JSON-serialisable snapshot of one run; store it, restore it, continue identically."""

    scenario_id: str
    scenario_version: str
    seed: int
    state: str
    mode: Mode = "training"
    agent_name: str | None = None
    tries: dict[str, int] = Field(default_factory=dict)
    strikes: int = 0
    patience: int | None = None
    hints: int = 0
    history: list[Turn] = Field(default_factory=list)
    line: str | None = None
    line_degraded: bool = False
    finished: bool = False
    abandoned: bool = False
    outcome: Outcome | None = None
    score: int = 0


class ClientLine(BaseModel):
    """The client's line awaiting an answer; `hint` is None when the run shows no hints."""

    model_config = ConfigDict(frozen=True)

    state: str
    text: str
    expect: list[str]
    hint: str | None = None
    hint_cost: int = 0
    final: bool = False
    degraded: bool = False


class Hint(BaseModel):
    """A hint taken for the current line, and the points it costs on the final score."""

    model_config = ConfigDict(frozen=True)

    state: str
    text: str
    cost: int
    hints_used: int


class TurnResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    state: str
    grade: GradeResult
    score: ScoreResult
    next_state: str
    finished: bool
    outcome: Outcome | None = None
    degraded: bool = False
    examples: dict[str, str] = Field(default_factory=dict)
    """Expected step → the example that fits this run (`scenarios.examples`), where one does."""


class FinalCard(BaseModel):
    """The score card of a finished (or abandoned) run; `score` already includes hint costs."""

    model_config = ConfigDict(frozen=True)

    score: int
    passed: bool
    outcome: Outcome | None
    steps: dict[str, bool]
    violations: list[tuple[str, str]]
    missed_recommended: dict[str, list[str]]
    """Missed step → the examples that fit this run, best first (`scenarios.examples`)."""
    turns: int
    hints: int = 0
    hint_cost: int = 0
