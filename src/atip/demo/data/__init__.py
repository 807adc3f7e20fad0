"""The two seed letters of a Quebec ministry as data, to re-create them through `build_letter`.

Each folder holds request.toml (the request, its decision and its annexes, with the fictitious
requester) and the annex files it names. Used by the golden tests and by `atip demo`.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from atip.letters.model import DecisionData, LetterCase, Profile

HERE = Path(__file__).resolve().parent
SEEDS = ("seed2020", "seed2024")


@dataclass(frozen=True)
class DemoLetter:
    """A seed re-creation: the request, the organisation and the date of its decision letter."""

    name: str
    case: LetterCase
    profile: Profile
    letter_date: date


def folder(name: str) -> Path:
    """The data folder of one seed re-creation."""
    if name not in SEEDS:
        raise ValueError(f"unknown demo letter {name!r}: use one of {', '.join(SEEDS)}")
    return HERE / name


def spec(name: str) -> dict[str, Any]:
    """The parsed request.toml of one seed re-creation."""
    return tomllib.loads((folder(name) / "request.toml").read_text(encoding="utf-8"))


def settings(name: str) -> dict[str, Any]:
    """The atip.toml settings of one seed, as Settings field names (its [settings] tables)."""
    from atip.register.settings import SETTINGS

    tables = spec(name).get("settings", {})
    values: dict[str, Any] = {}
    for (table, key), (field_name, _kind) in SETTINGS.items():
        if key in tables.get(table, {}):
            values[field_name] = tables[table][key]
    return values


# Settings fields that are Profile fields of the same name and meaning.
_PROFILE_SETTINGS = (
    "signatory_courtesy",
    "signatory_contact",
    "address",
    "phone",
    "website",
    "salutation",
    "closing",
    "reference_after_subject",
)


def profile(name: str | None = None) -> Profile:
    """The ministry of the seeds, signed by its access officer as printed there; with a seed's
    name, under that seed's own settings."""
    data = tomllib.loads((HERE / "profile.toml").read_text(encoding="utf-8"))
    if name is not None:
        data.update({k: v for k, v in settings(name).items() if k in _PROFILE_SETTINGS})
    return Profile(**data)


def sections(name: str) -> tuple[Any, ...]:
    """The annexes of one seed re-creation, built by atip.register.annexes from their files."""
    from atip.register import annexes

    base = folder(name)
    built = []
    for entry in spec(name).get("annexes", []):
        title, source = entry["title"], entry.get("source")
        if "table" in entry:
            options: dict[str, Any] = {}
            if "suppress_below" in entry:
                options = {"suppress_below": entry["suppress_below"], "column": entry["column"]}
            section = annexes.table_section(base / entry["table"], title, source, **options)
        elif "list" in entry:
            section = annexes.list_section(base / entry["list"], title, entry["group_by"], source)
        else:
            section = annexes.text_section(base / entry["text"], title, source)
        if "intro" in entry:
            section = dataclasses.replace(section, paragraphs=(entry["intro"],))
        built.append(section)
    return tuple(built)


def load(name: str) -> DemoLetter:
    """The request, profile and letter date of one seed re-creation."""
    data = spec(name)
    base = folder(name)
    decision = None
    if "decision" in data:
        d = data["decision"]
        body = (base / d["body"]).read_text(encoding="utf-8") if "body" in d else ""
        decision = DecisionData(
            decided_on=d["decided_on"],
            outcome=d["outcome"],
            articles=tuple(d.get("articles", ())),
            links=tuple(d.get("links", ())),
            paragraphs=tuple(p.strip() for p in body.split("\n\n") if p.strip()),
            referral_body=d.get("referral_body"),
        )
    requester = data["requester"]
    case = LetterCase(
        reference=data["reference"],
        kind=data["kind"],
        subject=data["subject"].strip(),
        received_on=data["received_on"],
        clarified_on=data.get("clarified_on"),
        requester_name=requester["name"],
        requester_address=requester.get("address", "").strip(),
        requester_email=requester.get("email"),
        requester_courtesy=requester.get("courtesy", ""),
        response_due=data["response_due"],
        extended_due=data["extended_due"],
        decision_due=data["decision_due"],
        extended_on=data.get("extended_on"),
        third_party_notified_on=data.get("third_party_notified_on"),
        decision=decision,
        sections=sections(name),
    )
    return DemoLetter(name, case, profile(name), data["letter_date"])
