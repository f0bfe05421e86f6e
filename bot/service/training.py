"""The training service: the one door to the data for both doors (Telegram and terminal).

Framework-free (no aiogram). State lives in SQLite, not in this object: every call loads the
attempt's `RunState` snapshot and every graded reply writes the turn and the new snapshot in one
transaction, so a new `TrainingService` over a new `Storage` on the same file (after a restart,
`kill -9` included) continues a run from the same state with the same history.

Every action that names an attempt by id takes the acting person and refuses an attempt that is
not theirs (as if it did not exist). Every exception raised on purpose derives from
`bot.errors.BotError`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Collection, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.errors import (
    AttemptAlreadyActive,
    AttemptClosed,
    AttemptNotFound,
    EmptyReply,
    HintUnavailable,
    InvalidMode,
    NothingHeard,
    SpeechUnavailable,
    UnknownScenario,
)
from bot.llm import LLMCoach, SpeechToText, Tip, Transcript, llm_turn, rule_tip
from bot.llm.coach import coach_facts
from bot.llm.ledger import Ledger
from bot.reports.period import DEFAULT_TIMEZONE
from bot.service.library import PublishedLibrary, Snapshot, standard_key
from bot.service.people import PeopleService
from bot.service.reports import ReportService
from bot.service.views import (
    AbandonView,
    ActiveRun,
    CardView,
    HintView,
    Progress,
    Receipt,
    StartView,
    TurnView,
    Undelivered,
)
from bot.storage import MODES, Attempt, Channel, Finish, NewTurn, Storage, Turn
from bot.texts import Texts
from scenarios import (
    ClientVoice,
    Engine,
    FinalCard,
    Judge,
    NoHint,
    RunState,
    Scenario,
    SeamUnavailable,
    TurnResult,
)
from scoring import Grader, Standard

logger = logging.getLogger(__name__)


class TrainingService:
    """Starts and runs attempts on the published library, stored in `storage`.

    The library and the standard live in the database (`bot.service.library`): `library` (the
    scenarios given here: the shipped files and `SCENARIOS_PATH`) and `standard` seed it, and
    what trainers publish later replaces them; every call reads the current revision. `grader`
    grades with the start standard until another is published. `voice` / `judge` are the
    optional LLM seams (`bot.llm`); when they fail, the engine uses scripted lines and rule
    grading and marks the turn degraded. `people` is the part of the door for registration,
    teams and roles; `trainer` the trainer's workbench; `disputes` contested verdicts;
    `reports` HR's reports (dated in `report_tz`).
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
        llm_timeout: float | None = None,
        admin_ids: Collection[int] = (),
        coach: LLMCoach | None = None,
        stt: SpeechToText | None = None,
        texts: Texts | None = None,
        voice_max_seconds: int = 120,
        report_tz: ZoneInfo | None = None,
    ) -> None:
        from bot.service.disputes import DisputeService
        from bot.service.trainer import TrainerService

        self.storage = storage
        self.voice = voice
        self.judge = judge
        start = standard or grader.standard
        self.llm_timeout = llm_timeout
        self.coach = coach
        self.stt = stt
        self.texts = texts or Texts()
        self.voice_max_seconds = voice_max_seconds
        self.people = PeopleService(storage, admin_ids)
        self.published = PublishedLibrary(
            storage, start, grader if grader.standard is start else None
        )
        self.published.seed(library, start)
        self.reports = ReportService(storage, self.standard, self.texts,
                                     report_tz or ZoneInfo(DEFAULT_TIMEZONE))
        self.trainer = TrainerService(self)
        self.disputes = DisputeService(self)
        self._engines: dict[tuple[str, str, str], Engine] = {}
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    def close(self) -> None:
        """Close the database connection. Writes: no."""
        self.storage.close()

    # --- scenarios ----------------------------------------------------------------------------

    @property
    def library(self) -> Mapping[str, Scenario]:
        """What trainees see: the enabled scenarios of the published library, by id (read at
        the database's current revision). Writes: no."""
        return self.published.snapshot().enabled

    @property
    def standard(self) -> Standard:
        """The current published standard (the start one until another is published)."""
        return self.published.snapshot().standard

    @property
    def grader(self) -> Grader:
        """A grader of the current standard."""
        return self.published.snapshot().grader

    def scenario(self, scenario_id: str) -> Scenario:
        """The library scenario with this id (enabled for trainees). Writes: no.
        Raises `UnknownScenario` (also for a disabled one)."""
        try:
            return self.library[scenario_id]
        except KeyError:
            raise UnknownScenario(scenario_id) from None

    def scenarios(self, kind: str | None = None) -> list[Scenario]:
        """The library (one kind of it) as trainees see it, by id. Writes: no."""
        return [s for s in self.library.values() if kind is None or s.kind == kind]

    def engine(
        self, scenario: Scenario, snapshot: Snapshot | None = None, *,
        standard: Standard | None = None,
    ) -> Engine:
        """The (cached) engine for this exact scenario version and the current standard (or
        `standard`, e.g. the one an old attempt was graded with), with the service's LLM seams:
        any scenario played through it (a library one, or a trainer's draft in a preview) gets
        the client's voice and the judge."""
        if standard is None:
            snap = snapshot or self.published.snapshot()
            standard, grader = snap.standard, snap.grader
        else:
            standard, grader = self.published.remember(standard)
        key = (scenario.id, scenario.version, standard_key(standard))
        engine = self._engines.get(key)
        if engine is None:
            engine = Engine(
                scenario, grader, self.voice, self.judge, standard=standard,
                **({} if self.llm_timeout is None else {"timeout": self.llm_timeout}),
            )
            self._engines[key] = engine
        return engine

    def _restore(self, attempt: Attempt) -> tuple[Scenario, Engine, RunState]:
        """The attempt's run, on the scenario exactly as it was started (the stored version if
        a new one has been published since, or the scenario was disabled) and that scenario's
        engine. Writes: no."""
        run = RunState.model_validate_json(attempt.run_state)
        if "mode" not in run.model_fields_set:  # a snapshot from before runs kept their mode
            run.mode = attempt.mode
        snap = self.published.snapshot()
        scenario = snap.scenarios.get(attempt.scenario_id)
        if scenario is None or scenario.version != run.scenario_version:
            stored = self.storage.get_scenario_version(attempt.scenario_version_id)
            scenario = Scenario.model_validate_json(stored.content)
        return scenario, self.engine(scenario, snap), run

    @asynccontextmanager
    async def _lock(self, attempt_id: int) -> AsyncIterator[None]:
        """One call at a time per attempt within this process (storage's optimistic check
        guards against other processes); the lock is forgotten when nobody waits for it."""
        lock = self._locks.setdefault(attempt_id, asyncio.Lock())
        self._waiting[attempt_id] = self._waiting.get(attempt_id, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._waiting[attempt_id] -= 1
            if not self._waiting[attempt_id]:
                del self._waiting[attempt_id], self._locks[attempt_id]

    def _own_attempt(self, attempt_id: int, person_id: int) -> Attempt:
        """The attempt, if it belongs to `person_id`. Raises `AttemptNotFound` otherwise (another
        person's attempt is indistinguishable from a missing one). Writes: no."""
        attempt = self.storage.get_attempt(attempt_id)
        if attempt.person_id != person_id:
            raise AttemptNotFound(f"attempt {attempt_id} not found for person {person_id}")
        return attempt

    # --- attempts -----------------------------------------------------------------------------

    async def start(
        self,
        person_id: int,
        scenario_id: str,
        mode: str | None = None,
        channel: Channel = "telegram",
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
        return await self._begin(
            self.scenario(scenario_id), person_id, mode, channel, seed, agent_name=agent_name,
            replace_active=replace_active,
        )

    async def preview(
        self,
        person_id: int,
        scenario: Scenario,
        mode: str | None = None,
        channel: Channel = "terminal",
        seed: int | None = None,
        *,
        agent_name: str | None = None,
        replace_active: bool = False,
    ) -> StartView:
        """Start an attempt on a scenario that need not be in the library (a trainer playing a
        file of their own, `roleplay play FILE.yaml`): validated already by the caller; the
        attempt keeps that exact version (stored like any other), so it continues and replays
        after a restart even though the library does not hold it.

        The attempt is a preview (`attempts.preview`): a draft played by its author counts in no
        report or statistic. Writes and raises as `start` (no `UnknownScenario`).
        """
        return await self._begin(
            scenario, person_id, mode, channel, seed, agent_name=agent_name,
            replace_active=replace_active, preview=True,
        )

    async def _begin(
        self,
        scenario: Scenario,
        person_id: int,
        mode: str | None,
        channel: Channel,
        seed: int | None,
        *,
        agent_name: str | None,
        replace_active: bool,
        preview: bool = False,
    ) -> StartView:
        """Start an attempt on `scenario` as it is given (`start` for a library scenario,
        `preview` for a file; a trainer's preview of a library scenario comes through
        `service.trainer`, which checks the role). Writes: yes."""
        if mode is not None and mode not in MODES:
            raise InvalidMode(f"unknown mode {mode!r}")
        self.storage.get_person(person_id)
        if not replace_active and (active := self.storage.active_attempt(person_id)) is not None:
            raise AttemptAlreadyActive(active.id)  # a double tap: no LLM call, nothing written
        engine = self.engine(scenario)
        run = engine.start(seed=seed, agent_name=agent_name, mode=scenario.mode_for(mode))
        with llm_turn(self.llm_timeout) as ledger:
            line = await engine.client_line(run)
        version_id = self.storage.ensure_scenario_version(
            scenario.id,
            scenario.version,
            standard_key(engine.standard),
            scenario.model_dump_json(by_alias=True),
            scenario.title,
        )
        attempt_id = self.storage.create_attempt(
            person_id=person_id,
            scenario_version_id=version_id,
            scenario_id=scenario.id,
            mode=run.mode,
            channel=channel,
            seed=run.seed,
            run_state=run.model_dump_json(),
            current_line=line.model_dump(mode="json"),
            abandon_active=replace_active,
            preview=preview,
        )
        if ledger.calls:
            self.storage.record_llm_calls(attempt_id, None, ledger.calls)
        return StartView(attempt_id, run.mode, line, scenario, preview=preview)

    async def answer(
        self,
        attempt_id: int,
        text: str,
        *,
        person_id: int,
        sent_at: datetime | None = None,
        receipt: Receipt | None = None,
        transcript: Transcript | None = None,
    ) -> TurnView:
        """Grade the trainee's reply, move the run on, and store the turn with the new snapshot
        in one transaction.

        `sent_at` is when the reply was written (Telegram's message date; default now): the
        answer time is measured from when the client's line was shown. `receipt` names the
        incoming event; it is recorded in the same transaction (and marked `recorded`), so a
        redelivered message is neither graded twice nor lost. With `transcript` (a voice
        answer, see `transcribe`) the turn is stored as spoken, with its speech call.

        The LLM's work for the turn (the judge, the client's next line, at the end the coach's
        tip) shares one budget of `llm_timeout` seconds; each call is stored with the turn.

        Writes: yes. Raises `AttemptNotFound` (also for another person's attempt),
        `AttemptClosed` if the attempt is finished or abandoned (the reply is not graded again),
        `EmptyReply` for a reply without text (nothing stored), `DuplicateEvent` if the receipt's
        event was already recorded, `StaleTurn` if another process answered meanwhile.
        """
        if not text or not text.strip():
            raise EmptyReply("the reply has no text")
        with llm_turn(self.llm_timeout) as ledger:
            return await self._answer(
                attempt_id, text, person_id, sent_at, receipt, transcript, ledger
            )

    async def _answer(
        self,
        attempt_id: int,
        text: str,
        person_id: int,
        sent_at: datetime | None,
        receipt: Receipt | None,
        transcript: Transcript | None,
        ledger: Ledger,
    ) -> TurnView:
        """`answer` inside the turn's LLM budget (it starts when the reply arrives)."""
        async with self._lock(attempt_id):
            attempt = self._own_attempt(attempt_id, person_id)
            if attempt.status != "active":
                raise AttemptClosed(attempt_id, attempt.status)
            scenario, engine, run = self._restore(attempt)
            final: CardView | None = None
            finish: Finish | None = None
            asked = await engine.client_line(run)
            result = await engine.reply(run, text)
            wants_line = not result.finished or bool(scenario.states[run.state].client)
            card = engine.final(run) if result.finished else None
            line, tip = await asyncio.gather(
                engine.client_line(run) if wants_line else _nothing(),
                self._tip(scenario, card, run) if card is not None else _nothing(),
            )
            if card is not None:
                stored = card.model_dump(mode="json")
                if tip is not None:
                    stored["tip"] = {"text": tip.text, "source": tip.source}
                finish = Finish(card.score, card.passed, card.outcome, stored,
                                formula=card.formula)
                final = CardView(card, scenario.id, scenario.title, attempt.started_at,
                                 _iso_now(), scenario.context.channel, tip=tip,
                                 judged=judged_marks(run))
            spoken = transcript is not None
            self.storage.record_turn(
                attempt_id,
                expected_turn_count=attempt.turn_count,
                turn=_new_turn(result, asked.text, text, _elapsed(attempt, sent_at), spoken),
                run_state=run.model_dump_json(),
                current_line=None if line is None else line.model_dump(mode="json"),
                finish=finish,
                event=None if receipt is None else receipt.event,
            )
            calls = [*(transcript.calls if transcript else ()), *ledger.calls]
            if calls:
                self.storage.record_llm_calls(attempt_id, attempt.turn_count, calls)
        if receipt is not None:
            receipt.recorded = True
        return TurnView(
            attempt_id=attempt_id,
            turn_index=attempt.turn_count,
            result=result,
            line=line,
            final=final,
            mode=attempt.mode,
            degraded=result.degraded or bool(line is not None and line.degraded),
            spoken=transcript is not None,
            preview=attempt.preview,
            standard=engine.standard,
        )

    @property
    def hears_voice(self) -> bool:
        """Whether voice answers can be transcribed (a speech endpoint is configured)."""
        return self.stt is not None

    async def transcribe(
        self, audio: bytes, *, filename: str = "voice.ogg", content_type: str = "audio/ogg"
    ) -> Transcript:
        """What the trainee said in a voice answer (then `answer(..., transcript=...)`).

        Writes: no. Raises `SpeechUnavailable` without a speech endpoint or when it fails,
        `NothingHeard` when it hears no words.
        """
        if self.stt is None:
            raise SpeechUnavailable("no speech endpoint is configured")
        try:
            transcript = await self.stt.transcribe(
                audio, filename=filename, content_type=content_type
            )
        except SeamUnavailable as exc:
            raise SpeechUnavailable(str(exc)) from exc
        if not transcript.text.strip():
            raise NothingHeard("the transcription holds no words")
        return transcript

    async def _tip(self, scenario: Scenario, card: FinalCard, run: RunState) -> Tip:
        """The coach's tip for a finished run: the LLM's within the turn's budget, else (no
        LLM, an outage, a broken answer) the rule-built one from the same facts."""
        outcome = self.texts.get(f"card.outcome.{card.outcome}", "card.outcome.abandoned")
        engine = self.engine(scenario)
        facts = coach_facts(scenario.title, outcome, card, run.history, self.standard,
                            lambda check: engine.examples(run, check))
        if self.coach is None:
            return rule_tip(self.texts, facts)
        try:
            return await self.coach.tip(facts)
        except SeamUnavailable:
            logger.info("coach unavailable for %s: rule-built tip", scenario.id)
        except Exception:  # a bug in the coach must not lose the turn: logged, fails the tests
            logger.exception("coach failed unexpectedly in %s", scenario.id)
        return rule_tip(self.texts, facts)

    async def abandon(self, attempt_id: int, *, person_id: int) -> AbandonView:
        """Close an active attempt as abandoned (e.g. `/cancel`, end of input in the terminal).

        Writes: yes. Raises `AttemptNotFound` (also for another person's attempt),
        `AttemptClosed` if it is not active.
        """
        async with self._lock(attempt_id):
            attempt = self._own_attempt(attempt_id, person_id)
            if attempt.status != "active":
                raise AttemptClosed(attempt_id, attempt.status)
            _, engine, run = self._restore(attempt)
            engine.abandon(run)
            card = engine.final(run)
            self.storage.abandon_attempt(
                attempt_id,
                score=card.score if run.history else None,
                run_state=run.model_dump_json(),
                card=card.model_dump(mode="json"),
                formula=card.formula,
            )
        return AbandonView(attempt_id, len(run.history), card)

    async def active_attempt(self, person_id: int) -> ActiveRun | None:
        """The person's attempt in progress with the line awaiting an answer, or None.

        Writes: no (the line is taken from the snapshot; no LLM call when it is there).
        """
        attempt = self.storage.active_attempt(person_id)
        if attempt is None:
            return None
        scenario, engine, run = self._restore(attempt)
        line = await engine.client_line(run)
        return ActiveRun(attempt, scenario, line, self.storage.turns(attempt.id))

    async def hint(self, attempt_id: int, *, person_id: int) -> HintView:
        """A hint for the line awaiting an answer; it costs the standard's `hint_penalty` points
        on the final score (counted in the run). Writes: yes (the run's snapshot).

        Raises `AttemptNotFound` (also for another person's attempt), `AttemptClosed`,
        `HintUnavailable` in exam mode or when the line has no hint.
        """
        async with self._lock(attempt_id):
            attempt = self._own_attempt(attempt_id, person_id)
            if attempt.status != "active":
                raise AttemptClosed(attempt_id, attempt.status)
            _, engine, run = self._restore(attempt)
            try:
                hint = engine.hint(run)
            except NoHint as exc:
                raise HintUnavailable(str(exc)) from exc
            self.storage.record_hint(
                attempt_id, hints_used=hint.hints_used, run_state=run.model_dump_json()
            )
        return HintView(text=hint.text, penalty=hint.cost, hints_used=hint.hints_used)

    # --- the trainee's own results ------------------------------------------------------------

    def progress(self, person_id: int, *, recent: int = 10, missed: int = 5) -> Progress:
        """Recent attempts, best and latest score per scenario, the most-missed step checks.

        Writes: no. Raises `PersonNotFound`.
        """
        self.storage.get_person(person_id)
        stats = self.storage.scenario_stats(person_id)
        return Progress(
            attempts=self.storage.list_attempts(person_id, limit=recent),
            scenarios=stats,
            most_missed=self.storage.missed_checks(person_id, missed),
            titles={s.scenario_id: self._title(s.scenario_id) for s in stats},
        )

    def _title(self, scenario_id: str) -> str:
        found = self.published.snapshot().scenarios.get(scenario_id)
        if found is not None:
            return found.title
        versions = self.storage.scenario_versions(scenario_id)
        return (versions[-1].title if versions else None) or scenario_id

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

    def turns(self, attempt_id: int, *, person_id: int) -> list[Turn]:
        """The stored turns of the person's own attempt, in order. Writes: no.
        Raises `AttemptNotFound` (also for another person's attempt)."""
        self._own_attempt(attempt_id, person_id)
        return self.storage.turns(attempt_id)

    # --- handled events -----------------------------------------------------------------------

    def receipt(self, kind: str, key: str | int) -> Receipt | None:
        """A receipt for an incoming event, or None if it was handled before (skip it).
        Writes: no."""
        return None if self.storage.is_processed(kind, key) else Receipt(kind, str(key))

    def settle(self, receipt: Receipt) -> None:
        """Record the event as handled unless its turn already did. Writes: when not recorded."""
        if not receipt.recorded:
            self.storage.mark_processed(*receipt.event)
            receipt.recorded = True

    def delivered(self, attempt_id: int) -> None:
        """The answer to the attempt's last turn went out (the door says so). Writes: yes."""
        self.storage.mark_delivered(attempt_id)

    async def undelivered(self) -> list[Undelivered]:
        """Telegram turns stored but never answered (the bot died between the two), with what
        to send now: the line awaiting an answer, or the card of a finished run. Writes: marks
        the ones with nothing to send (abandoned since) as delivered."""
        out: list[Undelivered] = []
        for attempt in self.storage.undelivered("telegram"):
            person = self.storage.get_person(attempt.person_id)
            active = await self.active_attempt(person.id) if attempt.status == "active" else None
            if person.telegram_id is not None and active is not None:
                out.append(Undelivered(person.telegram_id, attempt.id, attempt.mode, active=active))
            elif person.telegram_id is not None and attempt.status == "finished" and attempt.card:
                out.append(Undelivered(person.telegram_id, attempt.id, attempt.mode,
                                       final=self._card_view(attempt)))
            else:
                self.storage.mark_delivered(attempt.id)
        return out

    def _card_view(self, attempt: Attempt) -> CardView:
        """The stored card of a finished attempt, as the doors show it. Writes: no."""
        scenario, _, run = self._restore(attempt)
        stored = dict(attempt.card or {})
        tip = stored.pop("tip", None)
        return CardView(
            FinalCard.model_validate(stored), scenario.id, scenario.title, attempt.started_at,
            attempt.finished_at, scenario.context.channel,
            tip=Tip(tip["text"], tip["source"]) if isinstance(tip, dict) else None,
            judged=judged_marks(run),
        )

    def keep_received(self, updates: Sequence[tuple[int, str]]) -> None:
        """Keep updates just received (id, JSON) until they are handled, before they are
        confirmed to Telegram. Writes: yes."""
        self.storage.inbox_keep(updates)

    def unhandled(self) -> list[tuple[int, str]]:
        """Updates received but never handled (the bot died first), to replay at start-up.
        Writes: yes (drops the handled ones)."""
        return self.storage.inbox_pending()

    def forget_receipts(self, older_than_days: float = 2.0) -> int:
        """Drop records of events handled long ago (Telegram redelivers for 24 hours); return
        how many. Writes: yes."""
        return self.storage.prune_processed(timedelta(days=older_than_days))


def _iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _elapsed(attempt: Attempt, sent_at: datetime | None) -> float | None:
    """Seconds from showing the client's line to the reply (never negative)."""
    if attempt.line_shown_at is None:
        return None
    shown = datetime.fromisoformat(attempt.line_shown_at)
    sent = sent_at or datetime.now(UTC)
    if sent.tzinfo is None:
        sent = sent.replace(tzinfo=UTC)
    return max(0.0, round((sent - shown).total_seconds(), 3))


async def _nothing() -> None:
    return None


def judged_marks(run: RunState) -> frozenset[tuple[str, str]]:
    """(check, quote) of the judge's verdicts over a run's turns (a step's quote is ""): what
    the score card marks as the judge's."""
    marks: set[tuple[str, str]] = set()
    for turn in run.history:
        for check, source in turn.sources.items():
            verdict = turn.grade.verdicts.get(check)
            if source != "judge" or verdict is None:
                continue
            if verdict.kind == "step":
                marks.add((check, ""))
            else:
                marks.update((check, quote) for quote in verdict.quotes)
    return frozenset(marks)


def _new_turn(
    result: TurnResult, client_line: str, text: str, elapsed: float | None, spoken: bool = False
) -> NewTurn:
    judge = None
    if result.rejected or any(s == "judge" for s in result.sources.values()):
        judge = {"rejected": [v.model_dump(mode="json") for v in result.rejected]}
    return NewTurn(
        state=result.state,
        next_state=result.next_state,
        client_line=client_line,
        reply_text=text,
        verdicts={
            c: {**v.model_dump(mode="json"), "source": result.source(c)}
            for c, v in result.grade.verdicts.items()
        },
        passed_steps=result.score.passed_steps,
        missed_steps=result.score.missed_steps,
        violations=violation_quotes(result),
        score=result.score.score,
        passed=result.score.passed,
        too_long=result.grade.too_long,
        elapsed_seconds=elapsed,
        degraded=result.degraded,
        spoken=spoken,
        flags=result.flags,
        judge=judge,
    )


def violation_quotes(result: TurnResult) -> list[dict[str, str]]:
    """The violations of a graded turn as `{"check", "quote"}` (quote "" if there is no span)."""
    return [
        {"check": v.check, "quote": quote}
        for v in result.score.violations
        for quote in v.quotes or [""]
    ]
