"""Reading the tables and texts clerks bring: CSV (any usual delimiter, UTF-8 or Windows-1252)
and XLSX, with the file's own line or row in every error. Used by annexes and imports.

Every problem with a file becomes one `InputError` line that names the file (its name, not its
full path) and, for CSV, the line number.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import math
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from atip.errors import InputError
from atip.i18n import _, language, ngettext
from atip.register.validation import CELL_LIMIT, check_field

MAX_ROWS = 50_000
MAX_BYTES = 5 * 1024 * 1024
# What an XLSX file may unzip to: room for a 100,000-row register, not for a zip bomb (one cell
# of 200 MB zips to a few hundred KB); an annex, at most 5 MB zipped, far less.
MAX_UNZIPPED = 150 * 1024 * 1024
MAX_UNZIPPED_ANNEX = 50 * 1024 * 1024
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
# Tried in this order; ties go to the first. `;` first: Quebec Excel writes `;` because `,` is the
# decimal separator, so a `;` file often has commas in its cells while the reverse is rare.
DELIMITERS = (";", "\t", ",")
_SNIFF_LINES = 50

# C0 controls other than tab, LF, VT, FF, CR, and DEL: never in a text file someone typed (VT,
# FF and the others the input policy refuses are refused cell by cell, with their place).
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")

Header = tuple[str, ...]
Rows = tuple[tuple[str, ...], ...]


def read_table(path: Path, *, max_rows: int | None = MAX_ROWS) -> tuple[Header, Rows]:
    """Header and data rows of a CSV or XLSX file (by suffix), cells as text, stripped."""
    header, rows, _places = read_numbered_table(path, max_rows=max_rows)
    return header, rows


def read_numbered_table(
    path: Path, *, max_rows: int | None = MAX_ROWS
) -> tuple[Header, Rows, tuple[str, ...]]:
    """As read_table, with where each data row is in the file ("line 7", "row 7")."""
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(
            _("{file}: the old Excel .xls format is not read; save it as .xlsx or .csv").format(
                file=name
            )
        )
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        raise InputError(
            _("{file}: unknown file type '{suffix}'; use .csv or .xlsx").format(
                file=name, suffix=path.suffix
            )
        )
    limited = max_rows is not None
    _check_size(path, limited)
    if suffix in XLSX_SUFFIXES:
        _check_unzipped_size(path, MAX_UNZIPPED_ANNEX if limited else MAX_UNZIPPED)
        return _table(name, _xlsx_rows(path), "row", max_rows)
    text = _decode(_read_bytes(path), name)
    return _table(name, _csv_rows(text, name), "line", max_rows)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(_("{file}: no such file").format(file=path.name)) from None
    except IsADirectoryError:
        raise InputError(_("{file}: is a folder, not a file").format(file=path.name)) from None
    except PermissionError:
        raise InputError(_("{file}: permission denied").format(file=path.name)) from None
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: Path, exc: OSError) -> InputError:
    return InputError(
        _("{file}: cannot be read ({error})").format(file=path.name, error=exc.strerror or exc)
    )


def _check_size(path: Path, limited: bool) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(_("{file}: no such file").format(file=path.name)) from None
    except OSError as exc:
        raise _unreadable(path, exc) from None
    if path.is_dir():
        raise InputError(_("{file}: is a folder, not a file").format(file=path.name))
    if limited and size > MAX_BYTES:
        megabytes = math.ceil(size / 1024 / 1024 * 10) / 10  # rounded up: 5.01 reads "5.1"
        shown = str(megabytes).replace(".", ",") if language() == "fr" else str(megabytes)
        raise InputError(
            _(
                "{file}: {size} MB is over the 5 MB limit; an annex is for a letter, not a data set"
            ).format(file=path.name, size=shown)
        )


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (BOM or not), else Windows-1252; UTF-16 with a BOM (Excel's "Unicode text") too."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(_("{file}: is not valid UTF-16 text").format(file=name)) from None
    else:
        if data.startswith(b"PK\x03\x04"):
            raise InputError(
                _("{file}: is a zip file (an Excel workbook?), not text").format(file=name)
            )
        if b"\x00" in data:
            raise _binary(name)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise InputError(
                    _("{file}: is neither UTF-8 nor Windows-1252 text").format(file=name)
                ) from None
    if _CONTROL.search(text):
        raise _binary(name)
    return text


def _binary(name: str) -> InputError:
    return InputError(_("{file}: is not a text file (binary content)").format(file=name))


def _sniff(text: str) -> str:
    """The delimiter whose header has 2+ cells and that most sample rows agree with."""
    lines = text.split("\n", _SNIFF_LINES)
    truncated = len(lines) > _SNIFF_LINES
    sample = "\n".join(lines[:_SNIFF_LINES])
    # No header of 2+ cells (one column, or only empty cells): the most frequent one, else `,`.
    best = max(DELIMITERS, key=sample.count) if any(d in sample for d in DELIMITERS) else ","
    best_score = (0, 0)
    for delimiter in DELIMITERS:
        rows: list[list[str]] = []
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
        with contextlib.suppress(csv.Error):  # a quirk in the sample only lowers the score
            rows.extend(reader)
        if truncated and rows:
            rows.pop()  # may be cut in the middle of a record
        rows = [row for row in rows if any(cell.strip() for cell in row)]
        if not rows or len(rows[0]) < 2:
            continue
        width = len(rows[0])
        score = (sum(len(row) == width for row in rows[1:]), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(text: str, name: str) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(first line number, stripped cells) of every CSV record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff(text), strict=True)
    last = 0
    while True:
        start = last + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            message = str(exc)
            if message == "unexpected end of data":
                message = _("a quoted cell is never closed")
            elif message.startswith("field larger than field limit"):
                message = _("a cell is longer than {limit} characters").format(
                    limit=_thousands(CELL_LIMIT)
                )
            raise InputError(
                _("{file}: {place}: {message}").format(
                    file=name, place=place("line", start), message=message
                )
            ) from None
        last = reader.line_num
        yield start, tuple(map(str.strip, row))


def _xlsx_rows(path: Path) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(row number, cells as text) of the first worksheet."""
    import zipfile

    import openpyxl  # only Excel annexes pay for importing it

    name = path.name
    workbook = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Workbook contains no default style"
            workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
        if not workbook.worksheets:
            raise InputError(_("{file}: the workbook has no worksheet").format(file=name))
        sheet = workbook.worksheets[0]
        # Excel often records a bogus used range; read the rows that are really there.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
            yield number, tuple(_cell_text(value) for value in values)
    except InputError:
        raise
    except zipfile.BadZipFile:
        raise InputError(
            _("{file}: is not a valid XLSX file (not a zip archive)").format(file=name)
        ) from None
    except KeyError:  # a zip without the parts of a workbook (a .docx, an archive renamed)
        raise InputError(
            _("{file}: is a zip archive but not an Excel workbook").format(file=name)
        ) from None
    except Exception as exc:  # any failure to parse a foreign file is bad input
        raise InputError(
            _("{file}: is not a valid XLSX workbook ({error})").format(
                file=name, error=type(exc).__name__
            )
        ) from None
    finally:
        if workbook is not None:
            workbook.close()


