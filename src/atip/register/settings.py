"""Find the workspace and read its settings: defaults, then atip.toml, then ATIP_* environment."""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from atip.errors import InputError, WorkspaceError
from atip.i18n import _
from atip.register.workspace_location import CONFIG_NAME

DEFAULT_REVIEW_URL = (
    "www.cai.gouv.qc.ca/citoyens/recours-devant-la-commission/"
    "concernant-lacces-aux-documents-dorganismes-publics/"
)


@dataclass(frozen=True)
class Settings:
    """Everything atip.toml and the environment say, with defaults filled in."""

    workspace: Path
    database_url: str
    organisation: str = "Organisme public"
    unit: str = ""
    short_name: str = "l'Organisme"
    city: str = "Québec"
    signatory_name: str = "Responsable de l'accès"
    signatory_title: str = (
        "Responsable de l'accès aux documents et de la protection des renseignements personnels"
    )
    review_body: str = "Commission d'accès à l'information du Québec"
    review_body_url: str = DEFAULT_REVIEW_URL
    review_body_address: str = ""
    review_body_address_quebec: str = ""
    review_body_address_montreal: str = ""
    review_body_offices: str = "both"
    address: str = ""
    phone: str = ""
    website: str = ""
    logo: str = ""
    signatory_courtesy: str = ""
    signatory_contact: str = ""
    signature_image: str = ""
    certificate: str = ""
    salutation: str = ""
    closing: str = ""
    reference_after_subject: bool = False
    reference_format: str = "{seq}"
    share_with_group: bool = False  # [files]: folders 0750 and files 0640 instead of 0700/0600
    proclaimed: dict[date, str] = field(default_factory=dict)
    saturdays_closed: bool = False
    clarification_restarts_clock: bool = True
    review_calendar: str = "law"
    language: str = "fr"
    timezone: str = "America/Montreal"
    section_iii_published_on: date | None = None
    section_iii_statement: str = ""
    activities_file: str = ""
    reminder_days: int = 3

    @property
    def sqlite_path(self) -> Path | None:
        """The SQLite file when the database is SQLite, else None."""
        prefix = "sqlite:///"
        if self.database_url.startswith(prefix):
            return Path(self.database_url[len(prefix) :])
        return None


# (toml table, key) -> (Settings field, type). One table documents every setting.
SETTINGS: dict[tuple[str, str], tuple[str, type]] = {
    ("organisation", "name"): ("organisation", str),
    ("organisation", "unit"): ("unit", str),
    ("organisation", "short_name"): ("short_name", str),
    ("organisation", "city"): ("city", str),
    ("organisation", "address"): ("address", str),
    ("organisation", "phone"): ("phone", str),
    ("organisation", "website"): ("website", str),
    ("organisation", "logo"): ("logo", str),
    ("signatory", "name"): ("signatory_name", str),
    ("signatory", "title"): ("signatory_title", str),
    ("signatory", "courtesy"): ("signatory_courtesy", str),
    ("signatory", "contact"): ("signatory_contact", str),
    ("signatory", "signature_image"): ("signature_image", str),
    ("signatory", "certificate"): ("certificate", str),
    ("letters", "salutation"): ("salutation", str),
    ("letters", "closing"): ("closing", str),
    ("letters", "reference_after_subject"): ("reference_after_subject", bool),
    ("review_body", "name"): ("review_body", str),
    ("review_body", "url"): ("review_body_url", str),
    ("review_body", "address"): ("review_body_address", str),
    ("review_body", "address_quebec"): ("review_body_address_quebec", str),
    ("review_body", "address_montreal"): ("review_body_address_montreal", str),
    ("review_body", "offices"): ("review_body_offices", str),
    ("references", "format"): ("reference_format", str),
    ("files", "share_with_group"): ("share_with_group", bool),
    ("deadlines", "saturdays_closed"): ("saturdays_closed", bool),
    ("deadlines", "clarification_restarts_clock"): ("clarification_restarts_clock", bool),
    ("deadlines", "review_calendar"): ("review_calendar", str),
    ("interface", "language"): ("language", str),
    ("interface", "timezone"): ("timezone", str),
    ("reports", "section_iii_published_on"): ("section_iii_published_on", date),
    ("reports", "section_iii_statement"): ("section_iii_statement", str),
    ("reports", "activities_file"): ("activities_file", str),
    ("calendar", "reminder_days"): ("reminder_days", int),
}

