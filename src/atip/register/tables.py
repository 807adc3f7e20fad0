"""Reading the tables and texts clerks bring: CSV (any usual delimiter, UTF-8 or Windows-1252)
and XLSX, with the file's own line or row in every error. Used by annexes and imports.

Every problem with a file becomes one `InputError` line that names the file (its name, not its
full path) and, for CSV, the line number.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import hashlib
import io
import math
import os
import re
import warnings
from collections.abc import Generator, Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO

from atip.errors import InputError
from atip.i18n import _, language, ngettext
from atip.register.validation import CELL_LIMIT, FIELDS, check_field, refused_character

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
    records = _csv_rows(io.StringIO(text, newline=""), _sniff(text), name)
    return _table(name, records, "line", max_rows)


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


def _csv_rows(
    lines: Iterable[str], delimiter: str, name: str
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(first line number, stripped cells) of every CSV record of `lines` (a text stream
    opened with newline="")."""
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
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


def _xlsx_rows(path: Path, handle: BinaryIO | None = None) -> Iterator[tuple[int, tuple[str, ...]]]:
    """(row number, cells as text) of the first worksheet (read from `handle` when given)."""
    import zipfile

    import openpyxl  # only Excel annexes pay for importing it

    name = path.name
    workbook = None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Workbook contains no default style"
            workbook = openpyxl.load_workbook(
                handle if handle is not None else path, read_only=True, data_only=True
            )
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
    checked = _checked(name, records, unit)
    header = next(checked)[1]
    rows: list[tuple[str, ...]] = []
    places: list[str] = []
    for number, cells in checked:
        rows.append(cells)
        places.append(place(unit, number))
        if max_rows is not None and len(rows) > max_rows:
            raise InputError(
                _(
                    "{file}: more than {count} rows; an annex is for a letter, not a data set"
                ).format(file=name, count=_thousands(max_rows))
            )
    return header, tuple(rows), tuple(places)


def _checked(
    name: str,
    records: Iterable[tuple[int, tuple[str, ...]]],
    unit: str,
    *,
    checking: bool = True,
) -> Iterator[tuple[int, tuple[str, ...]]]:
    """The header's (number, cells), then each data row's: blank rows skipped, line breaks
    made `\n`, every cell checked by the input policy (unless `checking` is off: a pass over
    a file already checked), widths checked; an error for a file without header or rows."""
    width = -1
    rows = 0
    for number, cells in records:
        if not any(cells):
            continue
        joined = "\n".join(cells)
        if "\r" in joined:  # a line break in a cell, written by Windows
            cells = tuple(c.replace("\r\n", "\n").replace("\r", "\n") for c in cells)
            joined = "\n".join(cells)
        if checking and _refused_row(joined, cells):
            for column, cell in enumerate(cells, 1):
                if cell:
                    _check_cell(name, place(unit, number), column, cell)
        if width < 0:
            header = _header(name, cells)
            width = len(header)
            yield number, header
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
        rows += 1
        yield number, cells
    if width < 0:
        raise InputError(_("{file}: the file is empty").format(file=name))
    if not rows:
        raise InputError(_("{file}: has a header but no data rows").format(file=name))


_CELL_LIMIT, _CELL_MULTILINE = FIELDS["cell"]


def _refused_row(joined: str, cells: tuple[str, ...]) -> bool:
    """Whether a cell of the row breaks the input policy (the cells are then checked one by
    one for the message): one search over the row (`joined`, its cells joined by newlines)
    instead of one call per cell."""
    return refused_character(joined, _CELL_MULTILINE) is not None or (
        len(joined) > _CELL_LIMIT and max(map(len, cells)) > _CELL_LIMIT
    )


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


# --------------------------------------------------------------------------- streamed tables

_CHUNK = 1 << 16
_CONTROL_BYTES = bytes(range(0x09)) + bytes(range(0x0E, 0x20)) + b"\x7f"


