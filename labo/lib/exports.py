"""Tables as CSV (for Excel in French: semicolons, UTF-8 with BOM) or XLSX.

Whatever text is stored, the file is built: control characters are removed (openpyxl
refuses them), and no cell is read as a formula. In XLSX a cell's type says so (a text
cell holds the text as typed, dates are dates); CSV has no types, so a text a spreadsheet
would run as a formula starts with an apostrophe there (CSV injection)."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from labo.lib.text import clean_text, one_line

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Excel's limits: a cell holds 32,767 characters, a sheet's name 31 and none of these.
MAX_CELL = 32_767
MAX_SHEET_NAME = 31
SHEET_NAME_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def _csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, str):
        value = clean_text(value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: object, *, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet)
        # Set as text: openpyxl would take a leading "=" for a formula.
        cell.value = clean_text(value)[:MAX_CELL]
        cell.data_type = TYPE_STRING
    elif value is None or isinstance(value, int | float | datetime.date | datetime.time):
        cell = WriteOnlyCell(sheet, value=value)
    else:
        cell = WriteOnlyCell(sheet)
        cell.value = clean_text(str(value))[:MAX_CELL]
        cell.data_type = TYPE_STRING
    if bold:
        cell.font = Font(bold=True)
    return cell


def sheet_title(title: str) -> str:
    """A name Excel accepts for a sheet."""
    return one_line(title.translate(SHEET_NAME_FORBIDDEN))[:MAX_SHEET_NAME].strip("' ") or "Sheet"


def table_response(
    rows: Iterable[Sequence],
    header: Sequence[str],
    *,
    fmt: str,
    filename: str,
    sheet: str = "",
) -> HttpResponse:
    if fmt == "xlsx":
        workbook = Workbook(write_only=True)
        worksheet = workbook.create_sheet(title=sheet_title(sheet or filename))
        worksheet.append([_xlsx_cell(worksheet, v, bold=True) for v in header])
        for row in rows:
            worksheet.append([_xlsx_cell(worksheet, v) for v in row])
        binary = io.BytesIO()
        workbook.save(binary)
        response = HttpResponse(
            binary.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        text = io.StringIO()
        writer = csv.writer(text, delimiter=";")
        writer.writerow([_csv_cell(v) for v in header])
        writer.writerows([_csv_cell(v) for v in row] for row in rows)
        response = HttpResponse("\ufeff" + text.getvalue(), content_type="text/csv; charset=utf-8")
    name = one_line(filename).replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
