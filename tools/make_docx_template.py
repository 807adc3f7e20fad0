"""Build templates/letter.docx, the docxtpl template of every letter, with python-docx.

Run `python tools/make_docx_template.py [DEST]` after changing this script; the binary template is
committed, this script is how it is reviewed and regenerated. An office may also edit a copy of
letter.docx in Word (styles, letterhead, margins) and put it in its workspace's templates/ folder.

The template reads `letter` (atip.letters.Letter): letterhead, contact, place_date, addressee,
reference_line, subject_line, reference_after_subject, salutation, body (blocks), closing,
signed_by, signatory_name, signatory_title, signatory_contact, enclosure, continuation, annexes
(each with kind, title, new_page, blocks); and `letter_logo`, `letter_signature` (images, or "").
The letterhead is the first page's header; the pages after it carry the reference (header) and
their number (footer).
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Inches, Pt

FONT = "Liberation Serif"
# Word substitutes this metric-compatible font where Liberation Serif is not installed.
FONT_ALT = "Times New Roman"
BODY_SIZE = Pt(12)
DEST = Path(__file__).resolve().parents[1] / "templates" / "letter.docx"


def _set_fonts(rpr_parent) -> None:
    """Point every script slot (ascii, hAnsi, cs, eastAsia) at the letter font."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = parse_xml(f"<w:rFonts {nsdecls('w')}/>")
        rpr.insert(0, fonts)
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = parse_xml(f"<w:lang {nsdecls('w')}/>")
        rpr.append(lang)
    lang.set(qn("w:val"), "fr-CA")


def _defaults(doc) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    fonts = rpr.find(qn("w:rFonts"))
    for attr in list(fonts.attrib):
        del fonts.attrib[attr]
    for slot in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{slot}"), FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = parse_xml(f"<w:lang {nsdecls('w')}/>")
        rpr.append(lang)
    lang.set(qn("w:val"), "fr-CA")
    lang.set(qn("w:eastAsia"), "fr-CA")
    lang.set(qn("w:bidi"), "ar-SA")
    normal = doc.styles["Normal"]
    _set_fonts(normal.element)
    normal.font.size = BODY_SIZE
    fmt = normal.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = 1.0
    fmt.widow_control = True


def _style(
    doc,
    name: str,
    *,
    base: str = "Normal",
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    align: WD_ALIGN_PARAGRAPH | None = None,
    before: float = 0,
    after: float = 0,
    keep_next: bool = False,
    page_break: bool = False,
    left: float | None = None,
    right: float | None = None,
):
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    font = style.font
    font.name = FONT
    if size:
        font.size = Pt(size)
    font.bold = bold or None
    font.italic = italic or None
    fmt = style.paragraph_format
    if align is not None:
        fmt.alignment = align
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.keep_with_next = keep_next or None
    fmt.page_break_before = page_break or None
    if left is not None:
        fmt.left_indent = Cm(left)
    if right is not None:
        fmt.right_indent = Cm(right)
    return style


