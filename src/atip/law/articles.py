"""Versioned verbatim law texts, one TOML file per article in legal_articles/ (see its README).

A letter cites the version in force on its date. Folders are searched in order, the workspace's
own `legal_articles/` first, so that its file of a given name replaces the packaged one.
"""

from __future__ import annotations

import itertools
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from atip.errors import InputError, NotFoundError
from atip.i18n import _, day, ngettext

# As the ministry's letters print it in their sentences (seed 000: "Loi sur l’accès aux documents
# des organismes publics et sur la protection des renseignements personnels"); the law annex
# prints it in capitals.
ACT_TITLE = (
    "Loi sur l’accès aux documents des organismes publics et sur la protection des "
    "renseignements personnels"
)
SOURCE_KINDS = ("VERBATIM-OFFICIAL", "VERBATIM-3P")
# A letter dated D warns when the text it cites is known current only to a day more than this
# many days before D: a year is longer than LégisQuébec ever goes without an update of the Act,
# so the text may have been amended since (`LawLibrary.warnings_on`, `atip articles check`).
STALE_AFTER_DAYS = 365

_NUMBER = re.compile(r"(?:(?:a|art|article|s|section)\.?\s*)?(\d+(?:\.\d+)*)\.?", re.ASCII)
_FILE_KEYS = {"number", "act", "versions"}
_VERSION_KEYS = {
    "text",
    "history",
    "source",
    "source_kind",
    "current_to",
    "verified",
    "in_force_from",
}


@dataclass(frozen=True)
class ArticleVersion:
    """One version of an article: its verbatim paragraphs and history line, and their source."""

    number: str
    paragraphs: tuple[str, ...]
    history: str
    source: str
    source_kind: str
    current_to: date
    verified: bool
    in_force_from: date | None


def normalise_number(text: str) -> str:
    """ "53", " a. 53 ", "art. 053" -> "53"; "16.1" stays; InputError for anything else."""
    match = _NUMBER.fullmatch(" ".join(str(text).split()).lower())
    if not match:
        raise InputError(
            _("invalid article number '{text}': expected a number such as 53 or 16.1").format(
                text=text
            )
        )
    return ".".join(str(int(part)) for part in match[1].split("."))


def file_name(number: str) -> str:
    """The file that holds an article: 13 -> "013.toml", 16.1 -> "016.1.toml"."""
    head, _dot, rest = normalise_number(number).partition(".")
    return f"{int(head):03d}" + (f".{rest}" if rest else "") + ".toml"


def _sort_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


# ----------------------------------------------------------------------------- loading

# Parsed files by path, kept while the file's size and modification time stay the same.
_CACHE: dict[Path, tuple[tuple[int, int], tuple[str, tuple[ArticleVersion, ...]]]] = {}


def _bad(path: Path, reason: str) -> InputError:
    return InputError(_("malformed law text {path}: {reason}").format(path=path, reason=reason))


