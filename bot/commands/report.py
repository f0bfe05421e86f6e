"""`roleplay report` (HR's report of a period from stored attempts) and `roleplay forget` (delete a
person's personal data on request), as in ../shared/spec/cli.md. The terminal is the operator's
door: it acts as an administrator (every team), through the same `service.reports` as Telegram.
"""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime
from pathlib import Path

import click

from bot.commands.localized import LocalizedCommand, UserError, cli_texts
from bot.commands.play import open_service, user_errors
from bot.errors import AmbiguousPerson, PersonNotFound, TeamNotFound
from bot.reports import charts, html, jsonout, summary, xlsx
from bot.reports.period import DEFAULT_DAYS
from bot.service import TrainingService, Who
from bot.settings import Settings
from bot.storage import Person
from bot.texts import Texts

DAY = click.DateTime(formats=["%Y-%m-%d"])
DAY_METAVAR = "ГГГГ-ММ-ДД"


def operator(service: TrainingService) -> Who:
    """Who the terminal acts as: an administrator (whoever can run it can read the database)."""
    return service.people.who(None, admin=True)


@click.command("report", cls=LocalizedCommand, help="cli.report")
@click.option("--team", default=None, metavar=cli_texts()("cli.team.metavar"),
              help="cli.report.team")
@click.option("--since", type=DAY, default=None, metavar=DAY_METAVAR, help="cli.report.since")
@click.option("--until", type=DAY, default=None, metavar=DAY_METAVAR, help="cli.report.until")
@click.option("--json", "as_json", is_flag=True, help="cli.report.json")
@click.option("--xlsx", "xlsx_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, metavar=cli_texts()("cli.file.metavar"), help="cli.report.xlsx")
@click.option("--html", "html_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None, metavar=cli_texts()("cli.file.metavar"), help="cli.report.html")
def report(
    team: str | None, since: datetime | None, until: datetime | None, as_json: bool,
    xlsx_path: Path | None, html_path: Path | None,
) -> None:
    """The HR report for a period from stored attempts (help: `cli.report` in bot/texts)."""
    settings = Settings()
    texts = Texts(settings.language)
    with user_errors(texts):
        asyncio.run(_report(settings, texts, team, since and since.date(), until and until.date(),
                            as_json, xlsx_path, html_path))


async def _report(
    settings: Settings, texts: Texts, team: str | None, since: date | None, until: date | None,
    as_json: bool, xlsx_path: Path | None, html_path: Path | None,
) -> None:
    async with open_service(settings) as service:
        reports, who = service.reports, operator(service)
        try:
            period = (reports.period(DEFAULT_DAYS) if since is None and until is None
                      else reports.between(since, until))
        except ValueError as exc:
            raise click.BadParameter(texts("term.report.bad_period", detail=exc)) from exc
        try:
            team_id = None if team is None else reports.team_named(who, team).id
        except TeamNotFound as exc:
            names = ", ".join(t.name for t in reports.teams(who)) or "—"
            raise UserError(texts("term.report.bad_team", team=team, teams=names)) \
                from exc
        result = reports.report(who, period, team_id)
        if xlsx_path is not None:
            xlsx_path.write_bytes(xlsx.workbook(texts, result, reports.turns(who, result)))
            click.echo(texts("term.report.written", path=xlsx_path), err=True)
        if html_path is not None:
            page = html.page(texts, result, reports.turns(who, result),
                             charts.report_charts(texts, result))
            html_path.write_text(page, encoding="utf-8")
            click.echo(texts("term.report.written", path=html_path), err=True)
        if as_json:
            click.echo(json.dumps(jsonout.report_json(texts, result), ensure_ascii=False))
            return
        for part in result.teams:
            for line in summary.team_lines(texts, result.period, part, result.previews):
                click.echo(click.style(line.text, bold=line.kind in ("title", "section")))
            click.echo()


@click.command("forget", cls=LocalizedCommand, help="cli.forget")
@click.argument("person", metavar=cli_texts()("cli.forget.metavar"))
def forget(person: str) -> None:
    """Delete a person's personal data on request (help: `cli.forget` in bot/texts)."""
    settings = Settings()
    texts = Texts(settings.language)
    with user_errors(texts):
        asyncio.run(_forget(settings, texts, person))


async def _forget(settings: Settings, texts: Texts, ref: str) -> None:
    async with open_service(settings) as service:
        who = operator(service)
        try:
            target = service.reports.find_person(who, ref)
        except AmbiguousPerson as exc:
            people = "; ".join(_describe(texts, p) for p in exc.people if isinstance(p, Person))
            raise UserError(texts("term.forget.ambiguous", ref=ref, people=people)) \
                from exc
        except PersonNotFound as exc:
            raise UserError(texts("term.forget.not_found", ref=ref)) from exc
        done = service.reports.forget(who, target.id)
        click.echo(texts("term.forget.done", id=target.id, attempts=done.counts.attempts,
                         turns=done.counts.turns))
        if not done.compacted:
            click.echo(texts("term.forget.busy"), err=True)


def _describe(texts: Texts, person: Person) -> str:
    parts = [texts("term.forget.who", id=person.id, name=person.display_name)]
    if person.telegram_id is not None:
        parts.append(texts("term.forget.who_telegram", telegram_id=person.telegram_id))
    if person.terminal_login:
        parts.append(texts("term.forget.who_login", login=person.terminal_login))
    return ", ".join(parts)
