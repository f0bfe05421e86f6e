"""The workbook and the page: read back with openpyxl and an independent reader (calamine),
rendered in a real headless Chromium; their figures agree with `--json` and a hand count."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import canonicalize

import openpyxl
import pytest
from browser import evaluate_page
from python_calamine import CalamineWorkbook
from report_helpers import TEAM_A, Played, World, hand_count
from test_figures import cli_json, roleplay

from bot.app import App

SHEETS = ["Показатели", "Сотрудники", "Попытки", "Ответы", "Проверки"]
FORMULA = '=HYPERLINK("https://example.org/x","нажми")'
PAGE_FACTS = """(() => ({
  images: Array.from(document.images).map(i => [i.complete, i.naturalWidth, i.naturalHeight]),
  tables: Object.fromEntries(Array.from(document.querySelectorAll('table[id]'))
            .map(t => [t.id, t.tBodies[0].rows.length])),
  figures: Object.fromEntries(Array.from(document.querySelectorAll('tr[data-figure]'))
            .map(r => [r.dataset.figure, r.cells[1].innerText.trim()])),
  people: Array.from(document.querySelectorAll('#people tbody tr'))
            .map(r => Array.from(r.cells).map(c => c.innerText.trim())),
  title: document.title,
  tableHeight: document.querySelector('#attempts').getBoundingClientRect().height,
}))()"""


@pytest.fixture
async def files(app: App, world: World, env: dict[str, str], tmp_path: Path) -> dict[str, Any]:
    """A reply that looks like a formula, then team A's workbook, page and JSON from the CLI."""
    view = await app.service.start(world.people["Борис Петров"], "hold_request", "training",
                                   "telegram", 1)
    boris = world.people["Борис Петров"]
    turn = await app.service.answer(view.attempt_id, FORMULA, person_id=boris)
    extra = Played(view.attempt_id, boris, "hold_request", "abandoned", None, False,
                   replies=[FORMULA])
    if turn.final is None:
        await app.service.abandon(view.attempt_id, person_id=boris)
    else:
        extra.status, extra.score, extra.passed = "finished", turn.final.card.score, \
            turn.final.card.passed
    world.played.append(extra)
    book, page = tmp_path / "report.xlsx", tmp_path / "report.html"
    result = await roleplay(env, "report", "--team", TEAM_A, "--xlsx", str(book),
                            "--html", str(page))
    assert result.exit_code == 0, result.output
    return {"xlsx": book, "html": page, "json": await cli_json(env, "--team", TEAM_A)}


def _rows(sheet: Any) -> list[dict[str, Any]]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


async def test_workbook_reads_back_with_openpyxl(files: dict[str, Any], world: World) -> None:
    book = openpyxl.load_workbook(files["xlsx"])
    assert book.sheetnames == SHEETS
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, sheet.max_column).column_letter}" \
                                        f"{sheet.max_row}", sheet.title
        assert all(c.font.bold for c in sheet[1]), sheet.title
        assert sheet.column_dimensions["A"].width > 8, sheet.title
    data = files["json"]
    people = {r["Сотрудник"]: r for r in _rows(book["Сотрудники"])}
    for person in data["people"]:
        row = people[person["name"]]
        assert (row["Попыток"], row["Завершено"], row["Зачётов"]) == (
            person["attempts"], person["completed"], person["passed"])
        assert (row["Первый балл"], row["Лучший балл"]) == (person["first_score"],
                                                            person["best_score"])
        assert row["Средний балл"] == person["avg_score"]
    attempts = _rows(book["Попытки"])
    assert len(attempts) == data["figures"]["attempts"] == 8
    assert all(isinstance(a["Начата"], datetime) for a in attempts)
    assert all(isinstance(a["Балл"], int) for a in attempts if a["Статус"] == "завершена")
    assert book["Попытки"]["B2"].number_format == "DD.MM.YYYY HH:MM"
    team_a = [p for p in world.played if p.person_id != world.people["Глеб Орлов"]]
    expected = hand_count(team_a, total_people=4)
    finished = [a for a in attempts if a["Статус"] == "завершена"]
    assert len(finished) == expected["completed"]
    assert sum(a["Зачёт"] == "да" for a in finished) == expected["passed"]
    answers = _rows(book["Ответы"])
    assert len(answers) == sum(len(p.replies) for p in team_a)
    formula = [c for c in book["Ответы"]["H"] if c.value == FORMULA]
    assert formula and formula[0].data_type == "s"  # text, never a formula
    checks = {(r["Сотрудник"], r["Код проверки"]): r for r in _rows(book["Проверки"])}
    for check in data["checks"]:
        row = checks[("Вся команда", check["check"])]
        assert (row["Пропущено (нарушено)"], row["Из"]) == (check["missed"], check["graded"])


