"""What the company-wide workbook does to be written in time (docs/BENCHMARKS.md «HR reports»)
changes nothing in the file: the answers sheet written by openpyxl in a second process is the
same package byte for byte, also when that process fails; a text is checked as before."""

from __future__ import annotations

import io
import logging
import sys
import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from report_helpers import World

from bot.app import App
from bot.reports import tables, xlsx
from bot.texts import Texts

ADMIN = 900
FORMULA = '=HYPERLINK("https://example.org/x","нажми")'


def _parts(book: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(book)) as package:
        return {n: package.read(n) for n in package.namelist() if n != "docProps/core.xml"}


def _book(app: App, monkeypatch: pytest.MonkeyPatch, split: bool) -> bytes:
    reports = app.service.reports
    admin = app.service.people.identify(ADMIN)
    report = reports.report(admin, reports.period(30))
    monkeypatch.setattr(xlsx, "SPLIT_TURNS", 0 if split else 10**9)
    return xlsx.workbook(Texts(), report, reports.turns(admin, report))


async def test_sheets_written_by_another_process_make_the_same_package(
        app: App, world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Every part of the package, each sheet's XML included, is the same bytes whether the
    sheets other than the answers were written here or by openpyxl in the other process
    (`xlsx._OtherProcess`); its temporary folder is gone afterwards."""
    here = _parts(_book(app, monkeypatch, split=False))
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    there = _parts(_book(app, monkeypatch, split=True))
    assert list((tmp_path / "tmp").iterdir()) == []
    assert there.keys() == here.keys()
    assert [n for n in here if here[n] != there[n]] == []
    assert all(here[f"xl/worksheets/sheet{n}.xml"].count(b"<row ") > 1 for n in range(1, 6))
    assert "Ответ сотрудника".encode() in here["xl/worksheets/sheet4.xml"]


async def test_a_failing_other_process_leaves_the_sheet_to_this_one(
        app: App, world: World, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    here = _parts(_book(app, monkeypatch, split=False))
    monkeypatch.setattr(sys, "executable", "/bin/false")  # the other process exits with 1
    with caplog.at_level(logging.WARNING, logger="bot.reports.xlsx"):
        there = _parts(_book(app, monkeypatch, split=True))
    assert there == here
    assert "written in this process" in caplog.text


async def test_no_other_process_to_start_leaves_the_sheets_to_this_one(
        app: App, world: World, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    here = _parts(_book(app, monkeypatch, split=False))
    monkeypatch.setattr(sys, "executable", str(tmp_path / "no-python"))
    with caplog.at_level(logging.WARNING, logger="bot.reports.xlsx"):
        there = _parts(_book(app, monkeypatch, split=True))
    assert there == here
    assert "written in this process" in caplog.text


def _sheet(table: tables.Table) -> list[tuple[Any, ...]]:
    book = xlsx._book()
    sheet = book.create_sheet(table.title)
    try:
        xlsx._write(sheet, table)
    finally:
        sheet.close()  # also when a row was refused: openpyxl's stream ends in order
    out = io.BytesIO()
    book.save(out)
    return list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))


def test_texts_are_written_as_text_whatever_they_hold() -> None:
    """The per-cell check (`isprintable` first, the XML pattern only then): a formula stays
    text, characters XML cannot hold are dropped, line breaks and tabs are kept, an empty text
    is no cell; numbers and dates as they are."""
    columns = (tables.Column("Текст", "text", 10), tables.Column("Когда", "datetime", 10),
               tables.Column("Число", "int", 10))
    when = datetime(2026, 3, 1, 9, 30)
    rows: list[list[tables.Value]] = [
        [FORMULA, when, 1], ["две\nстроки\tи таб", None, 2], ["звон\x07ок\x00", when, None],
        ["", None, 3], ["\xa0неразрывный пробел", when, 4]]
    values = _sheet(tables.Table("t", "Лист", columns, rows))
    assert values[1:] == [
        (FORMULA, when, 1), ("две\nстроки\tи таб", None, 2), ("звонок", when, None),
        (None, None, 3), ("\xa0неразрывный пробел", when, 4)]


def test_a_row_of_the_wrong_width_is_refused() -> None:
    columns = (tables.Column("Текст", "text", 10), tables.Column("Число", "int", 10))
    with pytest.raises(ValueError, match="2 columns"):
        _sheet(tables.Table("t", "Лист", columns, [["один", 1, "лишнее"]]))


async def test_the_standards_phrase_is_on_the_team_rows_of_each_check(
        app: App, world: World) -> None:
    """«Проверки»: the phrase once per check of a team (on «Вся команда»), not on each
    person's row of that check, and every person's check has its team row."""
    reports = app.service.reports
    admin = app.service.people.identify(ADMIN)
    report = reports.report(admin, reports.period(30))
    texts = Texts()
    table = tables.checks_table(texts, report)
    rows = [list(r) for r in table.rows]
    whole = texts("xlsx.whole_team")
    team_rows = {(r[0], r[3]): r for r in rows if r[1] == whole}
    person_rows = [r for r in rows if r[1] != whole]
    assert person_rows and all(r[8] is None for r in person_rows)
    assert all((r[0], r[3]) in team_rows for r in person_rows)
    phrases = {check: spec.recommended for check, spec in report.check_info.items()}
    assert any(r[8] for r in team_rows.values())
    assert all(r[8] == (phrases.get(r[3]) or None) for r in team_rows.values())