# The atip.toml of a new workspace. Its comments are {placeholders} filled in the interface
# language (`template_comments`); the keys and values never change with it.
TEMPLATE = """\
{intro}

[organisation]
name = "{name}"
unit = "{unit}"                 {unit_note}
short_name = "{short_name}"     {short_name_note}
city = "{city}"                 {city_note}
# address = "…"                 {address_note}
# phone = "…"
# website = "…"
# logo = "templates/logo.png"   {logo_note}

[signatory]
name = "{signatory}"
title = "Responsable de l'accès aux documents et de la protection des renseignements personnels"
# courtesy = "Mme"              {courtesy_note}
# contact = "…"                 {contact_note}
# signature_image = "templates/signature.png"   {signature_note}
# certificate = "signature.p12" {certificate_note}

[letters]
{formulas_note}
# salutation = "{{courtesy}},"
# closing = "Veuillez agréer, {{courtesy}}, nos salutations distinguées."
# reference_after_subject = false   {reference_note}

[review_body]
name = "Commission d'accès à l'information du Québec"
url = "{review_url}"
{offices_note}
# address_quebec = "…"
# address_montreal = "…"
# offices = "both"              {offices_choice_note}

[references]
{format_note}
format = "{{seq}}"

[files]
{files_note}
# share_with_group = false

[deadlines]
{saturdays_note}
saturdays_closed = false
{clarification_note}
clarification_restarts_clock = true
{calendar_note}
review_calendar = "law"

{proclaimed_note}
# [deadlines.proclaimed]
# 2025-12-26 = "Jour proclamé (décret)"

[interface]
# language = "fr"   {language_note}
# timezone = "America/Montreal"   {timezone_note}

[reports]
{reports_note}
# section_iii_published_on = 2024-03-31
# section_iii_statement = "…"
# activities_file = "bilan-activites.txt"   {activities_note}

[calendar]
# reminder_days = 3   {reminder_note}

[database]
# url = "postgresql+psycopg://user@host/dbname"   {database_note}
"""


def _comment(text: str) -> str:
    """`text` as TOML comment lines: each line after '# '."""
    return "\n".join(f"# {line}".rstrip() for line in text.splitlines())


def template_comments() -> dict[str, str]:
    """The comments of TEMPLATE, in the interface language."""
    notes = {
        "intro": _(
            "atip workspace settings. Every key is optional; defaults are shown in comments."
        ),
        "unit_note": _("second letterhead line"),
        "short_name_note": _("used in sentences"),
        "city_note": _("place of signature"),
        "address_note": _("letterhead: postal address (lines separated by \\n), phone, web site"),
        "logo_note": _("letterhead image, a path in the workspace"),
        "courtesy_note": _("before the signatory's name"),
        "contact_note": _("the responsable's contact line, under the signature"),
        "signature_note": _("the signature's image, a path in the workspace"),
        "certificate_note": _(
            "PKCS#12 file that signs the PDF letters;\nits password comes from "
            "ATIP_SIGNING_PASSWORD, never from this file"
        ),
        "formulas_note": _(
            "Salutation and closing; {courtesy} is the requester's courtesy title (Madame), "
            'taken out\nwhen there is none. Defaults: "Bonjour," and "Veuillez recevoir '
            'nos salutations distinguées.",\nor with a courtesy title "Madame," and '
            '"Veuillez agréer, Madame, nos salutations distinguées."'
        ),
        "reference_note": _("true: N/Réf. after Objet"),
        "offices_note": _(
            "The Commission's offices named in the review paragraph (copy their addresses from "
            "its web site)."
        ),
        "offices_choice_note": _('"quebec", "montreal" or "both"'),
        "format_note": _(
            '{seq} is the next number, {year} the year of receipt, e.g. "{year}-{seq:04d}".'
        ),
        "files_note": _(
            "Folders and files atip writes are readable by you alone (0700, 0600);\n"
            "true: also by your group (0750, 0640), for a team. A published copy is 0644."
        ),
        "saturdays_note": _(
            "Saturday is not a jour férié (Loi d'interprétation, a. 61 (23°)); "
            "set true to treat it as one."
        ),
        "clarification_note": _(
            "A clarified request starts its 20 days on the clarification date "
            "(use --keep-clock to keep it)."
        ),
        "calendar_note": _(
            'Calendar for the art. 135 review date: "law" (I-16) or "review-body" (A-2.1, r. 6, '
            "a. 2:\nalso Saturdays, 26 December and 2 January)."
        ),
        "proclaimed_note": _(
            "Days proclaimed by the government (Loi d'interprétation, a. 61 (23°) j)):"
        ),
        "language_note": _("fr or en (ATIP_LANG overrides it)"),
        "timezone_note": _("journal times are shown in this time zone"),
        "database_note": _("default: db/atip.sqlite in this folder"),
        "reports_note": _(
            "The annual report (Règlement sur la diffusion, a. 2): the day the documents of its "
            "section III\nwere last attested published, and that statement's words if not the "
            "default."
        ),
        "activities_note": _("the access and privacy activities of the year, as text (a. 2, 2°)"),
        "reminder_note": _("calendar reminders, this many days before each due date"),
    }
    return {key: _comment(text) for key, text in notes.items()}


