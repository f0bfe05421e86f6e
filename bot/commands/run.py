"""`roleplay run`: what `make run` runs (the bot with BOT_TOKEN, else the terminal menu)."""

from __future__ import annotations

import asyncio
import sys

import click

from bot.commands.localized import LocalizedCommand, cli_texts
from bot.commands.play import (
    InteractiveFrontend,
    interrupt_raises,
    open_service,
    play_session,
    terminal_person,
    user_errors,
)
from bot.service import TrainingService
from bot.settings import Settings
from bot.storage import Person
from bot.texts import Texts


@click.command(cls=LocalizedCommand, help="cli.run")
@click.option("--name", default=None, metavar=cli_texts()("cli.name.metavar"), help="cli.run.name")
def run(name: str | None) -> None:
    """Run the Telegram bot if BOT_TOKEN is set, otherwise the terminal role-play menu
    (help text: `cli.run`)."""
    settings = Settings()
    texts = Texts(settings.language)
    if settings.bot_token is not None and settings.bot_token.get_secret_value().strip():
        from bot.__main__ import main as telegram

        telegram()
        return
    click.echo(click.style(texts("term.menu.no_token"), dim=True))
    with interrupt_raises(), user_errors(texts):
        try:
            asyncio.run(_menu(settings, texts, name))
        except KeyboardInterrupt:
            click.echo()
            click.echo(texts("term.menu.bye"))


async def _menu(settings: Settings, texts: Texts, name: str | None) -> None:
    async with open_service(settings) as service:
        person = terminal_person(service, name)
        if not service.library:
            click.echo(texts("term.menu.empty"))
            return
        frontend = InteractiveFrontend(service, texts, sys.stdin)
        while True:
            choice = _choose(service, person, texts)
            if choice is None:
                click.echo(texts("term.menu.bye"))
                return
            await play_session(service, person, choice, frontend, texts, agent_name=name)


def _choose(service: TrainingService, person: Person, texts: Texts) -> str | None:
    """Show the numbered scenario list; return the chosen scenario id or None to quit."""
    scenarios = service.scenarios()
    best = service.best_scores(person.id)
    click.echo()
    click.echo(click.style(texts("term.menu.title"), bold=True))
    for n, scenario in enumerate(scenarios, start=1):
        score = best.get(scenario.id)
        mark = (texts("term.menu.best", score=score) if score is not None
                else texts("term.menu.not_tried"))
        click.echo(
            texts(
                "term.menu.item",
                n=n,
                title=scenario.title,
                kind=texts.kind(scenario.kind),
                difficulty="★" * scenario.difficulty,
                best=click.style(mark, dim=True),
            )
        )
    while True:
        try:
            raw = click.prompt(texts("term.menu.prompt"), default="q", show_default=False).strip()
        except click.Abort:  # end of input or Ctrl-C at the menu: leave quietly
            click.echo()
            return None
        if raw.lower() in ("q", "quit", "exit", "в", "выход"):
            return None
        if raw.isdigit() and 1 <= int(raw) <= len(scenarios):
            return scenarios[int(raw) - 1].id
        click.echo(texts("term.menu.bad_choice", count=len(scenarios)))
