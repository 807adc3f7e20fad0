"""The annual statistics as a one-to-two-page PDF, laid out like an annex of an annual report.

Charts are plain inline SVG written here: no plotting library to import for two bar charts.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from html import escape
from pathlib import Path
from typing import Any

from atip.resources import FONT_FAMILY

TEMPLATE = "annual_report.html"
STYLESHEET = "annual_report.css"
MONTHS = ("avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.", "janv.",
          "févr.", "mars")  # fmt: skip
# Column titles: requests for access to documents (a. 9) and to one's own personal information.
KIND_TITLES = {
    "documents": "Documents",
    "personal": "Renseignements personnels",
    "rectification": "Rectification",
}
COLOURS = {"documents": "#2f5d8c", "personal": "#9bb7d4", "rectification": "#d9a441"}
NO_DATA = "Aucune donnée pour l’exercice"
INLINE_ARTICLES = 8  # more cited articles get their own two-column table (two pages at most)
DELAY_LABELS = ("20 jours ou moins", "21 à 30 jours", "Plus de 30 jours", "En cours")


def bar_chart(
    series: Sequence[tuple[str, Sequence[int], str]],
    labels: Sequence[str],
    title: str,
    *,
    width: int = 300,
    height: int = 150,
) -> str:
    """Stacked bars as inline SVG: `series` is (legend, values, colour) from the bottom up."""
    from atip.french import number

    left, right, top, bottom = 8, 8, 16, 30
    legend_height = 14 if len(series) > 1 else 0
    totals = [sum(values[i] for _, values, _ in series) for i in range(len(labels))]
    peak = max(max(totals, default=0), 1)
    plot_height = height - top - bottom - legend_height
    step = (width - left - right) / max(len(labels), 1)
    base = top + plot_height
    font = f'font-family="{FONT_FAMILY}"'
    parts = [f'<line x1="{left}" y1="{base}" x2="{width - right}" y2="{base}" stroke="#000" '
             'stroke-width="0.6"/>']  # fmt: skip
    for i, label in enumerate(labels):
        x = left + i * step + step * 0.15
        middle = left + i * step + step / 2
        y = float(base)
        for _, values, colour in series:
            h = plot_height * values[i] / peak
            if h > 0:
                y -= h
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
                    f'fill="{colour}"/>'
                )
        if totals[i]:
            parts.append(
                f'<text x="{middle:.1f}" y="{y - 3:.1f}" font-size="8" text-anchor="middle" '
                f"{font}>{number(totals[i])}</text>"
            )
        parts.append(
            f'<text x="{middle:.1f}" y="{base + 11}" font-size="8" text-anchor="middle" '
            f"{font}>{escape(label)}</text>"
        )
    if not any(totals):
        # An empty year: say so, rather than draw an axis with nothing on it.
        parts.append(
            f'<text x="{width / 2:.1f}" y="{top + plot_height / 2:.1f}" font-size="9" '
            f'text-anchor="middle" fill="#555" {font}>{escape(NO_DATA)}</text>'
        )
    if legend_height:
        x = float(left)
        y = height - 6
        for legend, _, colour in series:
            parts.append(f'<rect x="{x:.1f}" y="{y - 7}" width="8" height="8" fill="{colour}"/>')
            parts.append(
                f'<text x="{x + 11:.1f}" y="{y}" font-size="8" {font}>{escape(legend)}</text>'
            )
            x += 12 + 4.6 * len(legend)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
        f"{''.join(parts)}</svg>"
    )


def annual_html(
    report: dict[str, Any],
    months: dict[str, list[int]],
    organisation: str,
    template_dirs: Sequence[Path],
    as_of: date,
    statements: dict[str, Any] | None = None,
) -> str:
    """The report as the HTML document weasyprint lays out; `statements` are those of
    `atip.reports.annual.statements` (section III attestation, activities)."""
    from markupsafe import Markup

    from atip.french import long_date, number, typography
    from atip.register.annual_counts import article_key, empty_figures
    from atip.resources import font_faces
    from atip.templating import environment

    env = environment(template_dirs, (("n", number),))
    fonts = font_faces(template_dirs)
    titles = {k: t for k, t in KIND_TITLES.items() if k in report}
    kinds = list(titles)
    # a report of an older atip (no rectification, no breakdown): the missing figures are 0
    report = {**report, **{k: {**empty_figures(), **report[k]} for k in kinds}}
    months = {k: months.get(k, [0] * 12) for k in kinds}
    received_chart = bar_chart(
        [(KIND_TITLES[k], months[k], COLOURS[k]) for k in kinds],
        MONTHS,
        "Demandes reçues par mois",
    )
    delays = [
        (
            KIND_TITLES[k],
            [report[k][key] for key in ("within_20_days", "within_30_days", "beyond_30_days")]
            + [report[k]["pending"]],
            COLOURS[k],
        )
        for k in kinds
    ]
    delay_chart = bar_chart(delays, DELAY_LABELS, "Délai de traitement")
    articles = sorted(
        {n for k in kinds for n in report[k]["articles"]},
        key=article_key,
    )
    start, end = (int(y) for y in report["fiscal_year"].split("-"))
    given = statements or {"section_iii": {"published_on": None, "statement": None}}
    activities = [
        typography(" ".join(p.split()))
        for p in (given.get("activities") or "").split("\n\n")
        if p.strip()
    ]
    statement = given["section_iii"]["statement"]
    return env.get_template(TEMPLATE).render(
        section_iii=typography(statement) if statement else None,
        activities=activities,
        void=sum(report[k].get("void", 0) for k in kinds),
        empty=not any(report[k]["received"] for k in kinds),
        report=report,
        kinds=titles,
        organisation=typography(organisation),
        fonts=fonts,
        font_family=FONT_FAMILY,
        first_day=long_date(date(start, 4, 1)),
        last_day=long_date(date(end, 3, 31)),
        as_of=long_date(as_of),
        articles=articles,
        inline_articles=INLINE_ARTICLES,
        received_chart=Markup(received_chart),
        delay_chart=Markup(delay_chart),
    )


def annual_pdf(
    report: dict[str, Any],
    months: dict[str, list[int]],
    organisation: str,
    template_dirs: Sequence[Path],
    as_of: date,
    statements: dict[str, Any] | None = None,
) -> bytes:
    """The report as PDF bytes, through templates/annual_report.html and .css."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from atip.resources import find_template

    # Each file is looked up on its own, so a workspace may override only the HTML or the CSS.
    html = annual_html(report, months, organisation, template_dirs, as_of, statements)
    fonts = FontConfiguration()
    css = CSS(filename=str(find_template(template_dirs, STYLESHEET)), font_config=fonts)
    base = find_template(template_dirs, TEMPLATE).parent
    # PDF/A-3, level A (tagged), as the letters: the report is a public record too.
    pdf: bytes = HTML(string=html, base_url=str(base)).write_pdf(
        stylesheets=[css], font_config=fonts, pdf_variant="pdf/a-3a"
    )
    return pdf