def _check_unzipped_size(path: Path, limit: int) -> None:
    """Refuse a workbook that unzips to more than `limit` bytes, before anything is read."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        return  # openpyxl says what is wrong with it
    if size > limit:
        raise InputError(
            _("{file}: the workbook unzips to more than {size} MB").format(
                file=path.name, size=limit // (1024 * 1024)
            )
        )


def _cell_text(value: object) -> str:
    """An Excel value as the text a reader expects: 10114.0 -> "10114", dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")  # shortest digits, never "1e-05"
    if isinstance(value, datetime):
        if value.time() == time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value).strip()


def _table(
    name: str,
    records: Iterable[tuple[int, tuple[str, ...]]],
    unit: str,
    max_rows: int | None,
) -> tuple[Header, Rows, tuple[str, ...]]:
    """Header, rows and their places from numbered records: blank rows skipped, widths checked."""
    header: tuple[str, ...] | None = None
    width = 0
    rows: list[tuple[str, ...]] = []
    places: list[str] = []
    for number, cells in records:
        if not any(cells):
            continue
        if any("\r" in cell for cell in cells):  # a line break in a cell, written by Windows
            cells = tuple(c.replace("\r\n", "\n").replace("\r", "\n") for c in cells)
        for column, cell in enumerate(cells, 1):
            if cell:
                _check_cell(name, place(unit, number), column, cell)
        if header is None:
            header = _header(name, cells)
            width = len(header)
            continue
        if len(cells) > width and not any(cells[width:]):
            cells = cells[:width]  # trailing empty cells (a stray `;`, a formatted column)
        elif len(cells) != width:
            used = len(cells)
            while used > width and not cells[used - 1]:
                used -= 1
            if unit == "row" and used < width:  # Excel rows stop at their last value
                cells = cells + ("",) * (width - len(cells))
            else:
                raise InputError(
                    _("{file}: {place} has {cells}, the header has {width}").format(
                        file=name, place=place(unit, number), cells=_cells(used), width=width
                    )
                )
        rows.append(cells)
        places.append(place(unit, number))
        if max_rows is not None and len(rows) > max_rows:
            raise InputError(
                _(
                    "{file}: more than {count} rows; an annex is for a letter, not a data set"
                ).format(file=name, count=_thousands(max_rows))
            )
    if header is None:
        raise InputError(_("{file}: the file is empty").format(file=name))
    if not rows:
        raise InputError(_("{file}: has a header but no data rows").format(file=name))
    return header, tuple(rows), tuple(places)


