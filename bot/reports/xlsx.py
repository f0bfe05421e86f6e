"""The report as an Excel workbook (openpyxl, write-only: rows are streamed, memory stays flat).

Sheets: «Показатели» (key figures per team, this period and the one before), «Сотрудники»,
«Попытки», «Ответы», «Проверки» (`bot.reports.tables`). Real dates (local time of the report,
`ДД.ММ.ГГГГ ЧЧ:ММ`) and numbers, a bold frozen header row, an autofilter over every table,
column widths. Text is written as text whatever it starts with: a reply "=HYPERLINK(…)" is a
string cell, never a formula; characters XML cannot hold are dropped.

Speed (a company-wide month is ~1.1 million cells, docs/BENCHMARKS.md «HR reports»): openpyxl
writes plain values (numbers, text) faster than cells, so a row is a list of plain values except
where a number format is needed (dates, percentages): there one template cell per column is
reused row after row (openpyxl writes each row as it is appended). The sheets are written as
UTF-8 (`_utf8_sheets`) and the package is deflated at level 1.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import pickle
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
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
"""From this many turns on (the attempts' count), the answers sheet is written in a second
process (`_OtherProcess`); below, starting it (~0.3 s) would cost more than it saves."""
BATCH = 1000
ROWS, SHEET, OUT, ERR = "rows.pickle", "sheet.xml", "out.txt", "err.txt"
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
        other = _OtherProcess.start(next(t for t in tables if t.key == "answers"))
    try:
        parts: dict[WriteOnlyWorksheet, str] = {}
        later: WriteOnlyWorksheet | None = None
        for table in tables:
            sheet = book.create_sheet(FIGURES_SHEET if table.key == "figures" else table.title)
            if other is not None and table is other.table:
                later = sheet  # written by the other process
            else:
                _write(sheet, table)
        if other is not None and later is not None:
            written = other.finish()
            if written is None:  # the other process failed: the same sheet, written here
                _write(later, other.table_here())
            else:
                parts[later], later.auto_filter.ref = written
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
    """In the other process: openpyxl's writer saves a workbook of one sheet here; the sheet's
    part (openpyxl's temporary file) is linked to `target` instead of being deflated, the rest
    (styles, workbook, a few kB) goes to memory and is dropped."""

    def __init__(self, target: Path) -> None:
        super().__init__(io.BytesIO(), "w")
        self.target = target

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        if isinstance(arcname, str) and arcname.startswith("xl/worksheets/"):
            try:
                os.link(filename, self.target)  # openpyxl removes its own name right after
            except OSError:
                shutil.copyfile(filename, self.target)
        else:
            super().write(filename, arcname, compress_type, compresslevel)


class _OtherProcess:
    """The answers sheet of a big workbook written by openpyxl in a second process, while this
    one writes the other sheets (a company-wide month: ~66k rows, ~5.5 of ~10 s of CPU).

    Its rows are made here (the turns come through this process's connection) and pickled to
    a file in a private temporary folder; the other process (`python -m bot.reports.xlsx`,
    the same code) appends them to a sheet of a workbook whose styles were registered in the
    same order (`_book`), has openpyxl save it and leaves the sheet's XML as a file, which
    `_Package` adds under this workbook's part name. A test compares the two workbooks part by
    part. If the other process fails, the sheet is written here from the same file."""

    def __init__(self, table: Table, folder: Path, child: subprocess.Popen[bytes]) -> None:
        self.table = table
        self.folder = folder
        self.child = child

    @classmethod
    def start(cls, table: Table) -> _OtherProcess:
        folder = Path(tempfile.mkdtemp(prefix="roleplay-xlsx-"))
        root = str(Path(__file__).resolve().parents[2])  # this code, whatever is installed
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            [root, *filter(None, [os.environ.get("PYTHONPATH")])])}
        with (folder / OUT).open("wb") as out, (folder / ERR).open("wb") as err:
            child = subprocess.Popen(  # starts (imports) while the rows are made
                [sys.executable, "-m", "bot.reports.xlsx", str(folder)], env=env,
                stdin=subprocess.PIPE, stdout=out, stderr=err)
        other = cls(table, folder, child)
        try:
            with (folder / ROWS).open("wb") as rows:
                batch: list[list[Value]] = []
                for row in table.rows:
                    batch.append(row)
                    if len(batch) == BATCH:
                        pickle.dump(batch, rows, pickle.HIGHEST_PROTOCOL)
                        batch = []
                if batch:
                    pickle.dump(batch, rows, pickle.HIGHEST_PROTOCOL)
            job = (table.key, table.title, table.columns)
            assert child.stdin is not None
            child.stdin.write(pickle.dumps(job, pickle.HIGHEST_PROTOCOL))
            child.stdin.close()
        except BrokenPipeError:
            pass  # the other process died: `finish` says so
        except BaseException:
            other.close()
            raise
        return other

    def finish(self) -> tuple[str, str] | None:
        """Wait for the other process: (its sheet's XML file, the sheet's filter range), or
        None if it failed (logged)."""
        code = self.child.wait()
        part = self.folder / SHEET
        if code == 0 and part.exists():
            return str(part), (self.folder / OUT).read_text().strip()
        err = (self.folder / ERR).read_text(errors="replace")[-2000:]
        logger.warning("the answers sheet was written in this process: the other one "
                       "exited with %s: %s", code, err)
        return None

    def table_here(self) -> Table:
        return Table(self.table.key, self.table.title, self.table.columns,
                     _rows_from(self.folder / ROWS))

    def close(self) -> None:
        if self.child.stdin is not None and not self.child.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                self.child.stdin.close()
        if self.child.poll() is None:
            self.child.kill()
            self.child.wait()
        shutil.rmtree(self.folder, ignore_errors=True)


def _rows_from(path: Path) -> Iterator[list[Value]]:
    with path.open("rb") as rows:
        while True:
            try:
                batch = pickle.load(rows)
            except EOFError:
                return
            yield from batch


def _other_process(folder: Path) -> None:
    """`python -m bot.reports.xlsx FOLDER`: the sheet of `_OtherProcess` (the job on stdin, the
    rows in FOLDER), its XML left in FOLDER; prints the sheet's filter range."""
    key, title, columns = pickle.loads(sys.stdin.buffer.read())
    book = _book()
    sheet = book.create_sheet(title)
    _write(sheet, Table(key, title, columns, _rows_from(folder / ROWS)))
    ExcelWriter(book, _Capture(folder / SHEET)).save()
    print(sheet.auto_filter.ref)


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
