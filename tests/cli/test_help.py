"""Every `roleplay` command answers `--help` (and `-h`) with its usage, exit code 0."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from bot.cli import COMMANDS, cli


def _names() -> list[str]:
    return list(COMMANDS)


def _command(name: str) -> click.Command | None:
    return cli.get_command(click.Context(cli), name)


def test_every_command_is_in_the_group() -> None:
    assert cli.list_commands(click.Context(cli)) == sorted(_names())
    assert {"play", "run"} <= set(_names())
    for name in _names():
        command = _command(name)
        assert isinstance(command, click.Command) and command.name == name


@pytest.mark.parametrize("name", _names())
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_command_has_help(name: str, flag: str) -> None:
    result = CliRunner().invoke(cli, [name, flag])
    assert result.exit_code == 0, result.output
    assert f"Usage: cli {name}" in result.output or f"Usage: roleplay {name}" in result.output
    command = _command(name)
    assert isinstance(command, click.Command) and command.help


def test_group_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    for name in _names():
        assert name in result.output
