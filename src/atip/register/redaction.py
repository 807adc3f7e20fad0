"""Taking people out of text: the published copy of a decision, and the purge.

One implementation for both. What identifies a person (the requester, or a third party) is
matched in any case and without regard to accents ("Côté", "COTE", "cote"), through any spacing:

- the email address whole, its local part, and each word of that local part;
- each line of the postal address, and its postal code with or without its space;
- each word of the name, and each part of a hyphenated one ("Brassard-Vautrin", "Vautrin"),
  as a whole word; a short word that is also a common French word ("Le", "Da") only after a
  courtesy title ("M. Le"), so that the letter keeps its articles; particles ("Van", "des")
  never alone;
- the initial of each word of the name, written as an initial ("Q.", "J.-P."), but "M."
  (Monsieur).

Neighbouring matches become one marker: "Gisèle Confidentielle-Tremblay" is one
"[renseignement retiré]".
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

REDACTED = "[renseignement retiré]"

# Words of a name that are also ordinary French words or particles: redacting them alone would
# change the letter ("Les", "Van"), and they identify nobody without the rest of the name.
_PARTICLES = frozenset(
    {"des", "les", "van", "von", "der", "den", "del", "dos", "das", "ste", "saint", "sainte"}
)
# Short words that are names too (Lê, Da, Di): matched only after a courtesy title.
_SHORT_WORDS = frozenset(
    {"a", "au", "ce", "d", "da", "de", "di", "du", "el", "en", "es", "et", "il", "l", "la", "le",
     "lo", "ma", "me", "mi", "ne", "ni", "no", "on", "ou", "sa", "se", "si", "son", "ta", "te",
     "tu", "un", "une", "y", "st", "o"}
)  # fmt: skip
_COURTESY = r"(?:m|mme|mmes|mlle|mr|mrs|ms|me|dr|pr|madame|monsieur|mademoiselle|maitre|docteur)"
# Fields of a letter case that hold codes or addresses of web pages, not prose.
_NOT_PROSE = frozenset({"reference", "kind", "outcome", "links"})
_MARKS = "[\u0300-\u036f]*"  # combining accents a decomposed text keeps after a letter
_WORD = r"[^\W\d_]+(?:[-'’][^\W\d_]+)*"
_POSTAL_CODE = re.compile(r"\b([A-Za-z]\d[A-Za-z])\s?(\d[A-Za-z]\d)\b")


def fold(text: str) -> str:
    """`text` without case or accents, character for character (the same length)."""
    out = []
    for char in text:
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        low = base.lower() if base else char
        out.append(low[0] if low else char)
    return "".join(out).replace("’", "'")


def _loose(folded: str) -> str:
    """A pattern for a folded string: accents may follow each letter, any spacing."""
    parts = []
    for char in folded:
        if char.isspace():
            parts.append(r"\s+")
        else:
            parts.append(re.escape(char) + (_MARKS if char.isalpha() else ""))
    return "".join(parts).replace(r"\s+\s+", r"\s+")


def _word(folded: str) -> str:
    return rf"(?<![^\W_]){_loose(folded)}(?![^\W_])"


@dataclass(frozen=True)
class Identity:
    """What identifies one person: the words of their name, their email, their address."""

    name: str | None = None
    email: str | None = None
    address: str | None = None


class Redactor:
    """Finds a set of people in text; `sub(marker, text)` replaces them, like a re.Pattern."""

    def __init__(self, people: Iterable[Identity]) -> None:
        wholes: set[str] = set()
        words: set[str] = set()
        short: set[str] = set()
        initials: set[str] = set()
        for person in people:
            for line in (person.address or "").replace("\\n", "\n").splitlines():
                line = " ".join(line.strip(" ,").split())
                if len(line) >= 4:
                    wholes.add(fold(line))
                for first, second in _POSTAL_CODE.findall(line):
                    wholes.update({fold(first + second), fold(f"{first} {second}")})
            email = (person.email or "").strip()
            if email:
                wholes.add(fold(email))
                local = email.split("@", 1)[0]
                if len(local) >= 2:
                    wholes.add(fold(local))
                words.update(
                    fold(p) for p in re.split(r"[._+\-]", local) if len(p) >= 3 and p.isalpha()
                )
            tokens = re.findall(_WORD, person.name or "")
            tokens += [part for t in tokens for part in re.split(r"[-'’]", t)]
            for token in tokens:
                folded = fold(token)
                if folded in _PARTICLES or not folded:
                    continue
                initials.add(token[0].upper())
                initials.add(fold(token[0]).upper())
                if len(folded) == 1:
                    continue
                (short if folded in _SHORT_WORDS else words).add(folded)
        parts = [_word(w) for w in sorted(wholes | words, key=len, reverse=True)]
        parts += [
            rf"(?<![^\W_]){_COURTESY}\.?\s+{_loose(w)}(?![^\W_])"
            for w in sorted(short, key=len, reverse=True)
        ]
        self._folded = re.compile("|".join(parts)) if parts else None
        # Initials are read in the text itself: a capital, then a period ("Q.", "J.-P.").
        # "M." is Monsieur before anyone's name: never read as an initial.
        initials.discard("M")
        self._initials = (
            re.compile(rf"(?<![^\W_])[{''.join(sorted(initials))}]\.") if initials else None
        )

    def __bool__(self) -> bool:
        return self._folded is not None or self._initials is not None

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the people are in `text`, neighbouring matches merged, in order."""
        found: list[tuple[int, int]] = []
        if self._folded is not None:
            found += [m.span() for m in self._folded.finditer(fold(text)) if m.end() > m.start()]
        if self._initials is not None:
            found += [m.span() for m in self._initials.finditer(text)]
        merged: list[tuple[int, int]] = []
        for start, end in sorted(found):
            if merged and (
                start <= merged[-1][1] or not text[merged[-1][1] : start].strip(" \t-‐–'’")
            ):
                merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
            else:
                merged.append((start, end))
        return merged

    def sub(self, marker: str, text: str) -> str:
        """`text` with every person replaced by `marker`."""
        out, last = [], 0
        for start, end in self.spans(text):
            out += [text[last:start], marker]
            last = end
        out.append(text[last:])
        return "".join(out)

    def found_in(self, text: str) -> bool:
        """True when `text` still names one of the people."""
        return bool(self.spans(text))


