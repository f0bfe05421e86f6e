"""Every `roleplay` command answers `--help` (and `-h`) with its usage, exit code 0."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from bot.cli import COMMANDS, cli

ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "Show the version",
           "[OPTIONS]", "COMMAND [ARGS]", "TEXT", "INTEGER", "FILENAME", "PATH")
"""click's own English words, which a trainer should never see in `--help`."""


def english_in(text: str) -> list[str]:
    return [w for w in ENGLISH if re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", text)]


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
    assert f"Использование: cli {name} [ПАРАМЕТРЫ]" in result.output
    assert "Параметры:" in result.output and "Показать эту справку и выйти." in result.output
    assert not english_in(result.output), english_in(result.output)
    command = _command(name)
    assert isinstance(command, click.Command) and command.help


def test_group_help_lists_every_command() -> None:
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert "Команды:" in result.output and "Тренажёр клиентского сервиса" in result.output
    assert not english_in(result.output)
    for name in _names():
        assert name in result.output
