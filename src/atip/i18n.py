"""The interface language: every message a clerk reads goes through `_()` and the catalogs.

Messages are written in English in the code (the gettext msgid); the French translations live in
`atip/locale/fr/LC_MESSAGES/*.po`, compiled to `.mo` beside them (`python tools/catalog.py`).
The language is French unless `ATIP_LANG` or `[interface] language` in atip.toml says `en`; the
machine's locale is never consulted. Codes (JSON values, statuses, outcomes) never change with it.
"""

from __future__ import annotations

import gettext
import os
from datetime import date
from functools import cache
from pathlib import Path

LANGUAGES = ("fr", "en")
DEFAULT = "fr"
LOCALE_DIR = Path(__file__).parent / "locale"
ENV = "ATIP_LANG"

_current = DEFAULT


@cache
def _catalog(language: str) -> gettext.NullTranslations:
    """Every compiled catalog of `language`, chained (one file per part of atip)."""
    folder = LOCALE_DIR / language / "LC_MESSAGES"
    chain: gettext.NullTranslations = gettext.NullTranslations()
    for path in sorted(folder.glob("*.mo")) if folder.is_dir() else ():
        with path.open("rb") as handle:
            part = gettext.GNUTranslations(handle)
        part.add_fallback(chain)
        chain = part
    return chain


def set_language(language: str) -> None:
    """Speak `language` (fr or en) from now on; ValueError for any other."""
    global _current
    if language not in LANGUAGES:
        raise ValueError(language)
    if language != _current:
        _translated.clear()
    _current = language


def language() -> str:
    """The language messages are given in now: fr or en."""
    return _current


# Each message as translated once in the current language: a chain of catalogs is a lookup
# per catalog, and an import of 100,000 rows asks for the same few messages a million times.
_translated: dict[str, str] = {}


def _(message: str) -> str:
    """The message in the interface language."""
    if _current == "en":
        return message
    try:
        return _translated[message]
    except KeyError:
        translated = _translated[message] = _catalog(_current).gettext(message)
        return translated


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for `n`, in the interface language."""
    if _current == "en":
        return singular if n == 1 else plural
    return _catalog(_current).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for the catalog where it is defined; `_()` translates it where shown."""
    return message


def day(d: date | None) -> str:
    """A date in a sentence: `5 janvier 2020` in French, ISO in English; '' for None."""
    if d is None:
        return ""
    if _current == "fr":
        from atip.french import long_date

        return long_date(d)
    return d.isoformat()


def language_from_environment() -> str | None:
    """ATIP_LANG, when set; ValueError when it names no language atip speaks."""
    value = os.environ.get(ENV, "").strip().lower()
    if not value:
        return None
    value = value.split("_")[0].split("-")[0]
    if value not in LANGUAGES:
        raise ValueError(value)
    return value
