"""The `roleplay` console script: one click group, commands composed in one explicit list.

Each command's module is imported only when that command runs (or when help lists them all), so
`roleplay grade` loads the scorer and nothing of the bot (aiogram, sqlite-utils, the service).
"""

from __future__ import annotations

import gc
import importlib

import click

from bot.commands.localized import LocalizedGroup, cli_texts

COMMANDS: dict[str, str] = {
    "grade": "bot.commands.grade:grade",
    "list": "bot.commands.authoring:list_scenarios",
    "validate": "bot.commands.authoring:validate",
    "diagram": "bot.commands.authoring:diagram",
    "play": "bot.commands.play:play",
    "run": "bot.commands.run:run",
    "report": "bot.commands.report:report", "forget": "bot.commands.report:forget",
    "publish": "bot.commands.trainer:publish",
    "selftest": "bot.commands.trainer:selftest",
    "stats": "bot.commands.trainer:stats",
    "disputes": "bot.commands.trainer:disputes",
}
"""Command name → `module:attribute` of its click command."""


class LazyGroup(LocalizedGroup):
    """A click group whose commands are imported on first use (click's documented pattern),
    speaking the trainer's language (`bot.commands.localized`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        resume_gc()
        if not isinstance(command, click.Command):
            raise TypeError(f"{target} is not a click command")
        return command


@click.group(cls=LazyGroup, help="cli.roleplay",
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="roleplay-trainer", help="cli.version_option",
                      message=cli_texts()("cli.version"))
def cli() -> None:
    """Role-play trainer for customer-service staff (terminal door for trainers and scripts).
    Help text: `cli.roleplay`."""


def resume_gc() -> None:
    """After `main` started without the garbage collector: what start-up built (the imports, the
    command's module) is set aside for good (`gc.freeze`) and collection resumes. No-op while
    the collector runs (e.g. `cli` called from tests)."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def main() -> None:
    """The console script. Start-up makes ~200,000 objects that live as long as the process and
    almost no garbage: collecting while it runs is ~10% of `roleplay grade`'s time, so it runs
    without the collector until the command is loaded (`resume_gc`)."""
    gc.disable()
    cli()