def _styles(doc) -> None:
    justify, center = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER
    _style(doc, "Atip Logo", after=6)
    _style(doc, "Atip Organisation", size=14, bold=True, after=0)
    _style(doc, "Atip Unité", size=11, after=0)
    _style(doc, "Atip Coordonnées", size=9.5, after=0)
    _style(doc, "Atip Suite", size=10, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _style(doc, "Atip Date", before=24, after=18)
    _style(doc, "Atip Destinataire")
    _style(doc, "Atip Référence", before=18, after=6)
    _style(doc, "Atip Objet", bold=True, after=18, keep_next=True)
    # N/Réf. after Objet ([letters] reference_after_subject), as the 2020 seed letter has it.
    _style(doc, "Atip Objet (avant la référence)", bold=True, before=18, after=6, keep_next=True)
    _style(doc, "Atip Référence (après l’objet)", after=18, keep_next=True)
    _style(doc, "Atip Texte", align=justify, after=10)
    # Word does not break a web address: a justified line holding one would be stretched.
    _style(doc, "Atip Texte (adresse web)", align=WD_ALIGN_PARAGRAPH.LEFT, after=10)
    # Introduces a list or a table: kept on the page of what it introduces.
    _style(doc, "Atip Texte (avant liste ou tableau)", align=justify, after=10, keep_next=True)
    _style(
        doc, "Atip Texte (adresse web, avant liste ou tableau)", align=WD_ALIGN_PARAGRAPH.LEFT,
        after=10, keep_next=True,
    )  # fmt: skip
    bullet = _style(doc, "Atip Puce", base="List Bullet", after=4)
    bullet.font.size = BODY_SIZE
    _style(doc, "Atip Tableau en-tête", size=11, bold=True, keep_next=True)
    _style(doc, "Atip Tableau", size=11)
    # Empty spacers: a table must not touch the next one, a list needs air below it.
    _style(doc, "Atip Après tableau", size=6, after=6)
    _style(doc, "Atip Après liste", size=4, after=4)
    _style(doc, "Atip Sous-titre", bold=True, before=8, after=4, keep_next=True)
    _style(doc, "Atip Source", size=11, before=6, after=14)
    # The last paragraph of the body stays on the page of the closing and the signature.
    last = _style(doc, "Atip Texte (dernier)", align=justify, after=10, keep_next=True)
    last.paragraph_format.keep_together = True
    last = _style(doc, "Atip Texte (dernier, adresse web)", after=10, keep_next=True)
    last.paragraph_format.keep_together = True
    _style(doc, "Atip Formule", align=justify, before=4, after=0, keep_next=True)
    _style(doc, "Atip Signé", before=30, keep_next=True)
    _style(doc, "Atip Image signature", before=4, keep_next=True)
    _style(doc, "Atip Signataire", keep_next=True)
    _style(doc, "Atip Titre signataire", right=9, keep_next=True)
    _style(doc, "Atip Coordonnées signataire", size=10.5, before=4)
    _style(doc, "Atip Pièces jointes", before=18)
    _style(doc, "Atip Titre loi", bold=True, align=center, page_break=True, after=18)
    _style(doc, "Atip Motifs", bold=True, align=center, before=6, after=14, keep_next=True)
    _style(doc, "Atip Article", size=11, align=justify, after=6)
    _style(doc, "Atip Historique", size=10, after=16)
    _style(doc, "Atip Titre section", bold=True, before=14, after=8, keep_next=True)
    _style(
        doc, "Atip Titre section (nouvelle page)", bold=True, after=8, keep_next=True,
        page_break=True,
    )  # fmt: skip
    footer = doc.styles["Footer"]
    footer.font.size = Pt(10)
    footer.paragraph_format.alignment = center


def _p(doc, text: str, style: str | None = None) -> None:
    doc.add_paragraph(text, style=style)


def _table(doc) -> None:
    """A table whose columns and rows come from the block: {%tc %} and {%tr %} loops."""
    table = doc.add_table(rows=6, cols=3)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    # docxtpl replaces a whole row by its {%tr %} tag: one tag per row.
    cells = {
        (0, 0): ("{%tr if b.header %}", None),
        (1, 0): ("{%tc for h in b.header %}", None),
        (1, 1): ("{{ h }}", "Atip Tableau en-tête"),
        (1, 2): ("{%tc endfor %}", None),
        (2, 0): ("{%tr endif %}", None),
        (3, 0): ("{%tr for row in b.rows %}", None),
        (4, 0): ("{%tc for c in row %}", None),
        (4, 1): ("{{ c }}", "Atip Tableau"),
        (4, 2): ("{%tc endfor %}", None),
        (5, 0): ("{%tr endfor %}", None),
    }
    for (r, c), (text, style) in cells.items():
        paragraph = table.cell(r, c).paragraphs[0]
        paragraph.text = text
        if style:
            paragraph.style = doc.styles[style]
    # The header row repeats on each page when a table runs over several.
    tr_pr = table.rows[1]._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    for r in range(6):
        for c in range(3):
            tc_pr = table.cell(r, c)._tc.get_or_add_tcPr()
            if r == 1:  # light grey header, as the ministry's printed tables have
                shade = f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="E7E6E6"/>'
                tc_pr.append(parse_xml(shade))
            tc_pr.append(
                parse_xml(
                    f'<w:tcMar {nsdecls("w")}><w:top w:w="40" w:type="dxa"/>'
                    '<w:bottom w:w="40" w:type="dxa"/></w:tcMar>'
                )
            )


def _block_chain(doc, *, body: bool = False) -> None:
    """One `b` block of any kind; written twice (body and annexes) since docxtpl has no macros.

    In the body, the last paragraph is kept with the closing and the signature.
    """
    if body:
        _p(doc, "{%p if b.kind == 'paragraph' and loop.last and b.ragged %}")
        _p(doc, "{{ b.text }}", "Atip Texte (dernier, adresse web)")
        _p(doc, "{%p elif b.kind == 'paragraph' and loop.last %}")
        _p(doc, "{{ b.text }}", "Atip Texte (dernier)")
        _p(doc, "{%p elif b.kind == 'paragraph' and b.lead and b.ragged %}")
    else:
        _p(doc, "{%p if b.kind == 'paragraph' and b.lead and b.ragged %}")
    _p(doc, "{{ b.text }}", "Atip Texte (adresse web, avant liste ou tableau)")
    _p(doc, "{%p elif b.kind == 'paragraph' and b.lead %}")
    _p(doc, "{{ b.text }}", "Atip Texte (avant liste ou tableau)")
    _p(doc, "{%p elif b.kind == 'paragraph' and b.ragged %}")
    _p(doc, "{{ b.text }}", "Atip Texte (adresse web)")
    _p(doc, "{%p elif b.kind == 'paragraph' %}")
    _p(doc, "{{ b.text }}", "Atip Texte")
    _p(doc, "{%p elif b.kind == 'bullets' %}")
    _p(doc, "{%p for e in b.entries %}")
    _p(doc, "{{ e }}", "Atip Puce")
    _p(doc, "{%p endfor %}")
    _p(doc, "", "Atip Après liste")
    _p(doc, "{%p elif b.kind == 'table' %}")
    _table(doc)
    _p(doc, "", "Atip Après tableau")
    _p(doc, "{%p elif b.kind == 'group' %}")
    _p(doc, "{%p if b.text %}")
    _p(doc, "{{ b.text }}", "Atip Sous-titre")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p for e in b.entries %}")
    _p(doc, "{{ e }}", "Atip Puce")
    _p(doc, "{%p endfor %}")
    _p(doc, "", "Atip Après liste")
    _p(doc, "{%p elif b.kind == 'source' %}")
    _p(doc, "{{ b.text }}", "Atip Source")
    _p(doc, "{%p elif b.kind == 'law-heading' %}")
    _p(doc, "{{ b.text }}", "Atip Motifs")
    _p(doc, "{%p elif b.kind == 'law' %}")
    _p(doc, "{{ b.text }}", "Atip Article")
    _p(doc, "{%p elif b.kind == 'history' %}")
    _p(doc, "{{ b.text }}", "Atip Historique")
    _p(doc, "{%p endif %}")


