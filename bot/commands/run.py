"""`roleplay run`: the main job behind `make run` (the bot with BOT_TOKEN, else the terminal menu)."""

from __future__ import annotations

import click


@click.command()
def run() -> None:
    """Run the Telegram bot if BOT_TOKEN is set, otherwise the terminal role-play menu."""
    raise click.ClickException("not implemented yet")
