"""The report as an Excel workbook (openpyxl, write-only: rows are streamed, memory stays flat).

Sheets: «Показатели» (key figures per team, this period and the one before), «Сотрудники»,
«Попытки», «Ответы», «Проверки» (`bot.reports.tables`). Real dates (local time of the report,
`ДД.ММ.ГГГГ ЧЧ:ММ`) and numbers, a bold frozen header row, an autofilter over every table,
column widths. Text is written as text whatever it starts with: a reply "=HYPERLINK(…)" is a
string cell, never a formula; characters XML cannot hold are dropped.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bot.reports.figures import Report
from bot.reports.tables import Column, Table, Value, all_tables
from bot.storage.reports import TurnFact
from bot.texts import Texts

FORMATS = {"percent": "0%", "datetime": "DD.MM.YYYY HH:MM"}
"""Number formats of the cells that need one (other numbers are rounded and shown as they are)."""
ILLEGAL = ILLEGAL_CHARACTERS_RE
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="37474F")
WRAP = Alignment(wrap_text=True, vertical="top")
"""The header row (long texts are not wrapped: styling every cell would triple the time)."""
FIGURES_SHEET = "Показатели"


def workbook(texts: Texts, report: Report, turns: Iterable[TurnFact]) -> bytes:
    """The workbook of `report` (with the stored `turns` of its attempts) as .xlsx bytes."""
    book = Workbook(write_only=True)
    for table in all_tables(texts, report, turns):
        title = FIGURES_SHEET if table.key == "figures" else table.title
        _write(book.create_sheet(title), table)
    out = io.BytesIO()
    book.save(out)
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
    count = 0
    for row in table.rows:
        sheet.append([_cell(sheet, c, v) for c, v in zip(columns, row, strict=True)])
        count += 1
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{count + 1}"


def _cell(sheet: WriteOnlyWorksheet, column: Column, value: Value) -> object:
    """A plain value where openpyxl writes it right by itself (the fast path: most cells);
    a styled cell only for dates and percentages, and text that would read as a formula."""
    if value is None or value == "":
        return None  # an empty cell costs openpyxl nothing to write
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value) if ILLEGAL.search(value) else value
        if text.startswith("="):
            cell = WriteOnlyCell(sheet, value=text)
            cell.data_type = "s"  # never a formula
            return cell
        return text
    number_format = FORMATS.get(column.kind)
    if number_format is None:
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


__all__ = ["workbook"]
