"""The scenario engine: a `transitions` machine built from a scenario, driven by graded replies.

One `Engine` per scenario holds one `Machine` built from `machine_config(scenario)`. A run lives in
a `RunState` snapshot (JSON-serialisable, so `bot/` can store it and restore it after a restart).
For each reply the engine grades the text, adds a small cursor model for the run to the machine at
the run's state, fires the `reply` trigger (the machine picks the first transition whose
conditions hold), reads the new state and removes the cursor again.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, TypeVar

from transitions import EventData, Machine

from scenarios import examples as fitting
from scenarios.credit import Credit, credit, open_steps
from scenarios.errors import NoHint, RunError, ScenarioError
from scenarios.guard import MANIPULATION, addresses_grader
from scenarios.judging import Review, combine, judged_checks
from scenarios.model import Condition, Mode, Scenario
from scenarios.mood import CALMING, ClientMood, react
from scenarios.protocols import ClientVoice, Exchange, Judge, SeamUnavailable, VoiceRequest
from scenarios.run import (
    CardViolation,
    ClientLine,
    FinalCard,
    Hint,
    Penalty,
    RunState,
    Turn,
    TurnResult,
)
from scoring import (
    RUN_FORMULA,
    Context,
    Grader,
    GradeResult,
    ScoreResult,
    Standard,
    default_standard,
    score_reply,
    score_run,
)

TRIGGER = "reply"
DEFAULT_TIMEOUT = 10.0
STRIKE_BELOW = 0.5
"""A reply is a strike (it costs the client's patience) when it commits a violation or performs
less than this share (by weight) of the steps required of it; a smaller miss is not."""
T = TypeVar("T")
logger = logging.getLogger(__name__)


# ---------------------------------------------------------------- machine


class _Cursor:
    """The model a run puts on the machine for one reply: the facts the conditions read."""

    state: str
    may_reply: Callable[[], bool]
    reply: Callable[[], bool]

    def __init__(
        self,
        score: ScoreResult,
        tries: int,
        strikes: int,
        patience: int | None,
        done: frozenset[str] = frozenset(),
    ) -> None:
        self.score = score
        self.tries = tries
        self.strikes = strikes
        self.patience = patience
        self.done = done

    def patience_lost(self, event: EventData) -> bool:
        return self.patience is not None and self.strikes >= self.patience


class RuleTest:
    """A transition condition: does the graded reply meet a rule's `when`?"""

    def __init__(self, when: Condition) -> None:
        self.when = when

    def __call__(self, event: EventData) -> bool:
        cursor = event.model
        assert isinstance(cursor, _Cursor)
        return matches(self.when, cursor.score, cursor.tries, cursor.done)

    def __repr__(self) -> str:
        return f"RuleTest({describe(self.when)})"


def matches(
    when: Condition, score: ScoreResult, tries: int, done: frozenset[str] | None = None
) -> bool:
    """Whether every test of `when` holds for a scored reply made on the `tries`-th try.

    `done` is every step credited in the run so far, this reply included (`passed` holds for a
    step done in an earlier reply too); None = only this reply's passed steps.
    """
    violated = {v.check for v in score.violations}
    credited = set(score.passed_steps) if done is None else done | set(score.passed_steps)
    tests = [
        when.score_at_least is None or score.score >= when.score_at_least,
        when.score_below is None or score.score < when.score_below,
        all(step in credited for step in when.passed),
        not when.missed or any(step in score.missed_steps for step in when.missed),
        not when.violations or bool(violated & set(when.violations)),
        when.any_violation is None or bool(violated) == when.any_violation,
        when.tries_at_least is None or tries >= when.tries_at_least,
    ]
    return all(tests)


def describe(when: Condition) -> str:
    """Plain words for a condition (used in diagrams)."""
    parts: list[str] = []
    if when.score_at_least is not None:
        parts.append(f"score ≥ {when.score_at_least}")
    if when.score_below is not None:
        parts.append(f"score < {when.score_below}")
    if when.passed:
        parts.append("did " + ", ".join(when.passed))
    if when.missed:
        parts.append("missed " + " or ".join(when.missed))
    if when.violations:
        parts.append(" or ".join(when.violations))
    if when.any_violation is not None:
        parts.append("any violation" if when.any_violation else "no violation")
    if when.tries_at_least is not None:
        parts.append(f"try ≥ {when.tries_at_least}")
    return ", ".join(parts)


def machine_config(scenario: Scenario) -> dict[str, Any]:
    """The `transitions.Machine` keyword arguments for a scenario (no models attached).

    Each non-final state gets one `reply` transition per rule (in order, conditions = the rule),
    then its `else`; transitions to non-final states are blocked once patience is lost, and a last
    `reply` transition goes to the patience state then.
    """
    finals = set(scenario.final_states())
    lost_state = scenario.patience_state
    transitions: list[dict[str, Any]] = []
    for sid, state in scenario.states.items():
        if state.final:
            continue

        def guard(dest: str) -> list[str]:
            return [] if dest in finals or lost_state is None else ["patience_lost"]

        for rule in state.transitions:
            transitions.append(
                {
                    "trigger": TRIGGER,
                    "source": sid,
                    "dest": rule.to,
                    "conditions": [RuleTest(rule.when)],
                    "unless": guard(rule.to),
                }
            )
        if state.else_ is not None:
            transitions.append(
                {
                    "trigger": TRIGGER,
                    "source": sid,
                    "dest": state.else_,
                    "unless": guard(state.else_),
                }
            )
        if lost_state is not None:
            transitions.append(
                {
                    "trigger": TRIGGER,
                    "source": sid,
                    "dest": lost_state,
                    "conditions": ["patience_lost"],
                }
            )
    return {
        "states": [
            {"name": sid, "final": True} if sid in finals else {"name": sid}
            for sid in scenario.states
        ],
        "initial": scenario.initial_state,
        "transitions": transitions,
        "send_event": True,
        "auto_transitions": False,
        "ignore_invalid_triggers": False,
    }


# ---------------------------------------------------------------- engine


class Engine:
    """Runs one scenario: client lines, grading, hints, moving the machine, the final card.

    `voice` (a `ClientVoice`) and `judge` (a `Judge`) are optional LLM seams; when one raises
    `SeamUnavailable` or takes longer than `timeout` seconds, the scripted line / rule grade is
    used and the turn is marked `degraded`. Any other exception from a seam is a bug: it is logged
    (scenario and state, never the reply) and the run degrades the same way.
    """

    def __init__(
        self,
        scenario: Scenario,
        grader: Grader | None = None,
        voice: ClientVoice | None = None,
        judge: Judge | None = None,
        *,
        standard: Standard | None = None,
        timeout: float = DEFAULT_TIMEOUT,
    ) -> None:
        self.scenario = scenario
        if grader is not None:
            self.grader = grader
            self.standard = standard or grader.standard
        else:
            self.standard = standard or default_standard()
            self.grader = Grader(self.standard)
        self.voice = voice
        self.judge = judge
        self.timeout = timeout
        self.config = machine_config(scenario)
        self.machine = Machine(model=None, **self.config)
        self._violation_ids = [
            cid for cid, spec in self.standard.checks.items() if spec.kind == "violation"
        ]

    # -- lifecycle

    def start(
        self, seed: int | None = None, agent_name: str | None = None, mode: Mode | None = None
    ) -> RunState:
        """A new run at the initial state. Without a seed, a random one is drawn (and kept).

        `mode` None = the scenario's mode; an exam scenario is always played as an exam
        (`Scenario.mode_for`); the run's mode then decides hints and per-reply feedback.
        """
        effective = self.scenario.mode_for(mode)
        return RunState(
            scenario_id=self.scenario.id,
            scenario_version=self.scenario.version,
            seed=seed if seed is not None else random.SystemRandom().randrange(2**31),
            state=self.scenario.initial_state,
            mode=effective,
            agent_name=agent_name,
            patience=self.scenario.patience,
            mood=self.start_mood(),
        )

    def start_mood(self) -> ClientMood:
        """The client's mood when a run starts (the persona sheet's tension, else by
        difficulty)."""
        return ClientMood(tension=self.scenario.start_tension)

    def voice_request(self, run: RunState, scripted: str) -> VoiceRequest:
        """What the client's voice is given for the current line: the persona, mood, context
        and the conversation so far, never the checks, expected steps, hints or score."""
        return VoiceRequest(
            title=self.scenario.title,
            persona=self.scenario.persona,
            context=self.scenario.context,
            difficulty=self.scenario.difficulty,
            mood=run.mood or self.start_mood(),
            scripted=scripted,
            history=[Exchange(client=t.client, reply=t.reply) for t in run.history],
            final=self.scenario.states[run.state].final,
        )

    def context(self, run: RunState) -> Context:
        ctx = self.scenario.context
        return Context(
            time=ctx.time,
            company=ctx.company,
            client_name=ctx.client_name,
            agent_name=run.agent_name,
            third_party=ctx.third_party,
        )

    async def client_line(self, run: RunState) -> ClientLine:
        """The client's line for the current state; the same line again until the trainee replies.

        Scripted variant picked by seed (and how often the state was visited), or the voice's
        rewording of it. Updates `run.line`. The hint is given only in training runs.
        """
        self._check(run)
        state = self.scenario.states[run.state]
        if run.line is None:
            scripted = self.scripted_line(run)
            text, degraded = scripted, False
            if self.voice is not None and scripted:
                said, failed = await self._seam(
                    "voice", run, self.voice.line(self.voice_request(run, scripted))
                )
                if not failed and said is not None and said.strip():
                    text = said.strip()
                else:
                    degraded = True
            run.line, run.line_degraded = text, degraded
        hint = self.hint_text(run) if run.mode == "training" and not state.final else None
        so_far = credit(self.scenario, run.history)
        return ClientLine(
            state=run.state,
            text=run.line,
            expect=[step for step in state.expect if not so_far.done(step)],
            hint=hint,
            hint_cost=self.standard.hint_penalty if hint else 0,
            final=state.final,
            degraded=run.line_degraded,
        )

    def scripted_line(self, run: RunState) -> str:
        """The scripted variant for the run's state, reproducible from seed and visit count: one
        of the variants fitting the steps done so far (`State.lines_for`)."""
        done = credit(self.scenario, run.history).done_at
        variants = self.scenario.states[run.state].lines_for(done)
        if not variants:
            return ""
        visit = run.tries.get(run.state, 0)
        rng = random.Random(f"{run.seed}:{run.state}:{visit}")
        return rng.choice(variants)

    def situation(self, run: RunState) -> fitting.Situation:
        """What this run's examples must fit and the values they are filled with."""
        ctx = self.scenario.context
        return fitting.situation(
            self.standard, channel=ctx.channel, kind=self.scenario.kind, time=ctx.time,
            company=ctx.company, client_name=ctx.client_name, agent_name=run.agent_name,
        )

    def examples(self, run: RunState, step: str, state_id: str | None = None) -> list[str]:
        """The examples of `step` that fit this run (`scenarios.examples`), the state's own first
        (`state_id`: where the step was expected; default the run's state)."""
        state = self.scenario.states.get(state_id or run.state)
        own = state.examples if state is not None else None
        return fitting.examples(self.standard, step, self.situation(run), own)

    def hint_text(self, run: RunState) -> str | None:
        """The state's own hint, else a fitting example of each expected step not done yet."""
        state = self.scenario.states[run.state]
        so_far = credit(self.scenario, run.history)
        return fitting.hint(
            self.standard, [s for s in state.expect if not so_far.done(s)], self.situation(run),
            own_hint=state.hint, own=state.examples,
        )

    def hint(self, run: RunState) -> Hint:
        """Take a hint for the current line: counted on the run, it costs the standard's
        `hint_penalty` points on the final score. Updates `run`; writes nothing else.

        Raises `NoHint` in an exam run or when the state has none, `RunError` after the end.
        """
        self._check(run)
        if run.finished:
            raise RunError(f"run of '{run.scenario_id}' is already finished")
        text = self.hint_text(run)
        if run.mode != "training" or text is None:
            raise NoHint(f"no hint for state '{run.state}' in a {run.mode} run")
        run.hints += 1
        return Hint(
            state=run.state, text=text, cost=self.standard.hint_penalty, hints_used=run.hints
        )

    async def reply(self, run: RunState, text: str) -> TurnResult:
        """Grade the trainee's reply, move the run to the next state, append the turn.

        Raises `RunError` if the run is finished or belongs to another scenario/version. Updates
        `run` in place; writes nothing else.
        """
        self._check(run)
        if run.finished:
            raise RunError(f"run of '{run.scenario_id}' is already finished")
        sid = run.state
        state = self.scenario.states[sid]
        context = self.context(run)
        so_far = credit(self.scenario, run.history)
        graded_steps = open_steps(self.scenario, self.standard, run.history, sid)
        checks = [*graded_steps, *self._violation_ids]
        side = [c for c in CALMING if c not in checks and c in self.standard.checks]
        grade, calming = _split(self.grader.grade(  # one pass: the mood's calming steps too
            text, checks=[*checks, *side], context=context, extra_forbidden=state.forbidden,
        ), side)
        review, flags, failed = await self._review(run, text, grade)
        degraded = run.line_degraded or failed
        grade = review.grade
        run.mood = react(run.mood or self.start_mood(), _felt(grade, calming),
                         state.expect, self.scenario.difficulty)
        required = [step for step in state.expect if not so_far.done(step)]
        already = [step for step in state.expect if so_far.done(step)]
        score = score_reply(grade, required, self.standard)
        performed = {s for s in graded_steps if grade.value(s)}
        made_up = [
            s for s in graded_steps
            if s in performed and s in so_far.expected_at and s not in required
        ]
        tries = run.tries.get(sid, 0) + 1
        strikes = run.strikes + (1 if self.is_strike(score) else 0)

        done = frozenset(so_far.done_at) | performed
        cursor = _Cursor(score, tries, strikes, run.patience, done)
        self.machine.add_model(cursor, initial=sid)
        try:
            if not cursor.may_reply():
                raise ScenarioError(f"state '{sid}' of '{self.scenario.id}' has no way out")
            cursor.reply()
            next_state = cursor.state
        finally:
            self.machine.remove_model(cursor)

        run.history.append(
            Turn(
                state=sid,
                client=run.line,
                reply=text,
                grade=grade,
                score=score,
                next_state=next_state,
                degraded=degraded,
                judge=review.opinion,
                sources=review.sources,
                rejected=review.rejected,
                flags=flags,
                tension=run.mood.tension,
            )
        )
        run.tries[sid] = tries
        run.strikes = strikes
        run.state = next_state
        run.line, run.line_degraded = None, False
        outcome = self.scenario.states[next_state].outcome
        if outcome is not None:
            run.finished, run.outcome = True, outcome
        run.score = self.card(run).score
        where = self.situation(run)
        shown = {
            step: found
            for step in state.expect
            if (found := fitting.example(self.standard, step, where, state.examples))
        }
        return TurnResult(
            state=sid,
            grade=grade,
            score=score,
            next_state=next_state,
            finished=run.finished,
            outcome=run.outcome,
            degraded=degraded,
            sources=review.sources,
            rejected=review.rejected,
            flags=flags,
            mood=run.mood,
            already=already,
            made_up=made_up,
            examples=shown,
        )

    async def _review(
        self, run: RunState, text: str, grade: GradeResult
    ) -> tuple[Review, list[str], bool]:
        """The judge's second opinion on the rule grade: (review, flags, degraded).

        A reply that addresses the grader is graded by the rules alone and flagged (for the
        trainer, judge or not); only the checks the standard marks `judge: true` are sent, with
        the client's line and the reply (never the rule verdicts, the trainee's name or the
        history).
        """
        if addresses_grader(text) is not None:
            return Review.rules_only(grade), [MANIPULATION], False
        if self.judge is None:
            return Review.rules_only(grade), [], False
        checks = judged_checks(self.standard, grade.verdicts)
        if not checks:
            return Review.rules_only(grade), [], False
        answer, failed = await self._seam(
            "judge", run, self.judge.review(run.line or "", text, checks)
        )
        if answer is None:
            return Review.rules_only(grade), [], failed
        return combine(grade, answer, checks), [], failed

    def is_strike(self, score: ScoreResult) -> bool:
        """A real failure that costs the client's patience: a violation, or less than half of
        the steps required of the reply (by weight). A smaller miss is feedback, not a strike."""
        if score.violations:
            return True
        required = [*score.passed_steps, *score.missed_steps]
        total = sum(self.standard.checks[s].weight for s in required)
        done = sum(self.standard.checks[s].weight for s in score.passed_steps)
        return total > 0 and done < STRIKE_BELOW * total

    def abandon(self, run: RunState) -> None:
        """Close an unfinished run (the trainee left); `final` then reports it as not passed."""
        if not run.finished:
            run.finished, run.abandoned = True, True

    def final(self, run: RunState) -> FinalCard:
        """The score card of a finished run (hint costs included). Raises `RunError` while the
        run goes on."""
        self._check(run)
        if not run.finished:
            raise RunError(f"run of '{run.scenario_id}' is not finished yet")
        return self.card(run)

    def card(self, run: RunState) -> FinalCard:
        """The card of the run as it stands (docs/SCORING.md «A run's score»): every step the
        path required with whole-conversation credit, the violations and hints as penalties,
        the score and whether it passes. Pure."""
        checks = self.standard.checks
        tally: Credit = credit(self.scenario, run.history)
        steps = tally.steps
        weights = {step: checks[step].weight for step in steps if step in checks}
        violations: list[CardViolation] = []
        penalties: list[Penalty] = []
        for number, turn in enumerate(run.history, start=1):
            for verdict in turn.score.violations:
                spec = checks.get(verdict.check)
                blocking = bool(spec and spec.blocking)
                violations += [
                    CardViolation(check=verdict.check, quote=q, blocking=blocking, turn=number)
                    for q in verdict.quotes or [""]
                ]
                points = spec.penalty if spec is not None else 0
                penalties.append(
                    Penalty(reason="violation", check=verdict.check, points=points, turn=number)
                )
        penalties += [
            Penalty(reason="hint", points=self.standard.hint_penalty) for _ in range(run.hints)
        ]
        outcome_passed = run.outcome == "resolved" and not run.abandoned
        result = score_run(
            steps,
            weights,
            (p.points for p in penalties),
            pass_mark=self.standard.pass_mark,
            blocking=any(v.blocking for v in violations),
            outcome_passed=outcome_passed,
        )
        missed = {  # examples that fit this run, the state's own first (scenarios/examples.py)
            step: self.examples(run, step, run.history[tally.expected_at[step]].state)
            for step, done in steps.items()
            if not done and step in checks
        }
        return FinalCard(
            formula=RUN_FORMULA,
            score=result.score,
            passed=result.passed,
            outcome=run.outcome,
            abandoned=run.abandoned,
            outcome_passed=outcome_passed,
            pass_mark=self.standard.pass_mark,
            step_score=result.step_score,
            steps=steps,
            weights=weights,
            violations=violations,
            penalties=penalties,
            expected_at={s: i + 1 for s, i in tally.expected_at.items()},
            credited_at={s: tally.done_at[s] + 1 for s in steps if s in tally.done_at},
            missed_recommended=missed,
            turns=len(run.history),
            hints=run.hints,
            hint_cost=run.hints * self.standard.hint_penalty,
        )

    def regrade(self, run: RunState, overrides: Mapping[int, Mapping[str, bool]]) -> FinalCard:
        """The card of a closed run with some verdicts overridden (turn index → check → value;
        e.g. a trainer accepted a disputed verdict): every turn is scored again, in order, as
        `reply` scores it (the steps still required there, the violations), and the card
        follows; the path stays as it was played.

        Updates `run`'s history and score; writes nothing. Raises `RunError` while the run goes
        on or for a turn index it does not have.
        """
        self._check(run)
        if not run.finished:
            raise RunError(f"run of '{run.scenario_id}' is not finished yet")
        for idx in overrides:
            if not 0 <= idx < len(run.history):
                raise RunError(f"run of '{run.scenario_id}' has no turn {idx}")
        for idx, turn in enumerate(run.history):
            verdicts = dict(turn.grade.verdicts)
            for check, value in overrides.get(idx, {}).items():
                if check in verdicts and verdicts[check].value != value:
                    verdicts[check] = verdicts[check].model_copy(
                        update={"value": value, "evidence": None})
            grade = turn.grade.model_copy(update={"verdicts": verdicts})
            so_far = credit(self.scenario, run.history[:idx])
            required = [s for s in self.scenario.states[turn.state].expect
                        if not so_far.done(s)]
            score = score_reply(grade, required, self.standard)
            run.history[idx] = turn.model_copy(update={"grade": grade, "score": score})
        run.score = self.card(run).score
        return self.final(run)

    # -- helpers

    def _check(self, run: RunState) -> None:
        if run.scenario_id != self.scenario.id:
            raise RunError(f"run is of scenario '{run.scenario_id}', not '{self.scenario.id}'")
        if run.scenario_version != self.scenario.version:
            raise RunError(
                f"run was started on version {run.scenario_version} of '{run.scenario_id}', "
                f"the engine has version {self.scenario.version}"
            )
        if run.state not in self.scenario.states:
            raise RunError(f"run is at unknown state '{run.state}'")

    async def _seam(self, name: str, run: RunState, call: Awaitable[T]) -> tuple[T | None, bool]:
        """Await a seam within `timeout`: (its answer, False), or (None, True) when it failed.

        `SeamUnavailable` and timeouts are expected (an outage); anything else is a bug in the
        seam, logged with the scenario and state only (no reply text, no tokens).
        """
        try:
            return await asyncio.wait_for(call, timeout=self.timeout), False
        except (SeamUnavailable, TimeoutError) as exc:
            what = type(exc).__name__
            logger.info("%s unavailable for %s/%s: %s", name, self.scenario.id, run.state, what)
        except Exception:
            logger.exception("%s failed unexpectedly in %s/%s", name, self.scenario.id, run.state)
        return None, True


def _split(grade: GradeResult, side: Sequence[str]) -> tuple[GradeResult, dict[str, bool]]:
    """A grade made with `side` checks added: the grade without them, and their values."""
    if not side:
        return grade, {}
    values = {c: grade.verdicts[c].value for c in side}
    kept = {c: v for c, v in grade.verdicts.items() if c not in values}
    return grade.model_copy(update={"verdicts": kept}), values


def _felt(grade: GradeResult, calming: dict[str, bool]) -> dict[str, bool]:
    """The verdicts the client's mood reacts to: the grade's, plus the calming steps (empathy,
    apology) graded on the side when the state does not expect them."""
    return {check: verdict.value for check, verdict in grade.verdicts.items()} | calming