def _header(doc, section) -> None:
    """The letterhead in the first page's header; the reference on the pages after it."""
    first = section.first_page_header
    first.is_linked_to_previous = False
    paragraph = first.paragraphs[0]
    paragraph.text = "{%p if letter_logo %}"
    for text, style in (
        ("{{ letter_logo }}", "Atip Logo"),
        ("{%p endif %}", None),
        ("{%p for line in letter.letterhead %}", None),
        ("{%p if loop.first %}", None),
        ("{{ line }}", "Atip Organisation"),
        ("{%p else %}", None),
        ("{{ line }}", "Atip Unité"),
        ("{%p endif %}", None),
        ("{%p endfor %}", None),
        ("{%p for line in letter.contact %}", None),
        ("{{ line }}", "Atip Coordonnées"),
        ("{%p endfor %}", None),
    ):
        added = first.add_paragraph(text)
        if style:
            added.style = doc.styles[style]
    header = section.header
    header.is_linked_to_previous = False
    paragraph = header.paragraphs[0]
    paragraph.text = "{{ letter.continuation }}"
    paragraph.style = doc.styles["Atip Suite"]


def _settings(doc) -> None:
    """Word's current compatibility mode (Word 2013 and later), and the document's language."""
    settings = doc.settings.element
    compat = settings.find(qn("w:compat"))
    if compat is None:
        compat = parse_xml(f"<w:compat {nsdecls('w')}/>")
        settings.append(compat)
    for old in compat.findall(qn("w:compatSetting")):
        compat.remove(old)
    for name, value in (
        ("compatibilityMode", "15"),
        ("overrideTableStyleFontSizeAndJustification", "1"),
        ("enableOpenTypeFeatures", "1"),
        ("doNotFlipMirrorIndents", "1"),
        ("differentiateMultirowTableHeaders", "1"),
    ):
        compat.append(
            parse_xml(
                f'<w:compatSetting {nsdecls("w")} w:name="{name}" '
                f'w:uri="http://schemas.microsoft.com/office/word" w:val="{value}"/>'
            )
        )
    lang = settings.find(qn("w:themeFontLang"))
    if lang is None:
        lang = parse_xml(f"<w:themeFontLang {nsdecls('w')}/>")
        settings.append(lang)
    lang.set(qn("w:val"), "fr-CA")


