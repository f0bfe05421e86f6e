"""The self-test: simulated trainees play every path of a scenario before anyone else does.

A **strong** trainee answers each client line with the standard's recommended phrases for the
steps the state expects, in the run's context: for each step, the first example that fits this
run (`Engine.examples`: the state's own example, then the standard's recommended wordings filled
with the client's name, the company, the trainee's name and the greeting for the call's time),
else a phrase quoted in the state's hint, that the grader credits for that step here with no
violation. **Weak** trainees miss the
steps (`missed`), also say a forbidden phrase (`forbidden`), or are rude (`rude`); to reach the
states only a partly right reply leads to, the strong reply is also tried without each one of
its steps.

Every state reachable by any of them is visited, with the run as it stands when it gets there
(tries, patience). The strong trainee must pass the state's reply and, carrying on from there,
end the conversation resolved; from the start it must pass the run. Each weak trainee must fail
the run. A state where the strong trainee cannot get through, or where a weak reply goes where
the strong one goes although the state has somewhere else to send it, is named.

Pure: the real `Engine` and `Grader`, no LLM seams, no I/O. Findings are data (codes and ids);
the doors word them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from scenarios.engine import Engine
from scenarios.model import Outcome, Scenario
from scenarios.run import RunState, TurnResult
from scoring import Context, Grader, Standard

Trainee = Literal["strong", "missed", "forbidden", "rude"]
WEAK: tuple[Trainee, ...] = ("missed", "forbidden", "rude")
Severity = Literal["error", "warning"]
Code = Literal[
    "strong_no_phrase",  # no phrase the strong trainee knows is credited for a step here
    "strong_fails_turn",  # the strong reply does not pass this state
    "strong_bad_outcome",  # carrying on strongly from here ends hung up / escalated
    "strong_loops",  # the strong trainee comes back here without the conversation ending
    "strong_run_fails",  # the strong trainee's whole run does not pass
    "weak_passes",  # a weak trainee's whole run passes
    "weak_let_through",  # a weak reply goes where the strong one goes
    "weak_never_ends",  # a weak trainee's run never ends (no patience)
    "no_weak_example",  # the standard catches none of the weak trainee's phrases
]
ERRORS: frozenset[str] = frozenset(
    {"strong_no_phrase", "strong_fails_turn", "strong_bad_outcome", "strong_loops",
     "strong_run_fails", "weak_passes"}
)

AGENT_NAME = "Мария"
"""The simulated trainee's own name (the strong trainee's phrases may introduce her)."""
NEUTRAL = ("Так.", "Хорошо.", "Ясно.", "Понятно.")
"""What a trainee who performs no step says (the first one the grader finds nothing in)."""
FORBIDDEN = (
    "Вы должны были сами это проверить.",
    "Я не знаю.",
    "Ничем не могу помочь.",
    "Перезвоните позже.",
)
"""Forbidden phrases of the standard's catalogue (after the state's own `forbidden` list)."""
RUDE = ("Чё вам надо? Не морочьте мне голову.", "Слушай, не грузи меня.")
MAX_TURNS_FACTOR = 3
"""A run longer than this many turns per state is taken as one that never ends."""

_QUOTED = re.compile(r"«([^»]+)»")


class Finding(BaseModel):
    """One thing the self-test found, at a state (None: the run as a whole)."""

    model_config = ConfigDict(frozen=True)

    code: Code
    severity: Severity
    state: str | None = None
    trainee: Trainee | None = None
    steps: list[str] = Field(default_factory=list)
    checks: list[str] = Field(default_factory=list)
    to: str | None = None
    outcome: Outcome | None = None
    score: int | None = None

    def as_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json", exclude_defaults=True)


class PathResult(BaseModel):
    """One simulated trainee's run from the start."""

    model_config = ConfigDict(frozen=True)

    trainee: Trainee
    states: list[str]
    outcome: Outcome | None
    score: int
    passed: bool
    finished: bool


