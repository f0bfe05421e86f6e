"""`roleplay play` (owned by the storage/terminal work)."""

from __future__ import annotations

import click


@click.command()
@click.argument("scenario")
@click.option("--jsonl", is_flag=True, help="Read replies one a line, write JSON events one a line.")
def play(scenario: str, jsonl: bool) -> None:
    """Play one scenario in the terminal."""
    raise click.ClickException("not implemented yet")
