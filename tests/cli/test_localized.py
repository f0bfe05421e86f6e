"""The command line speaks the texts' language: help, usage, headings and click's own errors."""

from __future__ import annotations

import click
import pytest
from click.testing import CliRunner

from bot.commands.localized import LocalizedCommand, LocalizedGroup, UserError

ENGLISH = ("Usage:", "Options:", "Commands:", "Show this message", "Error:", "Try '", "Missing",
           "No such", "Invalid value", "is not one of")


def group() -> click.Group:
    @click.group(cls=LocalizedGroup, help="cli.roleplay",
                 context_settings={"help_option_names": ["-h", "--help"]})
    def tool() -> None:
        """Developer docs stay English."""

    @tool.command(cls=LocalizedCommand, help="cli.play")
    @click.argument("scenario")
    @click.option("--mode", type=click.Choice(["training", "exam"]), help="cli.play.mode")
    @click.option("--seed", type=int, help="cli.play.seed")
    def play(scenario: str, mode: str | None, seed: int | None) -> None:
        click.echo(f"played {scenario}")

    @tool.command(cls=LocalizedCommand, help="cli.run")
    def fail() -> None:
        raise UserError("Сценарий «x» не найден.")

    return tool


def test_help_is_in_russian_from_the_texts() -> None:
    result = CliRunner().invoke(group(), ["play", "--help"])
    assert result.exit_code == 0
    assert result.output.startswith("Использование: tool play [ПАРАМЕТРЫ] SCENARIO")
    assert "Параметры:" in result.output and "Показать эту справку и выйти." in result.output
    assert "Сыграть сценарий в терминале" in result.output and "По умолчанию" in result.output
    assert not [word for word in ENGLISH if word in result.output]


def test_the_group_lists_its_commands_in_russian() -> None:
    result = CliRunner().invoke(group(), ["--help"])
    assert result.exit_code == 0
    assert "Команды:" in result.output and "Сыграть сценарий" in result.output
    assert "Тренажёр клиентского сервиса" in result.output
    assert "Developer docs" not in result.output
    assert not [word for word in ENGLISH if word in result.output]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["play"], "Ошибка: не указан аргумент 'SCENARIO'."),
        (["play", "x", "--colour"], "Ошибка: нет параметра --colour."),
        (["play", "x", "--mod", "exam"], "Может быть, --mode?"),
        (["play", "x", "--mode", "quiz"], "допустимо training, exam."),
        (["play", "x", "--seed", "abc"], "Ошибка: неверное значение '--seed'"),
        (["plya"], "Ошибка: нет команды «plya». Команды: fail, play."),
    ],
)
def test_usage_errors_are_in_russian(args: list[str], message: str) -> None:
    result = CliRunner().invoke(group(), args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Справка: tool" in result.output
    assert not [w for w in ("Usage:", "Error:", "Try '", "Missing", "No such") if w in result.output]


def test_an_error_of_ours_is_printed_as_written_with_exit_1() -> None:
    result = CliRunner().invoke(group(), ["fail"])
    assert result.exit_code == 1
    assert result.output.strip() == "Сценарий «x» не найден."


def test_a_good_run_exits_0() -> None:
    result = CliRunner().invoke(group(), ["play", "hold_request"])
    assert (result.exit_code, result.output) == (0, "played hold_request\n")
