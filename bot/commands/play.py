"""`roleplay play SCENARIO [--jsonl]`: one scenario in the terminal, on the same service and DB.

Interactive mode is a readable, coloured role-play for a person; `--jsonl` reads replies one a line
and writes the events of `../shared/spec/cli.md` one a line (flushed after each line). The attempt
is stored in the database of `DB_PATH` like a Telegram one (channel `terminal`).
"""

from __future__ import annotations

import asyncio
import getpass
import json
import os
import signal
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from types import FrameType
from typing import IO, Any, Protocol

import click

from bot.app import open_app
from bot.commands.localized import LocalizedCommand, UserError, cli_texts
from bot.errors import EmptyReply, HintUnavailable, StorageError, UnknownScenario
from bot.feedback import (
    GAP_BEFORE,
    Kind,
    Line,
    briefing_facts,
    paragraphs,
    score_card,
    turn_feedback,
)
from bot.problems import located
from bot.service import (
    AbandonView,
    ActiveRun,
    CardView,
    HintView,
    StartView,
    TrainingService,
    TurnView,
    violation_quotes,
)
from bot.settings import Settings
from bot.storage import Person
from bot.texts import Texts
from scenarios import ClientLine, FinalCard, Scenario, load_scenario

HINT_COMMANDS = ("hint", "подсказка")
QUIT_COMMANDS = ("quit", "cancel", "exit", "выход")
HELP_COMMANDS = ("help", "помощь")


def command_of(text: str) -> str | None:
    """The command a line gives (`/Hint@bot x` → "hint"), or None when it is a reply.

    A line that begins with «/» is a command, never a reply (cli.md «Commands inside a run»)."""
    stripped = text.strip()
    if not stripped.startswith("/"):
        return None
    word = stripped[1:].split(maxsplit=1)[0] if len(stripped) > 1 else ""
    return word.split("@", 1)[0].lower()


@asynccontextmanager
async def open_service(settings: Settings) -> AsyncIterator[TrainingService]:
    """The `TrainingService` built by `bot.app.build_app` (the same parts the bot uses).

    Writes: migrates the database. Raises `StorageError`, `ScenarioError`, `StandardError`.
    """
    async with open_app(settings) as app:
        yield app.service


