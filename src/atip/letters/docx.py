"""A `Letter` as DOCX (docxtpl): the editable draft, from templates/letter.docx.

docxtpl is imported only when a DOCX is written. The template's bytes, its patched XML and its
compiled Jinja code are reused between letters.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any

from atip.errors import InputError
from atip.files import atomic_write_bytes
from atip.i18n import _
from atip.letters.model import Letter
from atip.resources import file_stamp, find_template
from atip.templating import environment

DOCX_TEMPLATE = "letter.docx"
_CACHE_LIMIT = 32


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
    from docxtpl import DocxTemplate

    patched: dict[str, str] = {}
    compiled: dict[str, Any] = {}

    class CachedTemplate(DocxTemplate):
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

    return CachedTemplate, environment(trim=False)


def docx_bytes(letter: Letter, template_dirs: Sequence[Path]) -> bytes:
    """The letter as a DOCX document, in memory."""
    from jinja2 import TemplateError

    path = find_template(template_dirs, DOCX_TEMPLATE)
    template_class, env = _docx_machinery()
    document = template_class(io.BytesIO(_read_cached(*file_stamp(path))))
    try:
        document.render({"letter": letter}, env, autoescape=True)
    except TemplateError as exc:
        line = getattr(exc, "lineno", None)
        message = getattr(exc, "message", None) or str(exc)
        if line:
            text = _("{file}: {message} (near line {line})").format(
                file=path, message=message, line=line
            )
        else:
            text = _("{place}: {message}").format(place=path, message=message)
        raise InputError(text) from None
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
