"""The annual statistics as a one-to-two-page PDF, like an annex of an annual management report."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

MONTHS = ("avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.", "janv.",
          "févr.", "mars")  # fmt: skip
KIND_TITLES = {
    "documents": "Demandes d’accès à des documents",
    "personal": "Demandes d’accès à des renseignements personnels",
}


def bar_chart(values: Sequence[int], labels: Sequence[str], title: str) -> str:
    """A small bar chart as inline SVG (no plotting library to import)."""
    width, height, left, bottom = 460, 150, 28, 24
    top = max(max(values, default=0), 1)
    step = (width - left) / max(len(values), 1)
    bars = []
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        h = (height - bottom - 18) * value / top
        x = left + i * step + step * 0.15
        y = height - bottom - h
        bars.append(
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{step * 0.7:.1f}" height="{h:.1f}" '
            f'fill="#3a5f8f"/>'
            f'<text x="{x + step * 0.35:.1f}" y="{height - 8}" font-size="9" '
            f'text-anchor="middle">{label}</text>'
            + (
                f'<text x="{x + step * 0.35:.1f}" y="{y - 3:.1f}" font-size="9" '
                f'text-anchor="middle">{value}</text>'
                if value
                else ""
            )
        )
    base = height - bottom
    axis = f'<line x1="{left}" y1="{base}" x2="{width}" y2="{base}" stroke="#000"/>'
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'role="img" aria-label="{title}">{axis}{"".join(bars)}</svg>'
    )


def annual_pdf(
    report: dict[str, Any],
    months: dict[str, list[int]],
    organisation: str,
    template_dirs: Sequence[Path],
    today: date,
) -> bytes:
    """Render the report through templates/annual_report.html with weasyprint."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape
    from markupsafe import Markup
    from weasyprint import HTML

    from atip.formatting import long_date

    env = Environment(
        loader=FileSystemLoader([str(d) for d in template_dirs]),
        autoescape=select_autoescape(default=True),
    )
    fonts = next(Path(d) / "fonts" for d in template_dirs if (Path(d) / "fonts").is_dir())
    received = [a + b for a, b in zip(months["documents"], months["personal"], strict=True)]
    total = [
        sum(report[k][key] for k in ("documents", "personal"))
        for key in ("within_20_days", "within_30_days", "beyond_30_days", "pending")
    ]
    html = env.get_template("annual_report.html").render(
        report=report,
        organisation=organisation,
        kinds=KIND_TITLES,
        fonts=fonts.resolve().as_uri(),
        produced=long_date(today),
        received_chart=Markup(bar_chart(received, MONTHS, "Demandes reçues par mois")),
        delay_chart=Markup(
            bar_chart(total, ("≤ 20 j", "21–30 j", "> 30 j", "en cours"), "Délais de traitement")
        ),
    )
    base = next(Path(d) for d in template_dirs if (Path(d) / "annual_report.html").exists())
    return HTML(string=html, base_url=str(base)).write_pdf()
