"""Letters: wording by kind and outcome, both formats carrying the same text, and golden files.

Golden files (tests/golden/*.txt) hold `Letter.plain_text()` of the seed re-creations; they are
rewritten with ATIP_UPDATE_GOLDEN=1 and reviewed as a diff. The DOCX and PDF texts are compared
with them after removing whitespace (line breaks differ between formats, words must not).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document

from atip.demo import data as demo_data
from atip.errors import RefusedError
from atip.files import atomic_write_bytes
from atip.law.articles import ACT_TITLE, default_library
from atip.letters.content import build_letter
from atip.letters.docx import ZERO_WIDTH_SPACE, write_docx
from atip.letters.model import DecisionData, Letter, LetterCase
from atip.letters.pdf import html_text, write_pdf
from atip.register.annexes import Section
from atip.resources import search_path

GOLDEN = Path(__file__).parents[1] / "golden"
UPDATE = os.environ.get("ATIP_UPDATE_GOLDEN") == "1"
NBSP = "\u00a0"
MARKUP = ("&", "<b>gras</b>", "{{ x }}", "{% if %}", '"guillemets"')


# --------------------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def dirs() -> list[Path]:
    return search_path("templates", None)


@pytest.fixture(scope="module")
def law():
    return default_library(None)


def make(kind: str, case: LetterCase, on: date, law, dirs, profile=None, **options) -> Letter:
    profile = profile or demo_data.profile()
    return build_letter(kind, case, profile, on, law, template_dirs=dirs, **options)


def docx_text(path: Path) -> str:
    """The first page's header (the letterhead), then body paragraphs and table rows (cells by
    tabs) in document order; without the zero-width spaces that let a web address break after
    its slashes (atip.letters.docx.breakable_url), which are no text."""
    document = Document(str(path))
    lines: list[str] = [p.text for p in document.sections[0].first_page_header.paragraphs]
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in element.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in element.iter():
                if row.tag.endswith("}tr"):
                    cells = [
                        "".join(t.text or "" for t in cell.iter() if t.tag.endswith("}t"))
                        for cell in row
                        if cell.tag.endswith("}tc")
                    ]
                    lines.append("\t".join(cells))
    return "\n".join(lines).replace(ZERO_WIDTH_SPACE, "")


def pdf_pages(path: Path) -> list[str]:
    """Text of each page, in content order (pdftotext -raw)."""
    out = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pages = out.split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages


def without_page_numbers(pages: list[str]) -> str:
    """The pages without what continuation pages carry: the page number and the N/Réf."""
    kept = []
    for number, page in enumerate(pages, 1):
        lines = page.rstrip().split("\n")
        if number > 1:
            margins = (str(number),)
            while lines and (lines[-1].strip() in margins or _is_reference(lines[-1])):
                lines.pop()
            while lines and _is_reference(lines[0]):
                lines.pop(0)
        kept.append("\n".join(lines))
    return "\n".join(kept)


def _is_reference(line: str) -> bool:
    """The running header of a continuation page: "N/Réf. : 18159" alone on its line."""
    return re.fullmatch(r"N/Réf\.[\s\u00a0]*:[\s\u00a0]*\S+", line.strip()) is not None


def words(text: str) -> str:
    """The text without list markers and whitespace: what both formats must share."""
    text = re.sub(r"(?m)^[ \t]*-[ \t]+", "", text).replace("•", "")
    return "".join(ch for ch in text if not ch.isspace())


def golden(name: str, text: str) -> str:
    path = GOLDEN / f"{name}.txt"
    if UPDATE:
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"missing {path}: run with ATIP_UPDATE_GOLDEN=1 and review it"
    return path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the seed letters


def seed_letters(law, dirs) -> dict[str, Letter]:
    seed20, seed24 = demo_data.load("seed2020"), demo_data.load("seed2024")
    extended = dataclasses.replace(
        seed24.case,
        extended_on=date(2024, 6, 10),
        decision_due=seed24.case.extended_due,
        decision=None,
        sections=(),
    )
    return {
        "seed2020-decision": make(
            "decision", seed20.case, seed20.letter_date, law, dirs, seed20.profile
        ),
        "seed2020-decision-published": make(
            "decision", seed20.case, seed20.letter_date, law, dirs, seed20.profile, published=True
        ),
        "seed2024-decision": make(
            "decision", seed24.case, seed24.letter_date, law, dirs, seed24.profile
        ),
        "seed2024-acknowledgement": make(
            "acknowledgement", seed24.case, date(2024, 5, 17), law, dirs, seed24.profile
        ),
        "seed2024-extension": make(
            "extension", extended, date(2024, 6, 10), law, dirs, seed24.profile
        ),
    }


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, law, dirs) -> dict[str, tuple[Letter, Path, Path]]:
    out = tmp_path_factory.mktemp("letters")
    files = {}
    for name, letter in seed_letters(law, dirs).items():
        docx, pdf = out / f"{name}.docx", out / f"{name}.pdf"
        write_docx(letter, docx, dirs)
        write_pdf(letter, pdf, dirs)
        files[name] = (letter, docx, pdf)
    return files


NAMES = [
    "seed2020-decision",
    "seed2020-decision-published",
    "seed2024-decision",
    "seed2024-acknowledgement",
    "seed2024-extension",
]


@pytest.mark.parametrize("name", NAMES)
def test_plain_text_matches_reviewed_golden(rendered, name):
    letter = rendered[name][0]
    assert letter.plain_text() == golden(name, letter.plain_text())


@pytest.mark.parametrize("name", NAMES)
def test_docx_and_pdf_carry_the_golden_words_in_order(rendered, name):
    letter, docx, pdf = rendered[name]
    expected = words(golden(name, letter.plain_text()))
    from_docx = words(docx_text(docx))
    from_pdf = words(without_page_numbers(pdf_pages(pdf)))
    assert from_docx == expected
    assert from_pdf == expected


def test_seed_2020_reads_like_the_seed(rendered):
    text = rendered["seed2020-decision"][0].plain_text()
    for expected in (
        f"Montréal, le 6{NBSP}février{NBSP}2020",
        f"Objet{NBSP}: Votre demande d’accès à des documents — Décision\n\nN/Réf.{NBSP}: 18159",
        "\nMadame,\n",
        "reçue le 16 décembre 2019, visant à obtenir les renseignements suivants",
        "en vertu des articles 53 et 54 ci-joints de la Loi, l’accès à certains renseignements "
        "vous est refusé.",
        "Or, la Loi s’applique aux documents détenus par un organisme public dans l’exercice de "
        "ses fonctions (article 1).",
        "dans les trente (30) jours suivant la date de la présente lettre",
        "Nous vous prions d’agréer, Madame, nos salutations distinguées.",
        f"Originale signée par{NBSP}:\nMme{NBSP}Tabita Nicolaica\nResponsable de l’accès aux documents",
        "\np. j.\n",
        "MOTIFS DE REFUS INVOQUÉS",
    ):
        assert expected.replace(NBSP, " ") in text.replace(NBSP, " "), expected


def test_seed_2024_reads_like_the_seed(rendered):
    letter = rendered["seed2024-decision"][0]
    text = letter.plain_text()
    assert "reçue le 17 mai 2024, et précisée le 23 mai dernier, visant à obtenir" in text.replace(
        NBSP, " "
    )
    assert "nous vous transmettons ci-joint les renseignements demandés et détenus par le " in text
    assert "- https://www.quebec.ca/immigration/service-integration-personnes-immigrantes" in text
    assert "MOTIFS DE REFUS INVOQUÉS" not in text
    titles = [a.title for a in letter.annexes]
    assert titles[0] == ACT_TITLE.upper()
    assert [t.split(".")[0] for t in titles[1:]] == ["1", "2", "3", "4"]
    assert text.count("Source") == 4


# --------------------------------------------------------------------------- wording rules


def case(**changes) -> LetterCase:
    base = LetterCase(
        reference="2024-0042",
        kind="documents",
        subject="les contrats de services informatiques de 2023",
        received_on=date(2024, 5, 17),
        clarified_on=None,
        requester_name="Jeanne Tremblay-Exemple",
        requester_address="1234, rue Fictive\nMontréal (Québec)  H2X 0A0",
        requester_email="jeanne@example.org",
        response_due=date(2024, 6, 6),
        extended_due=date(2024, 6, 17),
        decision_due=date(2024, 6, 6),
    )
    return dataclasses.replace(base, **changes)


def decided(outcome: str, articles=(), **changes) -> DecisionData:
    return DecisionData(date(2024, 6, 5), outcome, tuple(articles), **changes)


def flat(letter: Letter) -> str:
    return letter.plain_text().replace(NBSP, " ")


@pytest.mark.parametrize(
    ("received", "clarified", "on", "expected"),
    [
        # Clarified earlier in the letter's year: "le 23 mai dernier" (seed 000).
        (date(2024, 5, 17), date(2024, 5, 23), date(2024, 6, 12), "et précisée le 23 mai dernier"),
        # Clarified in the previous year: the date in full.
        (
            date(2023, 12, 18),
            date(2023, 12, 22),
            date(2024, 1, 10),
            "et précisée le 22 décembre 2023",
        ),
    ],
)
def test_clarification_date_reads_dernier_only_in_the_letters_year(
    law, dirs, received, clarified, on, expected
):
    letter = make(
        "acknowledgement", case(received_on=received, clarified_on=clarified), on, law, dirs
    )
    assert expected in flat(letter)
    # The receipt date is always in full.
    assert f"reçue le {received.day} " in flat(letter)


def test_first_of_the_month_is_1er(law, dirs):
    letter = make(
        "acknowledgement", case(received_on=date(2019, 7, 1)), date(2019, 7, 2), law, dirs
    )
    assert "reçue le 1er juillet 2019" in flat(letter)
    letter = make("acknowledgement", case(), date(2024, 7, 1), law, dirs)
    assert letter.place_date.replace(NBSP, " ") == "Montréal, le 1er juillet 2024"


@pytest.mark.parametrize(
    ("articles", "expected"),
    [
        (("53",), "en vertu de l’article 53 ci-joint de la Loi"),
        (("53", "54"), "en vertu des articles 53 et 54 ci-joints de la Loi"),
        (("53", "54", "14"), "en vertu des articles 53, 54 et 14 ci-joints de la Loi"),
    ],
)
def test_refusal_names_the_articles_ci_joints(law, dirs, articles, expected, monkeypatch):
    # Article 14 may have no text in the library: only the wording is under test here.
    monkeypatch.setattr("atip.letters.content.law_annex", lambda *args, **kwargs: None)
    letter = make(
        "decision", case(decision=decided("refused", articles)), date(2024, 6, 5), law, dirs
    )
    assert expected in flat(letter)


@pytest.mark.parametrize(
    ("outcome", "articles", "links", "heading"),
    [
        ("granted", (), ("https://www.quebec.ca/x",), False),
        ("partial", ("53", "54"), (), True),
        ("refused", ("54",), (), True),
        ("not-held", ("1",), (), False),
        ("mixed", ("53",), ("www.example.qc.ca/p",), True),
    ],
)
def test_refusal_heading_only_for_refusals(law, dirs, outcome, articles, links, heading):
    letter = make(
        "decision", case(decision=decided(outcome, articles, links=links)), date(2024, 6, 5), law,
        dirs,
    )  # fmt: skip
    law_annex = letter.annexes[0]
    assert law_annex.kind == "law" and law_annex.title == ACT_TITLE.upper()
    assert ("MOTIFS DE REFUS INVOQUÉS" in flat(letter)) is heading
    if links:
        # Art. 13 is attached with the links (the paragraph says "en annexe"), never as a ground.
        kinds = [(b.kind, b.text[:3]) for b in law_annex.blocks]
        assert ("law", "13.") in kinds
        if heading:
            assert kinds.index(("law", "13.")) < kinds.index(("law-heading", "MOT"))


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("granted", "nous vous transmettons ci-joint les renseignements demandés et détenus"),
        ("not-held", "Or, la Loi s’applique aux documents détenus par un organisme public"),
        ("referred", "relève davantage de la compétence de l’organisme suivant"),
    ],
)
def test_decision_paragraph_by_outcome(law, dirs, outcome, expected):
    decision = decided(outcome, referral_body="Ministère de la Santé et des Services sociaux")
    letter = make("decision", case(decision=decision), date(2024, 6, 5), law, dirs)
    assert expected in flat(letter)
    assert "de réviser cette décision, et ce, dans les trente (30) jours" in flat(letter)


def test_a_refusal_without_grounds_is_refused(law, dirs):
    with pytest.raises(RefusedError, match="must cite the articles that ground the refusal"):
        make("decision", case(decision=decided("partial")), date(2024, 6, 5), law, dirs)


def test_law_annex_is_the_verbatim_text_in_force_with_its_history(law, dirs):
    on = date(2020, 2, 6)
    letter = make("decision", case(decision=decided("refused", ("53", "54"))), on, law, dirs)
    blocks = letter.annexes[0].blocks
    for number in ("53", "54"):
        version = law.text_on(number, on)
        texts = [b.text for b in blocks]
        for paragraph in version.paragraphs:
            assert paragraph.strip() in texts
        assert version.history.strip() in [b.text for b in blocks if b.kind == "history"]


def test_acknowledgement_says_what_article_46_requires(law, dirs):
    letter = make("acknowledgement", case(), date(2024, 5, 21), law, dirs)
    text = flat(letter)
    assert letter.subject_line.replace(NBSP, " ") == (
        "Objet : Votre demande d’accès à des documents — Accusé de réception"
    )
    assert "reçue le 17 mai 2024" in text  # the date of receipt
    assert "au plus tard le 6 juin 2024" in text  # the 20-day limit
    assert "dix (10) jours, soit jusqu’au 17 juin 2024" in text  # the possible extension
    assert "nous serons réputés avoir refusé l’accès" in text  # the effect of missing them
    assert "Commission d’accès à l’information du Québec de réviser" in text  # the recourse
    assert letter.annexes == () and letter.enclosure == ""


def test_personal_information_letters_cite_article_98(law, dirs):
    personal = case(kind="personal", extended_on=date(2024, 6, 3))
    ack = make("acknowledgement", personal, date(2024, 5, 21), law, dirs)
    subject = "Votre demande d’accès à vos renseignements personnels — Accusé de réception"
    assert subject in flat(ack)
    assert "article 98" in flat(ack) and "par courrier" in flat(ack)
    ext = make("extension", personal, date(2024, 6, 3), law, dirs)
    assert "— Prolongation du délai" in ext.subject_line
    assert "article 98" in flat(ext)


def test_third_party_notice_is_reported_with_its_deadlines(law, dirs):
    notified = case(third_party_notified_on=date(2024, 5, 31), decision_due=date(2024, 7, 5))
    ack = make("acknowledgement", notified, date(2024, 5, 31), law, dirs)
    assert "article 49" in flat(ack)
    assert "nous avons avisé ce tiers le 31 mai 2024" in flat(ack)
    assert "soit au plus tard le 5 juillet 2024" in flat(ack)
    granted = dataclasses.replace(notified, decision=decided("granted"))
    decision = make("decision", granted, date(2024, 7, 4), law, dirs)
    assert "deviendra exécutoire à l’expiration des quinze (15) jours" in flat(decision)


def test_extension_gives_the_new_deadline_and_needs_one(law, dirs):
    letter = make("extension", case(extended_on=date(2024, 6, 3)), date(2024, 6, 3), law, dirs)
    assert "au plus tard le 17 juin 2024" in flat(letter)
    assert "dix (10) jours" in flat(letter)
    with pytest.raises(RefusedError, match="was not extended"):
        make("extension", case(), date(2024, 6, 3), law, dirs)


def test_clerk_text_places_annexes_and_the_decision(law, dirs):
    table = Section(
        title="Contrats",
        kind="table",
        header=("Fournisseur", "Montant"),
        rows=(("Alpha inc.", "4 200 $"),),
        groups=(),
        paragraphs=(),
        source="Registre des contrats",
        suppressed=(),
    )
    decision = decided(
        "granted", paragraphs=("Voici le tableau :", "[[annexe 1]]", "[[décision]]", "Enfin.")
    )
    letter = make(
        "decision", case(decision=decision, sections=(table,)), date(2024, 6, 5), law, dirs
    )
    kinds = [b.kind for b in letter.body]
    texts = [b.text for b in letter.body]
    assert kinds[1:5] == ["paragraph", "table", "source", "paragraph"]
    assert texts[1].startswith("Voici le tableau")
    assert texts[4].startswith("À cet effet")  # the outcome paragraph, where [[décision]] was
    assert texts[5] == "Enfin."
    assert letter.annexes == ()  # placed in the body, so not repeated as an annex
    # The rule `request decide` applies when the decision is recorded (exit 1).
    with pytest.raises(RefusedError, match=r"\[\[annexe 2\]\]"):
        make(
            "decision",
            case(decision=decided("granted", paragraphs=("[[annexe 2]]",)), sections=(table,)),
            date(2024, 6, 5),
            law,
            dirs,
        )


def test_workspace_wording_overrides_the_packaged_one(tmp_path, law, dirs):
    (tmp_path / "wording").mkdir()
    (tmp_path / "wording" / "acknowledgement.txt.j2").write_text(
        '{% set subject = "Accusé" %}{% set salutation = "Madame," %}'
        '{% set closing = "Salutations." %}Texte de l\'office pour {{ reference }}.\n',
        encoding="utf-8",
    )
    letter = make("acknowledgement", case(), date(2024, 5, 21), law, [tmp_path, *dirs])
    assert [b.text for b in letter.body] == ["Texte de l’office pour 2024-0042."]
    assert letter.salutation == "Madame,"


# --------------------------------------------------------------------------- the files


def test_small_counts_are_blank_in_both_formats(rendered):
    letter, docx, pdf = rendered["seed2020-decision"]
    table = next(b for b in letter.body if b.kind == "table" and b.header[0] == "Villes")
    counts = dict(table.rows)
    assert counts["Laval"] == "61" and counts["Sherbrooke"] == "12"
    assert counts["Longueuil"] == "" and counts["Montréal"] == ""
    lines = docx_text(docx).split("\n")
    assert "Longueuil\t" in lines and "Laval\t61" in lines
    raw = without_page_numbers(pdf_pages(pdf))
    assert re.search(r"(?m)^Longueuil$", raw) and re.search(r"(?m)^Laval 61$", raw)


def test_page_numbers_on_every_page_but_the_first(rendered):
    pages = pdf_pages(rendered["seed2020-decision"][2])
    assert len(pages) >= 3
    last_lines = [page.rstrip().split("\n")[-1].strip() for page in pages]
    assert last_lines[0] != "1"
    assert last_lines[1:] == [str(n) for n in range(2, len(pages) + 1)]
    document = Document(str(rendered["seed2020-decision"][1]))
    section = document.sections[0]
    assert section.different_first_page_header_footer
    assert "PAGE" in section.footer._element.xml
    assert "PAGE" not in section.first_page_footer._element.xml


def test_annexes_start_on_a_new_page(rendered):
    pages = pdf_pages(rendered["seed2020-decision"][2])
    starts = [page.strip().split("\n")[0] for page in pages]
    assert any(start.startswith("LOI SUR L") for start in starts)
    assert "Organismes par régions" in starts


def test_pdf_embeds_liberation_serif_only(rendered):
    fonts = subprocess.run(
        ["pdffonts", str(rendered["seed2024-decision"][2])],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[2:]
    assert fonts, "no font in the PDF"
    for line in fonts:
        name, embedded = line.split()[0], line.split()[-5]
        assert "+LiberationSerif" in name and embedded == "yes", line


def test_metadata_names_the_reference_not_the_requester(rendered):
    from pypdf import PdfReader

    for name, person in (
        ("seed2020-decision", "Jeanne Tremblay-Exemple"),
        ("seed2024-decision", "Marc Gagnon-Fictif"),
    ):
        letter, docx, pdf = rendered[name]
        assert person in letter.plain_text()
        info = PdfReader(str(pdf)).metadata
        assert info.title == f"Décision, N/Réf. {letter.reference}"
        assert info.author == "Ministère de l'Immigration, de la Francisation et de l'Intégration"
        props = Document(str(docx)).core_properties
        assert props.title == f"Décision, N/Réf. {letter.reference}"
        assert props.author == info.author
        with zipfile.ZipFile(docx) as archive:
            core = archive.read("docProps/core.xml").decode("utf-8")
            app = archive.read("docProps/app.xml").decode("utf-8")
        for secret in (person, person.split()[-1], "example.org", "rue Fictive"):
            assert secret not in core and secret not in app
            assert secret not in str(dict(info))


def test_published_letter_leaves_the_requester_out(rendered):
    letter, docx, pdf = rendered["seed2020-decision-published"]
    full = rendered["seed2020-decision"][0]
    assert letter.addressee == ()
    for secret in ("Jeanne Tremblay-Exemple", "1234, rue Fictive", "H2X 0A0"):
        assert secret in full.plain_text()
        assert secret not in letter.plain_text()
        assert secret not in docx_text(docx)
        assert secret not in without_page_numbers(pdf_pages(pdf))


def test_french_spaces_are_non_breaking_in_both_formats(rendered, dirs):
    letter, docx, _ = rendered["seed2024-decision"]
    assert f"N/Réf.{NBSP}: 21873" in docx_text(docx)
    assert f"Objet{NBSP}: " in docx_text(docx)
    assert f"N/Réf.{NBSP}: 21873" in html_text(letter, dirs)


def test_markup_in_every_user_field_comes_out_literally(tmp_path, law, dirs):
    from atip.letters.blocks import prose

    def mark(label: str) -> str:
        return f"{label} " + " ".join(MARKUP)

    section = Section(
        title=mark("Titre"),
        kind="table",
        header=(mark("En-tête"), "B"),
        rows=((mark("Cellule"), "{{ 7*7 }}"),),
        groups=(),
        paragraphs=(mark("Paragraphe"),),
        source=mark("Registre"),
        suppressed=(),
    )
    listing = dataclasses.replace(
        section,
        title=mark("Liste"),
        kind="list",
        header=(),
        rows=(),
        groups=((mark("Région"), (mark("Org"),)),),
        paragraphs=(),
    )
    marked = case(
        reference="R-1&<b>{{x}}",
        subject=mark("les documents"),
        requester_name=mark("Nom"),
        requester_address=mark("Adresse") + "\n" + mark("Ville"),
        requester_email="courriel&<b>{{x}}@example.org",
        decision=decided(
            "referred",
            paragraphs=(mark("Texte du responsable"),),
            links=("https://example.org/?a=1&b=<2>",),
            referral_body=mark("Organisme compétent"),
        ),
        sections=(section, listing),
    )
    profile = dataclasses.replace(
        demo_data.profile(), organisation=mark("Organisme"), signatory_name=mark("Signataire")
    )
    letter = build_letter("decision", marked, profile, date(2024, 6, 5), law, template_dirs=dirs)
    docx, pdf = tmp_path / "m.docx", tmp_path / "m.pdf"
    write_docx(letter, docx, dirs)
    write_pdf(letter, pdf, dirs)
    from_docx = docx_text(docx)
    from_pdf = words(without_page_numbers(pdf_pages(pdf)))
    as_typed = [
        "R-1&<b>{{x}}",
        mark("Nom"),
        mark("Adresse"),
        mark("Ville"),
        "courriel&<b>{{x}}@example.org",
        mark("Signataire"),
        mark("Cellule"),
        "{{ 7*7 }}",
        mark("En-tête"),
        mark("Org"),
        "https://example.org/?a=1&b=<2>",
    ]
    as_prose = [
        prose(mark(label))
        for label in (
            "les documents",
            "Texte du responsable",
            "Organisme compétent",
            "Organisme",
            "Titre",
            "Paragraphe",
            "Registre",
            "Région",
        )
    ]
    for expected in (*as_typed, *as_prose):
        assert expected in from_docx, expected
        assert words(expected) in from_pdf, expected
    assert "Cellule" in from_docx and "\t49" not in from_docx  # no template ran on a cell
    with zipfile.ZipFile(docx) as archive:
        assert archive.testzip() is None
    Document(str(docx))  # still opens
    assert words(from_docx) == from_pdf


def test_docx_converts_with_libreoffice(rendered, tmp_path):
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    letter, docx, _ = rendered["seed2024-decision"]
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    converted = tmp_path / f"{docx.stem}.pdf"
    text = without_page_numbers(pdf_pages(converted))
    assert words(letter.plain_text())[:400] in words(text)
    assert words("MOTIFS DE REFUS") not in words(text)


def test_atomic_write_leaves_no_partial_file(tmp_path, monkeypatch):
    target = tmp_path / "lettre.pdf"
    target.write_bytes(b"old")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        atomic_write_bytes(target, b"new")
    monkeypatch.undo()
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lettre.pdf"]
    digest = atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"new"
    assert digest == hashlib.sha256(b"new").hexdigest()
