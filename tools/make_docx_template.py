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
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Inches, Pt

FONT = "Liberation Serif"
# Word substitutes this metric-compatible font where Liberation Serif is not installed.
FONT_ALT = "Times New Roman"
BODY_SIZE = Pt(12)
DEST = Path(__file__).resolve().parents[1] / "templates" / "letter.docx"

# The page, margins, sizes, line heights and spacing of templates/letter.css, so that the DOCX
# paginates as the PDF does (tests/letters/test_pagination.py renders both and compares).
PAGE = (Inches(8.5), Inches(11))
MARGINS = {"top": 2.0, "right": 2.5, "bottom": 2.4, "left": 2.5}  # cm
TEXT_WIDTH_CM = 8.5 * 2.54 - MARGINS["left"] - MARGINS["right"]
HEADER_DISTANCE_CM = 1.0  # the continuation pages' reference, 1cm from the page's top
FOOTER_DISTANCE_CM = 1.0  # their page number, 1cm from its foot
# Exact line heights (pt) by font size (pt): letter.css's line-height of each. "Exactly" is the
# one line spacing Word and LibreOffice both lay out alike ("single" is a font's own metrics,
# which the two read differently).
LINE = {14: 16.1, 12: 14.6, 11: 13.4, 10.5: 12.8, 10: 12.2, 9.5: 11.6}
# Bullets: the text at 1.25cm as `ul { padding-left: 1.25cm }`, in the grouped lists at 0.6cm.
BULLET_INDENT_CM, GROUP_BULLET_INDENT_CM = 1.25, 0.6
BULLET_NUM, GROUP_BULLET_NUM = 90, 91
# The grouped lists' two columns: letter.css's `.group { width: 49%; padding-right: 0.5cm }`.
GROUP_TEXT_CM = 0.49 * TEXT_WIDTH_CM - 0.5


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
    _exact(normal, 12)
    fmt.widow_control = True


def _exact(style, size: float) -> None:
    """The style's lines exactly as high as letter.css's line-height for that font size."""
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE[size])


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
    line: float | None = None,
    image: bool = False,
):
    """A paragraph style; `line` is an exact line height (pt) other than the size's own, and
    `image` a paragraph that holds an image: single spacing, on a 1pt font, so that its
    height is the image's."""
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
    if image:
        font.size = Pt(1)
        fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    elif line is not None:
        fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        fmt.line_spacing = Pt(line)
    else:
        _exact(style, size or 12)
    return style


def _styles(doc) -> None:
    """The paragraph styles, each with the size and spacing of its rule in letter.css. Where
    CSS keeps the larger of two adjoining margins Word adds them: letter.css never has two
    adjoining, so the values are the same."""
    justify, center = WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.CENTER
    # The first page's header starts at the header distance (1cm); the letterhead, as in the
    # PDF, at the top margin (2cm): this empty line is the difference.
    _style(doc, "Atip Marge", line=(MARGINS["top"] - HEADER_DISTANCE_CM) * 72 / 2.54)
    _style(doc, "Atip Logo", after=6, image=True)
    _style(doc, "Atip Organisation", size=14, bold=True, after=0)
    _style(doc, "Atip Unité", size=11, before=1, after=0)
    _style(doc, "Atip Coordonnées", size=9.5, before=1, after=0)
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
    # A list's items 4pt apart, the last one 10pt above what follows (`ul`, `li`).
    _bullet(_style(doc, "Atip Puce", after=4), BULLET_NUM)
    _bullet(_style(doc, "Atip Puce (dernière)", after=10), BULLET_NUM)
    _style(doc, "Atip Tableau en-tête", size=11, bold=True, keep_next=True)
    _style(doc, "Atip Tableau", size=11)
    # The 12pt below a table (`table { margin-bottom }`): an empty line, its space before
    # dropped at the top of a page as the PDF drops a margin there.
    _style(doc, "Atip Après tableau", before=11, line=1)
    # The grouped lists, two by two in a borderless table (`.group`).
    # No "keep with next": in a table, Word and LibreOffice would keep the row with the next.
    _style(doc, "Atip Sous-titre", bold=True, after=3)
    _bullet(_style(doc, "Atip Puce (groupe)", size=11, after=2), GROUP_BULLET_NUM)
    _bullet(_style(doc, "Atip Puce (groupe, dernière)", size=11, after=10), GROUP_BULLET_NUM)
    _style(doc, "Atip Groupe vide", line=1)
    _style(doc, "Atip Après groupes", line=1)
    _style(doc, "Atip Source", size=11, after=14)
    # The last paragraph of the body stays on the page of the closing and the signature.
    last = _style(doc, "Atip Texte (dernier)", align=justify, after=10, keep_next=True)
    last.paragraph_format.keep_together = True
    last = _style(doc, "Atip Texte (dernier, adresse web)", after=10, keep_next=True)
    last.paragraph_format.keep_together = True
    _style(doc, "Atip Formule", align=justify, after=0, keep_next=True)
    _style(doc, "Atip Signé", before=30, keep_next=True)
    _style(doc, "Atip Image signature", before=4, after=2, keep_next=True, image=True)
    _style(doc, "Atip Signataire", keep_next=True)
    # `.signatory-title { width: 9cm }`. The title and the contact line keep with what
    # follows: the contact line, the p. j. (as the PDF's `.ending` holds it), or nothing.
    _style(doc, "Atip Titre signataire", right=TEXT_WIDTH_CM - 9, keep_next=True)
    _style(doc, "Atip Coordonnées signataire", size=10.5, before=4, keep_next=True)
    _style(doc, "Atip Pièces jointes", before=18, after=14)
    _style(doc, "Atip Titre loi", bold=True, align=center, page_break=True, after=18)
    _style(doc, "Atip Motifs", bold=True, align=center, after=14, keep_next=True)
    _style(doc, "Atip Article", size=11, align=justify, after=6)
    _style(doc, "Atip Historique", size=10, after=16)
    _style(doc, "Atip Titre section", bold=True, after=8, keep_next=True)
    _style(
        doc, "Atip Titre section (nouvelle page)", bold=True, after=8, keep_next=True,
        page_break=True,
    )  # fmt: skip
    footer = doc.styles["Footer"]
    footer.font.size = Pt(10)
    footer.paragraph_format.alignment = center
    _exact(footer, 10)
    for name in ("Header", "Footer"):
        fmt = doc.styles[name].paragraph_format
        fmt.tab_stops.clear_all()
        fmt.space_before = fmt.space_after = Pt(0)


