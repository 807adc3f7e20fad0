"""Letters as legal documents: courtesy and formulas, letterhead and signature images, the
review offices, OQLF typography, PDF/A structure and the digital signature (PAdES).

No PDF/A validator can be installed here (veraPDF is not packaged for pip or Debian): the
PDF/A-3a structure is checked with pikepdf (pdfaid part and conformance in the XMP, an
OutputIntent, a structure tree, MarkInfo Marked, /Lang fr-CA, embedded fonts).
"""

from __future__ import annotations

import dataclasses
import io
import zipfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pikepdf
import pytest
from docx import Document

from atip.demo import data as demo_data
from atip.law.articles import default_library
from atip.letters.content import build_letter
from atip.letters.docx import write_docx
from atip.letters.model import Letter
from atip.letters.pdf import write_pdf
from atip.letters.wording import formula
from atip.register.integrity import signature_problems
from atip.resources import search_path

NBSP, NNBSP = "\u00a0", "\u202f"
PASSWORD = "mot de passe d'essai"


@pytest.fixture(scope="module")
def dirs() -> list[Path]:
    return search_path("templates", None)


@pytest.fixture(scope="module")
def law():
    return default_library(None)


def seed(name: str = "seed2024"):
    return demo_data.load(name)


def letter(kind="decision", *, case=None, profile=None, published=False, law, dirs) -> Letter:
    s = seed()
    return build_letter(
        kind,
        case or s.case,
        profile or s.profile,
        s.letter_date,
        law,
        template_dirs=dirs,
        published=published,
    )


def png(path: Path, size=(240, 80), colour=(20, 60, 140)) -> Path:
    from PIL import Image

    Image.new("RGB", size, colour).save(path)
    return path