def _check_cell(name: str, where: str, column: int, cell: str) -> None:
    """The input policy of a cell, the same in CSV and XLSX: the error says where, never what."""
    what = _("{file}: {place}, column {column}").format(file=name, place=where, column=column)
    check_field(cell, what, field="cell")


def place(unit: str, number: int) -> str:
    """Where a record is in its file: `line 7` of a CSV file, `row 7` of a worksheet."""
    if unit == "row":
        return _("row {number}").format(number=number)
    return _("line {number}").format(number=number)


def _cells(count: int) -> str:
    return ngettext("{count} cell", "{count} cells", count).format(count=count)


def _thousands(n: int) -> str:
    """`50,000` in English, `50 000` in French."""
    if language() == "fr":
        from atip.french import number

        return number(n)
    return f"{n:,}"


def _header(name: str, cells: tuple[str, ...]) -> Header:
    used = len(cells)
    while used and not cells[used - 1]:
        used -= 1
    header = cells[:used]
    seen: dict[str, int] = {}
    for position, column in enumerate(header, 1):
        if not column:
            raise InputError(
                _("{file}: column {position} of the header has no name").format(
                    file=name, position=position
                )
            )
        key = column.casefold()
        if key in seen:
            raise InputError(
                _("{file}: columns {first} and {position} are both named '{column}'").format(
                    file=name, first=seen[key], position=position, column=column
                )
            )
        seen[key] = position
    return header


def column_index(header: Sequence[str], column: str, file: str | None = None) -> int:
    """Position of a column, by exact name, else by case-insensitive name; the error names
    `file` when given."""
    if column in header:
        return list(header).index(column)
    wanted = column.strip().casefold()
    for position, name in enumerate(header):
        if name.casefold() == wanted:
            return position
    message = (
        _("{file}: unknown column '{column}'; the columns are: {columns}")
        if file is not None
        else _("unknown column '{column}'; the columns are: {columns}")
    )
    raise InputError(message.format(file=file, column=column, columns=", ".join(header)))


def read_text(path: Path) -> str:
    """A text file (an annex's paragraphs), checked by the input policy line by line."""
    path = Path(path)
    _check_size(path, limited=True)
    text = _decode(_read_bytes(path), path.name).replace("\r\n", "\n").replace("\r", "\n")
    for number, line in enumerate(text.split("\n"), 1):
        check_field(line, f"{path.name}: {place('line', number)}", field="text")
    return text
