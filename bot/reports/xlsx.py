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

import io
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
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
    book = Workbook(write_only=True)
    for table in all_tables(texts, report, turns):
        title = FIGURES_SHEET if table.key == "figures" else table.title
        _write(book.create_sheet(title), table)
    out = io.BytesIO()
    # openpyxl's save_workbook, with the package's compression level ours
    book.properties.modified = datetime.now(UTC).replace(tzinfo=None)
    archive = ZipFile(out, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=COMPRESSLEVEL)
    ExcelWriter(book, archive).save()  # closes the archive
    return out.getvalue()


def _write(sheet: WriteOnlyWorksheet, table: Table) -> None:
    columns = table.columns
    for i, column in enumerate(columns, 1):
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.freeze_panes = "A2"
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, WRAP
        header.append(cell)
    sheet.append(header)
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
        row = list(values)
        if len(row) != width:
            raise ValueError(f"a row of {table.key} has {len(row)} values for {width} columns")
        for i in every:
            value = row[i]
            if isinstance(value, str) and (
                    not value or value[0] == "=" or not value.isprintable()):
                row[i] = _text(sheet, value)
        for i, template in formatted:
            value = row[i]
            if value is not None and not isinstance(value, str):
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