def certificate(tmp_path: Path, password: str = PASSWORD) -> Path:
    """A throwaway self-signed certificate and key, as a PKCS#12 file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Responsable de l'accès (essai)")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, True, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        b"essai", key, cert, None, BestAvailableEncryption(password.encode())
    )
    path = tmp_path / "signature.p12"
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- formulas


@pytest.mark.parametrize(
    ("text", "courtesy", "expected"),
    [
        ("{courtesy},", "Madame", "Madame,"),
        ("{courtesy},", "", ""),
        ("Bonjour {courtesy},", "", "Bonjour,"),
        (
            "Nous vous prions d'agréer, {courtesy}, nos salutations distinguées.",
            "Madame",
            "Nous vous prions d'agréer, Madame, nos salutations distinguées.",
        ),
        (
            "Nous vous prions d'agréer, {courtesy}, nos salutations distinguées.",
            "",
            "Nous vous prions d'agréer nos salutations distinguées.",
        ),
    ],
)
def test_a_formula_takes_the_courtesy_title_or_does_without(text, courtesy, expected):
    assert formula(text, courtesy) == expected


def test_the_requesters_courtesy_title_makes_the_salutation_and_closing(law, dirs):
    case = dataclasses.replace(seed().case, requester_courtesy="Madame")
    plain = letter(case=case, law=law, dirs=dirs)
    assert plain.salutation == "Madame,"
    assert plain.closing == "Veuillez agréer, Madame, nos salutations distinguées."
    # Without a title, the defaults; in the published copy, never the title (personal).
    assert letter(law=law, dirs=dirs).salutation == "Bonjour,"
    published = letter(case=case, published=True, law=law, dirs=dirs)
    assert "Madame" not in published.plain_text()
    assert published.closing == "Veuillez recevoir nos salutations distinguées."


def test_the_2020_seed_is_re_created_by_its_settings(law, dirs):
    s = seed("seed2020")
    built = build_letter("decision", s.case, s.profile, s.letter_date, law, template_dirs=dirs)
    text = built.plain_text()
    assert text.index("Objet") < text.index("N/Réf.")
    assert "\nMadame,\n" in text
    assert "Nous vous prions d’agréer, Madame, nos salutations distinguées." in text
    assert f"\nMme{NBSP}Tabita Nicolaica\n" in text
    # The seed itself is the published copy: no salutation, and the formula without the title.
    published = build_letter(
        "decision", s.case, s.profile, s.letter_date, law, template_dirs=dirs, published=True
    )
    assert published.salutation == ""
    assert published.closing == "Nous vous prions d’agréer nos salutations distinguées."


def test_the_2024_seed_keeps_the_defaults(law, dirs):
    text = letter(law=law, dirs=dirs).plain_text()
    assert text.index("N/Réf.") < text.index("Objet")
    assert "\nBonjour,\n" in text and "Veuillez recevoir nos salutations distinguées." in text
    assert "\nTabita Nicolaica\n" in text


# --------------------------------------------------------------------------- review offices


def review_paragraphs(built: Letter) -> str:
    text = built.plain_text()
    start = text.index("Veuillez noter")
    return text[start : text.index(built.closing)]


def test_the_review_address_is_its_own_sentence_with_a_full_stop(law, dirs):
    profile = dataclasses.replace(
        seed().profile, review_body_address="Adresse du bureau, Ville (Québec)"
    )
    text = review_paragraphs(letter(profile=profile, law=law, dirs=dirs))
    assert "publics/\n\nVous pouvez également écrire à la Commission" in text
    assert text.rstrip().endswith("Adresse du bureau, Ville (Québec).")


def test_the_two_offices_of_the_commission_are_listed(law, dirs):
    profile = dataclasses.replace(
        seed().profile, review_offices=(("Québec", "Adresse A"), ("Montréal", "Adresse B"))
    )
    text = review_paragraphs(letter(profile=profile, law=law, dirs=dirs))
    assert "à l’un de ses bureaux" in text
    assert f"- Québec{NBSP}: Adresse A{NNBSP};" in text
    assert f"- Montréal{NBSP}: Adresse B." in text


# --------------------------------------------------------------------------- typography


def test_oqlf_spaces_narrow_before_semicolon_and_dates_unbroken(law, dirs):
    text = letter(law=law, dirs=dirs).plain_text()
    assert f"Québec{NBSP}: la mission" in text
    assert f"reçue le 17{NBSP}mai{NBSP}2024" in text
    s20 = seed("seed2020")
    text20 = build_letter(
        "decision", s20.case, s20.profile, s20.letter_date, law, template_dirs=dirs
    ).plain_text()
    assert f"au projet{NNBSP};" in text20


def test_the_font_has_the_narrow_no_break_space(dirs):
    from fontTools.ttLib import TTFont

    from atip.resources import find_template

    for face in ("Regular", "Bold", "Italic", "BoldItalic"):
        font = TTFont(find_template(dirs, f"fonts/LiberationSerif-{face}.ttf"))
        assert 0x202F in font.getBestCmap()


def test_docx_has_superscript_er_clickable_links_fr_ca_and_word_2013_mode(tmp_path, law, dirs):
    path = tmp_path / "l.docx"
    write_docx(letter(law=law, dirs=dirs), path, dirs)
    document = Document(str(path))
    runs = [r for p in document.paragraphs for r in p.runs]
    assert any(r.text == "er" and r.font.superscript for r in runs)
    links = {h.address for p in document.paragraphs for h in p.hyperlinks}
    assert "https://www.quebec.ca/immigration/service-integration-personnes-immigrantes" in links
    with zipfile.ZipFile(path) as z:
        settings = z.read("word/settings.xml").decode()
        styles = z.read("word/styles.xml").decode()
    assert 'w:name="compatibilityMode"' in settings and 'w:val="15"' in settings
    assert 'w:lang w:val="fr-CA"' in styles


def test_pdf_has_superscript_er(tmp_path, law, dirs):
    from atip.letters.pdf import html_text

    assert "1<sup>er</sup> juillet" in html_text(letter(law=law, dirs=dirs), dirs)


# --------------------------------------------------------------------------- letterhead


def test_logo_signature_image_and_contact_lines_in_both_formats(tmp_path, law, dirs):
    profile = dataclasses.replace(
        seed().profile,
        logo=str(png(tmp_path / "logo.png")),
        signature_image=str(png(tmp_path / "sig.png", (200, 60), (0, 0, 0))),
        address="1, rue de l'Exemple\nMontréal (Québec)  H0H 0H0",
        phone="514 555-0100",
        website="www.exemple.gouv.qc.ca",
        signatory_contact="Téléphone : 514 555-0101, acces@exemple.gouv.qc.ca",
    )
    built = letter(profile=profile, law=law, dirs=dirs)
    text = built.plain_text()
    assert "Montréal (Québec)  H0H 0H0" in text.replace(NBSP, " ")
    assert f"Téléphone{NBSP}: 514{NBSP}555-0100 · www.exemple.gouv.qc.ca" in text
    docx, pdf = tmp_path / "l.docx", tmp_path / "l.pdf"
    write_docx(built, docx, dirs)
    write_pdf(built, pdf, dirs)
    document = Document(str(docx))
    header = document.sections[0].first_page_header
    assert header.paragraphs and "Ministère" in "\n".join(p.text for p in header.paragraphs)
    assert header._element.xml.count("<pic:pic") == 1  # the logo, in the first page's header
    assert "N/Réf." in document.sections[0].header.paragraphs[0].text  # continuation pages
    assert document.part.element.xml.count("<pic:pic") == 1  # the signature
    with pikepdf.open(pdf) as opened:
        images = [
            name
            for page in opened.pages
            for name, obj in page.resources.get("/XObject", {}).items()
            if obj.get("/Subtype") == "/Image"
        ]
    assert len(set(images)) == 2  # one logo, one signature (resources shared by pages)


def test_the_last_paragraph_stays_with_the_signature(tmp_path, law, dirs):
    from atip.letters.pdf import html_text

    built = letter(law=law, dirs=dirs)
    html = html_text(built, dirs)
    ending = html[html.index('<div class="ending">') :]
    assert "Veuillez noter" in ending[: ending.index('<div class="signature">')]
    path = tmp_path / "l.docx"
    write_docx(built, path, dirs)
    paragraphs = Document(str(path)).paragraphs
    last = next(p for p in paragraphs if p.text.startswith("Veuillez noter"))
    assert last.style.paragraph_format.keep_with_next
    assert last.style.paragraph_format.keep_together


# --------------------------------------------------------------------------- PDF/A


def check_pdfa(path: Path, title: str) -> None:
    """The PDF/A-3a structure (pikepdf; no validator can be installed here)."""
    with pikepdf.open(path) as pdf:
        root = pdf.Root
        assert str(root.Lang) == "fr-CA"
        assert bool(root.MarkInfo.Marked)
        assert "/StructTreeRoot" in root
        intents = root.OutputIntents
        assert len(intents) >= 1 and str(intents[0].S) == "/GTS_PDFA1"
        assert "/DestOutputProfile" in intents[0]
        with pdf.open_metadata() as xmp:
            assert xmp["pdfaid:part"] == "3" and xmp["pdfaid:conformance"] == "A"
            assert xmp["dc:title"] == title
            assert xmp["dc:creator"]
            assert xmp["xmp:CreateDate"] and xmp["xmp:ModifyDate"]
        for page in pdf.pages:
            for font in page.resources.get("/Font", {}).values():
                descriptor = font.get("/FontDescriptor") or font.DescendantFonts[0].FontDescriptor
                assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_letters_are_pdf_a_3a_tagged_with_full_metadata(tmp_path, law, dirs):
    built = letter(law=law, dirs=dirs)
    path = tmp_path / "l.pdf"
    write_pdf(built, path, dirs)
    check_pdfa(path, "Décision, N/Réf. 21873")
    with pikepdf.open(path) as pdf, pdf.open_metadata() as xmp:
        assert "Gagnon" not in str(xmp)  # never the requester's name


def test_the_annual_report_is_pdf_a(tmp_path):
    from atip.reports.annual_pdf import annual_pdf
    from tests.reports.test_annual import EXPECTED_DOCUMENTS, EXPECTED_PERSONAL

    report = {"fiscal_year": "2023-2024", "documents": EXPECTED_DOCUMENTS}
    report["personal"] = EXPECTED_PERSONAL
    months = {"documents": [1] * 12, "personal": [1] * 12}
    path = tmp_path / "a.pdf"
    path.write_bytes(
        annual_pdf(report, months, "Organisme", search_path("templates", None), date(2024, 6, 30))
    )
    with pikepdf.open(path) as pdf, pdf.open_metadata() as xmp:
        assert xmp["pdfaid:part"] == "3" and xmp["pdfaid:conformance"] == "A"
        assert str(pdf.Root.Lang) == "fr-CA"
        assert "/StructTreeRoot" in pdf.Root


# --------------------------------------------------------------------------- signature


def test_a_signed_letter_validates_and_one_changed_byte_breaks_it(tmp_path, law, dirs, monkeypatch):
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    monkeypatch.setenv("ATIP_SIGNING_PASSWORD", PASSWORD)
    p12 = certificate(tmp_path)
    built = letter(law=law, dirs=dirs)
    path = tmp_path / "signed.pdf"
    write_pdf(built, path, dirs, certificate=str(p12))
    data = path.read_bytes()
    (signature,) = PdfFileReader(io.BytesIO(data)).embedded_signatures
    context = ValidationContext(trust_roots=[signature.signer_cert])
    status = validate_pdf_signature(signature, context)
    assert status.intact and status.valid and status.trusted
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    check_pdfa(path, "Décision, N/Réf. 21873")  # the PDF/A structure survives the signature
    assert signature_problems(path) == []
    changed = bytearray(data)
    changed[len(data) // 3] ^= 0x01  # one byte inside the signed range
    path.write_bytes(bytes(changed))
    assert signature_problems(path)
