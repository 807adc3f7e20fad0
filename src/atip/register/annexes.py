"""Annexes: data sections read from CSV, XLSX or text files, and small-cell suppression (SPEC §6).

Pure functions: no database, no click. Every problem with a file becomes one `InputError` line that
names the file (its name, not its full path) and, for CSV, the line number.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import json
import math
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, get_args

from atip.errors import DatabaseError, InputError

Kind = Literal["table", "list", "text"]
KINDS: tuple[str, ...] = get_args(Kind)
JSON_VERSION = 1

MAX_ROWS = 50_000
MAX_BYTES = 5 * 1024 * 1024
ITEM_SEPARATOR = " — "  # joins the non-group cells of a list row into one item
CSV_SUFFIXES = (".csv", ".txt", ".tsv")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
# Tried in this order; ties go to the first. `;` first: Quebec Excel writes `;` because `,` is the
# decimal separator, so a `;` file often has commas in its cells while the reverse is rare.
DELIMITERS = (";", "\t", ",")
_SNIFF_LINES = 50

# C0 controls other than tab, LF, VT, FF, CR, and DEL: never in a text file someone typed.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
# A whole-number count: plain digits, or groups of three separated by a (non-breaking/thin) space.
_COUNT = re.compile(r"[0-9]+|[0-9]{1,3}(?:[ \u00a0\u202f\u2009][0-9]{3})+")
_SEPARATORS = str.maketrans("", "", " \u00a0\u202f\u2009")
# A line starting with a bullet starts a new paragraph, so "- 12 M$ …" lists keep their lines.
_BULLET = re.compile(r"[-–—•*] ")

Header = tuple[str, ...]
Rows = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    """One annex section: a table, a grouped list or paragraphs, with its source line."""

    title: str
    kind: Kind
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    paragraphs: tuple[str, ...] = ()
    source: str | None = None
    suppressed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown section kind {self.kind!r}")
        if self.kind == "table":
            width = len(self.header)
            if not width or any(len(row) != width for row in self.rows):
                raise ValueError("every table row must have as many cells as the header")

    def to_json(self) -> str:
        """The section as JSON, for the `annexes.section` column."""
        # Default separators on purpose: cases.py looks for the text '"suppressed": []'.
        return json.dumps(
            {
                "version": JSON_VERSION,
                "kind": self.kind,
                "title": self.title,
                "source": self.source,
                "header": list(self.header),
                "rows": [list(row) for row in self.rows],
                "groups": [[heading, list(items)] for heading, items in self.groups],
                "paragraphs": list(self.paragraphs),
                "suppressed": list(self.suppressed),
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Section:
        """The section stored by `to_json`; a damaged one is a DatabaseError."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise TypeError("not an object")
            version = data.get("version", JSON_VERSION)
            if version != JSON_VERSION:
                raise DatabaseError(
                    f"stored annex has format version {version}; "
                    f"this atip reads version {JSON_VERSION}"
                )
            source = data.get("source")
            return cls(
                title=_text(data["title"]),
                kind=data["kind"],
                header=_texts(data.get("header", ())),
                rows=tuple(_texts(row) for row in data.get("rows", ())),
                groups=tuple(
                    (_text(heading), _texts(items)) for heading, items in data.get("groups", ())
                ),
                paragraphs=_texts(data.get("paragraphs", ())),
                source=None if source is None else _text(source),
                suppressed=_texts(data.get("suppressed", ())),
            )
        except (ValueError, TypeError, KeyError) as exc:
            raise DatabaseError(f"stored annex is damaged: {exc}") from None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


def _texts(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list | tuple):
        raise TypeError(f"expected a list, found {type(values).__name__}")
    return tuple(_text(v) for v in values)


# --- reading files -------------------------------------------------------------------------


def read_table(path: Path, *, max_rows: int | None = MAX_ROWS) -> tuple[Header, Rows]:
    """Header and data rows of a CSV or XLSX file (by suffix), cells as text, stripped."""
    header, rows, _ = read_numbered_table(path, max_rows=max_rows)
    return header, rows


