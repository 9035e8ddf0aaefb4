"""Reading the HR list of people from a CSV or XLSX file into rows of text."""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

# Header spellings accepted for each field, compared without accents or case.
HEADERS: dict[str, tuple[str, ...]] = {
    "last_name": ("nom", "nom de famille", "last name", "last_name"),
    "first_name": ("prénom", "first name", "first_name"),
    "email": ("email", "e-mail", "courriel", "mail", "adresse electronique"),
    "grade": ("grade", "categorie", "category"),
    "direction": ("direction",),
    "job_title": ("poste", "fonction", "job title", "job_title"),
    "domain_profile": ("profil", "profil metier", "domain_profile"),
    "skills": ("competences", "skills"),
    "appetites": ("appetences", "envies", "appetites"),
    "joined_on": ("date d'arrivee", "arrivee", "date arrivee", "joined_on"),
    "is_active": ("actif", "active", "is_active"),
}
REQUIRED = ("last_name", "first_name", "email")
# The known columns and room for those an HR tool adds; past this the file is refused
# rather than read (a sheet a thousand columns wide took minutes).
MAX_COLUMNS = 50


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message is for the user."""


@dataclass
class ParsedFile:
    rows: list[dict[str, str]]
    line_numbers: list[int]
    ignored_columns: list[str] = field(default_factory=list)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.strip().lower())
    return "".join(c for c in text if not unicodedata.combining(c)).replace("’", "'")


_LOOKUP = {_fold(spelling): name for name, spellings in HEADERS.items() for spelling in spellings}


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _bounded(rows: Iterator[list[str]]) -> list[list[str]]:
    """The rows, read no further than one past the most a file may hold (the header and
    the people; blank rows count only when there are far too many)."""
    most = settings.LABO_IMPORT_MAX_ROWS + 1
    table, filled = [], 0
    for row in rows:
        table.append(row)
        filled += any(row)
        if filled > most or len(table) > 10 * most:
            raise ImportFileError(
                _("Too many rows: at most %(max)d people per file.")
                % {"max": settings.LABO_IMPORT_MAX_ROWS}
            )
    return table


def _table_from_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything
        raise ImportFileError(_("The file is not readable text (expected UTF-8 or Windows-1252)."))
    if "\x00" in text:
        raise ImportFileError(_("The file is not a CSV text file."))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        dialect = type("Fallback", (csv.excel,), {"delimiter": delimiter})
    try:
        rows = csv.reader(io.StringIO(text), dialect)
        return _bounded([cell.strip() for cell in row[: MAX_COLUMNS + 1]] for row in rows)
    except csv.Error as error:
        raise ImportFileError(
            _("The CSV file is malformed: %(error)s") % {"error": error}
        ) from error


def _table_from_xlsx(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise ImportFileError(_("The file is not a readable XLSX workbook.")) from error
    try:
        sheet = workbook.worksheets[0]
        # The sheet's declared size is not to be trusted: the width is bounded here, the
        # height by _bounded.
        rows = sheet.iter_rows(max_col=MAX_COLUMNS + 1, values_only=True)
        return _bounded([_cell_text(value) for value in row] for row in rows)
    finally:
        workbook.close()


def parse(filename: str, data: bytes) -> ParsedFile:
    """Turn an uploaded file into rows keyed by field name, with their line numbers."""
    lowered = filename.lower()
    if lowered.endswith(".xlsx"):
        table = _table_from_xlsx(data)
    elif lowered.endswith((".csv", ".txt")):
        table = _table_from_csv(data)
    else:
        raise ImportFileError(_("Unsupported file type: send a .csv or .xlsx file."))

    numbered = [(n, row) for n, row in enumerate(table, start=1) if any(cell for cell in row)]
    if not numbered:
        raise ImportFileError(_("The file is empty."))
    header = numbered[0][1]
    if any(cell for cell in header[MAX_COLUMNS:]):
        raise ImportFileError(
            _("Too many columns: at most %(max)d per file.") % {"max": MAX_COLUMNS}
        )
    columns: list[str | None] = []
    ignored: list[str] = []
    for title in header:
        name = _LOOKUP.get(_fold(title))
        if name is not None and name in columns:
            raise ImportFileError(_("The column “%(column)s” appears twice.") % {"column": title})
        columns.append(name)
        if name is None and title:
            ignored.append(title)
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        labels = ", ".join(HEADERS[name][0] for name in missing)
        raise ImportFileError(_("Missing required columns: %(columns)s.") % {"columns": labels})

    body = numbered[1:]
    if len(body) > settings.LABO_IMPORT_MAX_ROWS:
        raise ImportFileError(
            _("Too many rows: at most %(max)d people per file.")
            % {"max": settings.LABO_IMPORT_MAX_ROWS}
        )
    rows, lines = [], []
    for line, cells in body:
        row = {name: "" for name in HEADERS}
        for name, cell in zip(columns, cells, strict=False):
            if name is not None:
                row[name] = cell
        rows.append(row)
        lines.append(line)
    return ParsedFile(rows=rows, line_numbers=lines, ignored_columns=ignored)
