"""Excel workbooks (openpyxl) for the lists and reports a manager opens in Excel.

Dates are real dates (ISO strings of a view become `datetime.date`), numbers are numbers, each
sheet has a frozen header row, filters on its columns and widths that fit its contents.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

DATE_FORMAT = "yyyy-mm-dd"
INTEGER_FORMAT = "0"
MAX_WIDTH = 60


@dataclass
class Sheet:
    """One worksheet: a title, column headers, and rows of plain values."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]


def cell_value(value: Any) -> Any:
    """A view's value as Excel should hold it: ISO dates as dates, the rest as it is."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def workbook(sheets: Sequence[Sheet]) -> bytes:
    """The .xlsx bytes of these sheets."""
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=False)
    book.remove(book.active)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = book.create_sheet(_sheet_title(sheet.title))
        ws.append(list(sheet.headers))
        for cell in ws[1]:
            cell.font = bold
        widths = [len(str(h)) for h in sheet.headers]
        for row in sheet.rows:
            values = [cell_value(v) for v in row]
            ws.append(values)
            for i, value in enumerate(values):
                size = (
                    10 if isinstance(value, date) else len(str(value)) if value is not None else 0
                )
                if size > widths[i]:
                    widths[i] = size
        for r, row_cells in enumerate(ws.iter_rows(min_row=2), start=2):
            del r
            for cell in row_cells:
                if isinstance(cell.value, date):
                    cell.number_format = DATE_FORMAT
                elif isinstance(cell.value, int) and not isinstance(cell.value, bool):
                    cell.number_format = INTEGER_FORMAT
        for i, width in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(i)].width = min(width + 2, MAX_WIDTH)
        ws.freeze_panes = "A2"
        last = get_column_letter(max(len(sheet.headers), 1))
        ws.auto_filter.ref = f"A1:{last}{max(len(sheet.rows) + 1, 1)}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\."""
    for c in "[]:*?/\\":
        title = title.replace(c, " ")
    return title[:31] or "Sheet"
