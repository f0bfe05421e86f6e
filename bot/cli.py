"""The `roleplay` console script: one click group, commands composed in one explicit list."""

from __future__ import annotations

import click

from bot.commands import authoring, grade, play, run, trainer


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="roleplay-trainer")
def cli() -> None:
    """Role-play trainer for customer-service staff (terminal door for trainers and scripts)."""


COMMANDS: list[click.Command] = [
    grade.grade,
    authoring.list_scenarios,
    authoring.validate,
    authoring.diagram,
    play.play,
    run.run,
    trainer.publish,
    trainer.selftest,
    trainer.stats,
    trainer.disputes,
]

for _command in COMMANDS:
    cli.add_command(_command)


def main() -> None:
    cli()
