"""The training service: the one place where attempts are started, answered, hinted and abandoned.

Framework-free (no aiogram): the terminal (`roleplay play`) and the Telegram handlers both call it.
State lives in SQLite, not in this object: every call loads the attempt's `RunState` snapshot and
every graded reply writes the turn and the new snapshot in one transaction, so a new
`TrainingService` over a new `Storage` on the same file (after a restart, `kill -9` included)
continues a run from the same state with the same history.

Every exception raised on purpose derives from `bot.errors.BotError`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.errors import (
    AlreadyAnswered,
    AttemptAlreadyActive,
    AttemptClosed,
    ConcurrentTurn,
    DuplicateEvent,
    EmptyReply,
    HintUnavailable,
    InvalidMode,
    StorageError,
    UnknownScenario,
)
from bot.storage import Attempt, Finish, NewTurn, Person, ScenarioStats, Storage, Team, Turn
from scenarios import ClientLine, ClientVoice, Engine, FinalCard, RunState, Scenario, TurnResult
from scoring import Grader, Judge, Standard

HINT_PENALTY = 5
"""Points taken off the final score for each hint used (training mode)."""


@dataclass(frozen=True, slots=True)
class StartView:
    """A started attempt: its id, effective mode and the client's first line."""

    attempt_id: int
    mode: str
    line: ClientLine
    scenario: Scenario


@dataclass(frozen=True, slots=True)
class TurnView:
    """What one answered reply produced.

    `result` is the graded turn; `line` is the client's next line (or the closing line of a final
    state, if it has one); `card` is the score card once `finished` (its score already includes
    hint penalties). `show_feedback` is False in exam mode (feedback only on the card).
    """

    attempt_id: int
    turn_index: int
    result: TurnResult
    line: ClientLine | None
    card: FinalCard | None
    mode: str
    degraded: bool

    @property
    def finished(self) -> bool:
        return self.card is not None

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


@dataclass(frozen=True, slots=True)
class MemberSummary:
    """One team member for HR: attempts, finished ones, the average finished score."""

    person: Person
    attempts: int
    finished: int
    average: int | None


