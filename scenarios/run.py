"""The data of one run: a JSON-serialisable snapshot (`RunState`) and what the engine hands out.

`bot/` stores `RunState` as JSON and restores it after a restart; everything here is plain
pydantic data with no behaviour beyond validation.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

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
    """The run's score so far, by the run formula (the card's `score` once finished)."""
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
    """One graded reply. `score` is the reply's own score over the steps required of it (the
    state's `expect` minus steps already done); `already` lists the state's steps done earlier
    (not demanded again), `made_up` the steps missed earlier and done in this reply (credited
    now)."""

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
    already: list[str] = Field(default_factory=list)
    made_up: list[str] = Field(default_factory=list)
    examples: dict[str, str] = Field(default_factory=dict)
    """Expected step → the example that fits this run (`scenarios.examples`), where one does."""


class CardViolation(BaseModel):
    """One violation quoted on the card; `turn` is the reply's number (1-based)."""

    model_config = ConfigDict(frozen=True)

    check: str
    quote: str = ""
    blocking: bool = False
    turn: int | None = None


class Penalty(BaseModel):
    """One deduction from the run's score: a violation in one reply, or one hint taken."""

    model_config = ConfigDict(frozen=True)

    reason: Literal["violation", "hint"]
    check: str | None = None
    points: int
    turn: int | None = None


class FinalCard(BaseModel):
    """The score card of a finished (or abandoned) run: everything its score is computed from.

    `score = max(0, step_score − Σ penalties.points)` with `step_score = round(100 × Σ weights of
    the true steps / Σ weights)`, and `passed = score ≥ pass_mark and no blocking violation and
    outcome_passed` (docs/SCORING.md «A run's score»). `formula` is the version of that formula
    (`scoring.RUN_FORMULA`); cards stored before it have 1 (the mean of the turn scores) and are
    never recalculated.
    """

    model_config = ConfigDict(frozen=True)

    formula: int = 1
    score: int
    passed: bool
    outcome: Outcome | None
    abandoned: bool = False
    outcome_passed: bool = False
    pass_mark: int = 70
    step_score: int = 0
    steps: dict[str, bool]
    weights: dict[str, float] = Field(default_factory=dict)
    violations: list[CardViolation]
    penalties: list[Penalty] = Field(default_factory=list)
    expected_at: dict[str, int] = Field(default_factory=dict)
    """Step -> the number (1-based) of the first reply whose state expected it."""
    credited_at: dict[str, int] = Field(default_factory=dict)
    """Credited step -> the number (1-based) of the reply that performed it."""
    missed_recommended: dict[str, list[str]]
    """Missed step → the examples that fit this run, best first (`scenarios.examples`)."""
    turns: int
    hints: int = 0
    hint_cost: int = 0

    @field_validator("violations", mode="before")
    @classmethod
    def _pairs(cls, value: Any) -> Any:
        """Cards stored before formula 2 kept violations as [check, quote] pairs."""
        if isinstance(value, list):
            return [
                {"check": v[0], "quote": v[1]} if isinstance(v, list | tuple) else v
                for v in value
            ]
        return value

    @property
    def late(self) -> list[str]:
        """Credited steps performed after the reply that first expected them."""
        return [s for s, at in self.credited_at.items() if at > self.expected_at.get(s, at)]

    @property
    def early(self) -> list[str]:
        """Credited steps performed before any state expected them."""
        return [s for s, at in self.credited_at.items() if at < self.expected_at.get(s, at)]
