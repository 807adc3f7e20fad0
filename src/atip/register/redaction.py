"""Taking the requester out of a letter case: the published copy of a decision."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

REDACTED = "[renseignement retiré]"

# Words of a name that are also ordinary French words or particles: redacting them alone would
# change the letter ("Les", "Van"), and they identify nobody without the rest of the name.
_PARTICLES = frozenset(
    {"des", "les", "van", "von", "der", "den", "del", "dos", "das", "ste", "saint", "sainte"}
)
# Fields of a letter case that hold codes or addresses of web pages, not prose.
_NOT_PROSE = frozenset({"reference", "kind", "outcome", "links"})


def name_pattern(name: str, email: str | None, address: str | None) -> re.Pattern[str] | None:
    """A pattern of the requester's identity: name, email, address lines, name words."""
    # Whole strings match in any case and with any spacing (a line break inside the name);
    # a word of the name alone matches only as a whole word written as a name (with its
    # capital, or all in capitals), so that "à côté" stays when the requester is Mme Côté.
    whole = [name, email or ""]
    whole += [line.strip(" ,") for line in (address or "").splitlines()]
    strings = {" ".join(s.split()) for s in whole if len(s.strip()) >= 4}
    # "Brassard-Vautrin" and each of its parts: a letter may say "Mme Vautrin".
    tokens = re.findall(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", name or "")
    tokens += [part for t in tokens for part in re.split(r"[-'’]", t)]
    words = {w for w in tokens if len(w) >= 3 and w.casefold() not in _PARTICLES}
    words |= {w.upper() for w in words}  # "M. QUENNEVILLE" in a heading
    if not strings and not words:
        return None
    parts = [
        "(?i:" + r"\s+".join(re.escape(p) for p in s.split()) + ")"
        for s in sorted(strings, key=len, reverse=True)
    ]
    parts += [rf"(?<![^\W_]){re.escape(w)}(?![^\W_])" for w in sorted(words, key=len, reverse=True)]
    return re.compile("|".join(parts))


def scrub(value: Any, pattern: re.Pattern[str], marker: str) -> Any:
    """`value` with `pattern` replaced in its text, through tuples and nested dataclasses."""
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


def redact(case: Any) -> Any:
    """The case without the requester: identity fields blanked, their traces replaced in text.

    Whole strings (name, email, address lines) match in any case and spacing; a word of the
    name alone matches as a name is written. Subject, clerk's paragraphs and every annex cell.
    """
    blank = dataclasses.replace(case, requester_name="", requester_address="", requester_email=None)
    pattern = name_pattern(case.requester_name or "", case.requester_email,
                           case.requester_address)  # fmt: skip
    return blank if pattern is None else scrub(blank, pattern, REDACTED)