def terminal_person(
    service: TrainingService, name: str | None, team: str | None = None
) -> Person:
    """The person who plays in this terminal (by OS login), created on first use, in the team
    called `team` when given (created if new)."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "terminal"
    return service.people.terminal_person(login, name, team)


# --- frontends ---------------------------------------------------------------------------------


class Frontend(Protocol):
    """How one run is shown and read: JSON events for scripts, or a readable role-play."""

    def start(self, view: StartView, agent_name: str | None = None) -> None: ...
    def client(self, view: StartView, line: ClientLine) -> None: ...
    def read(self) -> str | None: ...
    def feedback(self, view: StartView, turn: TurnView) -> None: ...
    def hint(self, view: StartView, hint: HintView) -> None: ...
    def notice(self, text: str) -> None: ...
    def end(self, view: StartView, turn: TurnView, duration: float) -> None: ...
    def abandoned(self, view: StartView, closed: AbandonView) -> None: ...


class JsonlFrontend(Frontend):
    """Machine interface: replies one a line in, JSON events one a line out."""

    def __init__(self, out: IO[str], inp: IO[str]) -> None:
        self.out, self.inp = out, inp

    def emit(self, event: dict[str, Any]) -> None:
        self.out.write(json.dumps(event, ensure_ascii=False) + "\n")
        self.out.flush()

    def start(self, view: StartView, agent_name: str | None = None) -> None:
        context = view.scenario.context.model_dump(exclude_none=True)
        self.emit(
            {
                "event": "start",
                "scenario": view.scenario.id,
                "title": view.scenario.title,
                "context": context,
                "mode": view.mode,
                "attempt_id": view.attempt_id,
                **({"resumed": True, "turns": view.turns} if view.resumed else {}),
            }
        )

    def client(self, view: StartView, line: ClientLine) -> None:
        self.emit(
            {"event": "client", "state": line.state, "text": line.text, "expect": line.expect,
             "degraded": line.degraded}
        )

    def read(self) -> str | None:
        raw = self.inp.readline()
        return None if raw == "" else raw.rstrip("\r\n")

    def feedback(self, view: StartView, turn: TurnView) -> None:
        result = turn.result
        self.emit(
            {
                "event": "feedback",
                "state": result.state,
                "verdicts": {c: v.value for c, v in result.grade.verdicts.items()},
                "violations": violation_quotes(result),
                "score": result.score.score,
                "passed": result.score.passed,
                "required": [*result.score.passed_steps, *result.score.missed_steps],
                "missed": result.score.missed_steps,
                "already": result.already,
                "made_up": result.made_up,
                "next_state": result.next_state,
                "degraded": turn.degraded,
            }
        )

    def hint(self, view: StartView, hint: HintView) -> None:
        self.emit({"event": "hint", "text": hint.text, "cost": hint.penalty,
                   "hints_used": hint.hints_used})

    def notice(self, text: str) -> None:
        self.emit({"event": "notice", "text": text})

    def end(self, view: StartView, turn: TurnView, duration: float) -> None:
        card = turn.card
        assert card is not None
        self.emit(
            {
                "event": "end",
                **card_event(card),
                "closing": turn.line.text if turn.line is not None else None,
                "attempt_id": view.attempt_id,
            }
        )

    def abandoned(self, view: StartView, closed: AbandonView) -> None:
        self.emit({"event": "end", **card_event(closed.card), "attempt_id": view.attempt_id})


def card_event(card: FinalCard) -> dict[str, Any]:
    """The score card as the end event's fields (../shared/spec/cli.md «The end event adds
    up»): enough to recompute `score` and `passed` from the event alone."""
    return {
        "abandoned": card.abandoned,
        "score": card.score,
        "passed": card.passed,
        "pass_mark": card.pass_mark,
        "outcome": card.outcome,
        "outcome_passed": card.outcome_passed,
        "steps": card.steps,
        "weights": card.weights,
        "step_score": card.step_score,
        "violations": [
            {"check": v.check, "quote": v.quote, "blocking": v.blocking, "turn": v.turn}
            for v in card.violations
        ],
        "penalties": [p.model_dump() for p in card.penalties],
        "credited_at": card.credited_at,
        "expected_at": card.expected_at,
        "hints": card.hints,
        "turns": card.turns,
        "formula": card.formula,
    }


STYLES: dict[Kind, dict[str, Any]] = {
    "title": {"bold": True},
    "good": {"fg": "green", "bold": True},
    "bad": {"fg": "red", "bold": True},
    "outcome": {},
    "section": {"bold": True},
    "step_ok": {"fg": "green"},
    "step_missed": {"fg": "red"},
    "example": {"dim": True},
    "violation": {"fg": "magenta"},
    "note": {"fg": "yellow"},
    "footer": {"dim": True},
}


class InteractiveFrontend(Frontend):
    """A readable, coloured role-play for a person at a terminal (the texts and the feedback
    are the ones Telegram shows, composed by `bot.feedback`)."""

    def __init__(
        self, service: TrainingService, texts: Texts, inp: IO[str], *, show_mood: bool = False
    ) -> None:
        self.service = service
        self.t = texts
        self.inp = inp
        self.show_mood = show_mood

    def echo(self, text: str = "", **style: Any) -> None:
        click.echo(click.style(text, **style) if style else text)

    def lines(self, lines: list[Line]) -> None:
        previous: str = ""
        for line in lines:
            if line.kind in GAP_BEFORE and not (line.kind == "footer" and previous == "footer"):
                self.echo()
            self.echo(line.text, **STYLES[line.kind])
            previous = line.kind

    def start(self, view: StartView, agent_name: str | None = None) -> None:
        s, t = view.scenario, self.t
        self.echo()
        self.echo(t("term.header", title=s.title), bold=True)
        self.echo(
            t("term.meta", kind=t.kind(s.kind), difficulty="★" * s.difficulty,
              mode=t(f"mode.{view.mode}")),
            dim=True,
        )
        self.echo(t("term.briefing", briefing=paragraphs(s.briefing)))
        for label, value in briefing_facts(t, self.service.standard, s, agent_name):
            self.echo(t("term.fact", label=label, value=value), dim=True)
        penalty = self.service.standard.hint_penalty
        usage = t("term.usage", penalty=penalty) if view.mode == "training" else (
            t("term.usage_exam"))
        self.echo(usage, fg="yellow")
        if view.resumed:
            self.echo(t("term.resumed", turns=view.turns), fg="yellow")
        self.echo()

    def client(self, view: StartView, line: ClientLine) -> None:
        if line.degraded:
            self.notice(self.t("fb.degraded"))
        click.echo(click.style(self.t("term.client"), fg="cyan", bold=True) + line.text)

    def read(self) -> str | None:
        click.echo(click.style(self.t("term.prompt"), fg="green", bold=True), nl=False)
        try:
            raw = self.inp.readline()
        except KeyboardInterrupt:  # Ctrl-C at the prompt: leave the scenario (abandoned)
            raw = ""
        if raw == "":
            click.echo()
            return None
        return raw.rstrip("\r\n")

    def feedback(self, view: StartView, turn: TurnView) -> None:
        mood = turn.result.mood
        if self.show_mood and mood is not None:  # a trainer listening to the persona
            self.echo(self.t("llm.term.mood", tension=mood.tension), fg="cyan", dim=True)
        if turn.show_feedback:
            self.lines(turn_feedback(self.t, self.service.standard, turn.result,
                                     degraded=turn.degraded))
        elif turn.degraded:
            self.echo(self.t("fb.degraded"), fg="yellow", dim=True)
        self.echo()

    def hint(self, view: StartView, hint: HintView) -> None:
        self.notice(self.t("term.hint", text=hint.text))
        self.notice(self.t("term.hint_cost", penalty=hint.penalty, used=hint.hints_used))

    def notice(self, text: str) -> None:
        self.echo(text, fg="yellow")

    def end(self, view: StartView, turn: TurnView, duration: float) -> None:
        if turn.line is not None and turn.line.text:
            self.client(view, turn.line)
        assert turn.final is not None
        self.card(turn.final)

    def card(self, view: CardView) -> None:
        self.echo("═" * 40, dim=True)
        self.lines(score_card(self.t, self.service.standard, view))
        self.echo("═" * 40, dim=True)

    def abandoned(self, view: StartView, closed: AbandonView) -> None:
        self.echo(self.t("term.abandoned"), fg="yellow")


# --- the loop ------------------------------------------------------------------------------------


async def play_session(
    service: TrainingService,
    person: Person,
    scenario_id: str,
    frontend: Frontend,
    texts: Texts,
    *,
    mode: str | None = None,
    seed: int | None = None,
    agent_name: str | None = None,
    resume: ActiveRun | None = None,
    scenario: Scenario | None = None,
) -> int:
    """Play one attempt to its end (or to end of input: abandoned); return the attempt id.

    With `resume`, that attempt in progress is continued (same state, same history) instead of
    starting a new one; otherwise a new attempt replaces any attempt left active. A line that
    begins with «/» is a command and is never graded: /hint, /quit (/cancel), /help; any other
    gets a notice. `scenario` plays that scenario object (a file of one's own) instead of the
    library's `scenario_id`. Writes: the attempt and its turns. Raises `UnknownScenario` and
    other `BotError`s.
    """
    t = texts
    if resume is not None:
        view = StartView(resume.attempt.id, resume.attempt.mode, resume.line, resume.scenario,
                         resumed=True, turns=len(resume.history))
    elif scenario is not None:
        view = await service.preview(
            person.id, scenario, mode, "terminal", seed, agent_name=agent_name,
            replace_active=True,
        )
    else:
        view = await service.start(
            person.id, scenario_id, mode, "terminal", seed, agent_name=agent_name,
            replace_active=True,
        )
    frontend.start(view, agent_name)
    line = view.line
    started = time.monotonic()
    while True:
        frontend.client(view, line)
        while True:
            text = frontend.read()
            command = None if text is None else command_of(text)
            if text is None or command in QUIT_COMMANDS:
                closed = await service.abandon(view.attempt_id, person_id=person.id)
                frontend.abandoned(view, closed)
                return view.attempt_id
            if command is not None:
                await run_command(service, person, view, frontend, texts, command, text)
                continue
            try:
                turn = await service.answer(view.attempt_id, text, person_id=person.id)
            except EmptyReply:
                frontend.notice(t("term.empty"))
                continue
            break
        frontend.feedback(view, turn)
        if turn.finished:
            frontend.end(view, turn, time.monotonic() - started)
            return view.attempt_id
        assert turn.line is not None
        line = turn.line


async def run_command(
    service: TrainingService, person: Person, view: StartView, frontend: Frontend, texts: Texts,
    command: str, text: str,
) -> None:
    """One command inside a run (never a graded reply): the hint, the usage, or a notice.
    Writes: the run's hint count for /hint."""
    penalty = service.standard.hint_penalty
    usage = (texts("term.usage", penalty=penalty) if view.mode == "training"
             else texts("term.usage_exam"))
    if command in HINT_COMMANDS:
        try:
            hint = await service.hint(view.attempt_id, person_id=person.id)
        except HintUnavailable:
            frontend.notice(texts("play.no_hint") if view.mode == "training" else usage)
            return
        frontend.hint(view, hint)
    elif command in HELP_COMMANDS:
        frontend.notice(usage)
    else:
        frontend.notice(texts("term.unknown_command", command=text.strip().split()[0]))


def is_file_argument(value: str) -> bool:
    """Whether `roleplay play` was given a scenario file rather than a library id."""
    return value.endswith(SCENARIO_SUFFIXES) or "/" in value or os.sep in value


SCENARIO_SUFFIXES = (".yaml", ".yml")


@click.command(cls=LocalizedCommand, help="cli.play")
@click.argument("scenario", metavar=cli_texts()("cli.play.metavar"))
@click.option("--jsonl", is_flag=True, help="cli.play.jsonl")
@click.option(
    "--mode", type=click.Choice(["training", "exam"]), default=None, help="cli.play.mode"
)
@click.option("--seed", type=int, default=None, metavar="N", help="cli.play.seed")
@click.option("--name", default=None, metavar=cli_texts()("cli.name.metavar"), help="cli.play.name")
@click.option("--team", default=None, metavar=cli_texts()("cli.team.metavar"), help="cli.play.team")
@click.option("--llm/--no-llm", "use_llm", default=None, help="cli.play.llm")
@click.option("--resume", is_flag=True, help="cli.play.resume")
def play(
    scenario: str, jsonl: bool, mode: str | None, seed: int | None, name: str | None,
    team: str | None, use_llm: bool | None, resume: bool,
) -> None:
    """Play one scenario in the terminal: a library id, or a scenario file (FILE.yaml) of one's
    own, validated first (the attempt is stored in DB_PATH). Help text: `cli.play`."""
    settings = Settings()
    texts = Texts(settings.language)
    if use_llm and not settings.llm_base_url:
        raise click.UsageError(texts("llm.term.no_llm"))
    if use_llm is False:
        settings = settings.model_copy(update={"llm_base_url": None, "stt_base_url": None})
    with interrupt_raises(), user_errors(texts):
        asyncio.run(_play(settings, texts, scenario, jsonl, mode, seed, name, team,
                          bool(use_llm), resume))


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@contextmanager
def interrupt_raises() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt at once (even inside a blocking read), instead of
    asyncio's cancel-on-first-press, so the prompt can close the attempt as abandoned."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def user_errors(texts: Texts) -> Iterator[None]:
    """Turn content, storage and service errors into a clear message and exit code 1."""
    from scenarios import ScenarioError
    from scoring import ScoringError

    try:
        yield
    except UnknownScenario as exc:
        raise UserError(texts("term.error.unknown_scenario", scenario=exc.scenario_id)) from exc
    except StorageError as exc:
        raise UserError(texts("term.error.storage", detail=exc)) from exc
    except (ScenarioError, ScoringError) as exc:  # every FILE:LINE:COL problem, in Russian
        problems = getattr(exc, "problems", None)
        detail = "\n".join(located(texts, p) for p in problems) if problems else str(exc)
        raise UserError(texts("term.error.content", detail=detail)) from exc


async def _play(
    settings: Settings,
    texts: Texts,
    scenario: str,
    jsonl: bool,
    mode: str | None,
    seed: int | None,
    name: str | None,
    team: str | None = None,
    show_mood: bool = False,
    resume_run: bool = False,
) -> None:
    async with open_service(settings) as service:
        # the scenario is found (or the file validated) before anything is written
        own: Scenario | None = None
        if is_file_argument(scenario):
            own = load_scenario(scenario, service.standard)  # ScenarioError: FILE:LINE:COL
        found = own or service.scenario(scenario)
        person = terminal_person(service, name, team)
        frontend: Frontend
        resume: ActiveRun | None = None
        if jsonl:
            frontend = JsonlFrontend(sys.stdout, sys.stdin)
            if resume_run:
                resume = await resumable(service, person, found, texts, ask=False)
        else:
            frontend = InteractiveFrontend(service, texts, sys.stdin, show_mood=show_mood)
            resume = await resumable(service, person, found, texts, ask=not resume_run)
        await play_session(
            service, person, found.id, frontend, texts, mode=mode, seed=seed, agent_name=name,
            resume=resume, scenario=own,
        )


async def resumable(
    service: TrainingService, person: Person, scenario: Scenario, texts: Texts, *,
    ask: bool = True,
) -> ActiveRun | None:
    """The person's unfinished terminal attempt of this scenario, this version, if they choose to
    continue it (asked on the terminal unless `ask` is false — `--resume`; end of input = no).
    Writes: no."""
    active = await service.active_attempt(person.id)
    if active is None or active.attempt.scenario_id != scenario.id:
        return None
    if active.scenario.version != scenario.version:  # the file was edited since: start afresh
        return None
    if active.attempt.channel != "terminal":
        return None
    if not ask:
        return active
    try:
        answer = click.confirm(texts("term.continue", turns=len(active.history)), default=True)
    except click.Abort:
        return None
    return active if answer else None
