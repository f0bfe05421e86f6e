"""`roleplay play SCENARIO [--jsonl]`: one scenario in the terminal, on the same service and DB.

Interactive mode is a readable, coloured role-play for a person; `--jsonl` reads replies one a line
and writes the events of `../shared/spec/cli.md` one a line (flushed after each line). The attempt
is stored in the database of `DB_PATH` like a Telegram one (channel `terminal`).
"""

from __future__ import annotations

import asyncio
import getpass
import json
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
from bot.errors import EmptyReply, HintUnavailable, StorageError, UnknownScenario
from bot.feedback import GAP_BEFORE, Kind, Line, score_card, turn_feedback
from bot.service import (
    AbandonView,
    ActiveRun,
    CardView,
    StartView,
    TrainingService,
    TurnView,
    violation_quotes,
)
from bot.settings import Settings
from bot.storage import Person
from bot.texts import Texts
from scenarios import ClientLine, FinalCard

HINT_COMMANDS = ("/hint", "/подсказка")
QUIT_COMMANDS = ("/quit", "/exit", "/выход")


@asynccontextmanager
async def open_service(settings: Settings) -> AsyncIterator[TrainingService]:
    """The `TrainingService` built by `bot.app.build_app` (the same parts the bot uses).

    Writes: migrates the database. Raises `StorageError`, `ScenarioError`, `StandardError`.
    """
    async with open_app(settings) as app:
        yield app.service


