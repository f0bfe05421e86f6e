"""Simulated trainees for whole runs, their replies built from the scenario and the standard.

A reply for a client line says, for each step the line expects (`ClientLine.expect`: the steps
still required), one phrase that performs it: a sentence of a quoted phrase in the hint of a state
that expects the step (it fits this scene: the company, the client's name, the time), else one of
the standard's recommended phrases — whichever the grader credits for that step alone, with no
violation and without performing the steps the trainee is holding back. No fixed reply texts,
nothing from the eval sets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field

from scenarios import ClientLine, Engine, FinalCard, RunState, Scenario, TurnResult
from scenarios.examples import Situation, examples, fill, situation
from scoring import Context, Grader, Standard

NEUTRAL = "Хорошо, конечно."
"""A reply when nothing is required of the line (every step it expects was done before)."""
RUDE = "Слушай, не морочь мне голову, чё тебе надо?"

Reply = Callable[[ClientLine, RunState], str]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?…])\s+", text) if s.strip()]


def candidates(scenario: Scenario, standard: Standard, step: str, where: Situation) -> list[str]:
    """Phrases that may perform `step`: hint sentences of the states expecting it, then the
    examples of the step that fit this run (the states' own, then the standard's; filled from
    the run as the trainee reads them)."""
    out: list[str] = []
    for state in scenario.states.values():
        hint = fill(state.hint, where) if step in state.expect and state.hint else None
        if hint:
            for quoted in re.findall(r"«([^»]+)»", hint):
                out += sentences(quoted)
    for state in scenario.states.values():
        if step in state.expect:
            out += [e for e in examples(standard, step, where, state.examples) if e not in out]
    return out


def scene(scenario: Scenario, standard: Standard, agent_name: str) -> Situation:
    """What the examples of this scene fit, for a trainee called `agent_name`."""
    ctx = scenario.context
    return situation(standard, channel=ctx.channel, kind=scenario.kind, time=ctx.time,
                     company=ctx.company, client_name=ctx.client_name, agent_name=agent_name)


class Phrases:
    """One credited phrase per step of a scene (cached per step and held-back steps)."""

    def __init__(
        self, scenario: Scenario, grader: Grader, context: Context, where: Situation
    ) -> None:
        self.scenario, self.grader, self.context, self.where = scenario, grader, context, where
        self.violations = grader.standard.violations
        self._cache: dict[tuple[str, frozenset[str]], str] = {}

    def phrase(self, step: str, avoid: Collection[str] = (), *, strict: bool = True) -> str:
        """A phrase credited for `step` that performs none of `avoid` (with `strict=False`,
        one that performs some of them when no phrase can keep them apart)."""
        key = (step, frozenset(avoid))
        if key not in self._cache:
            try:
                self._cache[key] = self._find(step, set(avoid) - {step})
            except AssertionError:
                if strict:
                    raise
                self._cache[key] = self._find(step, set())
        return self._cache[key]

    def _find(self, step: str, avoid: set[str]) -> str:
        found = candidates(self.scenario, self.grader.standard, step, self.where)
        if self.context.client_name:  # the scene's own name, alone in a sentence
            found.append(f"{self.context.client_name}, одну секунду.")
        for text in found:
            result = self.grader.grade(
                text, checks=[step, *avoid, *self.violations], context=self.context
            )
            if result.value(step) and not result.violations and not any(
                result.value(a) for a in avoid
            ):
                return text
        raise AssertionError(f"{self.scenario.id}: no phrase performs {step} alone")

    def reply(
        self, steps: Sequence[str], avoid: Collection[str] = (), *, strict: bool = True
    ) -> str:
        """A reply performing `steps` and none of `avoid`."""
        if not steps:
            return NEUTRAL
        return " ".join(self.phrase(step, avoid, strict=strict) for step in steps)


@dataclass
class Played:
    engine: Engine
    run: RunState
    card: FinalCard
    turns: list[TurnResult] = field(default_factory=list)
    lines: list[ClientLine] = field(default_factory=list)


async def play(
    scenario: Scenario, reply: Callable[[Phrases, ClientLine, int], str], *, seed: int = 7,
    standard: Standard | None = None, max_turns: int = 25,
) -> Played:
    """Play the scenario to its end, answering each line with `reply(phrases, line, turn)`."""
    engine = Engine(scenario, standard=standard)
    run = engine.start(seed=seed, agent_name="Мария")
    phrases = _phrases(engine, run)
    turns: list[TurnResult] = []
    lines: list[ClientLine] = []
    while not run.finished:
        assert len(turns) < max_turns, f"{scenario.id}: no end after {max_turns} replies"
        line = await engine.client_line(run)
        lines.append(line)
        turns.append(await engine.reply(run, reply(phrases, line, len(turns))))
    return Played(engine, run, engine.final(run), turns, lines)


_PHRASES: dict[tuple[int, str, str, str], Phrases] = {}


def _phrases(engine: Engine, run: RunState) -> Phrases:
    """The scene's phrases (kept per grader, scenario version and context: grading is pure)."""
    context = engine.context(run)
    key = (id(engine.grader), engine.scenario.id, engine.scenario.version,
           context.model_dump_json())
    if key not in _PHRASES:
        _PHRASES[key] = Phrases(engine.scenario, engine.grader, context, engine.situation(run))
    return _PHRASES[key]


def standard_trainee(phrases: Phrases, line: ClientLine, turn: int) -> str:
    """Every step the line requires, in the standard's words."""
    return phrases.reply(line.expect)


def late_trainee(state: str, step: str) -> Callable[[Phrases, ClientLine, int], str]:
    """The standard trainee who leaves `step` out of the reply to `state` (the first time) and
    makes it up in the next reply."""
    held: list[int] = []

    def reply(phrases: Phrases, line: ClientLine, turn: int) -> str:
        if line.state == state and not held and step in line.expect:
            held.append(turn)
            return phrases.reply([s for s in line.expect if s != step], avoid=[step])
        if held and turn == held[0] + 1:
            return phrases.reply(list(dict.fromkeys([*line.expect, step])))
        return phrases.reply(line.expect)

    return reply


def rude_trainee(phrases: Phrases, line: ClientLine, turn: int) -> str:
    return RUDE


def all_but_one(phrases: Phrases, line: ClientLine, turn: int) -> str:
    """Every required step but the last one, when two or more are required (a small miss in
    every reply)."""
    steps = list(line.expect)
    if len(steps) >= 2:
        return phrases.reply(steps[:-1], avoid=steps[-1:], strict=False)
    return phrases.reply(steps)


def recompute(end: dict[str, object]) -> tuple[int, bool]:
    """`score` and `passed` from an end event's fields alone (../shared/spec/cli.md)."""
    steps = end["steps"]
    weights = end["weights"]
    assert isinstance(steps, dict) and isinstance(weights, dict)
    total = sum(weights[s] for s in steps)
    earned = sum(weights[s] for s, done in steps.items() if done)
    base = round(100 * earned / total) if total else 0
    penalties = end["penalties"]
    violations = end["violations"]
    assert isinstance(penalties, list) and isinstance(violations, list)
    score = max(0, base - sum(p["points"] for p in penalties))
    pass_mark = end["pass_mark"]
    assert isinstance(pass_mark, int)
    passed = (
        score >= pass_mark
        and not any(v["blocking"] for v in violations)
        and bool(end["outcome_passed"])
    )
    return score, passed


def texts_of(lines: Iterable[ClientLine]) -> list[str]:
    return [line.text for line in lines]