def _footer(doc, section) -> None:
    """Page number on every page but the first (different first page)."""
    section.different_first_page_header_footer = True
    first = section.first_page_footer
    first.is_linked_to_previous = False
    first.paragraphs[0].text = ""
    footer = section.footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0]
    paragraph.style = doc.styles["Footer"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>2</w:t></w:r></w:fldSimple>'
        )
    )


def _font_table(doc) -> None:
    """Declare the font with a substitute, for Word installations without Liberation Serif."""
    for part in doc.part.package.iter_parts():
        if str(part.partname) != "/word/fontTable.xml":
            continue
        xml = part.blob.decode("utf-8")
        entry = (
            f'<w:font w:name="{FONT}"><w:altName w:val="{FONT_ALT}"/>'
            '<w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>'
            '<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
        )
        if f'w:name="{FONT}"' not in xml:
            xml = xml.replace("</w:fonts>", entry + "</w:fonts>")
            part._blob = xml.encode("utf-8")


def _drop_thumbnail(doc) -> None:
    """python-docx's blank template ships a preview picture that no letter should show."""
    rels = doc.part.package.rels
    for key, rel in list(rels.items()):
        if rel.reltype.endswith("/thumbnail"):
            del rels[key]


def build(dest: Path = DEST) -> Path:
    """Write the letter template to `dest`."""
    doc = Document()
    _defaults(doc)
    _styles(doc)
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Inches(8.5), Inches(11)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2.2)
    section.left_margin, section.right_margin = Cm(2.5), Cm(2.5)
    section.footer_distance = Cm(1)
    section.header_distance = Cm(1)
    _footer(doc, section)
    _header(doc, section)
    _settings(doc)

    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)

    _p(doc, "{{ letter.place_date }}", "Atip Date")
    _p(doc, "{%p for line in letter.addressee %}")
    _p(doc, "{{ line }}", "Atip Destinataire")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p if letter.reference_after_subject %}")
    _p(doc, "{{ letter.subject_line }}", "Atip Objet (avant la référence)")
    _p(doc, "{{ letter.reference_line }}", "Atip Référence (après l’objet)")
    _p(doc, "{%p else %}")
    _p(doc, "{{ letter.reference_line }}", "Atip Référence")
    _p(doc, "{{ letter.subject_line }}", "Atip Objet")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if letter.salutation %}")
    _p(doc, "{{ letter.salutation }}", "Atip Texte")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p for b in letter.body %}")
    _block_chain(doc, body=True)
    _p(doc, "{%p endfor %}")
    _p(doc, "{{ letter.closing }}", "Atip Formule")
    _p(doc, "{{ letter.signed_by }}", "Atip Signé")
    _p(doc, "{%p if letter_signature %}")
    _p(doc, "{{ letter_signature }}", "Atip Image signature")
    _p(doc, "{%p endif %}")
    _p(doc, "{{ letter.signatory_name }}", "Atip Signataire")
    _p(doc, "{{ letter.signatory_title }}", "Atip Titre signataire")
    _p(doc, "{%p if letter.signatory_contact %}")
    _p(doc, "{{ letter.signatory_contact }}", "Atip Coordonnées signataire")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p if letter.enclosure %}")
    _p(doc, "{{ letter.enclosure }}", "Atip Pièces jointes")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p for a in letter.annexes %}")
    _p(doc, "{%p if a.kind == 'law' %}")
    _p(doc, "{{ a.title }}", "Atip Titre loi")
    _p(doc, "{%p elif a.new_page %}")
    _p(doc, "{{ a.title }}", "Atip Titre section (nouvelle page)")
    _p(doc, "{%p else %}")
    _p(doc, "{{ a.title }}", "Atip Titre section")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p for b in a.blocks %}")
    _block_chain(doc)
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p endfor %}")
    # The section properties must stay the body's last child.
    body.append(body.find(qn("w:sectPr")))

    props = doc.core_properties
    props.author = ""
    props.last_modified_by = ""
    props.title = ""
    props.subject = ""
    props.comments = ""
    props.keywords = ""
    props.category = ""
    props.language = "fr-CA"
    props.revision = 1
    props.created = props.modified = datetime(2024, 1, 1)
    _font_table(doc)
    _drop_thumbnail(doc)
    dest.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(dest))
    return dest


if __name__ == "__main__":
    target = build(Path(sys.argv[1]) if len(sys.argv) > 1 else DEST)
    print(target)
