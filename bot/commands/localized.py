"""The `roleplay` command line in the trainer's language: help, usage, headings and errors.

Click writes its own chrome in English («Usage:», «Options:», «Error: Missing argument …») and
ships no translations. Commands built with these classes take their help texts as keys of
`bot.texts` (`help="cli.play"`, `help="cli.play.jsonl"`; a text that is not a key is shown as
written) and show the usage line, the section headings, the help option and click's usage errors
from the texts too. The group's `main` reports every error in the texts' language and exits as
click does (2 for a usage error, 1 for any other). Light on purpose: importing it loads click and
the texts only.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any, NoReturn

import click

from bot.texts import Texts

HELP_OPTION = "cli.help_option"


class UserError(click.ClickException):
    """A clear message for the person at the terminal (already in their language) and exit 1;
    shown as it is, without click's English «Error:» prefix."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True, file=file)


def cli_texts() -> Texts:
    """The texts of the command line (Russian; the keys are ready for another language)."""
    return Texts()


def resolve(texts: Texts, value: str | None) -> str | None:
    """A help text: the text of a key of `bot.texts`, or the value itself."""
    return texts(value) if value and texts.has(value) else value


@contextmanager
def _help_of(item: click.Command | click.Parameter, texts: Texts) -> Iterator[None]:
    """Show an item's help text resolved from its key while click formats it."""
    saved = item.help
    item.help = resolve(texts, saved)
    try:
        yield
    finally:
        item.help = saved


class _Localized(click.Command):
    """What a localized command and group share: usage line, help text, options heading."""

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        texts = cli_texts()
        words = {"[OPTIONS]": texts("cli.options_metavar"),
                 "COMMAND [ARGS]...": texts("cli.subcommand_metavar")}
        return [words.get(piece, piece) for piece in super().collect_usage_pieces(ctx)]

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        prefix = cli_texts()("cli.usage") + " "
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with _help_of(self, cli_texts()):
            super().format_help_text(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:
        with _help_of(self, cli_texts()):
            return super().get_short_help_str(limit)

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        texts = cli_texts()
        records = []
        for param in self.get_params(ctx):
            if isinstance(param, click.Argument):
                continue
            with _help_of(param, texts):
                record = param.get_help_record(ctx)
            if record is not None:
                records.append(record)
        if records:
            with formatter.section(texts("cli.section.options")):
                formatter.write_dl(records)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION
        return option


class LocalizedCommand(_Localized):
    """A `roleplay` subcommand whose help and usage come from `bot.texts`."""


class LocalizedGroup(_Localized, click.Group):
    """The `roleplay` group: localized help, the commands' list, and errors in `main`."""

    command_class = LocalizedCommand

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        _Localized.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section(cli_texts()("cli.section.commands")):
                formatter.write_dl([(n, c.get_short_help_str(limit)) for n, c in rows])

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if name and not name.startswith("-") and self.get_command(ctx, name) is None:
            known = ", ".join(self.list_commands(ctx))
            raise click.UsageError(
                cli_texts()("cli.error.no_command", name=name, known=known), ctx
            )
        return super().resolve_command(ctx, args)

    def main(  # type: ignore[override]
        self, args: Sequence[str] | None = None, prog_name: str | None = None, **extra: Any
    ) -> NoReturn:
        """Run the command line; every click error is told in the texts' language."""
        extra.pop("standalone_mode", None)
        try:
            result = super().main(args, prog_name, standalone_mode=False, **extra)
        except click.exceptions.Exit as done:  # pragma: no cover - click returns it instead
            sys.exit(done.exit_code)
        except click.ClickException as error:
            show_error(error, cli_texts())
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo(cli_texts()("cli.aborted"), err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)


def show_error(error: click.ClickException, texts: Texts, file: IO[Any] | None = None) -> None:
    """Print a click error as the trainer reads it: the usage and the help hint for a usage
    error, then «Ошибка: …» (an error of ours, already in the texts, is printed as it is)."""
    if isinstance(error, click.UsageError):
        ctx = error.ctx
        if ctx is not None:
            help_name = max(ctx.command.get_help_option_names(ctx) or ["--help"], key=len)
            click.echo(ctx.get_usage(), err=True, file=file)
            click.echo(texts("cli.try_help", command=ctx.command_path, option=help_name),
                       err=True, file=file)
        click.echo(texts("cli.error", message=usage_message(error, texts)), err=True, file=file)
        return
    if type(error).show is not click.ClickException.show:  # shows itself (e.g. UserError)
        error.show(file)
        return
    if isinstance(error, click.FileError):
        message = texts("cli.error.file", name=error.ui_filename, detail=error.message)
    else:
        message = error.format_message()
    click.echo(texts("cli.error", message=message), err=True, file=file)


def usage_message(error: click.UsageError, texts: Texts) -> str:
    """The message of a usage error in the texts' language (click's own words as a last
    resort, for the rare ones not listed here)."""
    ctx = error.ctx
    if isinstance(error, click.MissingParameter):
        param = error.param
        hint = error.param_hint or (param.get_error_hint(ctx) if param and ctx else "")
        if isinstance(param, click.Argument) or error.param_type == "argument":
            return texts("cli.error.missing_argument", name=hint)
        return texts("cli.error.missing_option", name=hint)
    if isinstance(error, click.NoSuchOption):
        message = texts("cli.error.no_option", name=error.option_name)
        if error.possibilities:
            message += " " + texts("cli.error.did_you_mean",
                                   options=", ".join(sorted(error.possibilities)))
        return message
    if isinstance(error, click.BadParameter):
        param = error.param
        hint = error.param_hint or (param.get_error_hint(ctx) if param and ctx else "")
        if param is not None and isinstance(param.type, click.Choice):
            choices = ", ".join(str(c) for c in param.type.choices)
            return texts("cli.error.bad_choice", name=hint, choices=choices)
        return texts("cli.error.bad_value", name=hint, detail=error.message)
    return error.format_message()
