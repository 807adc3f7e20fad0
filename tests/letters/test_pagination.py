"""The DOCX paginates as the PDF does (issue 13): every letter kind, both seed re-creations, a
document index and a letterhead with its images, each DOCX converted to PDF by LibreOffice
(`soffice --headless --convert-to pdf`) has as many pages as atip's PDF, and each of its pages
starts with the same words.

Both formats share the page, margins, font, sizes, exact line heights and paragraph spacing
(templates/letter.css, tools/make_docx_template.py), a table's column widths
(atip.letters.model.column_widths) and the images' sizes; the checks without LibreOffice below
hold them to it.
"""

from __future__ import annotations

import dataclasses
import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn

from atip.demo import data as demo_data
from atip.letters.content import build_letter
from atip.letters.docx import write_docx
from atip.letters.model import DecisionData, Letter
from atip.letters.pdf import html_text, write_pdf
from atip.register.annexes import Section
from tests.letters import test_letter_kinds as kinds
from tests.letters.test_legal_document import png
from tests.letters.test_letters import dirs as dirs
from tests.letters.test_letters import law as law
from tests.letters.test_letters import seed_letters

# The page's body, in pt from the top: what lies above is the continuation pages' reference,
# what lies below their number (letter.css's @page margins).
TOP, BOTTOM = 2 * 72 / 2.54, 2.4 * 72 / 2.54
FIRST_WORDS = 8
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060"))


def all_letters(law, dirs, tmp: Path) -> dict[str, Letter]:
    """Every kind of letter, the seed re-creations, and the harder layouts."""
    letters = dict(seed_letters(law, dirs))
    for name, kind, recipient, changes, on in kinds.KINDS:
        letters[name] = kinds.make(kind, kinds.full_case(**changes), on, law, dirs, recipient)
    seed = demo_data.load("seed2024")
    index = Section(
        title="Liste des documents",
        kind="table",
        header=("Document", "Décision", "Articles"),
        rows=tuple(
            (f"Note {n} au sous-ministre sur le programme d'accompagnement", decision, grounds)
            for n, (decision, grounds) in enumerate(
                [("Accessible", ""), ("Partiel", "53, 54"), ("Refusé", "53")] * 8, 1
            )
        ),
        articles=("53", "54"),
    )
    partial = dataclasses.replace(
        seed.case,
        decision=DecisionData(seed.letter_date, "partial", ("53", "54")),
        sections=(index,),
    )
    letters["document-index"] = build_letter(
        "decision", partial, seed.profile, seed.letter_date, law, template_dirs=dirs
    )
    profile = dataclasses.replace(
        seed.profile,
        logo=str(png(tmp / "logo.png")),
        signature_image=str(png(tmp / "signature.png", (200, 60), (0, 0, 0))),
        address="1, rue de l'Exemple\nMontréal (Québec)  H0H 0H0",
        phone="514 555-0100",
        website="www.exemple.gouv.qc.ca",
        signatory_contact="Téléphone : 514 555-0101, acces@exemple.gouv.qc.ca",
    )
    letters["letterhead-images"] = build_letter(
        "decision", seed.case, profile, seed.letter_date, law, template_dirs=dirs
    )
    return letters


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, law, dirs) -> dict[str, tuple[Letter, Path, Path, Path]]:
    """Each letter as atip's DOCX and PDF, and the DOCX as LibreOffice prints it."""
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) and pdftotext are needed")
    out = tmp_path_factory.mktemp("pagination")
    files = {}
    for name, letter in all_letters(law, dirs, out).items():
        docx, pdf = out / f"{name}.docx", out / f"{name}.pdf"
        write_docx(letter, docx, dirs)
        write_pdf(letter, pdf, dirs)
        files[name] = (letter, docx, pdf, out / "office" / f"{name}.pdf")
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={(out / 'profile').as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out / "office"),
            *(str(docx) for _letter, docx, _pdf, _office in files.values()),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return files


NAMES = [
    *(
        "seed2020-decision",
        "seed2020-decision-published",
        "seed2024-decision",
        "seed2024-acknowledgement",
        "seed2024-extension",
    ),
    *kinds.NAMES,
    "document-index",
    "letterhead-images",
]


def page_starts(path: Path) -> list[str]:
    """The first words of each page's body, line by line from the top, left to right (two
    columns side by side read across), without the running reference, the page number and
    list bullets."""
    out = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], check=True, capture_output=True, text=True
    ).stdout
    starts = []
    for page in out.split("<page ")[1:]:
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        words = []
        for match in re.finditer(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>',
            page,
        ):
            x, top, bottom = (float(match.group(i)) for i in (1, 2, 3))
            text = html.unescape(match.group(4)).translate(INVISIBLE)
            if bottom > TOP and top < height - BOTTOM and text not in ("", "•"):
                words.append((bottom, x, text))
        lines: list[list[tuple[float, str]]] = []
        baseline = None
        for bottom, x, text in sorted(words):
            if baseline is None or bottom - baseline > 3:
                lines.append([])
                baseline = bottom
            lines[-1].append((x, text))
        ordered = [text for line in lines for _x, text in sorted(line)]
        starts.append(" ".join(ordered[:FIRST_WORDS]))
    return starts


