"""The letter kinds beyond acknowledgement, extension and decision (issue 13): precision (a. 42),
referral (a. 48), third-party notice and decision (a. 49), fees (a. 11) and withdrawal.

Each has a reviewed golden text (tests/golden/kind-*.txt, rewritten with ATIP_UPDATE_GOLDEN=1),
and its DOCX and PDF carry the same words.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from atip.demo import data as demo_data
from atip.errors import InputError, RefusedError
from atip.letters.content import build_letter
from atip.letters.docx import write_docx
from atip.letters.model import DecisionData, FeesData, Letter, LetterCase, ThirdPartyData
from atip.letters.pdf import write_pdf
from tests.letters.test_letters import (
    NBSP,
    docx_text,
    golden,
    pdf_pages,
    without_page_numbers,
    words,
)
from tests.letters.test_letters import dirs as dirs
from tests.letters.test_letters import law as law

REQUESTER = ("Jeanne Tremblay-Exemple", "jeanne@example.org", "1234, rue Fictive")
TIERS = ThirdPartyData(
    position=1,
    name="Informatique Exemple inc.",
    address="500, rue Principale\nQuébec (Québec)  G1R 0A0",
    email="juridique@informatique-exemple.example",
    notified_on=date(2024, 5, 27),
    observations_on=date(2024, 6, 10),
    observations_due=date(2024, 6, 17),
)
REFERRAL = (
    "le ministère de la Cybersécurité et du Numérique, Me Paul Exemple, responsable de l'accès "
    "aux documents, 875, Grande Allée Est, Québec (Québec)  G1R 5R8, acces@mcn.example"
)


def full_case(**changes) -> LetterCase:
    """A request with every event the new letters notify."""
    base = LetterCase(
        reference="2024-0042",
        kind="documents",
        subject="les contrats de services informatiques conclus en 2023",
        received_on=date(2024, 5, 17),
        clarified_on=None,
        requester_name=REQUESTER[0],
        requester_address=f"{REQUESTER[2]}\nMontréal (Québec)  H2X 0A0",
        requester_email=REQUESTER[1],
        requester_courtesy="Madame",
        response_due=date(2024, 6, 6),
        extended_due=date(2024, 6, 17),
        decision_due=date(2024, 7, 2),
        third_party_notified_on=TIERS.notified_on,
        third_parties=(TIERS,),
        observations_due=TIERS.observations_due,
        decision=DecisionData(date(2024, 6, 20), "granted"),
        executory_on=date(2024, 7, 5),
        fees=FeesData(Decimal("42.50"), date(2024, 6, 1)),
        withdrawn_on=date(2024, 6, 3),
    )
    return dataclasses.replace(base, **changes)


# (golden name, kind, recipient, case changes, letter date)
KINDS = [
    ("kind-precision", "precision", None, {}, date(2024, 5, 21)),
    (
        "kind-referral",
        "referral",
        None,
        {"decision": DecisionData(date(2024, 5, 24), "referred", referral_body=REFERRAL)},
        date(2024, 5, 24),
    ),
    ("kind-third-party-notice-requester", "third-party-notice", None, {}, date(2024, 5, 27)),
    ("kind-third-party-notice-1", "third-party-notice", 1, {}, date(2024, 5, 27)),
    ("kind-third-party-decision-1", "third-party-decision", 1, {}, date(2024, 6, 20)),
    ("kind-fees", "fees", None, {}, date(2024, 6, 1)),
    ("kind-withdrawal", "withdrawal", None, {}, date(2024, 6, 3)),
]
NAMES = [k[0] for k in KINDS]


def make(kind, case, on, law, dirs, recipient=None) -> Letter:
    profile = demo_data.load("seed2024").profile
    return build_letter(kind, case, profile, on, law, template_dirs=dirs, recipient=recipient)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, law, dirs) -> dict[str, tuple[Letter, Path, Path]]:
    out = tmp_path_factory.mktemp("kinds")
    files = {}
    for name, kind, recipient, changes, on in KINDS:
        letter = make(kind, full_case(**changes), on, law, dirs, recipient)
        docx, pdf = out / f"{name}.docx", out / f"{name}.pdf"
        write_docx(letter, docx, dirs)
        write_pdf(letter, pdf, dirs)
        files[name] = (letter, docx, pdf)
    return files


@pytest.mark.parametrize("name", NAMES)
def test_plain_text_matches_reviewed_golden(rendered, name):
    letter = rendered[name][0]
    assert letter.plain_text() == golden(name, letter.plain_text())


@pytest.mark.parametrize("name", NAMES)
def test_docx_and_pdf_carry_the_golden_words_in_order(rendered, name):
    letter, docx, pdf = rendered[name]
    expected = words(golden(name, letter.plain_text()))
    assert words(docx_text(docx)) == expected
    assert words(without_page_numbers(pdf_pages(pdf))) == expected


@pytest.mark.parametrize("name", NAMES)
def test_each_has_letterhead_addressee_reference_and_signature(rendered, name):
    letter = rendered[name][0]
    assert letter.letterhead and letter.addressee and letter.signatory_name
    assert letter.reference_line.endswith("2024-0042")
    assert letter.metadata["title"].endswith("N/Réf. 2024-0042")


@pytest.mark.parametrize(
    ("name", "article"),
    [
        ("kind-precision", "article 42"),
        ("kind-referral", "article 48"),
        ("kind-third-party-notice-requester", "article 49"),
        ("kind-third-party-notice-1", "articles 25 et 49"),
        ("kind-third-party-decision-1", "article 49"),
        ("kind-fees", "article 11"),
    ],
)
def test_each_cites_its_article(rendered, name, article):
    assert article in rendered[name][0].plain_text()


@pytest.mark.parametrize("name", ["kind-third-party-notice-1", "kind-third-party-decision-1"])
def test_a_letter_to_a_third_party_is_addressed_to_it_and_never_names_the_requester(rendered, name):
    letter, docx, pdf = rendered[name]
    assert letter.addressee[1:] == (
        "Informatique Exemple inc.",
        "500, rue Principale",
        "Québec (Québec)  G1R 0A0",
    )
    for text in (letter.plain_text(), docx_text(docx), "\n".join(pdf_pages(pdf))):
        for identity in (*REQUESTER, "Madame,\n", "Tremblay"):
            assert identity not in text, identity
    assert "Madame, Monsieur," in letter.plain_text()
    # The text of a. 49 is attached, verbatim, with its history line.
    assert letter.annexes[0].blocks[0].text.startswith("49. Lorsque le responsable doit donner")
    assert letter.enclosure == "p. j."


def test_the_third_party_is_given_its_20_days_and_the_requester_the_time_limits(rendered):
    tiers = rendered["kind-third-party-notice-1"][0].plain_text().replace(NBSP, " ")
    assert "dans les vingt (20) jours" in tiers and "au plus tard le 17 juin 2024" in tiers
    assert "réputé avoir consenti" in tiers
    requester = rendered["kind-third-party-notice-requester"][0].plain_text().replace(NBSP, " ")
    assert "Informatique" not in requester  # the third party's identity is its own
    assert "soit au plus tard le 17 juin 2024" in requester
    assert "soit au plus tard le 2 juillet 2024" in requester
    assert "quinze (15) jours" in requester


def test_the_third_party_decision_gives_the_day_it_becomes_executory(rendered, law, dirs):
    text = rendered["kind-third-party-decision-1"][0].plain_text().replace(NBSP, " ")
    assert "exécutoire" in text and "soit le 5 juillet 2024" in text
    refused = make(
        "third-party-decision",
        full_case(decision=DecisionData(date(2024, 6, 20), "refused", ("53",))),
        date(2024, 6, 20),
        law,
        dirs,
        1,
    ).plain_text()
    refused = refused.split("\np. j.\n")[0]  # the letter, not the a. 49 attached
    assert "de ne pas donner accès" in refused and "exécutoire" not in refused


def test_fees_give_the_estimate_in_french(rendered):
    assert f"est de 42,50{NBSP}$." in rendered["kind-fees"][0].plain_text()


def test_withdrawal_is_dated_and_cites_no_article(rendered):
    text = rendered["kind-withdrawal"][0].plain_text().replace(NBSP, " ")
    assert "désistement, le 3 juin 2024" in text and "article" not in text


@pytest.mark.parametrize(
    ("kind", "changes", "command"),
    [
        ("referral", {}, "atip request decide --outcome referred"),
        ("third-party-notice", {"third_parties": ()}, "atip request third-party"),
        ("third-party-decision", {"decision": None}, "atip request decide"),
        ("fees", {"fees": None}, "atip request fees"),
        ("fees", {"fees": FeesData(None, None, waived=True)}, "atip request fees"),
        ("withdrawal", {"withdrawn_on": None}, "atip request withdraw"),
    ],
)
def test_a_kind_the_file_does_not_support_is_refused(law, dirs, kind, changes, command):
    with pytest.raises(RefusedError) as raised:
        make(
            kind, full_case(**changes), date(2024, 6, 20), law, dirs, 1 if "third" in kind else None
        )
    assert f"`{command}" in raised.value.message


def test_a_third_party_decision_is_never_addressed_to_the_requester(law, dirs):
    with pytest.raises(InputError):
        make("third-party-decision", full_case(), date(2024, 6, 20), law, dirs)


def test_a_void_entry_has_no_letters(law, dirs):
    with pytest.raises(RefusedError):
        make("precision", full_case(voided_on=date(2024, 6, 1)), date(2024, 6, 1), law, dirs)
