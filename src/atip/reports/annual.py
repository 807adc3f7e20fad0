"""The annual report of the Règlement sur la diffusion (A-2.1, r. 2, a. 2): its lines and their
labels, the section III statement and the activities; the figures are counted in
register/annual_counts.py."""

from __future__ import annotations

from typing import Any

from atip.errors import InputError
from atip.i18n import N_, _
from atip.register.annual_counts import article_key, empty_figures
from atip.register.settings import Settings
from atip.vocabulary import REQUEST_KINDS as KINDS

# (key, label) of each figure, in the order of the Règlement's a. 2, 1°. The labels of the
# table and CSV follow the interface language (translated in annual_rows); the PDF, a published
# French document, has its own French labels (templates/annual_report.html).
FIGURES = (
    ("received", N_("Requests received")),
    ("decided", N_("Requests processed")),
    ("pending", N_("Still being processed")),
    ("withdrawn", N_("Withdrawn by the requester")),
    ("deemed_refusals", N_("No decision after the time limit (deemed refusal, a. 52)")),
    ("within_20_days", N_("Processed within 20 days")),
    ("within_30_days", N_("Processed in 21 to 30 days")),
    ("beyond_30_days", N_("Processed after more than 30 days")),
    ("outcomes.granted", N_("Granted")),
    ("outcomes.partial", N_("Partially granted")),
    ("outcomes.refused", N_("Refused")),
    ("outcomes.other", N_("Other (not held, referred)")),
    ("other_breakdown.not_held", N_("Other: documents not held")),
    ("other_breakdown.referred", N_("Other: referred to another body (a. 48)")),
    ("accommodations", N_("Reasonable accommodations")),
    ("reviews", N_("Applications for review to the Commission")),
    ("void", N_("Void entries (made in error, counted nowhere else)")),
)
# The section III attestation when atip.toml gives its date but not its words.
SECTION_III_STATEMENT = (
    "{organisation} atteste la diffusion des documents visés à la section III du Règlement sur "
    "la diffusion de l’information et sur la protection des renseignements personnels, "
    "au {day}."
)


def statements(settings: Settings) -> dict[str, Any]:
    """What the Règlement asks beyond the counts, from atip.toml: the attestation that the
    documents of its section III were published (a. 2, 3rd al.) and the year's access and
    privacy activities (a. 2, 2°), a text file named by `[reports] activities_file`."""
    from atip.french import long_date

    published = settings.section_iii_published_on
    statement = None
    if published is not None:
        words = settings.section_iii_statement or SECTION_III_STATEMENT
        statement = words.replace("{organisation}", settings.organisation).replace(
            "{day}", long_date(published)
        )
    activities = None
    if settings.activities_file:
        path = settings.workspace / settings.activities_file
        try:
            activities = path.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(
                _("{setting} {file}: cannot read it as UTF-8 text ({error})").format(
                    setting="[reports] activities_file", file=path, error=exc.__class__.__name__
                )
            ) from None
    return {
        "section_iii": {
            "published_on": published.isoformat() if published else None,
            "statement": statement,
        },
        "activities": activities,
    }


def annual_rows(report: dict[str, Any]) -> list[tuple[str, str, int, int, int]]:
    """(key, label in the interface language, documents, personal, rectification) of every
    figure, then one row per article."""
    rows: list[tuple[str, str, int, int, int]] = []
    # a report of an older atip (no rectification, no breakdown): the missing figures are 0
    report = {k: {**empty_figures(), **report.get(k, {})} for k in KINDS}
    for key, label in FIGURES:
        docs, personal, rectification = (_pick(report[kind], key) for kind in KINDS)
        rows.append((key, _(label), docs, personal, rectification))
    numbers = sorted({n for kind in KINDS for n in report[kind]["articles"]}, key=article_key)
    for number in numbers:
        docs, personal, rectification = (report[k]["articles"].get(number, 0) for k in KINDS)
        rows.append(
            (
                f"articles.{number}",
                _("Article {number} invoked").format(number=number),
                docs,
                personal,
                rectification,
            )
        )
    return rows


def _pick(figures: dict[str, Any], key: str) -> int:
    value: Any = figures
    for part in key.split("."):
        value = value[part]
    return int(value)
