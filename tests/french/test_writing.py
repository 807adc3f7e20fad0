"""French dates, numbers and typography (SPEC §5), checked against the seed letters' forms."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atip.french import (
    date_in_letter,
    fiscal_year_label,
    long_date,
    money,
    number,
    place_and_date,
    typography,
)

NB = "\u00a0"


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2020, 2, 6), "6 février 2020"),
        (date(2019, 7, 1), "1er juillet 2019"),
        (date(2024, 5, 17), "17 mai 2024"),
        (date(2019, 12, 16), "16 décembre 2019"),
        (date(2019, 8, 12), "12 août 2019"),
        (date(2024, 1, 1), "1er janvier 2024"),
        (date(2024, 2, 29), "29 février 2024"),
        (date(2024, 3, 31), "31 mars 2024"),
        (date(2024, 4, 2), "2 avril 2024"),
        (date(2024, 6, 24), "24 juin 2024"),
        (date(2024, 9, 10), "10 septembre 2024"),
        (date(2024, 10, 11), "11 octobre 2024"),
        (date(2024, 11, 21), "21 novembre 2024"),
    ],
)
def test_long_date(day: date, expected: str) -> None:
    assert long_date(day) == expected


def test_place_and_date_as_the_2020_letter_prints_it() -> None:
    assert place_and_date("Montréal", date(2020, 2, 6)) == "Montréal, le 6 février 2020"
    assert place_and_date("Québec", date(2019, 7, 1)) == "Québec, le 1er juillet 2019"
    assert place_and_date("  ", date(2020, 2, 6)) == "Le 6 février 2020"


@pytest.mark.parametrize(
    ("mentioned", "letter", "expected"),
    [
        # seed 000: "reçue le 17 mai 2024, et précisée le 23 mai dernier"
        (date(2024, 5, 23), date(2024, 6, 5), "23 mai dernier"),
        (date(2024, 5, 17), date(2024, 6, 5), "17 mai dernier"),
        (date(2024, 1, 1), date(2024, 6, 5), "1er janvier dernier"),
        (date(2024, 6, 4), date(2024, 6, 5), "4 juin dernier"),
        (date(2024, 6, 5), date(2024, 6, 5), "5 juin 2024"),  # the same day: not "dernier"
        (date(2023, 12, 31), date(2024, 1, 2), "31 décembre 2023"),  # the previous year
        (date(2023, 5, 23), date(2024, 6, 5), "23 mai 2023"),
        (date(2024, 7, 1), date(2024, 6, 5), "1er juillet 2024"),  # later than the letter
    ],
)
def test_date_in_letter(mentioned: date, letter: date, expected: str) -> None:
    assert date_in_letter(mentioned, letter) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a space before a double sign becomes a non-breaking one
        ("Objet : Décision", f"Objet{NB}: Décision"),
        ("N/Réf. : 18159", f"N/Réf.{NB}: 18159"),
        ("cas suivants ; ou", f"cas suivants{NB}; ou"),
        ("Vraiment ? Oui !", f"Vraiment{NB}? Oui{NB}!"),
        ("4 200 $", f"4 200{NB}$"),
        ("Objet  :  x", f"Objet{NB}:  x"),  # several spaces before: one NBSP
        ("Objet\u202f: x", f"Objet{NB}: x"),  # a narrow space becomes the ordinary NBSP
        # labels and sentence ends get the missing space
        ("Source: SharePoint DGOR", f"Source{NB}: SharePoint DGOR"),
        ("Source:", f"Source{NB}:"),
        ("2018-2019: 0 agent", f"2018-2019{NB}: 0 agent"),
        ("Pourquoi?", f"Pourquoi{NB}?"),
        ("Vraiment?!", f"Vraiment{NB}?!"),
        ("(voir la note): ceci", f"(voir la note){NB}: ceci"),
        ("4200$", f"4200{NB}$"),
        # guillemets
        ("« Bonjour »", f"«{NB}Bonjour{NB}»"),
        ("«Bonjour»", f"«{NB}Bonjour{NB}»"),
        ("«  Bonjour  »", f"«{NB}Bonjour{NB}»"),
        # apostrophes between letters
        ("l'accès à l'information", "l’accès à l’information"),
        ("aujourd'hui", "aujourd’hui"),
        ("L'Assomption", "L’Assomption"),
        ("'citation' et 1'2", "'citation' et 1'2"),  # not between two letters
        # left alone: times, ratios, words with a sign inside, addresses
        ("à 10:30 demain", "à 10:30 demain"),
        ("1:2", "1:2"),
        ("a:b", "a:b"),
        ("C:\\dossier", "C:\\dossier"),
        ("20 M$", "20 M$"),
        ("https://www.cai.gouv.qc.ca/citoyens/a:b?x=1&y=2", "https://www.cai.gouv.qc.ca/citoyens/a:b?x=1&y=2"),
        ("www.example.qc.ca/a:b", "www.example.qc.ca/a:b"),
        ("http://x.ca/l'accès", "http://x.ca/l'accès"),
        ("jeanne.o'neil@example.org", "jeanne.o'neil@example.org"),
        # sentence punctuation after an address is prose
        ("voir www.cai.gouv.qc.ca ; merci", f"voir www.cai.gouv.qc.ca{NB}; merci"),
        ("à l'adresse www.x.qc.ca: suite", f"à l’adresse www.x.qc.ca{NB}: suite"),
        ("(https://www.quebec.ca/a)", "(https://www.quebec.ca/a)"),
        ("", ""),
    ],
)  # fmt: skip
def test_typography(text: str, expected: str) -> None:
    assert typography(text) == expected


def test_typography_on_a_seed_paragraph() -> None:
    # seed 000, written with ordinary spaces and straight apostrophes as a clerk would type it
    text = (
        "disponibles aux adresses suivantes : "
        "https://www.quebec.ca/immigration/service-integration-personnes-immigrantes "
        "Vous trouverez de plus amples informations à l'adresse suivante : "
        "www.cai.gouv.qc.ca/citoyens/recours-devant-la-commission/"
    )
    assert typography(text) == (
        f"disponibles aux adresses suivantes{NB}: "
        "https://www.quebec.ca/immigration/service-integration-personnes-immigrantes "
        f"Vous trouverez de plus amples informations à l’adresse suivante{NB}: "
        "www.cai.gouv.qc.ca/citoyens/recours-devant-la-commission/"
    )


# Prose made of the characters the rules look at, and addresses.
PROSE = st.lists(
    st.sampled_from([*"ab1 :;?!$«»'’.()/\u00a0\u202fé", "www.x.ca", "https://a", "x@y.ca"]),
    max_size=30,
).map("".join)


@given(PROSE)
def test_typography_is_idempotent(text: str) -> None:
    once = typography(text)
    assert typography(once) == once


@given(st.sampled_from(["https://www.cai.gouv.qc.ca/a:b?c=d;e!", "www.x.qc.ca/l'a:b"]), PROSE)
def test_typography_keeps_addresses_whole(url: str, text: str) -> None:
    core = url.rstrip(";!")
    assert core in typography(f"{text} {url} {text}")


@pytest.mark.parametrize(
    ("amount", "millions", "expected"),
    [
        (4200, False, f"4{NB}200{NB}$"),  # seed 002's funding table
        (5000, False, f"5{NB}000{NB}$"),
        (0, False, f"0{NB}$"),
        (999, False, f"999{NB}$"),
        (1234567, False, f"1{NB}234{NB}567{NB}$"),
        (4200.5, False, f"4{NB}200,50{NB}$"),
        (4200.0, False, f"4{NB}200{NB}$"),
        (20_000_000, True, f"20{NB}M$"),  # seed 000: "20 M$"
        (12_000_000, True, f"12{NB}M$"),
        (12_500_000, True, f"12,5{NB}M$"),
        (8_000_000, True, f"8{NB}M$"),
        (1_250_000_000, True, f"1{NB}250{NB}M$"),
    ],
)
def test_money(amount: float, millions: bool, expected: str) -> None:
    assert money(amount, millions=millions) == expected


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (10114, f"10{NB}114"),  # seed 000's results table
        (14459, f"14{NB}459"),
        (58, "58"),
        (1000, f"1{NB}000"),
        (1234567, f"1{NB}234{NB}567"),
        (12.5, "12,5"),
        (0, "0"),
    ],
)
def test_number(n: float, expected: str) -> None:
    assert number(n) == expected


@pytest.mark.parametrize(
    ("start", "expected"), [(2023, "2023-2024"), (2019, "2019-2020"), (1999, "1999-2000")]
)
def test_fiscal_year_label(start: int, expected: str) -> None:
    assert fiscal_year_label(start) == expected
