"""Where trainees fail in one scenario: the funnel over its states from stored attempts.

Pure aggregation (no I/O) over what `Storage.attempt_paths` reads: attempts (preview ones are
never read) and their graded turns, without reply texts.

- A run **reaches** a state when it starts there or a reply moves it there.
- A run **drops out** at the state it was in when it was abandoned.
- The client **hangs up** (or **escalates**) after the reply whose next state is that final
  state: it is counted at the state of that reply.
- A state's **failure rate** is the share of the replies given in it that did not pass.
- The checks missed most, violations, and the median answer time are per state, from the turns.
- Hint use is per scenario (a hint is counted on the attempt, not on a state).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from statistics import median

from bot.storage import AttemptPath, TurnStep
from scenarios import Scenario

TOP_CHECKS = 3


@dataclass(frozen=True, slots=True)
class CheckCount:
    check: str
    count: int
    rate: float
    """Share of the state's replies."""


@dataclass(frozen=True, slots=True)
class StateStats:
    state: str
    final: bool
    outcome: str | None
    reached: int
    reached_share: float
    replies: int
    failed: int
    failure_rate: float | None
    dropped: int
    hung_up: int
    escalated: int
    median_answer_seconds: float | None
    missed: list[CheckCount] = field(default_factory=list)
    violations: list[CheckCount] = field(default_factory=list)
    in_current_version: bool = True


@dataclass(frozen=True, slots=True)
class ScenarioFunnel:
    """The funnel of one scenario (every version's attempts, the current version's states)."""

    scenario_id: str
    title: str
    runs: int
    finished: int
    passed: int
    abandoned: int
    in_progress: int
    outcomes: dict[str, int]
    runs_with_hints: int
    hints: int
    states: list[StateStats]

    @property
    def hint_share(self) -> float:
        return _share(self.runs_with_hints, self.runs)

    def failure_rates(self) -> dict[str, float]:
        """State → failure rate, for the states with replies (the picture's colours)."""
        return {s.state: s.failure_rate for s in self.states if s.failure_rate is not None}

    def as_dict(self) -> dict[str, object]:
        """The JSON of `roleplay stats --json`."""
        out = asdict(self)
        out["hint_share"] = self.hint_share
        return out


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def funnel(
    scenario: Scenario, attempts: list[AttemptPath], turns: list[TurnStep]
) -> ScenarioFunnel:
    """Aggregate a scenario's attempts and turns into its funnel. Pure."""
    by_attempt: dict[int, list[TurnStep]] = {}
    for turn in turns:
        by_attempt.setdefault(turn.attempt_id, []).append(turn)
    finals = {sid: st.outcome for sid, st in scenario.states.items() if st.final}
    reached: Counter[str] = Counter()
    dropped: Counter[str] = Counter()
    ended: dict[str, Counter[str]] = {"hung_up": Counter(), "escalated": Counter()}
    replies: dict[str, list[TurnStep]] = {}
    for attempt in attempts:
        path = by_attempt.get(attempt.attempt_id, [])
        start = path[0].state if path else scenario.initial_state
        seen = {start} | {t.next_state for t in path if t.next_state}
        reached.update(seen)
        for turn in path:
            replies.setdefault(turn.state, []).append(turn)
        if attempt.status == "abandoned":
            last = path[-1].next_state if path and path[-1].next_state else start
            dropped[last] += 1
        if attempt.outcome in ended and path:
            ended[attempt.outcome][path[-1].state] += 1
    order = list(scenario.states) + sorted(
        (set(reached) | set(replies)) - set(scenario.states)
    )
    runs = len(attempts)
    states = [
        _state(sid, scenario, finals, runs, reached[sid], replies.get(sid, []), dropped[sid],
               ended["hung_up"][sid], ended["escalated"][sid])
        for sid in order
    ]
    outcomes = Counter(a.outcome for a in attempts if a.status == "finished" and a.outcome)
    return ScenarioFunnel(
        scenario_id=scenario.id,
        title=scenario.title,
        runs=runs,
        finished=sum(a.status == "finished" for a in attempts),
        passed=sum(bool(a.passed) for a in attempts if a.status == "finished"),
        abandoned=sum(a.status == "abandoned" for a in attempts),
        in_progress=sum(a.status == "active" for a in attempts),
        outcomes=dict(sorted(outcomes.items())),
        runs_with_hints=sum(a.hints_used > 0 for a in attempts),
        hints=sum(a.hints_used for a in attempts),
        states=states,
    )


def _state(
    sid: str, scenario: Scenario, finals: Mapping[str, str | None], runs: int, reached: int,
    replies: list[TurnStep], dropped: int, hung_up: int, escalated: int,
) -> StateStats:
    failed = sum(not t.passed for t in replies)
    times = [t.elapsed_seconds for t in replies if t.elapsed_seconds is not None]
    missed = Counter(step for t in replies for step in t.missed_steps)
    violations = Counter(v for t in replies for v in dict.fromkeys(t.violations) if v)
    n = len(replies)
    return StateStats(
        state=sid,
        final=sid in finals,
        outcome=finals.get(sid),
        reached=reached,
        reached_share=_share(reached, runs),
        replies=n,
        failed=failed,
        failure_rate=_share(failed, n) if n else None,
        dropped=dropped,
        hung_up=hung_up,
        escalated=escalated,
        median_answer_seconds=round(median(times), 1) if times else None,
        missed=[CheckCount(c, k, _share(k, n)) for c, k in _top(missed)],
        violations=[CheckCount(c, k, _share(k, n)) for c, k in _top(violations)],
        in_current_version=sid in scenario.states,
    )


def _top(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CHECKS]