async def test_workbook_sheets_are_utf8(files: dict[str, Any]) -> None:
    """openpyxl's lxml writer is told to write UTF-8 (`xlsx._utf8_sheets`): the Russian text is
    in the sheets as it is, not as a character reference per letter (2.3 times the bytes)."""
    with zipfile.ZipFile(files["xlsx"]) as book:
        sheets = [book.read(n) for n in book.namelist() if n.startswith("xl/worksheets/")]
    assert len(sheets) == len(SHEETS)
    assert all(b"&#" not in sheet for sheet in sheets)
    assert "Ответ сотрудника".encode() in b"".join(sheets)


AWKWARD_SHEET = """
import io, sys, zipfile
from datetime import datetime
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
if sys.argv[1:] == ["utf8"]:
    import bot.reports.xlsx  # noqa: F401 (the UTF-8 sheet writer, when lxml is there)
book = Workbook(write_only=True)
sheet = book.create_sheet("Лист")
date = WriteOnlyCell(sheet, value=datetime(2026, 3, 1, 9, 30))
date.number_format = "DD.MM.YYYY HH:MM"
sheet.append(["Ёлка — ёж", " пробел ", "<a & b>", "эмодзи 🙂", 1, 2.5, None, date, "=1+1"])
out = io.BytesIO()
book.save(out)
sys.stdout.buffer.write(zipfile.ZipFile(out).read("xl/worksheets/sheet1.xml"))
"""


def test_utf8_sheet_writer_writes_what_openpyxl_writes() -> None:
    """openpyxl's lxml writer told to write UTF-8 writes the same XML as it does untold (where
    every Cyrillic letter is a character reference) and as its writer without lxml
    (et_xmlfile, UTF-8, which only spells empty elements `<v />`): only the encoding changed."""
    def sheet(lxml: bool, *args: str) -> bytes:
        env = {**os.environ, "OPENPYXL_LXML": str(lxml)}
        return subprocess.run([sys.executable, "-c", AWKWARD_SHEET, *args], env=env,
                              check=True, capture_output=True,
                              cwd=Path(__file__).parents[2]).stdout

    utf8, ascii_refs, no_lxml = sheet(True, "utf8"), sheet(True), sheet(False, "utf8")
    assert "Ёлка — ёж".encode() in utf8 and b"&#" not in utf8
    assert b"&#1025;" in ascii_refs  # «Ё» as openpyxl writes it with lxml, untold
    assert len(utf8) < len(ascii_refs)
    assert canonicalize(utf8.decode()) == canonicalize(ascii_refs.decode()) \
        == canonicalize(no_lxml.decode())


async def test_workbook_reads_back_with_calamine(files: dict[str, Any]) -> None:
    book = CalamineWorkbook.from_path(str(files["xlsx"]))
    assert book.sheet_names == SHEETS
    attempts = book.get_sheet_by_name("Попытки").to_python()
    header, rows = attempts[0], attempts[1:]
    assert header[:3] == ["Попытка №", "Начата", "Завершена"]
    assert len(rows) == files["json"]["figures"]["attempts"]
    assert all(isinstance(r[1], datetime) for r in rows)
    people = book.get_sheet_by_name("Сотрудники").to_python()
    names = {r[1] for r in people[1:]}
    assert names == {p["name"] for p in files["json"]["people"]}
    answers = book.get_sheet_by_name("Ответы").to_python()
    assert answers[0][7] == "Ответ сотрудника" and FORMULA in [r[7] for r in answers[1:]]


async def test_page_renders_in_headless_chromium(files: dict[str, Any], tmp_path: Path) -> None:
    text = files["html"].read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(?!data:)[a-z]+:""", text)
    assert "url(" not in text and "<script" not in text
    shown = await evaluate_page(files["html"], PAGE_FACTS, tmp_path / "profile",
                                screenshot=tmp_path / "page.png")
    facts = shown["value"]
    assert [u for u in shown["requests"] if not u.startswith(("file:", "data:"))] == []
    assert len(facts["images"]) == 3
    assert all(complete and width > 0 and height > 0 for complete, width, height in
               facts["images"])
    data = files["json"]
    assert facts["tables"]["attempts"] == data["figures"]["attempts"]
    assert facts["tables"]["people"] == len(data["people"])
    assert facts["tables"]["answers"] > 0 and facts["tableHeight"] > 100
    assert facts["figures"]["attempts"] == str(data["figures"]["attempts"])
    assert facts["figures"]["people_active"] == str(data["figures"]["people_active"])
    assert facts["figures"]["pass_rate"] == f"{round(100 * data['figures']['pass_rate'])}%"
    assert facts["figures"]["avg_score"] == str(data["figures"]["avg_score"]).replace(".", ",") \
        .removesuffix(",0")
    by_name = {row[1]: row for row in facts["people"]}
    for person in data["people"]:
        assert by_name[person["name"]][2] == str(person["attempts"])
    assert (tmp_path / "page.png").stat().st_size > 10_000
