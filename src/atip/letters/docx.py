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
from atip.letters.model import Letter, column_widths, group_rows, split_widths
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
            self.current_rendering_part = part  # images in a header go into that header
            template = compiled.get(src_xml)
            if template is None:
                template = _bounded_put(compiled, src_xml, jinja_env.from_string(src_xml))
            xml = template.render(context)
            xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
            # docxtpl would also turn "{_{" into "{{" here: user text must come out as typed.
            return str(self.resolve_listing(xml))

    return CachedTemplate, environment(filters=(("group_rows", group_rows),), trim=False)


def docx_bytes(letter: Letter, template_dirs: Sequence[Path]) -> bytes:
    """The letter as a DOCX document, in memory."""
    from jinja2 import TemplateError

    path = find_template(template_dirs, DOCX_TEMPLATE)
    template_class, env = _docx_machinery()
    document = template_class(io.BytesIO(_read_cached(*file_stamp(path))))
    context = {
        "letter": letter,
        "letter_logo": _image(document, letter.logo, letter.logo_size),
        "letter_signature": _image(document, letter.signature_image, letter.signature_size),
    }
    try:
        document.render(context, env, autoescape=True)
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
    _fit_tables(document.docx)
    _enrich(document.docx)
    _describe_images(document.docx, letter)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_FIRST = re.compile(r"\b1er\b")


def _image(document: Any, path: str, size: tuple[float, float]) -> Any:
    """An image for the template, or "" (the template then leaves its paragraph out); at the
    size the PDF gives it."""
    if not path:
        return ""
    from docx.shared import Mm
    from docxtpl import InlineImage

    return InlineImage(document, path, width=Mm(size[0]), height=Mm(size[1]))


def _fit_tables(doc: Any) -> None:
    """Every table with a grid (the data tables) spans the text width, its columns given the
    shares the PDF gives them (model.column_widths, from the same cell texts)."""
    from docx.oxml.ns import qn

    section = doc.sections[0]
    width = round((section.page_width - section.left_margin - section.right_margin) / 635)
    for table in doc.element.body.iter(qn("w:tbl")):
        style = table.find(f"{qn('w:tblPr')}/{qn('w:tblStyle')}")
        if style is None or style.get(qn("w:val")) != "TableGrid":
            continue  # a layout table (the grouped lists), sized by the template
        rows = table.findall(qn("w:tr"))
        texts = [[_cell_text(cell) for cell in row.findall(qn("w:tc"))] for row in rows]
        if not any(texts):
            continue
        header = rows[0].find(f"{qn('w:trPr')}/{qn('w:tblHeader')}") is not None
        twips = split_widths(column_widths(texts, header=header), width)
        _set_width(table.find(qn("w:tblPr")), "w:tblW", width)
        grid = table.find(qn("w:tblGrid"))
        for col in list(grid):
            grid.remove(col)
        for share in twips:
            col = grid.makeelement(qn("w:gridCol"), {qn("w:w"): str(share)})
            grid.append(col)
        for row in rows:
            for cell, share in zip(row.findall(qn("w:tc")), twips, strict=False):
                tc_pr = cell.find(qn("w:tcPr"))
                if tc_pr is None:
                    tc_pr = cell.makeelement(qn("w:tcPr"), {})
                    cell.insert(0, tc_pr)
                _set_width(tc_pr, "w:tcW", share)


def _set_width(parent: Any, tag: str, twips: int) -> None:
    from docx.oxml.ns import qn

    element = parent.find(qn(tag))
    if element is None:
        element = parent.makeelement(qn(tag), {})
        parent.insert(0 if tag == "w:tcW" else 1, element)
    element.set(qn("w:w"), str(twips))
    element.set(qn("w:type"), "dxa")


def _cell_text(cell: Any) -> str:
    """A cell's text as the letter's block holds it: paragraphs and line breaks as "\n"."""
    from docx.oxml.ns import qn

    lines = []
    for paragraph in cell.iter(qn("w:p")):
        line = ""
        for element in paragraph.iter(qn("w:t"), qn("w:br")):
            line += "\n" if element.tag == qn("w:br") else (element.text or "")
        lines.append(line)
    return "\n".join(lines)


