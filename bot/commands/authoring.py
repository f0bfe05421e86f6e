"""`roleplay list`, `roleplay validate`, `roleplay diagram` (owned by the scenarios work)."""

from __future__ import annotations

import click


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="One JSON array on standard output.")
def list_scenarios(as_json: bool) -> None:
    """List the scenarios in the library."""
    raise click.ClickException("not implemented yet")


@click.command()
@click.argument("paths", nargs=-1)
def validate(paths: tuple[str, ...]) -> None:
    """Validate scenario files or folders (default: the library)."""
    raise click.ClickException("not implemented yet")


@click.command()
@click.argument("scenario")
def diagram(scenario: str) -> None:
    """Write a scenario's state machine as Mermaid text."""
    raise click.ClickException("not implemented yet")
