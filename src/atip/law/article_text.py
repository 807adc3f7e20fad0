"""Law texts pasted from a LégisQuébec page: split into articles, paragraphs and history lines,
checked, and turned into article files (the format of legal_articles/README.md).

The layout read is the page's own, one line per paragraph:

    21. Un organisme public peut refuser de confirmer l’existence … une telle divulgation:
    1°  procurerait un avantage indu à une personne …; ou
    2°  porterait sérieusement atteinte aux intérêts économiques …
    1982, c. 30, a. 21.

- An article starts at a line beginning with its number and a period: `21. `, `16.1. `.
- Every other line is a paragraph of that article, kept exactly (a `1°` item is a paragraph).
  Only the spaces at a line's two ends are dropped, and blank lines are skipped (a browser's
  copy puts some between paragraphs).
- A line cut in two by an e-mail or a PDF is joined back to the line before, with one space,
  when it cannot be a paragraph of the page: it starts with a small letter (and is not a
  sub-item such as `a) `), or the line before ends with a hyphen (joined without a space:
  `non-` + `divulgation`). Nothing else is joined: a page never starts a paragraph with a small
  letter, and guessing more would change the law's words.
- The article ends with its history line: entries `YEAR, c. N, a. N` (or a decree's
  `D. 408-2008, a. 2`) separated by `; `, and a final period. A history line cut after a `;`
  is joined to the next line.
- The history must name the article: an entry `a. NUMBER` of its own number (the Act's own
  entry, `1982, c. 30, a. 21`). An article inserted by a later Act (a decimal number such as
  16.1) names only the inserting Act's section, so when no entry of the Act itself
  (`1982, c. 30`) is there, a decimal number is accepted as it is.

Anything else is refused with the number of the line that is wrong: nothing is guessed.
This module writes no file: `plan_additions` returns the files' new contents, read back with
the library's own loader, for the command line to write.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from atip.errors import InputError
from atip.i18n import _, day
from atip.law.articles import (
    ACT_TITLE,
    ArticleVersion,
    LawLibrary,
    file_name,
    normalise_number,
    parse_article_file,
)

# The Act as enacted: its own entry in every history line of its original articles.
ENACTED_AS = "1982, c. 30"
# What `--source` defaults to, and the hosts whose pages count as official (verified).
PASTED = "pasted by the office"
OFFICIAL_HOSTS = ("legisquebec.gouv.qc.ca", "www.legisquebec.gouv.qc.ca")

_START = re.compile(r"(\d+(?:\.\d+)*)\.(?:[ \u00a0\t]+(.*))?", re.ASCII)
_ITEM_ONLY = re.compile(r"(?:\d+°|[a-z]\))\.?")
_SUB_ITEM = re.compile(r"[a-z]\)\s")
_HISTORY_LIKE = re.compile(r"(?:\d{4},?\s*c\.|D\.\s*\d)")
_ENTRY = re.compile(r"(?:\d{4}, c\. \d+|D\. \d+-\d{4}), a\. (\d+(?:\.\d+)*)", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\t]")


@dataclass(frozen=True)
class PastedArticle:
    """One article read from a pasted text: its words exactly, and where it started."""

    number: str
    paragraphs: tuple[str, ...]
    history: str
    line: int


def _refuse(line: int, reason: str) -> InputError:
    return InputError(_("line {line}: {reason}").format(line=line, reason=reason))


def history_numbers(history: str) -> list[str] | None:
    """The article numbers (`a. N`) of a well-formed history line, or None if it is malformed."""
    if not history.endswith(".") or history.endswith(".."):
        return None
    numbers = []
    for entry in history[:-1].split("; "):
        match = _ENTRY.fullmatch(entry)
        if not match:
            return None
        numbers.append(match[1])
    return numbers


def history_names(number: str, history: str) -> bool:
    """Whether a well-formed history line can be the history of article `number` (see above)."""
    numbers = history_numbers(history) or []
    if any(normalise_number(n) == number for n in numbers):
        return True
    return "." in number and ENACTED_AS + ", " not in history


def parse_pasted(text: str) -> list[PastedArticle]:
    """The articles of a text copied from LégisQuébec; InputError naming the wrong line."""
    lines = text.removeprefix("\ufeff").splitlines()
    articles: list[PastedArticle] = []
    number: str | None = None
    started = 0
    paragraphs: list[str] = []
    history = ""
    history_line = 0
    last = 0
    seen: dict[str, int] = {}

    def close() -> None:
        nonlocal number
        assert number is not None
        numbers = history_numbers(history)
        if numbers is None:
            raise _refuse(
                history_line,
                _(
                    "malformed history line '{text}': expected entries such as "
                    "'1982, c. 30, a. 21' separated by '; ', ending with a period"
                ).format(text=_short(history)),
            )
        if not history_names(number, history):
            raise _refuse(
                history_line,
                _(
                    "the history line '{text}' is not that of article {number}: it names no "
                    "'a. {number}' (such as '1982, c. 30, a. {number}')"
                ).format(text=_short(history), number=number),
            )
        if number in seen:
            raise _refuse(
                started,
                _("article {number} is pasted twice (first at line {first})").format(
                    number=number, first=seen[number]
                ),
            )
        seen[number] = started
        articles.append(PastedArticle(number, tuple(paragraphs), history, started))
        number = None

    for index, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            continue
        last = index
        if _CONTROL.search(line):
            raise _refuse(index, _("a tab or control character: a law text has none"))
        if number is not None and history.endswith(";"):
            # a history line cut after one of its entries goes on
            history = f"{history} {line}"
            if not history.endswith(";"):
                close()
            continue
        if _HISTORY_LIKE.match(line):
            if number is None:
                raise _refuse(index, _("a history line with no article text before it"))
            history, history_line = line, index
            if not history.endswith(";"):
                close()
            continue
        start = _START.fullmatch(line)
        if start:
            if number is not None:
                raise _refuse(
                    index,
                    _(
                        "article {number} (line {start}) has no history line before this line; "
                        "copy the line such as '1982, c. 30, a. {number}.' under its text"
                    ).format(number=number, start=started),
                )
            if not (start[2] or "").strip():
                raise _refuse(
                    index,
                    _(
                        "'{text}' alone on its line: an article's text follows its number on "
                        "the same line"
                    ).format(text=line),
                )
            number = _number(start[1], index)
            started, paragraphs, history = index, [line], ""
            continue
        if number is None:
            if articles:
                raise _refuse(
                    index,
                    _(
                        "text after the history line of article {number}: an article starts "
                        "with its number and a period, such as '22. '"
                    ).format(number=articles[-1].number),
                )
            raise _refuse(
                index,
                _(
                    "the text must start with an article's number and a period, such as "
                    "'21. Un organisme public …'"
                ),
            )
        if _ITEM_ONLY.fullmatch(line):
            raise _refuse(index, _("the paragraph '{text}' is empty").format(text=line))
        if paragraphs[-1].endswith("-") and not paragraphs[-1].endswith(" -"):
            paragraphs[-1] += line
        elif line[0].islower() and not _SUB_ITEM.match(line):
            paragraphs[-1] += " " + line
        else:
            paragraphs.append(line)
    if number is not None and history:
        close()  # a history line that ends with ';' is malformed
    if number is not None:
        raise _refuse(
            last,
            _(
                "article {number} (line {start}) ends without its history line, such as "
                "'1982, c. 30, a. {number}.'"
            ).format(number=number, start=started),
        )
    if not articles:
        raise InputError(
            _("no article in the text: paste an article with its history line from LégisQuébec")
        )
    return articles


def _number(text: str, line: int) -> str:
    try:
        return normalise_number(text)
    except InputError:
        raise _refuse(line, _("invalid article number '{text}'").format(text=text)) from None


def _short(text: str) -> str:
    return text if len(text) <= 80 else text[:79] + "…"


# ----------------------------------------------------------------------------- files


def source_kind(source: str) -> tuple[str, bool]:
    """(source_kind, verified) of a source: a LégisQuébec page address is official."""
    parts = urlsplit(source.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme in ("http", "https") and host in OFFICIAL_HOSTS:
        return "VERBATIM-OFFICIAL", True
    return "VERBATIM-3P", False


@dataclass(frozen=True)
class Addition:
    """What `articles add` does to one article: `new`, `version` or `unchanged`."""

    number: str
    status: str
    path: Path
    content: bytes | None
    versions: int  # the article's versions after the change
    cited_from: date | None  # a new version's in_force_from


def _basic(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def version_toml(
    article: PastedArticle, *, source: str, current_to: date, in_force_from: date | None
) -> str:
    """One `[[versions]]` table; the text between ''' when nothing in it needs escaping."""
    kind, verified = source_kind(source)
    text = "\n".join(article.paragraphs)
    if "'''" in text or text.endswith("'"):
        text_line = "text = " + _basic(text)
    else:
        text_line = f"text = '''\n{text}'''"
    lines = [
        "[[versions]]",
        text_line,
        f"history = {_basic(article.history)}",
        f"source = {_basic(source)}",
        f'source_kind = "{kind}"',
        f"current_to = {current_to.isoformat()}",
        f"verified = {'true' if verified else 'false'}",
    ]
    if in_force_from is not None:
        lines.append(f"in_force_from = {in_force_from.isoformat()}")
    return "\n".join(lines) + "\n"