def load_settings(workspace: Path) -> Settings:
    """Read atip.toml of the workspace and the ATIP_* environment."""
    path = workspace / CONFIG_NAME
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(_("{path}: invalid TOML: {error}").format(path=path, error=exc)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkspaceError(
            _("cannot read {path}: {error}").format(path=path, error=exc)
        ) from None
    values: dict[str, object] = {}
    for (table, key), (name, kind) in SETTINGS.items():
        section = raw.get(table, {})
        if not isinstance(section, dict) or key not in section:
            continue
        value = section[key]
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            raise InputError(_type_message(kind).format(path=path, setting=f"[{table}] {key}"))
        values[name] = value
    if values.get("review_calendar", "law") not in ("law", "review-body"):
        raise InputError(
            _('{path}: {setting} must be "law" or "review-body"').format(
                path=path, setting="[deadlines] review_calendar"
            )
        )
    if values.get("language", "fr") not in ("fr", "en"):
        raise InputError(
            _('{path}: {setting} must be "fr" or "en"').format(
                path=path, setting="[interface] language"
            )
        )
    if values.get("review_body_offices", "both") not in ("quebec", "montreal", "both"):
        raise InputError(
            _('{path}: {setting} must be "quebec", "montreal" or "both"').format(
                path=path, setting="[review_body] offices"
            )
        )
    _check_timezone(str(values.get("timezone", "America/Montreal")), path)
    deadlines = raw.get("deadlines", {})
    proclaimed = deadlines.get("proclaimed", {}) if isinstance(deadlines, dict) else {}
    values["proclaimed"] = _proclaimed(proclaimed, path)
    _check_reference_format(str(values.get("reference_format", "{seq}")), path)
    database = raw.get("database", {})
    configured = database.get("url", "") if isinstance(database, dict) else ""
    if not isinstance(configured, str):
        raise InputError(_type_message(str).format(path=path, setting="[database] url"))
    url = os.environ.get("ATIP_DATABASE_URL") or configured
    if not url:
        url = f"sqlite:///{workspace / 'db' / 'atip.sqlite'}"
    from atip import files

    files.share_with_group(bool(values.get("share_with_group", False)))
    return Settings(workspace=workspace, database_url=url, **values)  # type: ignore[arg-type]


def _type_message(kind: type) -> str:
    """The message for a setting of the wrong type: {path} and {setting} to fill."""
    if kind is bool:
        return _("{path}: {setting} must be a bool")
    if kind is str:
        return _("{path}: {setting} must be a str")
    return _("{path}: {setting} must be a {type}").replace("{type}", kind.__name__)


def _check_timezone(name: str, path: Path) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            _("{path}: {setting} {name!r} is not a time zone such as America/Montreal").format(
                path=path, setting="[interface] timezone", name=name
            )
        ) from None


def _proclaimed(table: object, path: Path) -> dict[date, str]:
    if not isinstance(table, dict):
        raise InputError(
            _("{path}: {table} must map dates to names").format(
                path=path, table="[deadlines.proclaimed]"
            )
        )
    days: dict[date, str] = {}
    for key, name in table.items():
        try:
            day = key if isinstance(key, date) else date.fromisoformat(str(key))
        except ValueError:
            raise InputError(
                _("{path}: proclaimed day {day!r} is not a YYYY-MM-DD date").format(
                    path=path, day=key
                )
            ) from None
        days[day] = str(name)
    return days


