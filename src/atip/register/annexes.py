"""Annexes: data sections read from CSV, XLSX or text files, small-cell suppression (the
published letters leave counts from 1 to N-1 blank; a. 53 and 54), and the document index of a
partial decision (each document, its decision and the articles that ground a refusal; a. 50).

Pure functions: no database, no click. Every problem with a file becomes one `InputError` line that
names the file (its name, not its full path) and, for CSV, the line number.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

from atip.errors import DatabaseError, InputError, RefusedError
from atip.i18n import _
from atip.register.tables import (
    Rows,
    column_index,
    read_numbered_table,
    read_table,
    read_text,
)
from atip.register.validation import check_field, split_articles

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
    articles: tuple[str, ...] = ()  # what a document index cites (a. 50), in first-seen order

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
                "articles": list(self.articles),
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
                articles=_texts(data.get("articles", ())),  # absent before document indexes
            )
        except (ValueError, TypeError, KeyError) as exc:
            raise DatabaseError(_("stored annex is damaged: {error}").format(error=exc)) from None

    @property
    def cited(self) -> tuple[str, ...]:
        """The articles a decision with this annex cites: 53 and 54 when small counts are
        blanked, and the articles a document index names."""
        blanked = ("53", "54") if self.suppressed else ()
        return tuple(dict.fromkeys((*blanked, *self.articles)))


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


# --- the document index of a partial decision (a. 50) ----------------------------------------

DOCUMENT_HEADER = ("Document", "Décision", "Articles")
# A column of the file, by any of its names (French or English; case and accents aside).
_DOCUMENT_COLUMNS = {
    "document": ("document", "documents"),
    "decision": ("decision",),
    "articles": ("articles", "article"),
}
# A decision cell, folded, to the word the letter prints.
_DECISIONS = {
    "accessible": "Accessible",
    "partiel": "Partiel",
    "partielle": "Partiel",
    "partial": "Partiel",
    "refuse": "Refusé",
    "refusee": "Refusé",
    "refused": "Refusé",
}
# "a. 53", "art. 53", "articles 53 et 54": the words before the numbers.
_ARTICLE_WORDS = re.compile(r"(?<![\w.])(?:a|art|articles?)\.?\s*(?=\d)|\bet\b|\band\b", re.I)


def _fold(text: str) -> str:
    """Lower case, no accents: 'Décision' -> 'decision'."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _document_columns(header: Sequence[str], file: str) -> dict[str, int]:
    """Where the document, decision and articles columns are; nothing else is allowed."""
    found: dict[str, int] = {}
    for position, name in enumerate(header):
        key = next((k for k, names in _DOCUMENT_COLUMNS.items() if _fold(name) in names), None)
        if key is None:
            break
        if key in found:
            raise InputError(
                _("{file}: columns {first} and {position} are both named '{column}'").format(
                    file=file, first=found[key] + 1, position=position + 1, column=name
                )
            )
        found[key] = position
    if len(found) != len(_DOCUMENT_COLUMNS) or len(header) != len(found):
        raise InputError(
            _(
                "{file}: a document index has the columns document, decision and articles; "
                "the columns are: {columns}"
            ).format(file=file, columns=", ".join(header))
        )
    return found


def documents_section(
    path: Path,
    title: str,
    source: str | None = None,
    *,
    cited_check: Callable[[Iterable[str]], None] | None = None,
) -> Section:
    """A table Document / Décision / Articles from a CSV or XLSX document index.

    Each row is accessible (no article), partiel or refusé (the articles that ground the refusal,
    a. 50); the articles named become the decision's, in first-seen order, and `cited_check`
    refuses one the office has no text for. Errors name the file, the line and the column.
    """
    title = _title(title)
    path = Path(path)
    header, rows, places = read_numbered_table(path)
    columns = _document_columns(header, path.name)
    out: list[tuple[str, str, str]] = []
    cited: list[str] = []
    for row, line in zip(rows, places, strict=True):
        at = {
            key: _("{file}: {place}, column {column}").format(
                file=path.name, place=line, column=index + 1
            )
            for key, index in columns.items()
        }
        document = row[columns["document"]]
        if not document:
            raise InputError(_("{where}: the document is not named").format(where=at["document"]))
        decision = _DECISIONS.get(_fold(row[columns["decision"]]))
        if decision is None:
            raise InputError(
                _("{where}: the decision must be accessible, partiel or refusé").format(
                    where=at["decision"]
                )
            )
        try:
            numbers = split_articles(_ARTICLE_WORDS.sub(" ", row[columns["articles"]]))
        except InputError:
            raise InputError(
                _("{where}: expected article numbers such as 53, 54").format(where=at["articles"])
            ) from None
        if decision == "Accessible" and numbers:
            raise InputError(
                _("{where}: an accessible document cites no article").format(where=at["articles"])
            )
        if decision != "Accessible" and not numbers:
            raise InputError(
                _(
                    "{where}: a document refused in whole or in part needs the articles that "
                    "ground the refusal (a. 50)"
                ).format(where=at["articles"])
            )
        new = [n for n in numbers if n not in cited]
        if cited_check is not None and new:
            try:
                cited_check(new)
            except RefusedError as exc:
                raise type(exc)(
                    _("{where}: {message}").format(where=at["articles"], message=exc.message)
                ) from None
        cited += new
        out.append((document, decision, ", ".join(numbers)))
    return Section(
        title=title,
        kind="table",
        header=DOCUMENT_HEADER,
        rows=tuple(out),
        source=_source(source),
        articles=tuple(cited),
    )