def terminal_person(service: TrainingService, name: str | None) -> Person:
    """The person who plays in this terminal (by OS login), created on first use."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "terminal"
    return service.people.terminal_person(login, name)


# --- frontends ---------------------------------------------------------------------------------


class Frontend(Protocol):
    """How one run is shown and read: JSON events for scripts, or a readable role-play."""

    def start(self, view: StartView) -> None: ...
    def client(self, view: StartView, line: ClientLine) -> None: ...
    def read(self) -> str | None: ...
    def feedback(self, view: StartView, turn: TurnView) -> None: ...
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

    def start(self, view: StartView) -> None:
        context = view.scenario.context.model_dump(exclude_none=True)
        self.emit(
            {
                "event": "start",
                "scenario": view.scenario.id,
                "title": view.scenario.title,
                "context": context,
                "mode": view.mode,
                "attempt_id": view.attempt_id,
            }
        )

    def client(self, view: StartView, line: ClientLine) -> None:
        self.emit(
            {"event": "client", "state": line.state, "text": line.text, "expect": line.expect}
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

    def notice(self, text: str) -> None:
        click.echo(text, err=True)

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

    def __init__(self, service: TrainingService, texts: Texts, inp: IO[str]) -> None:
        self.service = service
        self.t = texts
        self.inp = inp

    def echo(self, text: str = "", **style: Any) -> None:
        click.echo(click.style(text, **style) if style else text)

    def lines(self, lines: list[Line]) -> None:
        previous: str = ""
        for line in lines:
            if line.kind in GAP_BEFORE and not (line.kind == "footer" and previous == "footer"):
                self.echo()
            self.echo(line.text, **STYLES[line.kind])
            previous = line.kind

    def start(self, view: StartView) -> None:
        s, t = view.scenario, self.t
        ctx = s.context
        self.echo()
        self.echo(t("term.header", title=s.title), bold=True)
        self.echo(
            t("term.meta", kind=t.kind(s.kind), difficulty="★" * s.difficulty,
              mode=t(f"mode.{view.mode}")),
            dim=True,
        )
        self.echo(
            t("term.context", company=ctx.company, client=ctx.client_name or "—",
              time=ctx.time or "—"),
            dim=True,
        )
        self.echo(t("term.briefing", briefing=s.briefing))
        penalty = self.service.standard.hint_penalty
        usage = t("term.usage", penalty=penalty) if view.mode == "training" else (
            t("term.usage_exam"))
        self.echo(usage, fg="yellow")
        self.echo()

    def client(self, view: StartView, line: ClientLine) -> None:
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
        if turn.show_feedback:
            self.lines(turn_feedback(self.t, self.service.standard, turn.result,
                                     degraded=turn.degraded))
        elif turn.degraded:
            self.echo(self.t("fb.degraded"), fg="yellow", dim=True)
        self.echo()

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
    allow_commands: bool = True,
    resume: ActiveRun | None = None,
) -> int:
    """Play one attempt to its end (or to end of input: abandoned); return the attempt id.

    With `resume`, that attempt in progress is continued (same state, same history) instead of
    starting a new one; otherwise a new attempt replaces any attempt left active.
    Writes: the attempt and its turns. Raises `UnknownScenario` and other `BotError`s.
    """
    t = texts
    if resume is not None:
        view = StartView(resume.attempt.id, resume.attempt.mode, resume.line, resume.scenario)
    else:
        view = await service.start(
            person.id, scenario_id, mode, "terminal", seed, agent_name=agent_name,
            replace_active=True,
        )
    frontend.start(view)
    if resume is not None:
        frontend.notice(t("term.resumed", turns=len(resume.history)))
    line = view.line
    started = time.monotonic()
    while True:
        if line.degraded:
            frontend.notice(t("fb.degraded"))
        frontend.client(view, line)
        while True:
            text = frontend.read()
            if text is None or (allow_commands and text.strip().lower() in QUIT_COMMANDS):
                closed = await service.abandon(view.attempt_id, person_id=person.id)
                frontend.abandoned(view, closed)
                return view.attempt_id
            if allow_commands and text.strip().lower() in HINT_COMMANDS:
                try:
                    hint = await service.hint(view.attempt_id, person_id=person.id)
                except HintUnavailable:
                    frontend.notice(t("term.usage_exam"))
                    continue
                frontend.notice(t("term.hint", text=hint.text))
                frontend.notice(t("term.hint_cost", penalty=hint.penalty, used=hint.hints_used))
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


@click.command()
@click.argument("scenario")
@click.option(
    "--jsonl", is_flag=True, help="Read replies one a line, write JSON events one a line."
)
@click.option(
    "--mode",
    type=click.Choice(["training", "exam"]),
    default=None,
    help="training (feedback after each reply, hints) or exam; default: the scenario's mode.",
)
@click.option("--seed", type=int, default=None, help="Seed for the client's line variants.")
@click.option("--name", default=None, help="Your name as the employee (default: your login).")
def play(scenario: str, jsonl: bool, mode: str | None, seed: int | None, name: str | None) -> None:
    """Play one scenario in the terminal (the attempt is stored in DB_PATH)."""
    settings = Settings()
    texts = Texts(settings.language)
    with interrupt_raises(), user_errors(texts):
        asyncio.run(_play(settings, texts, scenario, jsonl, mode, seed, name))


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
        raise click.ClickException(
            texts("term.error.unknown_scenario", scenario=exc.scenario_id)
        ) from exc
    except StorageError as exc:
        raise click.ClickException(texts("term.error.storage", detail=exc)) from exc
    except (ScenarioError, ScoringError) as exc:
        problems = getattr(exc, "problems", None) or [exc]
        detail = "\n".join(str(p) for p in problems)
        raise click.ClickException(texts("term.error.content", detail=detail)) from exc


async def _play(
    settings: Settings,
    texts: Texts,
    scenario: str,
    jsonl: bool,
    mode: str | None,
    seed: int | None,
    name: str | None,
) -> None:
    async with open_service(settings) as service:
        service.scenario(scenario)  # UnknownScenario before anything is written
        person = terminal_person(service, name)
        frontend: Frontend
        resume: ActiveRun | None = None
        if jsonl:
            frontend = JsonlFrontend(sys.stdout, sys.stdin)
        else:
            frontend = InteractiveFrontend(service, texts, sys.stdin)
            resume = await resumable(service, person, scenario, texts)
        await play_session(
            service, person, scenario, frontend, texts, mode=mode, seed=seed, agent_name=name,
            allow_commands=not jsonl, resume=resume,
        )


async def resumable(
    service: TrainingService, person: Person, scenario_id: str, texts: Texts
) -> ActiveRun | None:
    """The person's unfinished terminal attempt of this scenario if they choose to continue it
    (asked on the terminal; end of input = no). Writes: no."""
    active = await service.active_attempt(person.id)
    if active is None or active.attempt.scenario_id != scenario_id:
        return None
    if active.attempt.channel != "terminal":
        return None
    try:
        answer = click.confirm(texts("term.continue", turns=len(active.history)), default=True)
    except click.Abort:
        return None
    return active if answer else None
