"""`roleplay list`, `roleplay validate`, `roleplay diagram` (owned by the scenarios work)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click

from bot.commands.localized import LocalizedCommand, cli_texts
from bot.problems import located
from bot.settings import Settings
from scenarios import Library, Scenario, library_paths, load_library, validate_paths
from scenarios.diagram import to_mermaid
from scoring import Standard, StandardError, load_standard
from scoring.cache import default_cache_dir


def library_sources() -> list[Path]:
    """The shipped library, plus the folder named by `SCENARIOS_PATH` when it is set."""
    return library_paths(Settings().scenarios_path)


def _standard() -> Standard | None:
    """The standard named by `STANDARD_PATH`, or None for the default one."""
    path = Settings().standard_path
    if path is None:
        return None
    try:
        return load_standard(path, cache_dir=default_cache_dir())
    except StandardError as exc:
        detail = "\n".join(located(cli_texts(), p) for p in exc.problems)
        raise click.ClickException(cli_texts()("cli.standard_invalid", detail=detail)) from exc


def _library() -> Library:
    """The library; a broken file is reported on standard error and skipped, the rest loads."""
    library = load_library(library_sources(), _standard())
    for problem in library.problems:
        click.echo(located(cli_texts(), problem), err=True)
    for path in library.skipped:
        click.echo(cli_texts()("cli.skipped", path=path), err=True)
    return library


@click.command("list", cls=LocalizedCommand, help="cli.list")
@click.option("--json", "as_json", is_flag=True, help="cli.list.json")
@click.option("--all", "show_all", is_flag=True, help="cli.list.all")
def list_scenarios(as_json: bool, show_all: bool) -> None:
    """The scenarios of the published library (help text: `cli.list`)."""
    rows = asyncio.run(_published(show_all))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    texts = cli_texts()
    for row in rows:
        hidden = "" if row.get("enabled", True) else texts("cli.list.disabled")
        click.echo(texts("cli.list.row", id=row["id"], kind=texts.kind(str(row["kind"])),
                         stars="★" * int(str(row["difficulty"])), title=row["title"]) + hidden)


async def _published(show_all: bool) -> list[dict[str, object]]:
    """The library as the bot sees it; a skipped file is reported on standard error."""
    from bot.app import open_app

    async with open_app(Settings()) as app:
        library = app.library
        for problem in library.problems if isinstance(library, Library) else ():
            click.echo(located(cli_texts(), problem), err=True)
        for path in library.skipped if isinstance(library, Library) else ():
            click.echo(cli_texts()("cli.skipped", path=path), err=True)
        if not show_all:
            return [_row(s) for s in app.service.scenarios()]
        from bot.commands.trainer import login

        operator = app.service.trainer.terminal_operator(login())
        return [{**_row(item.scenario), "enabled": item.entry.enabled}
                for item in app.service.trainer.library(operator).items]


def _row(s: Scenario) -> dict[str, object]:
    return {"id": s.id, "title": s.title, "kind": s.kind, "difficulty": s.difficulty,
            "version": s.version}


@click.command(cls=LocalizedCommand, help="cli.validate")
@click.argument(
    "paths", nargs=-1, type=click.Path(path_type=Path),
    metavar=cli_texts()("cli.validate.paths_metavar"),
)
@click.option(
    "--standard",
    "standard_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar=cli_texts()("cli.file.metavar"),
    help="cli.validate.standard",
)
def validate(paths: tuple[Path, ...], standard_path: Path | None) -> None:
    """Validate scenario files or folders (default: the library and SCENARIOS_PATH).

    Prints every problem as FILE:LINE:COL: message; exits 1 if there is any, 0 if none.
    Help text: `cli.validate`.
    """
    targets = list(paths) or library_sources()
    problems: list[str] = []
    if standard_path is not None:
        try:
            standard: Standard | None = load_standard(standard_path)
        except StandardError as exc:
            problems += [located(cli_texts(), p) for p in exc.problems]
            standard = None
    else:
        standard = _standard()
    if not problems:
        problems += [located(cli_texts(), p) for p in validate_paths(targets, standard)]
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(cli_texts()("cli.validate.found", count=len(problems)), err=True)
        raise SystemExit(1)
    click.echo(cli_texts()("cli.validate.ok"), err=True)


@click.command(cls=LocalizedCommand, help="cli.diagram")
@click.argument("scenario", metavar=cli_texts()("cli.diagram.metavar"))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar=cli_texts()("cli.file.metavar"),
    help="cli.diagram.output",
)
def diagram(scenario: str, output: Path | None) -> None:
    """Write a scenario's state machine as Mermaid text.

    With -o FILE, also draws it as FILE.png beside it (matplotlib, the picture trainers get in
    Telegram; nothing else to install). Help text: `cli.diagram`.
    """
    texts = cli_texts()
    library = _library()
    found = library.get(scenario)
    if found is None:
        known = ", ".join(library) or texts("cli.diagram.none")
        raise click.ClickException(texts("cli.diagram.unknown", scenario=scenario, known=known))
    text = to_mermaid(found)
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(texts("cli.diagram.written", path=output), err=True)
    from bot.diagram import render_png

    png = output.with_suffix(".png")
    png.write_bytes(render_png(found, texts))
    click.echo(texts("cli.diagram.png", path=png), err=True)