# The reference format is a small language, parsed here and never given to str.format:
# literal text of letters, digits, '.', '_' and '-', with `{seq}` (the number, once),
# `{seq:04d}` (padded with zeros to 1 to 9 digits) and `{year}` (the year of receipt).
_FORMAT_FIELD = re.compile(r"\{(seq|year)(?::0([1-9])d)?\}")
_FORMAT_LITERAL = re.compile(r"[A-Za-z0-9._-]+")


@dataclass(frozen=True)
class ReferenceFormat:
    """A parsed reference format: ("text", literal) / ("seq", width) / ("year", 0) parts."""

    parts: tuple[tuple[str, str | int], ...]

    @property
    def uses_year(self) -> bool:
        return any(kind == "year" for kind, _v in self.parts)

    def pattern(self) -> re.Pattern[str]:
        """A pattern that every reference this format renders matches (and a few others)."""
        return re.compile(
            "".join(
                re.escape(str(value)) if kind == "text" else r"\d{4}" if kind == "year" else r"\d+"
                for kind, value in self.parts
            )
        )

    def render(self, seq: int, year: int) -> str:
        out = []
        for kind, value in self.parts:
            if kind == "text":
                out.append(str(value))
            elif kind == "year":
                out.append(f"{year:04d}")
            else:
                out.append(str(seq).zfill(int(value)))
        return "".join(out)


def parse_reference_format(fmt: str) -> ReferenceFormat:
    """The parts of a reference format; ValueError, saying what is wrong, for anything else."""
    parts: list[tuple[str, str | int]] = []
    position = 0
    while position < len(fmt):
        field = _FORMAT_FIELD.match(fmt, position)
        if field is not None:
            name, width = field.group(1), field.group(2)
            if name == "year" and width:
                raise ValueError(_("{year} takes no width"))
            parts.append((name, int(width or 0) if name == "seq" else 0))
            position = field.end()
            continue
        literal = _FORMAT_LITERAL.match(fmt, position)
        if literal is None:
            raise ValueError(
                _("unexpected {text!r} at position {position}").format(
                    text=fmt[position : position + 12], position=position + 1
                )
            )
        parts.append(("text", literal.group()))
        position = literal.end()
    if sum(kind == "seq" for kind, _v in parts) != 1:
        raise ValueError(_("it must contain {seq} once"))
    if parts[0][0] == "text" and not str(parts[0][1])[0].isalnum():
        raise ValueError(_("it must begin with a letter, a digit, {seq} or {year}"))
    if len(ReferenceFormat(tuple(parts)).render(10**9, 2024)) > 64:
        raise ValueError(_("its references would be longer than 64 characters"))
    return ReferenceFormat(tuple(parts))


def _check_reference_format(fmt: str, path: Path) -> None:
    try:
        parse_reference_format(fmt)
    except ValueError as exc:
        raise InputError(
            _(
                "{path}: {setting} {format!r}: {problem}; write literal letters, digits, '.', "
                "'_' or '-' with {{seq}}, {{seq:04d}} and {{year}}"
            ).format(path=path, setting="[references] format", format=fmt, problem=exc)
        ) from None


def write_template(workspace: Path, **profile: str) -> Path:
    """Write a commented atip.toml for a new workspace; `profile` fills name, unit, city…"""
    path = workspace / CONFIG_NAME
    values = {
        "name": "Organisme public",
        "unit": "",
        "short_name": "l'Organisme",
        "city": "Québec",
        "signatory": "Responsable de l'accès",
        "review_url": DEFAULT_REVIEW_URL,
    }
    values.update(profile)
    quoted = {k: toml_string(v)[1:-1] for k, v in values.items()}
    text = TEMPLATE.format(**quoted, **template_comments())
    try:
        written = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # never: the escaping above is complete
        raise InputError(
            _("cannot write a valid {config}: {error}").format(config=CONFIG_NAME, error=exc)
        ) from None
    if written["organisation"]["name"] != values["name"]:
        raise InputError(
            _("cannot write a valid {config}: {error}").format(
                config=CONFIG_NAME, error="[organisation] name"
            )
        )
    from atip.files import atomic_write_bytes

    atomic_write_bytes(path, text.encode("utf-8"))
    return path


def toml_string(value: str) -> str:
    """`value` as a TOML basic string: quotes, backslashes and every control character escaped."""
    out = ['"']
    for char in value:
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


_TOML_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