def read_numbered_table(
    path: Path, *, max_rows: int | None = MAX_ROWS
) -> tuple[Header, Rows, tuple[str, ...]]:
    """As read_table, with where each data row is in the file ("line 7", "row 7")."""
    path = Path(path)
    name = path.name
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise InputError(f"{name}: the old Excel .xls format is not read; save it as .xlsx or .csv")
    if suffix not in CSV_SUFFIXES + XLSX_SUFFIXES:
        raise InputError(f"{name}: unknown file type '{path.suffix}'; use .csv or .xlsx")
    limited = max_rows is not None
    _check_size(path, limited)
    if suffix in XLSX_SUFFIXES:
        return _table(name, _xlsx_rows(path), "row", max_rows)
    text = _decode(_read_bytes(path), name)
    return _table(name, _csv_rows(text, name), "line", max_rows)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path.name}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path.name}: is a folder, not a file") from None
    except PermissionError:
        raise InputError(f"{path.name}: permission denied") from None
    except OSError as exc:
        raise InputError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None


def _check_size(path: Path, limited: bool) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path.name}: no such file") from None
    except OSError as exc:
        raise InputError(f"{path.name}: cannot be read ({exc.strerror or exc})") from None
    if path.is_dir():
        raise InputError(f"{path.name}: is a folder, not a file")
    if limited and size > MAX_BYTES:
        megabytes = math.ceil(size / 1024 / 1024 * 10) / 10  # rounded up: 5.01 reads "5.1"
        raise InputError(
            f"{path.name}: {megabytes} MB is over the 5 MB limit; "
            "an annex is for a letter, not a data set"
        )


