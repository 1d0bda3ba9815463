"""How a number is written in the project's exports, one way per format.

CSV files are for a French spreadsheet (Excel opens them with ``;`` between cells): a decimal
number takes a comma, ``12,5``. XLSX cells hold real numbers, never text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_number(value: Decimal | float | int) -> str:
    """``Decimal("12.50")`` → ``"12,50"``; integers unchanged; no thousands separator."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        value = Decimal(str(value))
    return format(value, "f").replace(".", ",") if isinstance(value, Decimal) else str(value)


def xlsx_number(value: Decimal | float | int) -> float | int:
    """A Decimal becomes a float: a number the spreadsheet sums, not a text cell."""
    return float(value) if isinstance(value, Decimal) else value


FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    """A text cell that a spreadsheet would run as a formula (=, +, -, @…) becomes plain text."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


# -- Responses: a table (header, rows) as a CSV or XLSX download ------------------------------


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Decimal | float) and not isinstance(value, bool):
        return csv_number(value)
    return str(value) if isinstance(value, int) else neutralise(str(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(header: list[str], rows: Iterable[list], filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo(), delimiter=";")

    def stream() -> Iterator[str]:
        yield "\ufeff" + writer.writerow(header)  # BOM: Excel reads the accents right
        for row in rows:
            yield writer.writerow([_csv_cell(value) for value in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_cell(value):
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return xlsx_number(value)
    return neutralise(value)


def xlsx_response(header: list[str], rows: Iterable[list], filename: str) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=filename[:31])
    bold = Font(bold=True)
    header_cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([_xlsx_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_filename(prefix: str) -> str:
    return f"{prefix}-{timezone.localdate():%Y%m%d}"