def redactor(people: Iterable[Identity]) -> Redactor | None:
    """The redactor of these people, or None when nothing identifies them."""
    found = Redactor(people)
    return found if found else None


def name_pattern(name: str, email: str | None, address: str | None) -> Redactor | None:
    """The redactor of one person (`.sub(marker, text)`, as a re.Pattern has)."""
    return redactor([Identity(name, email, address)])


def scrub(value: Any, pattern: Redactor, marker: str) -> Any:
    """`value` with the people replaced in its text, through tuples and nested dataclasses."""
    if isinstance(value, str):
        return pattern.sub(marker, value)
    if isinstance(value, tuple):
        return tuple(scrub(v, pattern, marker) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for field in dataclasses.fields(value):
            item = getattr(value, field.name)
            if field.name not in _NOT_PROSE and (
                isinstance(item, str | tuple) or dataclasses.is_dataclass(item)
            ):
                changes[field.name] = scrub(item, pattern, marker)
        return dataclasses.replace(value, **changes)
    return value


def identities_of(case: Any) -> list[Identity]:
    """The people a letter case names: its requester and each third party."""
    people = [Identity(case.requester_name, case.requester_email, case.requester_address)]
    for party in getattr(case, "third_parties", ()) or ():
        people.append(Identity(party.name, party.email, party.address))
    return people


def redact(case: Any) -> Any:
    """The case without the requester and the third parties: their identity fields blanked,
    their traces replaced in text (subject, the clerk's paragraphs, every annex cell)."""
    pattern = redactor(identities_of(case))
    changes: dict[str, Any] = {
        "requester_name": "",
        "requester_address": "",
        "requester_email": None,
    }
    if getattr(case, "third_parties", ()):
        changes["third_parties"] = tuple(
            dataclasses.replace(p, name="", address="", email=None) for p in case.third_parties
        )
    blank = dataclasses.replace(case, **changes)
    return blank if pattern is None else scrub(blank, pattern, REDACTED)
