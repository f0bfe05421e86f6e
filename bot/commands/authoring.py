"""`roleplay list`, `roleplay validate`, `roleplay diagram` (owned by the scenarios work)."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
from pathlib import Path

import click

from bot.settings import Settings
from scenarios import Library, Scenario, library_paths, load_library, validate_paths
from scenarios.diagram import to_dot, to_mermaid
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
        raise click.ClickException(f"the standard is invalid:\n{exc}") from exc


def _library() -> Library:
    """The library; a broken file is reported on standard error and skipped, the rest loads."""
    library = load_library(library_sources(), _standard())
    for problem in library.problems:
        click.echo(str(problem), err=True)
    for path in library.skipped:
        click.echo(f"skipped: {path} (see `roleplay validate`)", err=True)
    return library


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array on standard output.")
@click.option("--all", "show_all", is_flag=True,
              help="Also the scenarios a trainer disabled (each row then has `enabled`).")
def list_scenarios(as_json: bool, show_all: bool) -> None:
    """List the scenarios of the published library (the database of DB_PATH, seeded from the
    shipped library and SCENARIOS_PATH): what trainees see in Telegram."""
    rows = asyncio.run(_published(show_all))
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    for row in rows:
        hidden = "" if row.get("enabled", True) else "  (disabled)"
        stars = "★" * int(str(row["difficulty"]))
        click.echo(f"{row['id']:<20} {row['kind']:<18} {stars:<3}  {row['title']}{hidden}")


async def _published(show_all: bool) -> list[dict[str, object]]:
    """The library as the bot sees it; a skipped file is reported on standard error."""
    from bot.app import open_app

    async with open_app(Settings()) as app:
        for problem in app.library.problems if isinstance(app.library, Library) else ():
            click.echo(str(problem), err=True)
        for path in app.library.skipped if isinstance(app.library, Library) else ():
            click.echo(f"skipped: {path} (see `roleplay validate`)", err=True)
        if not show_all:
            return [_row(s) for s in app.service.scenarios()]
        from bot.commands.trainer import login

        operator = app.service.trainer.terminal_operator(login())
        return [{**_row(item.scenario), "enabled": item.entry.enabled}
                for item in app.service.trainer.library(operator).items]


def _row(s: Scenario) -> dict[str, object]:
    return {"id": s.id, "title": s.title, "kind": s.kind, "difficulty": s.difficulty,
            "version": s.version}


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--standard",
    "standard_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Also validate this standard file, and check the scenarios against its check ids.",
)
def validate(paths: tuple[Path, ...], standard_path: Path | None) -> None:
    """Validate scenario files or folders (default: the library and SCENARIOS_PATH).

    Prints every problem as FILE:LINE:COL: message; exits 1 if there is any, 0 if none.
    """
    targets = list(paths) or library_sources()
    problems: list[str] = []
    if standard_path is not None:
        try:
            standard: Standard | None = load_standard(standard_path)
        except StandardError as exc:
            problems += [str(p) for p in exc.problems]
            standard = None
    else:
        standard = _standard()
    if not problems:
        problems += [str(p) for p in validate_paths(targets, standard)]
    for problem in problems:
        click.echo(problem)
    if problems:
        click.echo(f"{len(problems)} problem(s) found.", err=True)
        raise SystemExit(1)
    click.echo("OK: no problems found.", err=True)


@click.command()
@click.argument("scenario")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the Mermaid text to this file (and FILE.png beside it if graphviz is installed).",
)
def diagram(scenario: str, output: Path | None) -> None:
    """Write a scenario's state machine as Mermaid text.

    With -o FILE, also renders a PNG next to it when Graphviz's `dot` is installed.
    """
    library = _library()
    found = library.get(scenario)
    if found is None:
        known = ", ".join(library) or "none"
        raise click.ClickException(f"no scenario '{scenario}' in the library (known: {known})")
    text = to_mermaid(found)
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"Mermaid: {output}", err=True)
    dot = shutil.which("dot")
    if dot is None:
        click.echo("PNG skipped: graphviz `dot` is not installed.", err=True)
        return
    png = output.with_suffix(".png")
    done = subprocess.run(
        [dot, "-Tpng", "-o", str(png)], input=to_dot(found), text=True, capture_output=True
    )
    if done.returncode != 0:
        click.echo(f"PNG skipped: dot failed: {done.stderr.strip()}", err=True)
        return
    click.echo(f"PNG: {png}", err=True)
