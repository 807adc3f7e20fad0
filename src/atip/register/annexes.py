"""Annexes: data sections read from CSV, XLSX or text files, and small-cell suppression
(the published letters leave counts from 1 to N-1 blank; a. 53 and 54).

Pure functions: no database, no click. Every problem with a file becomes one `InputError` line that
names the file (its name, not its full path) and, for CSV, the line number.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from atip.errors import DatabaseError, InputError
from atip.i18n import _
from atip.register.tables import Rows, column_index, read_table, read_text
from atip.register.validation import check_field

Kind = Literal["table", "list", "text"]
KINDS: tuple[str, ...] = get_args(Kind)
JSON_VERSION = 1
ITEM_SEPARATOR = " — "  # joins the non-group cells of a list row into one item

# A whole-number count: plain digits, or groups of three separated by a (non-breaking/thin) space.
_COUNT = re.compile(r"[0-9]+|[0-9]{1,3}(?:[ \u00a0\u202f\u2009][0-9]{3})+")
_SEPARATORS = str.maketrans("", "", " \u00a0\u202f\u2009")
# A line starting with a bullet starts a new paragraph, so "- 12 M$ …" lists keep their lines.
_BULLET = re.compile(r"[-–—•*] ")


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
        # json.dumps' default separators: the column reads '"suppressed": []' for a plain section.
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
                raise TypeError(_("not an object"))
            version = data.get("version", JSON_VERSION)
            if version != JSON_VERSION:
                raise DatabaseError(
                    _(
                        "stored annex has format version {version}; "
                        "this atip reads version {supported}"
                    ).format(version=version, supported=JSON_VERSION)
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
            raise DatabaseError(_("stored annex is damaged: {error}").format(error=exc)) from None


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(_("expected text, found {type}").format(type=type(value).__name__))
    return value


def _texts(values: Any) -> tuple[str, ...]:
    if not isinstance(values, list | tuple):
        raise TypeError(_("expected a list, found {type}").format(type=type(values).__name__))
    return tuple(_text(v) for v in values)


# --- sections ------------------------------------------------------------------------------


def suppress_small_counts(
    header: Sequence[str], rows: Iterable[Sequence[str]], column: str, below: int
) -> tuple[Rows, int]:
    """Blank every whole-number count from 1 to below-1 in `column`; return rows and how many."""
    _check_threshold(below)
    index = column_index(header, column)
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
        raise InputError(
            _("the small-count threshold must be 2 or more, not {below}").format(below=below)
        )


def _title(title: str) -> str:
    title = title.strip()
    if not title:
        raise InputError(_("an annex needs a title"))
    return check_field(title, _("the annex title"), field="title")


def _source(source: str | None) -> str | None:
    if source is None:
        return None
    return check_field(source.strip(), _("the annex source"), field="source") or None


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
        raise InputError(_("small-count suppression needs both a threshold and a column"))
    if suppress_below is not None:
        _check_threshold(suppress_below)
    path = Path(path)
    header, rows = read_table(path)
    suppressed: tuple[str, ...] = ()
    if suppress_below is not None and column is not None:
        name = header[column_index(header, column, path.name)]
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
        raise InputError(
            _("{file}: a list needs two columns or more: a group and its items").format(
                file=path.name
            )
        )
    index = column_index(header, group_by, path.name)
    groups: dict[str, list[str]] = {}
    current: str | None = None
    for row in rows:
        current = row[index] or current
        item = ITEM_SEPARATOR.join(cell for i, cell in enumerate(row) if i != index and cell)
        if not item:
            continue
        if current is None:
            raise InputError(
                _("{file}: the first item '{item}' has no '{group}' to go under").format(
                    file=path.name, item=item, group=header[index]
                )
            )
        groups.setdefault(current, []).append(item)
    if not groups:
        raise InputError(
            _("{file}: has no items to list under '{group}'").format(
                file=path.name, group=header[index]
            )
        )
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
    for raw in read_text(path).splitlines():
        line = raw.strip()
        if lines and (not line or _BULLET.match(line)):
            paragraphs.append(" ".join(lines))
            lines = []
        if line:
            lines.append(line)
    if lines:
        paragraphs.append(" ".join(lines))
    if not paragraphs:
        raise InputError(_("{file}: the file is empty").format(file=path.name))
    return Section(title=title, kind="text", paragraphs=tuple(paragraphs), source=_source(source))