def _string(path: Path, where: str, table: dict[str, Any], key: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _bad(path, _("{where}{key} must be a non-empty string").format(where=where, key=key))
    return value


def _day(path: Path, where: str, value: Any, key: str) -> date:
    # tomllib gives datetime for 2020-02-06T00:00; a law text is current to a day, not a time.
    if not isinstance(value, date) or isinstance(value, datetime):
        raise _bad(
            path,
            _("{where}{key} must be a date such as 2024-05-01 (no quotes)").format(
                where=where, key=key
            ),
        )
    return value


def _version(path: Path, number: str, index: int, table: Any) -> ArticleVersion:
    where = _("versions[{index}]: ").format(index=index)
    if not isinstance(table, dict):
        raise _bad(path, _("{where}must be a table ([[versions]])").format(where=where))
    unknown = sorted(set(table) - _VERSION_KEYS)
    if unknown:
        raise _bad(path, _("{where}unknown key '{key}'").format(where=where, key=unknown[0]))
    text = _string(path, where, table, "text")
    # One paragraph per line; a single final newline (a closing ''' on its own line) is allowed.
    paragraphs = tuple(text.removesuffix("\n").split("\n"))
    if any(not p.strip() for p in paragraphs):
        raise _bad(
            path,
            _("{where}text has a blank line: put one paragraph per line, no gaps").format(
                where=where
            ),
        )
    kind = _string(path, where, table, "source_kind")
    if kind not in SOURCE_KINDS:
        official, third_party = SOURCE_KINDS
        raise _bad(
            path,
            _("{where}source_kind must be {official} or {third_party}, not '{kind}'").format(
                where=where, official=official, third_party=third_party, kind=kind
            ),
        )
    verified = table.get("verified")
    if not isinstance(verified, bool):
        raise _bad(path, _("{where}verified must be true or false").format(where=where))
    if verified and kind != "VERBATIM-OFFICIAL":
        raise _bad(
            path,
            _("{where}only a VERBATIM-OFFICIAL (LégisQuébec) text can be verified").format(
                where=where
            ),
        )
    in_force = table.get("in_force_from")
    return ArticleVersion(
        number=number,
        paragraphs=paragraphs,
        history=_string(path, where, table, "history").strip(),
        source=_string(path, where, table, "source").strip(),
        source_kind=kind,
        current_to=_day(path, where, table.get("current_to"), "current_to"),
        verified=verified,
        in_force_from=None if in_force is None else _day(path, where, in_force, "in_force_from"),
    )


def _parse(path: Path) -> tuple[str, tuple[ArticleVersion, ...]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise _bad(path, _("not UTF-8 text")) from None
    return parse_article_file(path, text)


def parse_article_file(path: Path, text: str) -> tuple[str, tuple[ArticleVersion, ...]]:
    """An article file's number and versions (oldest first), from its text; InputError naming
    `path` when it is malformed. The loader of the library, also used to check a file before
    it is written."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _bad(path, str(exc)) from None
    unknown = sorted(set(data) - _FILE_KEYS)
    if unknown:
        raise _bad(path, _("{where}unknown key '{key}'").format(where="", key=unknown[0]))
    raw_number = data.get("number")
    if not isinstance(raw_number, str):
        raise _bad(path, _('number must be a string such as "53"'))
    try:
        number = normalise_number(raw_number)
    except InputError:
        raise _bad(path, _("invalid article number '{number}'").format(number=raw_number)) from None
    stem = path.name.removesuffix(".toml")
    try:
        matches = normalise_number(stem) == number
    except InputError:
        matches = False
    if not matches:
        raise _bad(
            path,
            _("article {number} must be in a file named {file}").format(
                number=number, file=file_name(number)
            ),
        )
    _string(path, "", data, "act")
    raw_versions = data.get("versions")
    if not isinstance(raw_versions, list) or not raw_versions:
        raise _bad(path, _("no [[versions]]"))
    versions = [_version(path, number, i, t) for i, t in enumerate(raw_versions)]
    # Oldest first; a version without in_force_from is the one in force "since always".
    versions.sort(key=lambda v: v.in_force_from or date.min)
    starts = [v.in_force_from for v in versions]
    for earlier, later in itertools.pairwise(starts):
        if earlier == later:
            if later is None:
                raise _bad(path, _("two versions in force from the same date (always)"))
            raise _bad(
                path,
                _("two versions in force from the same date ({since})").format(since=day(later)),
            )
    return number, tuple(versions)


def _load(path: Path) -> tuple[str, tuple[ArticleVersion, ...]]:
    """A file's article, parsed once while it is unchanged."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise _bad(path, exc.strerror or _("cannot be read")) from None
    stamp = (stat.st_mtime_ns, stat.st_size)
    cached = _CACHE.get(path)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        parsed = _parse(path)
    except OSError as exc:
        raise _bad(path, exc.strerror or _("cannot be read")) from None
    _CACHE[path] = (stamp, parsed)
    return parsed


# ----------------------------------------------------------------------------- library


@dataclass(frozen=True)
class LawWarning:
    """Why the text a letter cites needs checking: `unverified` (not copied from LégisQuébec)
    or `stale` (known current only to a day more than STALE_AFTER_DAYS before the letter)."""

    number: str
    code: str
    version: ArticleVersion
    message: str


class LawLibrary:
    """The articles found in some folders; earlier folders override later ones, file by file."""

    def __init__(self, folders: Sequence[Path]) -> None:
        chosen: dict[str, Path] = {}
        for folder in folders:
            if not Path(folder).is_dir():
                continue
            for path in sorted(Path(folder).glob("*.toml")):
                chosen.setdefault(path.name, path)
        # Two names for one article ("13.toml" and "013.toml"): the earlier folder's wins;
        # within one folder it is a mistake the office must fix.
        self._versions: dict[str, tuple[ArticleVersion, ...]] = {}
        owner: dict[str, Path] = {}
        for name in sorted(chosen, key=lambda n: _folder_rank(chosen[n], folders)):
            path = chosen[name]
            number, versions = _load(path)
            if number in owner:
                if owner[number].parent == path.parent:
                    raise _bad(
                        path,
                        _("article {number} is also in {file}").format(
                            number=number, file=owner[number].name
                        ),
                    )
                continue
            owner[number] = path
            self._versions[number] = versions
        self._files = owner

    def numbers(self) -> list[str]:
        """Every article with a text, in numeric order ("1", "10", "13", "16.1", "53")."""
        return sorted(self._versions, key=_sort_key)

    def path(self, number: str) -> Path:
        """The file the article's text was read from."""
        return self._files[self._known(number)]

    def versions(self, number: str) -> list[ArticleVersion]:
        """Every version of an article, oldest first."""
        return list(self._versions[self._known(number)])

    def text_on(self, number: str, on: date) -> ArticleVersion:
        """The version in force on a date: the latest one whose in_force_from is on or before it."""
        number = self._known(number)
        current = [
            v for v in self._versions[number] if v.in_force_from is None or v.in_force_from <= on
        ]
        if not current:
            raise NotFoundError(
                _(
                    "no text for article {number} in force on {on}: add that version to "
                    "legal_articles/{file} from LégisQuébec"
                ).format(number=number, on=day(on), file=self.path(number).name)
            )
        return current[-1]

    def warnings_on(self, number: str, on: date) -> list[LawWarning]:
        """What a letter dated `on` should say about the text of `number` it cites: nothing
        when that version is verified and known current to a day at most STALE_AFTER_DAYS
        before `on`. NotFoundError when no version is in force on `on`."""
        version = self.text_on(number, on)
        found = []
        if not version.verified:
            found.append(
                LawWarning(
                    version.number,
                    "unverified",
                    version,
                    _(
                        "article {number}: the text cited on {on} is not verified against "
                        "LégisQuébec (source: {source})"
                    ).format(number=version.number, on=day(on), source=version.source),
                )
            )
        if (on - version.current_to).days > STALE_AFTER_DAYS:
            found.append(
                LawWarning(
                    version.number,
                    "stale",
                    version,
                    _(
                        "article {number}: the text cited on {on} is known current only to "
                        "{current_to}, more than {days} days earlier: check LégisQuébec for a "
                        "later version and add it with `atip articles add FILE`"
                    ).format(
                        number=version.number,
                        on=day(on),
                        current_to=day(version.current_to),
                        days=STALE_AFTER_DAYS,
                    ),
                )
            )
        return found

    def check_citable(self, numbers: Iterable[str]) -> None:
        """Refuse (NotFoundError, a RefusedError) the first article that has no text to attach
        to a letter, naming the nearest known articles and `atip articles add`."""
        for number in numbers:
            self._known(number)

    def nearest(self, number: str) -> list[str]:
        """The known articles just below and just above `number` (none, one or two)."""
        key = _sort_key(normalise_number(number))
        below = [n for n in self.numbers() if _sort_key(n) < key]
        above = [n for n in self.numbers() if _sort_key(n) > key]
        return below[-1:] + above[:1]

    def _known(self, number: str) -> str:
        key = normalise_number(number)
        if key not in self._versions:
            nearest = self.nearest(key)
            if nearest:
                raise NotFoundError(
                    ngettext(
                        "no text for article {number}: the nearest known is {nearest}; paste "
                        "its text from LégisQuébec into a file and run `atip articles add "
                        "FILE` (or add legal_articles/{file})",
                        "no text for article {number}: the nearest known are {nearest}; paste "
                        "its text from LégisQuébec into a file and run `atip articles add "
                        "FILE` (or add legal_articles/{file})",
                        len(nearest),
                    ).format(number=key, nearest=", ".join(nearest), file=file_name(key))
                )
            raise NotFoundError(
                _(
                    "no text for article {number}: paste its text from LégisQuébec into a "
                    "file and run `atip articles add FILE` (or add legal_articles/{file})"
                ).format(number=key, file=file_name(key))
            )
        return key


def _folder_rank(path: Path, folders: Sequence[Path]) -> tuple[int, str]:
    for rank, folder in enumerate(folders):
        if path.parent == Path(folder):
            return rank, path.name
    return len(folders), path.name


def default_library(workspace: Path | None) -> LawLibrary:
    """The workspace's own legal_articles/ over the packaged texts."""
    from atip.resources import search_path

    return LawLibrary(search_path("legal_articles", workspace))
