"""`roleplay publish`, `selftest`, `stats`, `disputes`: the terminal twins of the trainer's tools
in Telegram (`../shared/spec/cli.md`, «Trainer and HR commands»).

They run on the same service and database as the bot (`DB_PATH`). Whoever runs them at the
server's terminal acts as an admin (`TrainerService.terminal_operator`): they can read the
database file anyway.
"""

from __future__ import annotations

import asyncio
import getpass
import json
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from bot.app import App, open_app
from bot.commands.localized import LocalizedCommand, UserError, cli_texts
from bot.errors import BotError, UnknownScenario
from bot.problems import located
from bot.service import Who
from bot.settings import Settings
from bot.storage import DisputeStatus
from bot.workbench import finding_line, selftest_lines, stats_lines

T = TypeVar("T")


def login() -> str:
    """The terminal user's login (the OS user), or "terminal"."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "terminal"


@asynccontextmanager
async def operator(name: str | None = None) -> AsyncIterator[tuple[App, Who]]:
    """The app of the settings and the terminal operator acting in it."""
    async with open_app(Settings()) as app:
        yield app, app.service.trainer.terminal_operator(login(), name)


def _run(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine; a `BotError` becomes a clean error message and exit code 1."""
    try:
        return asyncio.run(work())
    except UnknownScenario as exc:
        raise UserError(cli_texts()("cli.trainer.unknown", scenario=exc.scenario_id)) from exc
    except BotError as exc:
        raise UserError(cli_texts().get(exc.key, "error.internal")) from exc


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError as exc:
        click.echo(f"{path}:1:1: {exc.strerror or 'cannot read the file'}")  # as `validate`
        return None


# --- publish ----------------------------------------------------------------------------------


@click.command(cls=LocalizedCommand, help="cli.publish")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path),
                metavar=cli_texts()("cli.file.metavar"))
@click.option("--by", "by", default=None, metavar=cli_texts()("cli.name.metavar"),
              help="cli.publish.by")
@click.option("--strict", is_flag=True, help="cli.publish.strict")
def publish(file: Path, by: str | None, strict: bool) -> None:
    """Validate a scenario (or a company standard) FILE and publish it as a new version.

    On any problem prints FILE:LINE:COL: message lines (as `roleplay validate`), exits 1 and
    changes nothing. Otherwise the file becomes the current version for both doors (exit 0; the
    id and version are printed). A scenario is self-tested first and a standard is validated
    against every published scenario; the self-test's warnings go to standard error (with
    --strict they refuse the file).
    """
    data = _read(file)
    if data is None:
        raise SystemExit(1)

    async def work() -> int:
        async with operator(by) as (app, who):
            outcome = await app.service.trainer.publish(
                who, str(file), data, source="terminal", accept_warnings=not strict,
                strict=strict)
            texts, standard = app.texts, app.service.standard
            for problem in outcome.problems:
                click.echo(located(texts, problem.problem))
            for warning in outcome.warnings:
                line = finding_line(texts, warning.finding, standard)
                click.echo(f"{warning.scenario_id}: {line}", err=True)
            words = cli_texts()
            what = outcome.scenario_id if outcome.kind == "scenario" else "standard"
            if outcome.status == "rejected":
                key = "cli.publish.problems" if outcome.problems else "cli.publish.strict_refused"
                click.echo(words(key, count=len(outcome.problems) or len(outcome.warnings)),
                           err=True)
                return 1
            key = "cli.publish.unchanged" if outcome.status == "unchanged" else "cli.publish.done"
            click.echo(words(key, what=what, number=outcome.number, version=outcome.version))
            return 0

    raise SystemExit(_run(work))


# --- selftest ---------------------------------------------------------------------------------