def _numbering(doc) -> None:
    """Two bullet lists: the body's (text at 1.25cm) and the grouped lists' (at 0.6cm)."""
    numbering = doc.part.numbering_part.element
    first_num = numbering.find(qn("w:num"))
    # The bullet where the PDF draws its list marker: its width and a space before the text.
    for number, indent, hanging in (
        (BULLET_NUM, BULLET_INDENT_CM, Pt(7.2).twips),
        (GROUP_BULLET_NUM, GROUP_BULLET_INDENT_CM, Pt(6.6).twips),
    ):
        left = round(Cm(indent).twips)
        abstract = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{number}">'
            '<w:multiLevelType w:val="singleLevel"/>'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="bullet"/>'
            '<w:lvlText w:val="•"/><w:lvlJc w:val="left"/>'
            f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{left}"/></w:tabs>'
            f'<w:ind w:left="{left}" w:hanging="{hanging}"/></w:pPr>'
            f'<w:rPr><w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:cs="{FONT}"/></w:rPr>'
            "</w:lvl></w:abstractNum>"
        )
        first_num.addprevious(abstract)
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{number}"><w:abstractNumId w:val="{number}"/>'
                "</w:num>"
            )
        )


def _bullet(style, number: int) -> None:
    style.element.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = number


def _p(doc, text: str, style: str | None = None) -> None:
    doc.add_paragraph(text, style=style)


def _table(doc) -> None:
    """A table whose columns and rows come from the block: {%tc %} and {%tr %} loops.

    It spans the text width; atip.letters.docx sets each column's width once the rows are in
    (the same shares as the PDF's). Cell margins and borders are letter.css's `th, td`."""
    table = doc.add_table(rows=6, cols=3)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _table_frame(table, [TEXT_WIDTH_CM / 3] * 3, margins=(40, 108, 40, 108))
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
    # The header row repeats on each page when a table runs over several; no row is split
    # (`tr { break-inside: avoid }`).
    tr_pr = table.rows[1]._tr.get_or_add_trPr()
    tr_pr.append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    tr_pr.append(parse_xml(f"<w:tblHeader {nsdecls('w')}/>"))
    table.rows[4]._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    for c in range(3):
        tc_pr = table.cell(1, c)._tc.get_or_add_tcPr()
        # light grey header, as the ministry's printed tables have
        shade = f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" w:fill="E7E6E6"/>'
        tc_pr.append(parse_xml(shade))


