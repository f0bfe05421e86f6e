"""What the service hands to the doors: complete, frozen views (a door never re-reads storage)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.llm.coach import Tip
from bot.storage import Attempt, Mode, ScenarioStats, Turn
from scenarios import ClientLine, FinalCard, Scenario, TurnResult
from scoring import Standard


@dataclass(slots=True)
class Receipt:
    """One incoming event (e.g. a Telegram update) being handled.

    It is recorded as handled exactly once: by the turn it produced, in the turn's own
    transaction (`TrainingService.answer(receipt=...)` sets `recorded`), or else by
    `TrainingService.settle(receipt)` once the handler is done.
    """

    kind: str
    key: str
    recorded: bool = False

    @property
    def event(self) -> tuple[str, str]:
        return self.kind, self.key


@dataclass(frozen=True, slots=True)
class StartView:
    """A started (or resumed) attempt: its id, effective mode, the scenario and the client's
    line awaiting an answer; `turns` already answered when it was resumed."""

    attempt_id: int
    mode: Mode
    line: ClientLine
    scenario: Scenario
    resumed: bool = False
    turns: int = 0
    preview: bool = False
    """A trainer's preview: played like any run, counted by no report."""


@dataclass(frozen=True, slots=True)
class CardView:
    """A finished attempt's score card with what a door shows around it."""

    card: FinalCard
    scenario_id: str
    title: str
    started_at: str
    finished_at: str | None
    channel: str | None = None
    """Where the scene happened (phone, office, chat, email): the ending is told to fit it."""
    tip: Tip | None = None
    """The coach's tip (LLM or rule-built), None for a card without one."""
    judged: frozenset[tuple[str, str]] = frozenset()
    """(check, quote) of the card's verdicts that came from the judge (a step: quote "")."""


@dataclass(frozen=True, slots=True)
class Undelivered:
    """A turn stored but never answered (the bot died in between): who must get what now —
    the line that awaits an answer (`active`), or the score card (`final`)."""

    telegram_id: int
    attempt_id: int
    mode: Mode
    active: ActiveRun | None = None
    final: CardView | None = None


@dataclass(frozen=True, slots=True)
class TurnView:
    """What one answered reply produced.

    `result` is the graded turn; `line` is the client's next line (or the closing line of a final
    state, if it has one); `final` is the score card once the run is over. `show_feedback` is
    False in exam mode (feedback only on the card).
    """

    attempt_id: int
    turn_index: int
    result: TurnResult
    line: ClientLine | None
    final: CardView | None
    mode: Mode
    degraded: bool
    spoken: bool = False
    preview: bool = False
    standard: Standard | None = None
    """The standard that graded this reply (the door renders its titles and phrases)."""

    @property
    def card(self) -> FinalCard | None:
        return self.final.card if self.final is not None else None

    @property
    def finished(self) -> bool:
        return self.final is not None

    @property
    def show_feedback(self) -> bool:
        return self.mode == "training"


@dataclass(frozen=True, slots=True)
class HintView:
    text: str
    penalty: int
    hints_used: int


@dataclass(frozen=True, slots=True)
class ActiveRun:
    """An attempt in progress and the line awaiting an answer (shown again after a restart)."""

    attempt: Attempt
    scenario: Scenario
    line: ClientLine
    history: list[Turn]


@dataclass(frozen=True, slots=True)
class AbandonView:
    attempt_id: int
    turns: int
    card: FinalCard


@dataclass(frozen=True, slots=True)
class Progress:
    """A person's progress: recent attempts, per-scenario best/latest, the most-missed checks."""

    attempts: list[Attempt]
    scenarios: list[ScenarioStats]
    most_missed: list[tuple[str, int]]
    titles: dict[str, str]
    """Scenario id -> its title (as in the library now, else as it was played)."""