@pytest.mark.parametrize("name", NAMES)
def test_the_docx_paginates_as_the_pdf(rendered, name):
    _letter, _docx, pdf, office = rendered[name]
    ours, theirs = page_starts(pdf), page_starts(office)
    assert len(theirs) == len(ours), (ours, theirs)
    assert theirs == ours


# --------------------------------------------------------------------------- without LibreOffice


def test_the_docx_has_the_pdfs_page_and_exact_line_heights(tmp_path, law, dirs):
    css = (dirs[-1] / "letter.css").read_text(encoding="utf-8")
    assert "size: letter;" in css and "margin: 2cm 2.5cm 2.4cm 2.5cm;" in css
    heights = {float(h) for h in re.findall(r"line-height: ([\d.]+)pt", css)}
    built = seed_letters(law, dirs)["seed2020-decision"]
    path = tmp_path / "l.docx"
    write_docx(built, path, dirs)
    document = Document(str(path))
    section = document.sections[0]
    assert (section.page_width.inches, section.page_height.inches) == (8.5, 11)
    margins = (section.top_margin, section.right_margin, section.bottom_margin, section.left_margin)
    assert [round(m.cm, 2) for m in margins] == [2.0, 2.5, 2.4, 2.5]
    used = {p.style.name for p in document.paragraphs}
    for header in (section.first_page_header, section.header, section.footer):
        used |= {p.style.name for p in header.paragraphs}
    images = {"Atip Logo", "Atip Image signature"}
    for name in sorted(used - images):
        fmt = document.styles[name].paragraph_format
        assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY, name
        assert round(fmt.line_spacing.pt, 2) in heights | {1.0, 28.35}, name


def test_every_docx_table_spans_the_text_width_with_the_pdfs_columns(tmp_path, law, dirs):
    letters = all_letters(law, dirs, tmp_path)
    for name in ("seed2020-decision", "seed2024-decision", "document-index"):
        built = letters[name]
        path = tmp_path / f"{name}.docx"
        write_docx(built, path, dirs)
        document = Document(str(path))
        section = document.sections[0]
        width = round((section.page_width - section.left_margin - section.right_margin) / 635)
        page = html_text(built, dirs)
        shares = [
            [float(w) / 100 for w in re.findall(r"width: ([\d.]+)%", colgroup)]
            for colgroup in re.findall(r"<colgroup>(.*?)</colgroup>", page)
        ]
        grids = [t for t in document.tables if t.style is not None and t.style.name == "Table Grid"]
        assert grids and len(grids) == len(shares), name
        for table, expected in zip(grids, shares, strict=True):
            tbl_pr = table._tbl.tblPr
            assert tbl_pr.find(qn("w:tblW")).get(qn("w:w")) == str(width)
            assert tbl_pr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
            columns = [int(c.get(qn("w:w"))) for c in table._tbl.tblGrid.findall(qn("w:gridCol"))]
            assert sum(columns) == width
            assert columns == pytest.approx([s * width for s in expected], abs=2)
            for row in table._tbl.findall(qn("w:tr")):
                cells = [int(c.find(f"{qn('w:tcPr')}/{qn('w:tcW')}").get(qn("w:w"))) for c in
                         row.findall(qn("w:tc"))]  # fmt: skip
                assert cells == columns


def test_the_images_have_the_same_size_in_both_formats(tmp_path, law, dirs):
    built = all_letters(law, dirs, tmp_path)["letterhead-images"]
    assert built.logo_size == (60.0, 20.0)  # 240×80 pixels, fitted in 70×20 mm
    assert built.signature_size == (53.33, 16.0)
    path = tmp_path / "l.docx"
    write_docx(built, path, dirs)
    document = Document(str(path))
    sizes = {
        (round(shape.width.mm, 1), round(shape.height.mm, 1)) for shape in document.inline_shapes
    }
    assert sizes == {(53.3, 16.0)}  # the signature; the logo is in the header
    header = document.sections[0].first_page_header._element.xml
    assert '<wp:extent cx="2160000" cy="720000"/>' in header  # 60 × 20 mm, in EMU
    page = html_text(built, dirs)
    assert "width: 60.0mm; height: 20.0mm" in page
    assert "width: 53.33mm; height: 16.0mm" in page


def test_a_docx_web_address_breaks_after_its_slashes_as_the_pdf_does():
    from atip.letters.docx import breakable_url

    assert breakable_url("www.cai.gouv.qc.ca/citoyens/recours/") == (
        "www.cai.gouv.qc.ca/\u200bcitoyens/\u200brecours/"
    )
    assert breakable_url("https://example.org") == "https://\u200bexample.org"


def test_a_logo_that_is_no_image_is_one_error_in_both_formats(tmp_path, law, dirs):
    from atip.errors import InputError

    seed = demo_data.load("seed2024")
    fake = tmp_path / "logo.png"
    fake.write_text("not an image", encoding="utf-8")
    profile = dataclasses.replace(seed.profile, logo=str(fake))
    built = build_letter("decision", seed.case, profile, seed.letter_date, law, template_dirs=dirs)
    for write, name in ((write_docx, "l.docx"), (write_pdf, "l.pdf")):
        with pytest.raises(InputError, match="not an image that letters can show"):
            write(built, tmp_path / name, dirs)
        assert not (tmp_path / name).exists()
