"""The data of one run: a JSON-serialisable snapshot (`RunState`) and what the engine hands out.

`bot/` stores `RunState` as JSON and restores it after a restart; everything here is plain
pydantic data with no behaviour beyond validation.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scenarios.model import Mode, Outcome
from scenarios.mood import ClientMood
from scenarios.protocols import JudgeVerdict
from scoring import GradeResult, ScoreResult

Source = Literal["rules", "judge"]
"""Where a verdict came from: the rules, or the judge's evidenced second opinion."""


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
    """The judge's answer as given (check id → value), accepted or not."""
    sources: dict[str, Source] = Field(default_factory=dict)
    """Check id → where its verdict came from (absent in snapshots from before the judge)."""
    rejected: list[JudgeVerdict] = Field(default_factory=list)
    """The judge's `true` verdicts whose quote was not found in the reply (they count nothing)."""
    flags: list[str] = Field(default_factory=list)
    """Reasons for a trainer to look at this turn, e.g. `manipulation`."""
    tension: int | None = None
    """The client's tension after this reply."""


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
    mood: ClientMood | None = None
    """The client's emotional state (None in snapshots from before moods: the start mood)."""


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
    sources: dict[str, Source] = Field(default_factory=dict)
    rejected: list[JudgeVerdict] = Field(default_factory=list)
    flags: list[str] = Field(default_factory=list)
    mood: ClientMood | None = None

    def source(self, check: str) -> Source:
        """Where the verdict of `check` came from (`rules` unless the judge added it)."""
        return self.sources.get(check, "rules")


class FinalCard(BaseModel):
    """The score card of a finished (or abandoned) run; `score` already includes hint costs."""

    model_config = ConfigDict(frozen=True)

    score: int
    passed: bool
    outcome: Outcome | None
    steps: dict[str, bool]
    violations: list[tuple[str, str]]
    missed_recommended: dict[str, list[str]]
    turns: int
    hints: int = 0
    hint_cost: int = 0
