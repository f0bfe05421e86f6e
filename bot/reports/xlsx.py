"""The report as an Excel workbook (openpyxl, write-only: rows are streamed, memory stays flat).

Sheets: «Показатели» (key figures per team, this period and the one before), «Сотрудники»,
«Попытки», «Ответы», «Проверки» (`bot.reports.tables`). Real dates (local time of the report,
`ДД.ММ.ГГГГ ЧЧ:ММ`) and numbers, a bold frozen header row, an autofilter over every table,
column widths. Text is written as text whatever it starts with: a reply "=HYPERLINK(…)" is a
string cell, never a formula; characters XML cannot hold are dropped.

Speed (a company-wide month is ~1.1 million cells, docs/BENCHMARKS.md «HR reports»): openpyxl
writes plain values (numbers, text) faster than cells, so a row is a list of plain values except
where a number format is needed (dates, percentages): there one template cell per column is
reused row after row (openpyxl writes each row as it is appended). A text is checked with
`str.isprintable` first (the pattern of what XML cannot hold only for a text with a line break or
a control character). The sheets are written as UTF-8 (`_utf8_sheets`) and the package is
deflated at level 1.

A big workbook (`SPLIT_TURNS`) uses the machine's second core: the sheets other than the answers
are written by openpyxl in a second process (`_OtherProcess`, `python -m bot.reports.xlsx`) while
this one streams the turns into the answers sheet; openpyxl here then adds their XML under their
part names (`_Package`, our zip file given to openpyxl's `ExcelWriter`, which adds each sheet
from its temporary file with `ZipFile.write`; no openpyxl code is replaced or patched). Both
workbooks register their styles in one order (`_book`), so the
package is the same bytes either way (tests/reports/test_workbook_speed.py compares every part),
and if the second process fails the sheets are written here.
"""

from __future__ import annotations

import io
import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any
from zipfile import ZIP_DEFLATED, ZipFile

import openpyxl.worksheet._writer as _sheet_writer
from openpyxl import LXML, Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.writer.excel import ExcelWriter

from bot.reports.figures import Report
from bot.reports.tables import Column, Table, Value, all_tables
from bot.storage.reports import TurnFact
from bot.texts import Texts

FORMATS = {"percent": "0%", "datetime": "DD.MM.YYYY HH:MM"}
"""Number formats of the cells that need one (other numbers are rounded and shown as they are)."""
ILLEGAL = ILLEGAL_CHARACTERS_RE
"""Characters XML cannot hold (openpyxl's own pattern: it refuses a text with one)."""
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="37474F")
WRAP = Alignment(wrap_text=True, vertical="top")
"""The header row (long texts are not wrapped: styling every cell would triple the time)."""
FIGURES_SHEET = "Показатели"
SPLIT_TURNS = 20_000
"""From this many turns on (the attempts' count), the sheets other than the answers are written
in a second process (`_OtherProcess`); below, starting it (~0.4 s) would cost more than it
saves."""
JOB, OUT, ERR = "job.pickle", "out.txt", "err.txt"
logger = logging.getLogger(__name__)
COMPRESSLEVEL = 1
"""zlib level of the package: level 6 (openpyxl's) took 1.2 s of a company-wide month's ~10 s
for a file a quarter smaller (4.5 vs 5.9 MB of mostly repeated text)."""


def _utf8_sheets() -> None:
    """Let openpyxl's lxml sheet writer encode text as UTF-8, as its other writer (et_xmlfile,
    without lxml) does byte for byte. lxml's `xmlfile` without an encoding writes ASCII, every
    Cyrillic letter as a character reference (`&#1054;`, 7 bytes instead of 2): the answers
    sheet of a company-wide month was 175 MB of XML instead of 77, and deflating it took twice
    as long. A test (tests/reports/test_files.py) reads the sheet bytes; if openpyxl ever
    names its writer differently, nothing is patched and the output is only bigger."""
    if not LXML:
        return
    from lxml import etree

    writer: Any = _sheet_writer
    xmlfile: Callable[..., Any] = etree.xmlfile
    if getattr(writer, "xmlfile", None) is xmlfile:
        writer.xmlfile = partial(xmlfile, encoding="utf-8")


_utf8_sheets()