def _pieces(text: str) -> list[tuple[str, str]]:
    """(kind, text) parts of a run's text: plain, "sup" for the "er" of "1er", "url"."""
    from atip import french

    out: list[tuple[str, str]] = []

    def plain(chunk: str) -> None:
        position = 0
        for match in _FIRST.finditer(chunk):
            out.append(("plain", chunk[position : match.start() + 1]))
            out.append(("sup", "er"))
            position = match.end()
        out.append(("plain", chunk[position:]))

    position = 0
    for match in french.URL_PATTERN.finditer(text):
        url, _tail = french.split_address(match.group(0))
        plain(text[position : match.start()])
        out.append(("url", url))
        position = match.start() + len(url)
    plain(text[position:])
    return [(kind, chunk) for kind, chunk in out if chunk]


def _enrich(doc: Any) -> None:
    """Superscript "er" in "1er" and clickable web addresses, in the body and the headers."""
    import copy

    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.text.run import Run

    parts = [(doc.part, doc.element.body), *_header_parts(doc)]
    for part, root in parts:
        for run in list(root.iter(qn("w:r"))):
            texts = run.findall(qn("w:t"))
            if len(texts) != 1 or not texts[0].text:
                continue
            pieces = _pieces(texts[0].text)
            if all(kind == "plain" for kind, _chunk in pieces):
                continue
            parent = run.getparent()
            if parent is None or parent.tag == qn("w:hyperlink"):
                continue
            at = parent.index(run)
            for kind, chunk in pieces:
                piece = copy.deepcopy(run)
                piece.find(qn("w:t")).text = chunk
                piece.find(qn("w:t")).set(qn("xml:space"), "preserve")
                element = piece
                if kind == "sup":
                    Run(piece, None).font.superscript = True  # type: ignore[arg-type]
                elif kind == "url":
                    piece.find(qn("w:t")).text = breakable_url(chunk)
                    href = chunk if re.match(r"https?://", chunk, re.I) else f"https://{chunk}"
                    element = OxmlElement("w:hyperlink")
                    element.set(qn("r:id"), part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, True))
                    element.append(piece)
                parent.insert(at, element)
                at += 1
            parent.remove(run)


# U+200B ZERO WIDTH SPACE: a break opportunity, with no width and no glyph.
ZERO_WIDTH_SPACE = "\u200b"


def breakable_url(url: str) -> str:
    """A web address as the DOCX shows it: breakable after each slash, as the PDF breaks it
    (and Word does), where LibreOffice would not break."""
    return re.sub(r"/(?=[^/\s])", "/" + ZERO_WIDTH_SPACE, url)


def _describe_images(doc: Any, letter: Letter) -> None:
    """Alternative text on the logo and the signature, for screen readers; no space around
    them (LibreOffice would put its default 0.32cm on their sides), as in the PDF."""
    from docx.oxml.ns import qn

    logo = letter.letterhead[0] if letter.letterhead else "Logo"
    for root in (doc.element.body, *(element for _part, element in _header_parts(doc))):
        for inline in root.iter(qn("wp:inline")):
            for side in ("distT", "distB", "distL", "distR"):
                inline.set(side, "0")
        in_header = root is not doc.element.body
        for described in root.iter(qn("wp:docPr")):
            described.set("descr", logo if in_header else f"Signature de {letter.signatory_name}")


def _header_parts(doc: Any) -> list[tuple[Any, Any]]:
    """(part, root element) of each header as rendered: docxtpl replaces the header parts
    behind their relationships, where `section.header` would still find the template's."""
    from docx.opc.constants import RELATIONSHIP_TYPE

    return [
        (rel.target_part, rel.target_part.element)
        for rel in doc.part.rels.values()
        if not rel.is_external and rel.reltype == RELATIONSHIP_TYPE.HEADER
    ]


def write_docx(letter: Letter, dest: Path, template_dirs: Sequence[Path]) -> str:
    """Write the letter as DOCX to `dest` (atomically); return the file's SHA-256."""
    return atomic_write_bytes(dest, docx_bytes(letter, template_dirs))