class SelfTest(BaseModel):
    """What the self-test of one scenario on one standard found."""

    model_config = ConfigDict(frozen=True)

    scenario_id: str
    version: str
    standard_version: str
    findings: list[Finding]
    runs: list[PathResult]
    states: list[str]
    """The non-final states visited (every state any simulated trainee can reach)."""
    replies: dict[str, str]
    """The strong trainee's reply in each visited state."""

    @property
    def ok(self) -> bool:
        """No error: the strong trainee passes and no weak one does."""
        return not [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


class _Simulation:
    def __init__(self, scenario: Scenario, standard: Standard, grader: Grader) -> None:
        self.scenario = scenario
        self.standard = standard
        self.grader = grader
        self.engine = Engine(scenario, grader, standard=standard)
        self.violations = standard.violations
        self.findings: dict[tuple[str, str | None, str | None], Finding] = {}
        self.strong_cache: dict[str, str] = {}
        self.good_from: set[str] = set()
        self.max_turns = MAX_TURNS_FACTOR * len(scenario.states) + 3

    # -- findings

    def add(self, finding: Finding) -> None:
        key = (finding.code, finding.state, finding.trainee)
        self.findings.setdefault(key, finding)

    # -- replies

    def context(self, run: RunState) -> Context:
        return self.engine.context(run)

    def _credited(self, text: str, steps: Sequence[str], state: str, ctx: Context) -> bool:
        """Whether the grader credits every one of `steps` in `text`, with no violation."""
        result = self.grader.grade(
            text, checks=[*steps, *self.violations], context=ctx,
            extra_forbidden=self.scenario.states[state].forbidden,
        )
        return not result.violations and all(result.value(s) for s in steps)

    def candidates(self, step: str, state: str, run: RunState) -> list[str]:
        """What the strong trainee may say for `step`: the examples that fit this run (the
        state's own, then the standard's recommended wordings filled from the run:
        `Engine.examples`), then the phrases quoted «…» in the state's hint."""
        out = [*self.engine.examples(run, step, state),
               *_QUOTED.findall(self.scenario.states[state].hint or "")]
        return [_sentence(c) for c in dict.fromkeys(out) if c.strip()]

    def compose(self, state: str, run: RunState, steps: Sequence[str]) -> tuple[str, list[str]]:
        """A reply doing `steps` with a credited phrase each (and no violation), and the steps
        no known phrase could earn here."""
        ctx = self.context(run)
        reply = ""
        done: list[str] = []
        missing: list[str] = []
        for step in steps:
            if reply and self._credited(reply, [*done, step], state, ctx):
                done.append(step)
                continue
            for candidate in self.candidates(step, state, run):
                trial = f"{reply} {candidate}".strip()
                if self._credited(trial, [*done, step], state, ctx):
                    reply = trial
                    done.append(step)
                    break
            else:
                missing.append(step)
        return reply, missing

    def strong(self, state: str, run: RunState) -> str:
        """The strong trainee's reply: a credited phrase for every expected step."""
        cached = self.strong_cache.get(state)
        if cached is not None:
            return cached
        reply, missing = self.compose(state, run, self.scenario.states[state].expect)
        if missing:
            self.add(Finding(code="strong_no_phrase", severity="error", state=state,
                             trainee="strong", steps=missing))
        reply = reply or NEUTRAL[0]
        self.strong_cache[state] = reply
        return reply

    def partial(self, state: str, run: RunState, skip: str) -> str | None:
        """The strong reply without one step (to reach the states a rule such as
        `missed: [step]` or a score threshold sends a partly right reply to)."""
        expect = self.scenario.states[state].expect
        reply, _ = self.compose(state, run, [s for s in expect if s != skip])
        if not reply or self._credited(reply, [skip], state, self.context(run)):
            return None
        return reply

    def example(self, kind: Trainee, state: str, run: RunState) -> str | None:
        """A phrase the grader catches as this weak trainee's fault (None if it catches none)."""
        ctx = self.context(run)
        extra = self.scenario.states[state].forbidden
        if kind == "missed":
            expect = self.scenario.states[state].expect
            for text in NEUTRAL:
                result = self.grader.grade(text, checks=[*expect, *self.violations],
                                           context=ctx, extra_forbidden=extra)
                if not result.violations and not any(result.value(s) for s in expect):
                    return text
            return None
        check = "forbidden_phrase" if kind == "forbidden" else "rudeness"
        pool: Sequence[str] = [*extra, *FORBIDDEN] if kind == "forbidden" else RUDE
        if check not in self.standard.checks:
            return None
        for text in pool:
            result = self.grader.grade(_sentence(text), checks=[check], context=ctx,
                                       extra_forbidden=extra)
            if result.value(check):
                return _sentence(text)
        return None

    def weak(self, kind: Trainee, state: str, run: RunState) -> str | None:
        """A weak trainee's whole reply: no steps, and the fault of its kind."""
        neutral = self.example("missed", state, run) or NEUTRAL[0]
        if kind == "missed":
            return neutral
        fault = self.example(kind, state, run)
        return None if fault is None else f"{neutral} {fault}"

    def spoiled(self, kind: Trainee, state: str, run: RunState) -> str | None:
        """The strong reply spoiled by one fault (to see whether the state notices it)."""
        if kind == "missed":
            return self.example("missed", state, run) if self.scenario.states[state].expect \
                else None
        fault = self.example(kind, state, run)
        return None if fault is None else f"{self.strong(state, run)} {fault}"

    # -- playing

    async def turn(self, run: RunState, text: str) -> tuple[TurnResult, RunState]:
        after = run.model_copy(deep=True)
        result = await self.engine.reply(after, text)
        return result, after

    async def play(self, trainee: Trainee, run: RunState) -> tuple[RunState, list[str], bool]:
        """Play one kind of trainee from `run` to the end (or `max_turns`): the final run, the
        states passed through, and whether it ended."""
        states = [run.state]
        for _ in range(self.max_turns):
            if run.finished:
                return run, states, True
            text = self.strong(run.state, run) if trainee == "strong" else (
                self.weak(trainee, run.state, run) or NEUTRAL[0])
            _, run = await self.turn(run, text)
            states.append(run.state)
        return run, states, run.finished

    async def strong_from(self, run: RunState) -> None:
        """Carry on strongly from `run`'s state: it must end resolved without going round."""
        start = run.state
        seen: list[str] = []
        for _ in range(self.max_turns):
            if run.finished or run.state in self.good_from:
                break
            if run.state in seen:
                self.add(Finding(code="strong_loops", severity="error", state=run.state,
                                 trainee="strong"))
                return
            seen.append(run.state)
            before = run.state
            result, run = await self.turn(run, self.strong(before, run))
            if run.finished and run.outcome != "resolved":
                self.add(Finding(code="strong_bad_outcome", severity="error", state=before,
                                 trainee="strong", outcome=run.outcome, to=result.next_state))
                return
        else:
            self.add(Finding(code="strong_loops", severity="error", state=start,
                             trainee="strong"))
            return
        self.good_from.update(seen)

    async def explore(self) -> list[str]:
        """Visit every state any simulated trainee reaches; check each one."""
        first = self.engine.start(seed=0, agent_name=AGENT_NAME, mode="training")
        queue = [first]
        visited: list[str] = []
        while queue:
            run = queue.pop(0)
            sid = run.state
            if run.finished or sid in visited:
                continue
            visited.append(sid)
            state = self.scenario.states[sid]
            strong_turn, strong_run = await self.turn(run, self.strong(sid, run))
            if not strong_turn.score.passed:
                self.add(Finding(
                    code="strong_fails_turn", severity="error", state=sid, trainee="strong",
                    steps=strong_turn.score.missed_steps, score=strong_turn.score.score,
                    checks=[v.check for v in strong_turn.score.violations],
                ))
            queue.append(strong_run)
            targets = set(state.targets())
            for kind in WEAK:
                text = self.spoiled(kind, sid, run)
                if text is None:
                    continue
                weak_turn, weak_run = await self.turn(run, text)
                if (len(targets) > 1 and weak_turn.next_state == strong_turn.next_state
                        and strong_turn.next_state != sid):
                    self.add(Finding(code="weak_let_through", severity="warning", state=sid,
                                     trainee=kind, to=weak_turn.next_state))
                queue.append(weak_run)
            if len(state.expect) > 1:
                for step in state.expect:
                    text = self.partial(sid, run, step)
                    if text is not None:
                        queue.append((await self.turn(run, text))[1])
            await self.strong_from(run)
        return visited

    async def runs(self) -> list[PathResult]:
        results: list[PathResult] = []
        for trainee in ("strong", *WEAK):
            start = self.engine.start(seed=0, agent_name=AGENT_NAME, mode="training")
            if trainee != "strong" and trainee != "missed" and self.example(
                    trainee, start.state, start) is None:
                self.add(Finding(code="no_weak_example", severity="warning", trainee=trainee))
                continue
            run, states, finished = await self.play(trainee, start)
            if finished:
                card = self.engine.final(run)
                score, passed, outcome = card.score, card.passed, card.outcome
            else:
                score, passed, outcome = run.score, False, None
            results.append(PathResult(trainee=trainee, states=states, outcome=outcome,
                                      score=score, passed=passed, finished=finished))
            if trainee == "strong" and not passed:
                failing = [f.state for f in self.findings.values()
                           if f.trainee == "strong" and f.state in states]
                self.add(Finding(code="strong_run_fails", severity="error", trainee="strong",
                                 state=failing[0] if failing else None, score=score,
                                 outcome=outcome))
            elif trainee != "strong" and passed:
                through = [f.state for f in self.findings.values()
                           if f.code == "weak_let_through" and f.state in states]
                self.add(Finding(code="weak_passes", severity="error", trainee=trainee,
                                 state=through[0] if through else states[-2], score=score,
                                 outcome=outcome))
            elif trainee != "strong" and not finished:
                self.add(Finding(code="weak_never_ends", severity="warning", trainee=trainee,
                                 state=states[-1]))
        return results


async def run_selftest(
    scenario: Scenario, standard: Standard, grader: Grader | None = None
) -> SelfTest:
    """Self-test `scenario` on `standard` (see the module docstring). Pure; never raises for
    the scenario's content (what is wrong is a finding)."""
    sim = _Simulation(scenario, standard, grader or Grader(standard))
    states = await sim.explore()
    runs = await sim.runs()
    order = {sid: i for i, sid in enumerate(scenario.states)}
    findings = sorted(
        sim.findings.values(),
        key=lambda f: (f.severity != "error", order.get(f.state or "", -1), f.code),
    )
    return SelfTest(
        scenario_id=scenario.id, version=scenario.version, standard_version=standard.version,
        findings=findings, runs=runs, states=states,
        replies={sid: sim.strong_cache[sid] for sid in states if sid in sim.strong_cache},
    )


def _sentence(text: str) -> str:
    """A phrase as a sentence of its own (quoted parts come without the final stop)."""
    text = text.strip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."