def workbook(texts: Texts, report: Report, turns: Iterable[TurnFact]) -> bytes:
    """The workbook of `report` (with the stored `turns` of its attempts) as .xlsx bytes."""
    book = _book()
    tables = all_tables(texts, report, turns)
    other: _OtherProcess | None = None
    if sum(a.turns for a in report.attempts) >= SPLIT_TURNS:
        other = _OtherProcess.start([t for t in tables if t.key != "answers"])
    try:
        sheets: dict[str, WriteOnlyWorksheet] = {}
        for table in tables:
            sheet = sheets[table.key] = book.create_sheet(
                FIGURES_SHEET if table.key == "figures" else table.title)
            if other is None or table.key == "answers":
                _write(sheet, table)
        parts: dict[WriteOnlyWorksheet, str] = {}
        if other is not None:
            written = other.finish()
            if written is None:  # the other process failed: the same sheets, written here
                for table in other.tables:
                    _write(sheets[table.key], table)
            else:
                for table, (part, ref) in zip(other.tables, written, strict=True):
                    parts[sheets[table.key]] = part
                    sheets[table.key].auto_filter.ref = ref  # workbook.xml names the range
        out = io.BytesIO()
        # openpyxl's save_workbook, with the package's compression level ours
        book.properties.modified = datetime.now(UTC).replace(tzinfo=None)
        archive = _Package(out, parts)
        ExcelWriter(book, archive).save()  # closes the archive
        return out.getvalue()
    finally:
        if other is not None:
            other.close()


def _book() -> Workbook:
    """A write-only workbook with the styles of every sheet registered in one fixed order (the
    header's, then each of `FORMATS`), so that a sheet written by openpyxl in another process
    refers to the same style numbers as this one."""
    book = Workbook(write_only=True)
    sheet = WriteOnlyWorksheet(book, "styles")  # not in the book: only registers the styles
    header = _header_cell(sheet, "")
    header.style_id  # noqa: B018 (registers the style)
    for number_format in FORMATS.values():
        cell = WriteOnlyCell(sheet)
        cell.number_format = number_format
        cell.style_id  # noqa: B018
    return book


def _header_cell(sheet: WriteOnlyWorksheet, text: str) -> Cell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
    return cell


class _Package(ZipFile):
    """The package's zip (deflated at `COMPRESSLEVEL`), where openpyxl's writer adds each sheet
    part from its temporary file: a sheet written by openpyxl in another process (`parts`: the
    sheet here → that process's file) is added from that file instead of the empty one here.
    (A sheet's part name is known only while openpyxl saves: it numbers the sheets then.)"""

    def __init__(self, out: io.BytesIO, parts: dict[WriteOnlyWorksheet, str]) -> None:
        super().__init__(out, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=COMPRESSLEVEL)
        self.parts = parts

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        for sheet, part in self.parts.items():
            if arcname == sheet.path[1:]:
                filename = part
        super().write(filename, arcname, compress_type, compresslevel)


class _Capture(ZipFile):
    """In the other process: openpyxl's writer saves its workbook here; each sheet's part
    (openpyxl's temporary file) is linked into `folder` as `part-N.xml` instead of being
    deflated, the rest (styles, workbook, a few kB) goes to memory and is dropped."""

    def __init__(self, folder: Path) -> None:
        super().__init__(io.BytesIO(), "w")
        self.folder = folder

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        if isinstance(arcname, str) and arcname.startswith("xl/worksheets/sheet"):
            target = self.folder / arcname.replace("xl/worksheets/sheet", "part-")
            try:
                os.link(filename, target)  # openpyxl removes its own name right after
            except OSError:
                shutil.copyfile(filename, target)
        else:
            super().write(filename, arcname, compress_type, compresslevel)


