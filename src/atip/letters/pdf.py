"""A `Letter` as PDF (Jinja HTML and CSS through weasyprint): the letter of record.

weasyprint is imported only when a PDF is written; the stylesheet with its fonts is parsed once.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from atip import french
from atip.errors import InputError
from atip.files import atomic_write_bytes
from atip.i18n import _
from atip.letters.model import Letter
from atip.letters.wording import FILTERS
from atip.resources import FONT_FAMILY, file_stamp, find_template, font_faces
from atip.templating import environment

HTML_TEMPLATE = "letter.html"
CSS_FILE = "letter.css"
# PDF/A-3, level A: tagged (a structure tree for screen readers), with its fonts embedded, an
# sRGB output intent and XMP metadata. The letter of record, the published copy and the annual
# report all use it.
PDF_VARIANT = "pdf/a-3a"
_FIRST = re.compile(r"\b1er\b")


def _superscripts(text: Any) -> Any:
    """Escaped text with "1er" written 1<sup>er</sup>, as French typography wants."""
    from markupsafe import Markup

    return Markup(_FIRST.sub("1<sup>er</sup>", str(text)))


def _lines_filter(text: str) -> Any:
    from markupsafe import Markup, escape

    return _superscripts(Markup("<br>").join(escape(line) for line in str(text).split("\n")))


def _links_filter(text: str) -> Any:
    """Escape the text, keep its line breaks, and make its web addresses clickable."""
    from markupsafe import Markup, escape

    out: list[Any] = []
    position = 0
    text = str(text)
    for match in french.URL_PATTERN.finditer(text):
        url, tail = french.split_address(match.group(0))
        out.append(_superscripts(escape(text[position : match.start()])))
        href = url if re.match(r"https?://", url, re.IGNORECASE) else f"https://{url}"
        out.append(Markup('<a href="{}">{}</a>').format(href, url))
        out.append(_superscripts(escape(tail)))
        position = match.end()
    out.append(_superscripts(escape(text[position:])))
    return Markup("".join(out)).replace("\n", Markup("<br>"))


def _uri_filter(path: str) -> str:
    return Path(path).resolve().as_uri()


_HTML_FILTERS = (*FILTERS, ("lines", _lines_filter), ("links", _links_filter), ("uri", _uri_filter))


def _html_environment(template_dirs: Sequence[Path]) -> Any:
    return environment(template_dirs, _HTML_FILTERS)


def _font_css(template_dirs: Sequence[Path]) -> str:
    rules = []
    for weight, style, uri in font_faces(template_dirs):
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{uri}"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules) + "\n"


@lru_cache(maxsize=8)
def _stylesheet(dirs: tuple[str, ...], css_stamp: tuple[str, int, int]) -> tuple[Any, Any]:
    """The stylesheet with its @font-face rules, parsed once, and its font configuration."""
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

    folders = [Path(d) for d in dirs]
    css_path = Path(css_stamp[0])
    font_config = FontConfiguration()
    text = _font_css(folders) + css_path.read_text(encoding="utf-8")
    css = CSS(string=text, base_url=str(css_path.parent), font_config=font_config)
    return css, font_config


def html_text(letter: Letter, template_dirs: Sequence[Path]) -> str:
    """The letter as the HTML document weasyprint lays out."""
    from jinja2 import TemplateError

    env = _html_environment(template_dirs)
    try:
        return str(env.get_template(HTML_TEMPLATE).render(letter=letter))
    except TemplateError as exc:
        where = getattr(exc, "filename", None) or HTML_TEMPLATE
        line = getattr(exc, "lineno", None)
        at = _("{file}, line {line}").format(file=where, line=line) if line else str(where)
        message = getattr(exc, "message", None) or str(exc)
        raise InputError(_("{place}: {message}").format(place=at, message=message)) from None


def pdf_bytes(letter: Letter, template_dirs: Sequence[Path]) -> bytes:
    """The letter as a PDF/A document, in memory."""
    from weasyprint import HTML

    html_path = find_template(template_dirs, HTML_TEMPLATE)
    css_path = find_template(template_dirs, CSS_FILE)
    css, font_config = _stylesheet(tuple(str(d) for d in template_dirs), file_stamp(css_path))
    document = HTML(string=html_text(letter, template_dirs), base_url=str(html_path.parent))
    data: bytes = document.write_pdf(
        stylesheets=[css], font_config=font_config, pdf_variant=PDF_VARIANT, uncompressed_pdf=False
    )
    return data


def write_pdf(
    letter: Letter, dest: Path, template_dirs: Sequence[Path], *, certificate: str = ""
) -> str:
    """Write the letter as PDF to `dest` (atomically), signed when a certificate is given;
    return the file's SHA-256."""
    data = pdf_bytes(letter, template_dirs)
    if certificate:
        from atip.letters.signing import sign_pdf

        data = sign_pdf(
            data, certificate, name=letter.signatory_name, location=letter.metadata.get("city", "")
        )
    return atomic_write_bytes(dest, data)
