"""Render a `Letter` as DOCX (docxtpl) and PDF (weasyprint); every file is written atomically.

Heavy libraries are imported inside functions so that commands which write no letter never load
them. What can be reused between letters (the DOCX template bytes and its compiled Jinja code,
the Jinja environment, the stylesheet with its fonts) is cached.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any

from atip.errors import InputError
from atip.letters.content import URL_PATTERN, Letter, split_url, template_environment

FONT_FAMILY = "LiberationSerif Atip"
FONT_FILES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}
DOCX_TEMPLATE = "letter.docx"
HTML_TEMPLATE = "letter.html"
CSS_FILE = "letter.css"
_CACHE_LIMIT = 32


# --------------------------------------------------------------------------- files


@lru_cache(maxsize=1)
def _file_mode() -> int:
    # mkstemp creates files readable by their owner only; a letter gets the usual mode.
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_bytes(path: Path, data: bytes) -> str:
    """Write `data` to `path` through a temporary file in the same folder; return its SHA-256."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), _file_mode())
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        # The rename itself is durable only once the folder is synced.
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return hashlib.sha256(data).hexdigest()


def find_template(template_dirs: Sequence[Path | str], name: str) -> Path:
    """The first `name` found in the template folders (the workspace's own first)."""
    for folder in template_dirs:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    where = ", ".join(str(d) for d in template_dirs) or "(no template folder)"
    raise InputError(f"template {name} not found in {where}")


def _stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


# --------------------------------------------------------------------------- DOCX


@lru_cache(maxsize=8)
def _read_cached(path: str, mtime_ns: int, size: int) -> bytes:
    return Path(path).read_bytes()


def _bounded_put(cache: dict[str, Any], key: str, value: Any) -> Any:
    if len(cache) >= _CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


@lru_cache(maxsize=1)
def _docx_machinery() -> tuple[type, Any]:
    """A DocxTemplate that reuses its patched XML and compiled Jinja code, and its environment."""
    from docxtpl import DocxTemplate  # type: ignore[import-untyped]
    from jinja2 import Environment

    patched: dict[str, str] = {}
    compiled: dict[str, Any] = {}

    class CachedTemplate(DocxTemplate):  # type: ignore[misc]
        def patch_xml(self, src_xml: str) -> str:
            hit = patched.get(src_xml)
            if hit is None:
                hit = _bounded_put(patched, src_xml, super().patch_xml(src_xml))
            return hit

        def render_xml_part(
            self, src_xml: str, part: Any, context: dict[str, Any], jinja_env: Any = None
        ) -> str:
            src_xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)
            template = compiled.get(src_xml)
            if template is None:
                template = _bounded_put(compiled, src_xml, jinja_env.from_string(src_xml))
            xml = template.render(context)
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
            # docxtpl would also turn "{_{" into "{{" here: user text must come out as typed.
            return str(self.resolve_listing(xml))

    return CachedTemplate, Environment(autoescape=True)


def docx_bytes(letter: Letter, template_dirs: Sequence[Path]) -> bytes:
    """The letter as a DOCX document, in memory."""
    from jinja2 import TemplateError

    path = find_template(template_dirs, DOCX_TEMPLATE)
    template_class, env = _docx_machinery()
    document = template_class(io.BytesIO(_read_cached(*_stamp(path))))
    try:
        document.render({"letter": letter}, env, autoescape=True)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        raise InputError(
            f"{path}: {getattr(exc, 'message', None) or exc}"
            + (f" (near line {line})" if line else "")
        ) from None
    # Set after rendering: docxtpl renders core properties as templates, and these must be
    # taken literally. Never the requester's name or email: only the reference.
    props = document.docx.core_properties
    stamp = datetime.combine(letter.letter_date, time(12, 0))
    props.title = letter.title
    props.author = letter.author
    props.last_modified_by = letter.author
    props.subject = letter.metadata.get("subject", "")
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.identifier = ""
    props.language = "fr-CA"
    props.revision = 1
    props.created = stamp
    props.modified = stamp
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_docx(letter: Letter, dest: Path, template_dirs: Sequence[Path]) -> str:
    """Write the letter as DOCX to `dest` (atomically); return the file's SHA-256."""
    return atomic_write_bytes(dest, docx_bytes(letter, template_dirs))


# --------------------------------------------------------------------------- PDF


def _lines_filter(text: str) -> Any:
    from markupsafe import Markup, escape

    return Markup("<br>").join(escape(line) for line in str(text).split("\n"))


def _links_filter(text: str) -> Any:
    """Escape the text, keep its line breaks, and make its web addresses clickable."""
    from markupsafe import Markup, escape

    out: list[Any] = []
    position = 0
    text = str(text)
    for match in URL_PATTERN.finditer(text):
        url, tail = split_url(match.group(0))
        out.append(escape(text[position : match.start()]))
        href = url if re.match(r"https?://", url, re.IGNORECASE) else f"https://{url}"
        out.append(Markup('<a href="{}">{}</a>').format(href, url))
        out.append(escape(tail))
        position = match.end()
    out.append(escape(text[position:]))
    return Markup("".join(out)).replace("\n", Markup("<br>"))


def _html_environment(template_dirs: Sequence[Path]) -> Any:
    env = template_environment(template_dirs)
    filters: dict[str, Callable[[str], Any]] = {"lines": _lines_filter, "links": _links_filter}
    for name, function in filters.items():
        env.filters.setdefault(name, function)
    return env


def _font_css(template_dirs: Sequence[Path]) -> str:
    rules = []
    for (weight, style), name in FONT_FILES.items():
        path = find_template(template_dirs, f"fonts/{name}").resolve()
        rules.append(
            f'@font-face {{ font-family: "{FONT_FAMILY}"; src: url("{path.as_uri()}"); '
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules) + "\n"


@lru_cache(maxsize=8)
def _stylesheet(dirs: tuple[str, ...], css_stamp: tuple[str, int, int]) -> tuple[Any, Any]:
    """The stylesheet with its @font-face rules, parsed once, and its font configuration."""
    from weasyprint import CSS  # type: ignore[import-untyped]
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

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
        raise InputError(
            f"{where}{f', line {line}' if line else ''}: {getattr(exc, 'message', None) or exc}"
        ) from None


def pdf_bytes(letter: Letter, template_dirs: Sequence[Path]) -> bytes:
    """The letter as a PDF document, in memory."""
    from weasyprint import HTML

    html_path = find_template(template_dirs, HTML_TEMPLATE)
    css_path = find_template(template_dirs, CSS_FILE)
    css, font_config = _stylesheet(tuple(str(d) for d in template_dirs), _stamp(css_path))
    document = HTML(string=html_text(letter, template_dirs), base_url=str(html_path.parent))
    data: bytes = document.write_pdf(stylesheets=[css], font_config=font_config)
    return data


def write_pdf(letter: Letter, dest: Path, template_dirs: Sequence[Path]) -> str:
    """Write the letter as PDF to `dest` (atomically); return the file's SHA-256."""
    return atomic_write_bytes(dest, pdf_bytes(letter, template_dirs))