class _OtherProcess:
    """The sheets of a big workbook other than the answers, written by openpyxl in a second
    process while this one streams the turns into the answers sheet (a company-wide month:
    ~66k answer rows, ~6 s; the other sheets ~3 s).

    Their rows (lists the report already holds, ~3 MB pickled) go to a file in a private
    temporary folder; the other process (`python -m bot.reports.xlsx FOLDER`, this same code)
    appends them to the sheets of a workbook whose styles were registered in the same order
    (`_book`), has openpyxl save it and leaves each sheet's XML as a file, which `_Package`
    adds under this workbook's part name of that sheet. A test compares the packages written
    both ways part by part. If the other process fails, the sheets are written here."""

    def __init__(self, tables: list[Table], folder: Path, child: subprocess.Popen[bytes]) -> None:
        self.tables = tables
        self.folder = folder
        self.child = child

    @classmethod
    def start(cls, tables: list[Table]) -> _OtherProcess | None:
        folder = Path(tempfile.mkdtemp(prefix="roleplay-xlsx-"))
        tables = [Table(t.key, t.title, t.columns, list(t.rows)) for t in tables]
        try:
            with (folder / JOB).open("wb") as job:
                pickle.dump([(FIGURES_SHEET if t.key == "figures" else t.title, t)
                             for t in tables], job, pickle.HIGHEST_PROTOCOL)
            root = str(Path(__file__).resolve().parents[2])  # this code, whatever is installed
            env = {**os.environ, "PYTHONPATH": os.pathsep.join(
                [root, *filter(None, [os.environ.get("PYTHONPATH")])])}
            with (folder / OUT).open("wb") as out, (folder / ERR).open("wb") as err:
                child = subprocess.Popen([sys.executable, "-m", "bot.reports.xlsx", str(folder)],
                                         env=env, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=err)
        except OSError as exc:  # no second process (no interpreter to start, no /tmp space)
            shutil.rmtree(folder, ignore_errors=True)
            logger.warning("the sheets are written in this process: %s", exc)
            return None
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return cls(tables, folder, child)

    def finish(self) -> list[tuple[str, str]] | None:
        """Wait for the other process: per table, its sheet's XML file and filter range; None
        if it failed (logged)."""
        code = self.child.wait()
        parts = [self.folder / f"part-{n}.xml" for n in range(1, len(self.tables) + 1)]
        refs = (self.folder / OUT).read_text().split()
        if code == 0 and all(p.exists() for p in parts) and len(refs) == len(parts):
            return [(str(p), ref) for p, ref in zip(parts, refs, strict=True)]
        err = (self.folder / ERR).read_text(errors="replace")[-2000:]
        logger.warning("the sheets were written in this process: the other one exited "
                       "with %s: %s", code, err)
        return None

    def close(self) -> None:
        if self.child.poll() is None:
            self.child.kill()
            self.child.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _other_process(folder: Path) -> None:
    """`python -m bot.reports.xlsx FOLDER`: the sheets of `_OtherProcess` (FOLDER's job), their
    XML left in FOLDER; prints each sheet's filter range."""
    with (folder / JOB).open("rb") as job:
        tables: list[tuple[str, Table]] = pickle.load(job)
    book = _book()
    sheets = []
    for title, table in tables:
        sheets.append(book.create_sheet(title))
        _write(sheets[-1], table)
    ExcelWriter(book, _Capture(folder)).save()
    print(*[sheet.auto_filter.ref for sheet in sheets])


def _write(sheet: WriteOnlyWorksheet, table: Table) -> None:
    columns = table.columns
    for i, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.freeze_panes = "A2"
    sheet.append([_header_cell(sheet, column.header) for column in columns])
    templates = [_template(sheet, column) for column in columns]
    formatted = [(i, t) for i, t in enumerate(templates) if t is not None]
    width = len(columns)
    every = range(width)
    count = 0
    for values in table.rows:
        # per cell, the common case inline (~1.1 million cells in a company-wide month): a
        # number as it is, a text as it is unless it is empty, starts with `=` or holds a
        # character `isprintable` refuses (a line break, a tab, a control character: then
        # `_text` looks for what XML cannot hold)
        row: list[object] = list(values)
        if len(row) != width:
            raise ValueError(f"a row of {table.key} has {len(row)} values for {width} columns")
        for i in every:
            value = row[i]
            if isinstance(value, str) and (
                    not value or value[0] == "=" or not value.isprintable()):
                row[i] = _text(sheet, value)
        for i, template in formatted:
            value = row[i]
            if isinstance(value, int | float | datetime):
                row[i] = _formatted(template, value)
        sheet.append(row)
        count += 1
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"


def _template(sheet: WriteOnlyWorksheet, column: Column) -> Cell | None:
    """The cell a column's numbers are written through when they need a number format (dates,
    percentages), reused row after row; None: numbers are appended as plain values."""
    number_format = FORMATS.get(column.kind)
    if number_format is None:
        return None
    template = WriteOnlyCell(sheet)
    template.number_format = number_format
    return template


def _text(sheet: WriteOnlyWorksheet, text: str) -> object:
    """A text that is empty (no cell), holds characters XML cannot (dropped) or would read as a
    formula (a string cell: never a formula)."""
    if ILLEGAL.search(text):
        text = ILLEGAL.sub("", text)
    if text == "":
        return None  # an empty cell costs openpyxl nothing to write
    if text.startswith("="):
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def _formatted(template: Cell, value: Value) -> Cell:
    """A number or date in its column's template cell: openpyxl writes the cell when the row is
    appended, before the next row sets the value again."""
    template.value = value
    return template


__all__ = ["workbook"]

if __name__ == "__main__":
    _other_process(Path(sys.argv[1]))