@click.command(cls=LocalizedCommand, help="cli.selftest")
@click.argument("target", metavar=cli_texts()("cli.selftest.metavar"))
@click.option("--json", "as_json", is_flag=True, help="cli.trainer.json")
def selftest(target: str, as_json: bool) -> None:
    """Play a library scenario (or a scenario FILE, without publishing it) with a simulated
    strong trainee and weak ones; exit 1 when the strong one fails or a weak one passes.

    Every state any of them reaches is checked; the state to blame is named.
    """
    path = Path(target)
    is_file = path.suffix.lower() in (".yaml", ".yml") or path.is_file()
    data = _read(path) if is_file else None
    if is_file and data is None:
        raise SystemExit(1)

    async def work() -> int:
        async with operator() as (app, who):
            if data is not None:
                result, problems = await app.service.trainer.selftest_file(who, target, data)
                for problem in problems:
                    click.echo(located(app.texts, problem.problem))
                if result is None:
                    return 1
            else:
                result = await app.service.trainer.selftest(who, target)
            texts, standard = app.texts, app.service.standard
            if as_json:
                body = result.model_dump(mode="json")
                body["ok"] = result.ok
                for finding, found in zip(body["findings"], result.findings, strict=True):
                    finding["message"] = finding_line(texts, found, standard)
                click.echo(json.dumps(body, ensure_ascii=False))
            else:
                for line in selftest_lines(texts, result, standard):
                    click.echo(line)
            return 0 if result.ok else 1

    raise SystemExit(_run(work))


# --- stats ------------------------------------------------------------------------------------


@click.command(cls=LocalizedCommand, help="cli.stats")
@click.argument("scenario", metavar=cli_texts()("cli.diagram.metavar"))
@click.option("--json", "as_json", is_flag=True, help="cli.trainer.json")
@click.option("--png", "png", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar=cli_texts()("cli.file.metavar"), help="cli.stats.png")
def stats(scenario: str, as_json: bool, png: Path | None) -> None:
    """Where trainees fail in SCENARIO, from stored attempts (previews are not counted): the
    funnel over its states, the checks missed most in each, the median answer time, hints."""

    async def work() -> int:
        async with operator() as (app, who):
            result = app.service.trainer.stats(who, scenario)
            if png is not None:
                from bot.diagram import render_png

                item = app.service.trainer.item(who, scenario)
                png.write_bytes(await asyncio.to_thread(
                    render_png, item.scenario, app.texts, result.failure_rates()))
                click.echo(cli_texts()("cli.diagram.png", path=png), err=True)
            if as_json:
                click.echo(json.dumps(result.as_dict(), ensure_ascii=False))
            else:
                for line in stats_lines(app.texts, app.service.standard, result):
                    click.echo(line)
            return 0

    raise SystemExit(_run(work))



# --- disputes ---------------------------------------------------------------------------------


@click.command(cls=LocalizedCommand, help="cli.disputes")
@click.option("--status", type=click.Choice(["open", "accepted", "rejected"]), default=None,
              metavar=cli_texts()("cli.disputes.status_metavar"), help="cli.disputes.status")
@click.option("--jsonl", "as_jsonl", is_flag=True, help="cli.disputes.jsonl")
def disputes(status: str | None, as_jsonl: bool) -> None:
    """Disputed verdicts: what trainees contested, how trainers ruled, and when."""

    async def work() -> int:
        async with operator() as (app, who):
            chosen = cast("DisputeStatus | None", status)
            if as_jsonl:
                cases = app.service.disputes.export(who, chosen)
                for case in cases:
                    click.echo(json.dumps(case, ensure_ascii=False))
                left_out = len(app.service.disputes.disputes(who, chosen)) - len(cases)
                if left_out:
                    click.echo(cli_texts()("cli.disputes.left_out", count=left_out), err=True)
                return 0
            words = cli_texts()
            for view in app.service.disputes.disputes(who, chosen):
                d = view.dispute
                ruled = words(f"cli.disputes.{d.status}", who=d.ruled_by_name or "—",
                              when=d.ruled_at or "—")
                click.echo(words("cli.disputes.row", id=d.id, scenario=d.scenario_id,
                                 turn=d.turn_idx + 1, check=d.check_id,
                                 before=words(f"cli.disputes.{str(d.original).lower()}"),
                                 after=words(f"cli.disputes.{str(d.value).lower()}"),
                                 ruled=ruled, name=view.trainee_name,
                                 comment=f" «{d.comment}»" if d.comment else ""))
            return 0

    raise SystemExit(_run(work))
