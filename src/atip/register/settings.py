"""Find the workspace and read its settings: defaults, then atip.toml, then ATIP_* environment."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from atip.errors import InputError, WorkspaceError

CONFIG_NAME = "atip.toml"
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
    reference_format: str = "{seq}"
    proclaimed: dict[date, str] = field(default_factory=dict)
    saturdays_closed: bool = False
    clarification_restarts_clock: bool = True
    review_calendar: str = "law"
    language: str = "fr"
    timezone: str = "America/Montreal"

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
    ("signatory", "name"): ("signatory_name", str),
    ("signatory", "title"): ("signatory_title", str),
    ("review_body", "name"): ("review_body", str),
    ("review_body", "url"): ("review_body_url", str),
    ("review_body", "address"): ("review_body_address", str),
    ("references", "format"): ("reference_format", str),
    ("deadlines", "saturdays_closed"): ("saturdays_closed", bool),
    ("deadlines", "clarification_restarts_clock"): ("clarification_restarts_clock", bool),
    ("deadlines", "review_calendar"): ("review_calendar", str),
    ("interface", "language"): ("language", str),
    ("interface", "timezone"): ("timezone", str),
}

TEMPLATE = """\
# atip workspace settings. Every key is optional; defaults are shown in comments.

[organisation]
name = "{name}"
unit = "{unit}"                 # second letterhead line
short_name = "{short_name}"     # used in sentences
city = "{city}"                 # place of signature

[signatory]
name = "{signatory}"
title = "Responsable de l'accès aux documents et de la protection des renseignements personnels"

[review_body]
name = "Commission d'accès à l'information du Québec"
url = "{review_url}"
# address = "525, boulevard René-Lévesque Est, bureau 2.36, Québec (Québec) G1R 5S9"

[references]
# {{seq}} is the next number, {{year}} the year of receipt, e.g. "{{year}}-{{seq:04d}}".
format = "{{seq}}"

[deadlines]
# Saturday is not a jour férié (Loi d'interprétation, a. 61 (23°)); set true to treat it as one.
saturdays_closed = false
# A clarified request starts its 20 days on the clarification date (use --keep-clock to keep it).
clarification_restarts_clock = true
# Calendar for the art. 135 review date: "law" (I-16) or "review-body" (A-2.1, r. 6, a. 2:
# also Saturdays, 26 December and 2 January).
review_calendar = "law"

# Days proclaimed by the government (Loi d'interprétation, a. 61 (23°) j)):
# [deadlines.proclaimed]
# 2025-12-26 = "Jour proclamé (décret)"

[database]
# url = "postgresql+psycopg://user@host/dbname"   # default: db/atip.sqlite in this folder
"""


def find_workspace(explicit: Path | None = None, cwd: Path | None = None) -> Path:
    """--workspace, then ATIP_WORKSPACE, then the nearest atip.toml upward from here."""
    for given in (explicit, os.environ.get("ATIP_WORKSPACE") or None):
        if given is not None:
            path = Path(given).expanduser().resolve()
            if not (path / CONFIG_NAME).is_file():
                raise WorkspaceError(f"no {CONFIG_NAME} in {path}: run `atip init {path}` first")
            return path
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise WorkspaceError(
        f"no atip workspace here or above {here}: run `atip init` or pass --workspace DIR"
    )


def load_settings(workspace: Path) -> Settings:
    """Read atip.toml of the workspace and the ATIP_* environment."""
    path = workspace / CONFIG_NAME
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: invalid TOML: {exc}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"cannot read {path}: {exc}") from None
    values: dict[str, object] = {}
    for (table, key), (name, kind) in SETTINGS.items():
        section = raw.get(table, {})
        if not isinstance(section, dict) or key not in section:
            continue
        value = section[key]
        if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
            raise InputError(f"{path}: [{table}] {key} must be a {kind.__name__}")
        values[name] = value
    if values.get("review_calendar", "law") not in ("law", "review-body"):
        raise InputError(f'{path}: [deadlines] review_calendar must be "law" or "review-body"')
    if values.get("language", "fr") not in ("fr", "en"):
        raise InputError(f'{path}: [interface] language must be "fr" or "en"')
    _check_timezone(str(values.get("timezone", "America/Montreal")), path)
    values["proclaimed"] = _proclaimed(raw.get("deadlines", {}).get("proclaimed", {}), path)
    _check_reference_format(str(values.get("reference_format", "{seq}")), path)
    url = os.environ.get("ATIP_DATABASE_URL") or raw.get("database", {}).get("url") or ""
    if not url:
        url = f"sqlite:///{workspace / 'db' / 'atip.sqlite'}"
    return Settings(workspace=workspace, database_url=url, **values)  # type: ignore[arg-type]


def _check_timezone(name: str, path: Path) -> None:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"{path}: [interface] timezone {name!r} is not a time zone such as America/Montreal"
        ) from None


def workspace_language(explicit: Path | None = None) -> str | None:
    """The `[interface] language` of the workspace atip would use, if it names one it speaks.

    Read before the command line is parsed, so that even help speaks it; any problem with the
    workspace is left for the command itself to report.
    """
    try:
        path = find_workspace(explicit) / CONFIG_NAME
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (WorkspaceError, OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    section = raw.get("interface")
    language = section.get("language") if isinstance(section, dict) else None
    return language if language in ("fr", "en") else None


def _proclaimed(table: object, path: Path) -> dict[date, str]:
    if not isinstance(table, dict):
        raise InputError(f"{path}: [deadlines.proclaimed] must map dates to names")
    days: dict[date, str] = {}
    for key, name in table.items():
        try:
            day = key if isinstance(key, date) else date.fromisoformat(str(key))
        except ValueError:
            raise InputError(f"{path}: proclaimed day {key!r} is not a YYYY-MM-DD date") from None
        days[day] = str(name)
    return days


def _check_reference_format(fmt: str, path: Path) -> None:
    try:
        sample = fmt.format(seq=1, year=2024)
    except (KeyError, ValueError, IndexError):
        raise InputError(
            f"{path}: [references] format {fmt!r} may only use {{seq}} and {{year}}"
        ) from None
    if "{seq" not in fmt or not sample.strip() or any(c in sample for c in '/\\:*?"<>|'):
        raise InputError(
            f'{path}: [references] format {fmt!r} must contain {{seq}} and no /\\:*?"<>|'
        )


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
    text = TEMPLATE.format(**{k: v.replace('"', '\\"') for k, v in values.items()})
    path.write_text(text, encoding="utf-8")
    return path