def _decode(data: bytes, name: str) -> str:
    """UTF-8 (BOM or not), else Windows-1252; UTF-16 with a BOM (Excel's "Unicode text") too."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InputError(f"{name}: is not valid UTF-16 text") from None
    else:
        if data.startswith(b"PK\x03\x04"):
            raise InputError(f"{name}: is a zip file (an Excel workbook?), not text")
        if b"\x00" in data:
            raise InputError(f"{name}: is not a text file (binary content)")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                raise InputError(f"{name}: is neither UTF-8 nor Windows-1252 text") from None
    if _CONTROL.search(text):
        raise InputError(f"{name}: is not a text file (binary content)")
    return text


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
                message = "a quoted cell is never closed"
            raise InputError(f"{name}: line {start}: {message}") from None
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
            raise InputError(f"{name}: the workbook has no worksheet")
        sheet = workbook.worksheets[0]
        # Excel often records a bogus used range; read the rows that are really there.
        sheet.reset_dimensions()
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1):
            yield number, tuple(_cell_text(value) for value in values)
    except InputError:
        raise
    except zipfile.BadZipFile:
        raise InputError(f"{name}: is not a valid XLSX file (not a zip archive)") from None
    except KeyError:  # a zip without the parts of a workbook (a .docx, an archive renamed)
        raise InputError(f"{name}: is a zip archive but not an Excel workbook") from None
    except Exception as exc:  # any failure to parse a foreign file is bad input
        raise InputError(f"{name}: is not a valid XLSX workbook ({type(exc).__name__})") from None
    finally:
        if workbook is not None:
            workbook.close()


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
                    f"{name}: {unit} {number} has {_cells(used)}, the header has {width}"
                )
        rows.append(cells)
        places.append(f"{unit} {number}")
        if max_rows is not None and len(rows) > max_rows:
            raise InputError(
                f"{name}: more than {max_rows:,} rows; an annex is for a letter, not a data set"
            )
    if header is None:
        raise InputError(f"{name}: the file is empty")
    if not rows:
        raise InputError(f"{name}: has a header but no data rows")
    return header, tuple(rows), tuple(places)


def _cells(count: int) -> str:
    return "1 cell" if count == 1 else f"{count} cells"


def _header(name: str, cells: tuple[str, ...]) -> Header:
    used = len(cells)
    while used and not cells[used - 1]:
        used -= 1
    header = cells[:used]
    seen: dict[str, int] = {}
    for position, column in enumerate(header, 1):
        if not column:
            raise InputError(f"{name}: column {position} of the header has no name")
        key = column.casefold()
        if key in seen:
            raise InputError(
                f"{name}: columns {seen[key]} and {position} are both named '{column}'"
            )
        seen[key] = position
    return header


def _column_index(header: Sequence[str], column: str, prefix: str = "") -> int:
    """Position of a column, by exact name, else by case-insensitive name."""
    if column in header:
        return list(header).index(column)
    wanted = column.strip().casefold()
    for position, name in enumerate(header):
        if name.casefold() == wanted:
            return position
    raise InputError(f"{prefix}unknown column '{column}'; the columns are: {', '.join(header)}")


def _read_text(path: Path) -> str:
    path = Path(path)
    _check_size(path, limited=True)
    return _decode(_read_bytes(path), path.name)


# --- sections ------------------------------------------------------------------------------


def suppress_small_counts(
    header: Sequence[str], rows: Iterable[Sequence[str]], column: str, below: int
) -> tuple[Rows, int]:
    """Blank every whole-number count from 1 to below-1 in `column`; return rows and how many."""
    _check_threshold(below)
    index = _column_index(header, column)
    blanked = 0
    out: list[tuple[str, ...]] = []
    for row in rows:
        cells = tuple(row)
        cell = cells[index].strip()
        if _COUNT.fullmatch(cell) and 0 < int(cell.translate(_SEPARATORS)) < below:
            cells = (*cells[:index], "", *cells[index + 1 :])
            blanked += 1
        out.append(cells)
    return tuple(out), blanked


def _check_threshold(below: int) -> None:
    if below < 2:
        raise InputError(f"the small-count threshold must be 2 or more, not {below}")


def _title(title: str) -> str:
    title = title.strip()
    if not title:
        raise InputError("an annex needs a title")
    return title


def _source(source: str | None) -> str | None:
    if source is None:
        return None
    return source.strip() or None


def table_section(
    path: Path,
    title: str,
    source: str | None = None,
    *,
    suppress_below: int | None = None,
    column: str | None = None,
) -> Section:
    """A table from a CSV or XLSX file, optionally with small counts of one column blanked."""
    title = _title(title)
    if (suppress_below is None) != (column is None):
        raise InputError("small-count suppression needs both a threshold and a column")
    if suppress_below is not None:
        _check_threshold(suppress_below)
    path = Path(path)
    header, rows = read_table(path)
    suppressed: tuple[str, ...] = ()
    if suppress_below is not None and column is not None:
        name = header[_column_index(header, column, f"{path.name}: ")]
        rows, blanked = suppress_small_counts(header, rows, name, suppress_below)
        if blanked:
            suppressed = (name,)
    return Section(
        title=title,
        kind="table",
        header=header,
        rows=rows,
        source=_source(source),
        suppressed=suppressed,
    )


def list_section(path: Path, title: str, group_by: str, source: str | None = None) -> Section:
    """Items (the other columns joined) under headings (the `group_by` column), first-seen order.

    An empty group cell takes the group of the row above, as in a sheet with merged cells; a row
    with a group and no item only opens that group.
    """
    title = _title(title)
    path = Path(path)
    header, rows = read_table(path)
    if len(header) < 2:
        raise InputError(f"{path.name}: a list needs two columns or more: a group and its items")
    index = _column_index(header, group_by, f"{path.name}: ")
    groups: dict[str, list[str]] = {}
    current: str | None = None
    for row in rows:
        current = row[index] or current
        item = ITEM_SEPARATOR.join(cell for i, cell in enumerate(row) if i != index and cell)
        if not item:
            continue
        if current is None:
            raise InputError(
                f"{path.name}: the first item '{item}' has no '{header[index]}' to go under"
            )
        groups.setdefault(current, []).append(item)
    if not groups:
        raise InputError(f"{path.name}: has no items to list under '{header[index]}'")
    return Section(
        title=title,
        kind="list",
        groups=tuple((heading, tuple(items)) for heading, items in groups.items()),
        source=_source(source),
    )


def text_section(path: Path, title: str, source: str | None = None) -> Section:
    """Paragraphs of a text file: split on blank lines, the lines of each joined with a space."""
    title = _title(title)
    path = Path(path)
    paragraphs: list[str] = []
    lines: list[str] = []
    for raw in _read_text(path).splitlines():
        line = raw.strip()
        if lines and (not line or _BULLET.match(line)):
            paragraphs.append(" ".join(lines))
            lines = []
        if line:
            lines.append(line)
    if lines:
        paragraphs.append(" ".join(lines))
    if not paragraphs:
        raise InputError(f"{path.name}: the file is empty")
    return Section(title=title, kind="text", paragraphs=tuple(paragraphs), source=_source(source))
