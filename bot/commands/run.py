"""`roleplay run`: what `make run` runs (the bot with BOT_TOKEN, else the terminal menu)."""

from __future__ import annotations

import asyncio
import importlib

import click

from bot.commands.play import (
    interrupt_raises,
    make_interactive,
    open_service,
    play_session,
    terminal_person,
    user_errors,
)
from bot.service import TrainingService
from bot.settings import Settings
from bot.storage import Person
from bot.terminal_texts import TerminalTexts
from bot.texts import Texts


@click.command()
@click.option("--name", default=None, help="Terminal menu: your name as the employee.")
def run(name: str | None) -> None:
    """Run the Telegram bot if BOT_TOKEN is set, otherwise the terminal role-play menu."""
    settings = Settings()
    texts = TerminalTexts(settings.language)
    if settings.bot_token is not None and settings.bot_token.get_secret_value().strip():
        try:
            telegram = importlib.import_module("bot.__main__")
        except ModuleNotFoundError as exc:
            raise click.ClickException(texts("error.bot_missing")) from exc
        telegram.main()
        return
    click.echo(click.style(texts("menu.no_token"), dim=True))
    with interrupt_raises(), user_errors(texts):
        try:
            asyncio.run(_menu(settings, texts, name))
        except KeyboardInterrupt:
            click.echo()
            click.echo(texts("menu.bye"))


async def _menu(settings: Settings, texts: TerminalTexts, name: str | None) -> None:
    async with open_service(settings) as service:
        person = terminal_person(service.storage, name)
        if not service.library:
            click.echo(texts("menu.empty"))
            return
        while True:
            choice = _choose(service, person, texts)
            if choice is None:
                click.echo(texts("menu.bye"))
                return
            frontend = make_interactive(service, choice, texts)
            await play_session(service, person, choice, frontend, agent_name=name, texts=texts)


def _choose(service: TrainingService, person: Person, texts: TerminalTexts) -> str | None:
    """Show the numbered scenario list; return the chosen scenario id or None to quit."""
    ids = list(service.library)
    best = service.best_scores(person.id)
    kind_labels = Texts()  # the kinds' Russian names are shared with the Telegram bot
    click.echo()
    click.echo(click.style(texts("menu.title"), bold=True))
    for n, scenario_id in enumerate(ids, start=1):
        scenario = service.library[scenario_id]
        score = best.get(scenario_id)
        mark = texts("menu.best", score=score) if score is not None else texts("menu.not_tried")
        click.echo(
            texts(
                "menu.item",
                n=n,
                title=scenario.title,
                kind=kind_labels.get(f"kind.{scenario.kind}", "kind.other", kind=scenario.kind),
                difficulty="★" * scenario.difficulty,
                best=click.style(mark, dim=True),
            )
        )
    while True:
        try:
            raw = click.prompt(texts("menu.prompt"), default="q", show_default=False).strip()
        except click.Abort:  # end of input or Ctrl-C at the menu: leave quietly
            click.echo()
            return None
        if raw.lower() in ("q", "quit", "exit", "в", "выход"):
            return None
        if raw.isdigit() and 1 <= int(raw) <= len(ids):
            return ids[int(raw) - 1]
        click.echo(texts("menu.bad_choice", count=len(ids)))