def _same(version: ArticleVersion, article: PastedArticle) -> bool:
    return version.paragraphs == article.paragraphs and version.history == article.history


def plan_additions(
    library: LawLibrary,
    articles: Sequence[PastedArticle],
    folder: Path,
    *,
    source: str,
    current_to: date,
    added_on: date,
) -> list[Addition]:
    """The workspace files `articles add` writes, all checked before any is written.

    A new article gets a file of its own (one version, no in_force_from). A text that differs
    from every version of a known article is added as a new version, the others kept: it is
    cited from `current_to`, the first day it is known to be the text (its real in-force date
    is not known; a letter dated earlier cites the older version). The file is the article's
    current one (the workspace's, else the packaged one) with the new table appended.
    """
    plans = []
    for article in articles:
        if article.number not in library.numbers():
            path = folder / file_name(article.number)
            body = (
                f"# Article {article.number} of the Act (RLRQ c. A-2.1), added by "
                f"`atip articles add` on {added_on.isoformat()}.\n"
                f"number = {_basic(article.number)}\n"
                f"act = {_basic(ACT_TITLE)}\n\n"
                + version_toml(article, source=source, current_to=current_to, in_force_from=None)
            )
            plans.append(_checked(article, path, body, "new", None))
            continue
        versions = library.versions(article.number)
        if any(_same(v, article) for v in versions):
            plans.append(
                Addition(
                    article.number,
                    "unchanged",
                    library.path(article.number),
                    None,
                    len(versions),
                    None,
                )
            )
            continue
        newest = max(versions, key=lambda v: v.current_to)
        if current_to <= newest.current_to:
            raise _refuse(
                article.line,
                _(
                    "article {number} differs from its text known current to {known}: give "
                    "the later date the pasted text is current to with --current-to"
                ).format(number=article.number, known=day(newest.current_to)),
            )
        current = library.path(article.number)
        path = current if current.parent == folder else folder / file_name(article.number)
        base = current.read_text(encoding="utf-8").rstrip("\n")
        body = (
            f"{base}\n\n# Added by `atip articles add` on {added_on.isoformat()}; cited from "
            "the day it is known current to.\n"
            + version_toml(article, source=source, current_to=current_to, in_force_from=current_to)
        )
        plans.append(_checked(article, path, body, "version", current_to))
    return plans


def _checked(
    article: PastedArticle, path: Path, body: str, status: str, cited_from: date | None
) -> Addition:
    """Read the new file back with the library's loader: it must hold the pasted words."""
    number, versions = parse_article_file(path, body)
    if number != article.number or not any(_same(v, article) for v in versions):
        raise InputError(
            _("article {number}: the file written would not read back as pasted").format(
                number=article.number
            )
        )
    return Addition(number, status, path, body.encode("utf-8"), len(versions), cited_from)