def _table_frame(table, widths_cm: list[float], *, margins: tuple[int, int, int, int]) -> None:
    """Fixed layout at the given column widths, from the left margin, with these cell margins
    (twips: top, left, bottom, right)."""
    tbl_pr = table._tbl.tblPr
    for tag in ("w:tblW", "w:tblInd", "w:tblLayout", "w:tblCellMar"):
        for old in tbl_pr.findall(qn(tag)):
            tbl_pr.remove(old)
    total = sum(round(Cm(w).twips) for w in widths_cm)
    top, left, bottom, right = margins
    for xml in (
        f'<w:tblW {nsdecls("w")} w:w="{total}" w:type="dxa"/>',
        f'<w:tblInd {nsdecls("w")} w:w="0" w:type="dxa"/>',
        f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>',
        f'<w:tblCellMar {nsdecls("w")}><w:top w:w="{top}" w:type="dxa"/>'
        f'<w:left w:w="{left}" w:type="dxa"/><w:bottom w:w="{bottom}" w:type="dxa"/>'
        f'<w:right w:w="{right}" w:type="dxa"/></w:tblCellMar>',
    ):
        element = parse_xml(xml)
        _insert_in_order(tbl_pr, element)
    grid = table._tbl.tblGrid
    for col, width in zip(grid.findall(qn("w:gridCol")), widths_cm, strict=True):
        col.set(qn("w:w"), str(round(Cm(width).twips)))
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


_TBL_PR_ORDER = (
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription",
)  # fmt: skip


def _insert_in_order(tbl_pr, element) -> None:
    """Put a tblPr child where the schema wants it (Word refuses them out of order)."""
    name = element.tag.rsplit("}", 1)[-1]
    rank = _TBL_PR_ORDER.index(name)
    for child in tbl_pr:
        other = child.tag.rsplit("}", 1)[-1]
        if other in _TBL_PR_ORDER and _TBL_PR_ORDER.index(other) > rank:
            child.addprevious(element)
            return
    tbl_pr.append(element)


def _group_table(doc) -> None:
    """Grouped lists two by two (`b.rows`, pairs of groups): a borderless table of two columns
    whose text is as wide as letter.css's `.group` (49% of the text width, less 0.5cm); no row
    split, as no inline block is."""
    table = doc.add_table(rows=3, cols=2)
    half = TEXT_WIDTH_CM / 2
    right = round(Cm(half - GROUP_TEXT_CM).twips)
    _table_frame(table, [half, half], margins=(0, 0, 0, right))
    table.cell(0, 0).paragraphs[0].text = "{%tr for pair in b.rows %}"
    table.cell(2, 0).paragraphs[0].text = "{%tr endfor %}"
    table.rows[1]._tr.get_or_add_trPr().append(parse_xml(f"<w:cantSplit {nsdecls('w')}/>"))
    for side in (0, 1):
        cell = table.cell(1, side)
        first = cell.paragraphs[0]
        first.text = f"{{%p if pair[{side}].text %}}"
        for text, style in (
            (f"{{{{ pair[{side}].text }}}}", "Atip Sous-titre"),
            ("{%p endif %}", None),
            (f"{{%p for e in pair[{side}].entries %}}", None),
            ("{%p if loop.last %}", None),
            ("{{ e }}", "Atip Puce (groupe, dernière)"),
            ("{%p else %}", None),
            ("{{ e }}", "Atip Puce (groupe)"),
            ("{%p endif %}", None),
            ("{%p endfor %}", None),
            (f"{{%p if not pair[{side}].text and not pair[{side}].entries %}}", None),
            ("", "Atip Groupe vide"),
            ("{%p endif %}", None),
        ):
            added = cell.add_paragraph(text)
            if style:
                added.style = doc.styles[style]


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
    _p(doc, "{%p if loop.last %}")
    _p(doc, "{{ e }}", "Atip Puce (dernière)")
    _p(doc, "{%p else %}")
    _p(doc, "{{ e }}", "Atip Puce")
    _p(doc, "{%p endif %}")
    _p(doc, "{%p endfor %}")
    _p(doc, "{%p elif b.kind == 'table' %}")
    _table(doc)
    _p(doc, "", "Atip Après tableau")
    _p(doc, "{%p elif b.kind == 'group-rows' %}")
    _group_table(doc)
    _p(doc, "", "Atip Après groupes")
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
    paragraph.style = doc.styles["Atip Marge"]
    for text, style in (
        ("{%p if letter_logo %}", None),
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
    section.page_width, section.page_height = PAGE
    section.top_margin, section.bottom_margin = Cm(MARGINS["top"]), Cm(MARGINS["bottom"])
    section.left_margin, section.right_margin = Cm(MARGINS["left"]), Cm(MARGINS["right"])
    section.footer_distance = Cm(FOOTER_DISTANCE_CM)
    section.header_distance = Cm(HEADER_DISTANCE_CM)
    _numbering(doc)
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
    _p(doc, "{%p for b in letter.body | group_rows %}")
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
    _p(doc, "{%p for b in a.blocks | group_rows %}")
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
