"""Data annexes: tables from CSV or XLSX, grouped lists, text, and small-cell suppression."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from dataclasses import asdict, dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal

from atip.errors import InputError

MAX_ROWS = 50_000
MAX_BYTES = 5 * 1024 * 1024
Rows = tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    """One numbered section printed after a decision letter."""

    title: str
    kind: Literal["table", "list", "text"]
    header: tuple[str, ...] = ()
    rows: Rows = ()
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    paragraphs: tuple[str, ...] = ()
    source: str | None = None
    suppressed: tuple[str, ...] = ()

    def to_json(self) -> str:
        """The section as JSON, for the database."""
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Section:
        """The section stored by to_json."""
        data = json.loads(text)
        return cls(
            title=data["title"],
            kind=data["kind"],
            header=tuple(data.get("header", ())),
            rows=tuple(tuple(r) for r in data.get("rows", ())),
            groups=tuple((g, tuple(items)) for g, items in data.get("groups", ())),
            paragraphs=tuple(data.get("paragraphs", ())),
            source=data.get("source"),
            suppressed=tuple(data.get("suppressed", ())),
        )


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise InputError(f"{name}: not a text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(f"{name}: not UTF-8 or Windows-1252 text") from None


def _read_bytes(path: Path, limit: int | None) -> bytes:
    try:
        if limit is not None and path.stat().st_size > limit:
            raise InputError(f"{path.name}: larger than {limit // (1024 * 1024)} MB")
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path.name}: cannot read: {exc.strerror}") from None


def _check_header(header: tuple[str, ...], name: str) -> None:
    if any(not h for h in header):
        raise InputError(f"{name}: the header has an empty column name")
    seen = set()
    for h in header:
        if h in seen:
            raise InputError(f"{name}: column {h!r} appears twice in the header")
        seen.add(h)


def _csv_rows(text: str, name: str, max_rows: int | None) -> tuple[tuple[str, ...], Rows]:
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise InputError(f"{name}: the file is empty")
    first = next(line for line in lines if line.strip())
    delimiter = max((";", ",", "\t"), key=first.count)
    if first.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    header: tuple[str, ...] | None = None
    rows: list[tuple[str, ...]] = []
    try:
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            cells = tuple(cell.strip() for cell in record)
            if header is None:
                header = cells
                _check_header(header, name)
                continue
            if len(cells) != len(header):
                raise InputError(
                    f"{name}: line {reader.line_num} has {len(cells)} cells, "
                    f"the header has {len(header)}"
                )
            rows.append(cells)
            if max_rows is not None and len(rows) > max_rows:
                raise InputError(f"{name}: more than {max_rows} rows")
    except csv.Error as exc:
        raise InputError(f"{name}: line {reader.line_num}: malformed CSV ({exc})") from None
    assert header is not None
    return header, tuple(rows)


def _xlsx_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _xlsx_rows(path: Path, max_rows: int | None) -> tuple[tuple[str, ...], Rows]:
    from openpyxl import load_workbook

    name = path.name
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise InputError(f"{name}: not a valid XLSX workbook") from None
    try:
        sheet = book.worksheets[0]
        records = [tuple(_xlsx_cell(v) for v in row) for row in sheet.iter_rows(values_only=True)]
    except Exception:  # openpyxl raises many kinds on damaged content
        raise InputError(f"{name}: the first sheet cannot be read") from None
    finally:
        book.close()
    numbered = [(i, r) for i, r in enumerate(records, start=1) if any(r)]
    if not numbered:
        raise InputError(f"{name}: the file is empty")
    width = max(max((j + 1 for j, c in enumerate(r) if c), default=0) for _, r in numbered)
    header = numbered[0][1][:width]
    _check_header(header, name)
    rows = []
    for line, record in numbered[1:]:
        cells = (record + ("",) * width)[:width]
        if any(record[width:]):
            raise InputError(f"{name}: line {line} has cells beyond the header")
        rows.append(cells)
        if max_rows is not None and len(rows) > max_rows:
            raise InputError(f"{name}: more than {max_rows} rows")
    return header, tuple(rows)


def read_table(path: Path, *, max_rows: int | None = MAX_ROWS) -> tuple[tuple[str, ...], Rows]:
    """Header and rows of a CSV (UTF-8 or Windows-1252, , ; or tab) or XLSX file."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        _read_bytes(path, MAX_BYTES if max_rows is not None else None)
        header, rows = _xlsx_rows(path, max_rows)
    else:
        data = _read_bytes(path, MAX_BYTES if max_rows is not None else None)
        header, rows = _csv_rows(_decode(data, path.name), path.name, max_rows)
    if not rows:
        raise InputError(f"{path.name}: has a header but no data rows")
    return header, rows


def _column(header: tuple[str, ...], column: str, name: str) -> int:
    if column not in header:
        known = ", ".join(repr(h) for h in header)
        raise InputError(f"{name}: no column {column!r}; the columns are {known}")
    return header.index(column)


_COUNT = re.compile(r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+")


def suppress_small_counts(
    header: tuple[str, ...], rows: Rows, column: str, below: int
) -> tuple[Rows, int]:
    """Blank every whole count from 1 to below-1 in `column`; returns rows and cells blanked."""
    if below < 2:
        raise InputError("--suppress-below must be 2 or more")
    index = _column(header, column, "table")
    blanked = 0
    out = []
    for row in rows:
        cell = row[index].strip()
        if _COUNT.fullmatch(cell):
            value = int(re.sub(r"\D", "", cell))
            if 1 <= value < below:
                row = (*row[:index], "", *row[index + 1 :])
                blanked += 1
        out.append(row)
    return tuple(out), blanked


def table_section(
    path: Path,
    title: str,
    source: str | None = None,
    *,
    suppress_below: int | None = None,
    column: str | None = None,
) -> Section:
    """A table annex; small counts blanked when asked."""
    header, rows = read_table(Path(path))
    suppressed: tuple[str, ...] = ()
    if suppress_below is not None:
        if column is None:
            raise InputError("--suppress-below needs --column")
        _column(header, column, Path(path).name)
        rows, _ = suppress_small_counts(header, rows, column, suppress_below)
        suppressed = (column,)
    return Section(
        _title(title), "table", header, rows, source=_source(source), suppressed=suppressed
    )


def list_section(path: Path, title: str, group_by: str, source: str | None = None) -> Section:
    """Items grouped under headings (e.g. organisations by region), in first-seen order."""
    header, rows = read_table(Path(path))
    key = _column(header, group_by, Path(path).name)
    groups: dict[str, list[str]] = {}
    for row in rows:
        item = " — ".join(c for i, c in enumerate(row) if i != key and c)
        if item:
            groups.setdefault(row[key], []).append(item)
    return Section(
        _title(title),
        "list",
        groups=tuple((g, tuple(items)) for g, items in groups.items()),
        source=_source(source),
    )


def text_section(path: Path, title: str, source: str | None = None) -> Section:
    """Plain paragraphs, separated by blank lines in the file."""
    path = Path(path)
    text = _decode(_read_bytes(path, MAX_BYTES), path.name)
    paragraphs = tuple(
        " ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()
    )
    if not paragraphs:
        raise InputError(f"{path.name}: the file is empty")
    return Section(_title(title), "text", paragraphs=paragraphs, source=_source(source))


def _title(title: str) -> str:
    clean = " ".join(title.split())
    if not clean:
        raise InputError("the annex title must not be empty")
    return clean


def _source(source: str | None) -> str | None:
    return " ".join(source.split()) if source and source.strip() else None