class StreamedTable:
    """A register file read in passes, never held whole: its header, then its data rows as
    often as asked, each pass checked as `read_numbered_table` checks the file. The file is
    opened once and every pass reads that same open file; a pass that finds it changed since
    the first (other bytes, size or time) raises instead of giving rows that were not checked.

    Used as a context manager (`open_table`); `rows()` starts one pass."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        suffix = path.suffix.lower()
        if suffix == ".xls":
            raise InputError(
                _("{file}: the old Excel .xls format is not read; save it as .xlsx or .csv").format(
                    file=self.name
                )
            )
        if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
            raise InputError(
                _("{file}: unknown file type '{suffix}'; use .csv or .xlsx").format(
                    file=self.name, suffix=path.suffix
                )
            )
        _check_size(path, limited=False)
        self.unit = "row" if suffix in XLSX_SUFFIXES else "line"
        self._handle = _open_binary(path)
        try:
            self._stat = self._state()
            if self.unit == "row":
                _check_unzipped_size(path, MAX_UNZIPPED)
                self._digest = self._read_digest()
            else:
                self._encoding, self._digest = _scan(self._handle, self.name)
                self._delimiter = self._sniffed()
            passing = self._pass(checking=True)
            self.header: Header = next(passing)[1]
            passing.close()
        except BaseException:
            self._handle.close()
            raise

    def __enter__(self) -> StreamedTable:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._handle.close()

    def place(self, number: int) -> str:
        """Where the record numbered `number` is: `line 7`, `row 7`."""
        return place(self.unit, number)

    def rows(self, *, checking: bool = True) -> Generator[tuple[int, tuple[str, ...]]]:
        """One pass over the data rows: (line or row number, cells). With `checking` off, the
        cells are not checked by the input policy again (a pass after a checked one: the file
        is the same, or the pass ends with an error)."""
        passing = self._pass(checking=checking)
        next(passing)  # the header, known
        yield from passing
        self.check_unchanged()

    def check_unchanged(self) -> None:
        """InputError when the file is no longer the one the first pass read."""
        if self._state() != self._stat or (
            self.unit == "row" and self._read_digest() != self._digest
        ):
            raise self.changed()

    def changed(self) -> InputError:
        return InputError(
            _("{file}: the file changed while it was being read; nothing was done").format(
                file=self.name
            )
        )

    def _state(self) -> tuple[int, int, int]:
        stat = os.fstat(self._handle.fileno())
        return stat.st_ino, stat.st_size, stat.st_mtime_ns

    def _read_digest(self) -> bytes:
        self._handle.seek(0)
        digest = hashlib.sha256()
        while chunk := self._handle.read(_CHUNK):
            digest.update(chunk)
        return digest.digest()

    def _text(self, digest: Any) -> io.TextIOWrapper:
        """The file as text from its start, its bytes hashed into `digest` as they are read."""
        self._handle.seek(0)
        raw = _Digesting(self._handle, digest)
        return io.TextIOWrapper(io.BufferedReader(raw, _CHUNK), encoding=self._encoding, newline="")

    def _sniffed(self) -> str:
        """The delimiter, from the first lines (as `_sniff` reads them in the whole text)."""
        text = self._text(hashlib.sha256())
        parts: list[str] = []
        newlines = 0
        while newlines < _SNIFF_LINES and (chunk := text.read(_CHUNK)):
            parts.append(chunk)
            newlines += chunk.count("\n")
        text.detach()
        return _sniff("".join(parts))

    def _pass(self, *, checking: bool) -> Generator[tuple[int, tuple[str, ...]]]:
        if self.unit == "row":
            self._handle.seek(0)
            yield from _checked(
                self.name, _xlsx_rows(self.path, self._handle), "row", checking=checking
            )
            return
        digest = hashlib.sha256()
        text = self._text(digest)
        try:
            yield from _checked(
                self.name, _csv_rows(text, self._delimiter, self.name), "line", checking=checking
            )
        finally:
            text.detach()
        if digest.digest() != self._digest:
            raise self.changed()


def open_table(path: Path) -> StreamedTable:
    """A CSV or XLSX file to read in passes (see `StreamedTable`): the same checks and the
    same errors as `read_numbered_table(path, max_rows=None)`, in the same order."""
    return StreamedTable(Path(path))


class _Digesting(io.RawIOBase):
    """A binary file read through, its bytes hashed as they go."""

    def __init__(self, handle: BinaryIO, digest: Any) -> None:
        self._file = handle
        self._digest = digest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._file.readinto(buffer)  # type: ignore[attr-defined]
        if count:
            self._digest.update(memoryview(buffer)[:count])
        return count or 0


def _open_binary(path: Path) -> BinaryIO:
    try:
        return path.open("rb")
    except FileNotFoundError:
        raise InputError(_("{file}: no such file").format(file=path.name)) from None
    except IsADirectoryError:
        raise InputError(_("{file}: is a folder, not a file").format(file=path.name)) from None
    except PermissionError:
        raise InputError(_("{file}: permission denied").format(file=path.name)) from None
    except OSError as exc:
        raise _unreadable(path, exc) from None


def _scan(handle: BinaryIO, name: str) -> tuple[str, bytes]:
    """The encoding of a text file and the SHA-256 of its bytes, in one pass that refuses
    what `_decode` refuses, with the same message for the same file."""
    handle.seek(0)
    start = handle.read(4)
    handle.seek(0)
    digest = hashlib.sha256()
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        decoder = codecs.getincrementaldecoder("utf-16")()
        control = False
        try:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
                control = control or _CONTROL.search(decoder.decode(chunk)) is not None
            control = control or _CONTROL.search(decoder.decode(b"", final=True)) is not None
        except UnicodeDecodeError:
            raise InputError(_("{file}: is not valid UTF-16 text").format(file=name)) from None
        if control:
            raise _binary(name)
        return "utf-16", digest.digest()
    if start.startswith(b"PK\x03\x04"):
        raise InputError(
            _("{file}: is a zip file (an Excel workbook?), not text").format(file=name)
        )
    utf8 = codecs.getincrementaldecoder("utf-8")()
    valid_utf8, nul, control = True, False, False
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
        nul = nul or b"\x00" in chunk
        # Both encodings read the ASCII bytes as themselves and nothing else as ASCII: the
        # control characters `_CONTROL` refuses are these bytes, wherever they are.
        control = control or len(chunk.translate(None, _CONTROL_BYTES)) != len(chunk)
        if valid_utf8:
            try:
                utf8.decode(chunk)
            except UnicodeDecodeError:
                valid_utf8 = False
    if nul:
        raise _binary(name)
    if valid_utf8:
        try:
            utf8.decode(b"", final=True)
        except UnicodeDecodeError:
            valid_utf8 = False
    encoding = "utf-8-sig" if valid_utf8 else "cp1252"
    if not valid_utf8:
        handle.seek(0)
        try:
            while chunk := handle.read(_CHUNK):
                chunk.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError(
                _("{file}: is neither UTF-8 nor Windows-1252 text").format(file=name)
            ) from None
    if control:
        raise _binary(name)
    return encoding, digest.digest()