class TrainingService:
    """Starts and runs attempts on the scenario library, graded by `grader`, stored in `storage`.

    `voice` / `judge` are the optional LLM seams (`bot.llm.LLMVoice` / `LLMJudge`); when they
    fail, the engine uses scripted lines and rule grading and marks the turn degraded.
    """

    def __init__(
        self,
        storage: Storage,
        library: Mapping[str, Scenario],
        grader: Grader,
        voice: ClientVoice | None = None,
        judge: Judge | None = None,
        *,
        standard: Standard | None = None,
        hint_penalty: int = HINT_PENALTY,
        llm_timeout: float | None = None,
    ) -> None:
        self.storage = storage
        self.library = dict(library)
        self.grader = grader
        self.voice = voice
        self.judge = judge
        self.standard: Standard | None = standard or getattr(grader, "standard", None)
        self.hint_penalty = hint_penalty
        self.llm_timeout = llm_timeout
        self._engines: dict[tuple[str, str], Engine] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    # --- scenarios ----------------------------------------------------------------------------

    def scenario(self, scenario_id: str) -> Scenario:
        """The library scenario with this id. Writes: no. Raises `UnknownScenario`."""
        try:
            return self.library[scenario_id]
        except KeyError:
            raise UnknownScenario(scenario_id) from None

    def engine(self, scenario: Scenario) -> Engine:
        """The (cached) engine for this exact scenario version."""
        key = (scenario.id, scenario.version)
        engine = self._engines.get(key)
        if engine is None:
            kwargs: dict[str, Any] = {"standard": self.standard}
            if self.llm_timeout is not None:
                kwargs["timeout"] = self.llm_timeout
            engine = Engine(scenario, self.grader, self.voice, self.judge, **kwargs)
            self._engines[key] = engine
        return engine

    def _restore(self, attempt: Attempt) -> tuple[Scenario, Engine, RunState]:
        """The attempt's run, on the scenario exactly as it was started (the stored version if
        the library file has been edited since) and that scenario's engine. Writes: no."""
        run = RunState.model_validate_json(attempt.run_state)
        scenario = self.library.get(attempt.scenario_id)
        if scenario is None or scenario.version != run.scenario_version:
            stored = self.storage.get_scenario_version(attempt.scenario_version_id)
            scenario = Scenario.model_validate_json(stored.content)
        return scenario, self.engine(scenario), run

    def _lock(self, key: str) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock

    # --- attempts -----------------------------------------------------------------------------

    async def start(
        self,
        person_id: int,
        scenario_id: str,
        mode: str | None = None,
        channel: str = "telegram",
        seed: int | None = None,
        *,
        agent_name: str | None = None,
        replace_active: bool = False,
    ) -> StartView:
        """Start an attempt; return its id, the client's first line, the effective mode and the
        scenario (`StartView`).

        `mode` None = the scenario's mode; an exam scenario is always played as an exam.
        Writes: yes (the scenario version if new, the attempt). Raises `UnknownScenario`,
        `InvalidMode`, `PersonNotFound`, `AttemptAlreadyActive` if the person has an active
        attempt (unless `replace_active`, which abandons it).
        """
        scenario = self.scenario(scenario_id)
        if mode is not None and mode not in ("training", "exam"):
            raise InvalidMode(f"unknown mode {mode!r}")
        effective = "exam" if "exam" in (mode, scenario.mode) else "training"
        self.storage.get_person(person_id)
        async with self._lock(f"person:{person_id}"):
            active = self.storage.active_attempt(person_id)
            if active is not None and not replace_active:
                raise AttemptAlreadyActive(active.id)
            engine = self.engine(scenario)
            run = engine.start(seed=seed, agent_name=agent_name)
            line = self._line_for_mode(await engine.client_line(run), effective)
            version_id = self.storage.ensure_scenario_version(
                scenario.id,
                scenario.version,
                engine.standard.version,
                scenario.model_dump_json(by_alias=True),
                scenario.title,
            )
            try:
                attempt_id = self.storage.create_attempt(
                    person_id=person_id,
                    scenario_version_id=version_id,
                    scenario_id=scenario.id,
                    mode=effective,
                    channel=channel,
                    seed=run.seed,
                    run_state=run.model_dump_json(),
                    current_line=line.model_dump(mode="json"),
                    abandon_active=replace_active,
                )
            except ValueError as exc:
                raise InvalidMode(str(exc)) from exc
            except StorageError as exc:
                again = self.storage.active_attempt(person_id)
                if again is not None:
                    raise AttemptAlreadyActive(again.id) from exc
                raise
        return StartView(attempt_id, effective, line, scenario)

    async def answer(
        self,
        attempt_id: int,
        text: str,
        elapsed_seconds: float | None = None,
        event: tuple[str, str | int] | None = None,
    ) -> TurnView:
        """Grade the trainee's reply, move the run on, and store the turn with the new snapshot
        in one transaction.

        `event` names the message being answered (e.g. ("update", update_id)); it is recorded
        in the same transaction, so a redelivered message is neither graded twice nor lost.

        Writes: yes. Raises `AttemptNotFound`, `AttemptClosed` if the attempt is finished or
        abandoned (the reply is not graded again), `EmptyReply` for a reply without text (nothing
        stored), `AlreadyAnswered` if `event` was already graded, `ConcurrentTurn` if another
        process answered the same attempt meanwhile.
        """
        if event is not None and self.storage.is_processed(*event):
            raise AlreadyAnswered(f"{event[0]} {event[1]} was already answered")
        if not text or not text.strip():
            raise EmptyReply("the reply has no text")
        async with self._lock(f"attempt:{attempt_id}"):
            attempt = self.storage.get_attempt(attempt_id)
            if attempt.status != "active":
                raise AttemptClosed(attempt_id, attempt.status)
            scenario, engine, run = self._restore(attempt)
            asked = self._line_for_mode(await engine.client_line(run), attempt.mode)
            result = await engine.reply(run, text)
            card: FinalCard | None = None
            finish: Finish | None = None
            line: ClientLine | None = None
            if result.finished:
                if scenario.states[run.state].client:
                    line = self._line_for_mode(await engine.client_line(run), attempt.mode)
                card = self._card(engine, run, attempt.hints_used)
                finish = Finish(
                    score=card.score,
                    passed=card.passed,
                    outcome=card.outcome,
                    card=card.model_dump(mode="json"),
                )
            else:
                line = self._line_for_mode(await engine.client_line(run), attempt.mode)
            turn = NewTurn(
                state=result.state,
                next_state=result.next_state,
                client_line=asked.text,
                reply_text=text,
                verdicts={c: v.model_dump(mode="json") for c, v in result.grade.verdicts.items()},
                passed_steps=result.score.passed_steps,
                missed_steps=result.score.missed_steps,
                violations=violation_quotes(result),
                score=result.score.score,
                passed=result.score.passed,
                too_long=result.grade.too_long,
                elapsed_seconds=elapsed_seconds,
                degraded=result.degraded,
            )
            try:
                self.storage.record_turn(
                    attempt_id,
                    expected_turn_count=attempt.turn_count,
                    turn=turn,
                    run_state=run.model_dump_json(),
                    current_line=None if line is None else line.model_dump(mode="json"),
                    finish=finish,
                    event=event,
                )
            except DuplicateEvent as exc:
                raise AlreadyAnswered(f"{event} was already answered") from exc
            except StorageError as exc:
                now = self.storage.get_attempt(attempt_id)
                if now.status != "active":
                    raise AttemptClosed(attempt_id, now.status) from exc
                raise ConcurrentTurn(f"attempt {attempt_id} was answered meanwhile") from exc
        degraded = result.degraded or bool(line is not None and line.degraded)
        return TurnView(
            attempt_id=attempt_id,
            turn_index=attempt.turn_count,
            result=result,
            line=line,
            card=card,
            mode=attempt.mode,
            degraded=degraded,
        )

    async def abandon(self, attempt_id: int) -> AbandonView:
        """Close an active attempt as abandoned (e.g. `/cancel`, end of input in the terminal).

        Writes: yes. Raises `AttemptNotFound`, `AttemptClosed` if it is not active.
        """
        async with self._lock(f"attempt:{attempt_id}"):
            attempt = self.storage.get_attempt(attempt_id)
            if attempt.status != "active":
                raise AttemptClosed(attempt_id, attempt.status)
            _, engine, run = self._restore(attempt)
            engine.abandon(run)
            card = self._card(engine, run, attempt.hints_used)
            if not self.storage.abandon_attempt(
                attempt_id,
                score=card.score if run.history else None,
                run_state=run.model_dump_json(),
                card=card.model_dump(mode="json"),
            ):
                now = self.storage.get_attempt(attempt_id)
                raise AttemptClosed(attempt_id, now.status)
        return AbandonView(attempt_id, len(run.history), card)

    async def active_attempt(self, person_id: int) -> ActiveRun | None:
        """The person's attempt in progress with the line awaiting an answer, or None.

        Writes: no (the line is taken from the snapshot; no LLM call when it is there).
        """
        attempt = self.storage.active_attempt(person_id)
        if attempt is None:
            return None
        scenario, engine, run = self._restore(attempt)
        line = self._line_for_mode(await engine.client_line(run), attempt.mode)
        return ActiveRun(attempt, scenario, line, self.storage.turns(attempt.id))

    async def hint(self, attempt_id: int) -> HintView:
        """A hint for the line awaiting an answer; each hint takes `hint_penalty` points off the
        final score. Writes: yes (counts the hint).

        Raises `AttemptNotFound`, `AttemptClosed`, `HintUnavailable` in exam mode.
        """
        async with self._lock(f"attempt:{attempt_id}"):
            attempt = self.storage.get_attempt(attempt_id)
            if attempt.status != "active":
                raise AttemptClosed(attempt_id, attempt.status)
            if attempt.mode != "training":
                raise HintUnavailable("no hints in exam mode")
            scenario, engine, run = self._restore(attempt)
            text = scenario.states[run.state].hint or self._recommended(engine, run)
            if not text:
                raise HintUnavailable(f"no hint for state {run.state!r}")
            try:
                used = self.storage.add_hint(attempt_id)
            except StorageError as exc:
                raise AttemptClosed(attempt_id, "closed") from exc
        return HintView(text=text, penalty=self.hint_penalty, hints_used=used)

    # --- progress -----------------------------------------------------------------------------

    def progress(self, person_id: int, *, recent: int = 10, missed: int = 5) -> Progress:
        """Recent attempts, best and latest score per scenario, the most-missed step checks.

        Writes: no. Raises `PersonNotFound`.
        """
        self.storage.get_person(person_id)
        return Progress(
            attempts=self.storage.list_attempts(person_id, limit=recent),
            scenarios=self.storage.scenario_stats(person_id),
            most_missed=self.storage.missed_checks(person_id, missed),
        )

    def register(
        self,
        telegram_id: int,
        name: str,
        *,
        team_id: int | None = None,
        team_name: str | None = None,
        language: str = "ru",
    ) -> Person:
        """Register a Telegram user in the team `team_id` (an invite), or the team called
        `team_name` (case-insensitive; created if new), or none. Idempotent: a double submit
        returns the person registered first. Writes: yes."""
        found = self.storage.person_by_telegram(telegram_id)
        if found is not None:
            return found
        if team_id is None and team_name:
            same = [
                t for t in self.storage.list_teams() if t.name.casefold() == team_name.casefold()
            ]
            team_id = (same[0] if same else self.storage.create_team(team_name)).id
        return self.storage.create_person(
            name, telegram_id=telegram_id, team_id=team_id, language=language
        )

    def team_summary(self, team_id: int) -> tuple[Team, list[MemberSummary]]:
        """The team and, per member, attempts, finished attempts and the average finished score.

        Writes: no. Raises `TeamNotFound`.
        """
        team = self.storage.get_team(team_id)
        summary = []
        for member in self.storage.list_people(team_id=team.id):
            attempts = self.storage.list_attempts(member.id)
            scores = [a.score for a in attempts if a.status == "finished" and a.score is not None]
            average = round(sum(scores) / len(scores)) if scores else None
            summary.append(MemberSummary(member, len(attempts), len(scores), average))
        return team, summary

    def attempts(self, person_id: int, scenario_id: str | None = None) -> list[Attempt]:
        """A person's attempts, newest first. Writes: no."""
        return self.storage.list_attempts(person_id, scenario_id=scenario_id)

    def best_scores(self, person_id: int) -> dict[str, int]:
        """Scenario id -> the person's best finished score (for the scenario menu). Writes: no."""
        return {
            s.scenario_id: s.best_score
            for s in self.storage.scenario_stats(person_id)
            if s.best_score is not None
        }

    def turns(self, attempt_id: int) -> list[Turn]:
        """The stored turns of an attempt, in order. Writes: no."""
        return self.storage.turns(attempt_id)

    # --- helpers ------------------------------------------------------------------------------

    def _card(self, engine: Engine, run: RunState, hints_used: int) -> FinalCard:
        card = engine.final(run)
        if not hints_used:
            return card
        score = max(0, card.score - hints_used * self.hint_penalty)
        passed = card.passed and score >= engine.standard.pass_mark
        return card.model_copy(update={"score": score, "passed": passed})

    @staticmethod
    def _line_for_mode(line: ClientLine, mode: str) -> ClientLine:
        return (
            line
            if mode == "training" or line.hint is None
            else line.model_copy(update={"hint": None})
        )

    @staticmethod
    def _recommended(engine: Engine, run: RunState) -> str:
        phrases = []
        for step in engine.scenario.states[run.state].expect:
            spec = engine.standard.checks.get(step)
            if spec is not None and spec.recommended:
                phrases.append(f"{spec.title}: «{spec.recommended[0]}»")
        return "\n".join(phrases)


def violation_quotes(result: TurnResult) -> list[dict[str, str]]:
    """The violations of a graded turn as `{"check", "quote"}` (quote "" if there is no span)."""
    return [
        {"check": v.check, "quote": quote}
        for v in result.score.violations
        for quote in v.quotes or [""]
    ]
