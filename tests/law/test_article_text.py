"""Texts pasted from LégisQuébec: split into articles, paragraphs and history lines, refused with
the wrong line, and turned into article files; the shipped texts against their stored pages."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from atip.errors import InputError
from atip.law.article_text import (
    PASTED,
    PastedArticle,
    history_numbers,
    parse_pasted,
    plan_additions,
    source_kind,
)
from atip.law.articles import STALE_AFTER_DAYS, LawLibrary, default_library, parse_article_file
from atip.resources import packaged_dir

SOURCES = Path(__file__).parents[1] / "data" / "law-sources"
# The LégisQuébec pages the newly shipped texts were copied from, one a file: the page's
# address on the first line, then the page's text as stored (header, then every version shown).
PAGES = {"21": "021", "30": "030", "33": "033", "36": "036"}


def page(number: str) -> list[str]:
    return (SOURCES / f"legisquebec-{PAGES[number]}.txt").read_text(encoding="utf-8").splitlines()


def first_version(number: str) -> list[str]:
    """The newest version on the page: from the line `N. ` to its history line."""
    lines = page(number)
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{number}. "))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("1982, c. 30, a. "))
    return lines[start : end + 1]


@pytest.fixture(scope="module")
def law() -> LawLibrary:
    return default_library(None)


# ----------------------------------------------------------------------------- shipped texts


@pytest.mark.parametrize("number", sorted(PAGES, key=int))
def test_each_new_shipped_text_is_its_stored_page(law: LawLibrary, number: str) -> None:
    lines = page(number)
    url = lines[0]
    (version,) = law.versions(number)
    assert version.source == url
    assert version.source_kind == "VERBATIM-OFFICIAL" and version.verified
    point_in_time = re.search(r"pointInTime=(\d{8})", url)
    assert point_in_time is not None
    assert version.current_to == date.fromisoformat(
        f"{point_in_time[1][:4]}-{point_in_time[1][4:6]}-{point_in_time[1][6:]}"
    )
    assert [*version.paragraphs, version.history] == first_version(number)
    # The page's text, pasted, reads back as the shipped version.
    (pasted,) = parse_pasted("\n".join(first_version(number)))
    assert pasted.paragraphs == version.paragraphs and pasted.history == version.history


def test_article_30_keeps_the_pages_hyphens_and_its_older_versions_are_stored(law) -> None:
    (version,) = law.versions("30")
    assert "(chapitre E\u201018)" in version.paragraphs[0]  # U+2010, as the page prints it
    body = "\n".join(page("30")[1:])
    assert body.count("\n30. ") == 3  # three versions on the page; the newest is shipped
    assert "1982, c. 30, a. 30; 2000, c. 8, a. 250.\n" in body


def test_every_shipped_history_line_names_its_own_article(law: LawLibrary) -> None:
    # Every shipped article is one of the Act as enacted (1982, c. 30): the history's first
    # entry names it. It *ends* with that number only if never amended (21, 45, 98, …): 53 ends
    # with "2006, c. 22, a. 29", the amending Act's section.
    for number in law.numbers():
        for version in law.versions(number):
            numbers = history_numbers(version.history)
            assert numbers is not None, (number, version.history)
            assert version.history.startswith(f"1982, c. 30, a. {number}"), number
            assert numbers[0] == number
            if len(numbers) == 1:
                assert version.history.endswith(f"a. {number}."), number


def test_every_shipped_file_reads_back_with_the_parser(law: LawLibrary) -> None:
    for path in sorted(packaged_dir("legal_articles").glob("*.toml")):
        number, versions = parse_article_file(path, path.read_text(encoding="utf-8"))
        for version in versions:
            text = "\n".join([*version.paragraphs, version.history])
            (pasted,) = parse_pasted(text)
            assert pasted.number == number
            assert pasted.paragraphs == version.paragraphs, number


# ----------------------------------------------------------------------------- the parser


def test_several_articles_with_blank_lines_between() -> None:
    text = "\n".join(first_version("21")) + "\n\n\n" + "\n\n".join(first_version("36")) + "\n"
    first, second = parse_pasted(text)
    assert (first.number, second.number) == ("21", "36")
    assert len(first.paragraphs) == 3 and first.paragraphs[1].startswith("1°  procurerait")
    assert first.history == "1982, c. 30, a. 21."
    assert len(second.paragraphs) == 2
    assert second.history == "1982, c. 30, a. 36; 1982, c. 62, a. 143."
    assert (first.line, second.line) == (1, 7)


def test_numbered_items_are_paragraphs() -> None:
    (article,) = parse_pasted("\n".join(first_version("33")))
    assert len(article.paragraphs) == 10
    assert [p[:2] for p in article.paragraphs[1:9]] == [f"{i}°" for i in range(1, 9)]
    assert article.paragraphs[9].startswith("Le premier alinéa s’applique")


def test_windows_line_ends_a_byte_order_mark_and_spaces_at_line_ends() -> None:
    text = "\ufeff  21. Texte d’essai:   \r\n1°  un;\t\r\n".replace("\t", " ")
    (article,) = parse_pasted(text + "1982, c. 30, a. 21.\r\n")
    assert article.paragraphs == ("21. Texte d’essai:", "1°  un;")


def test_a_line_cut_by_an_email_is_joined_back() -> None:
    # Article 21's page text, cut where a mail program would: each cut line starts with a
    # small letter, so it cannot be a paragraph of the page.
    wrapped = (
        "21. Un organisme public peut refuser de confirmer l’existence ou de donner\n"
        "communication d’un renseignement dont la divulgation aurait pour effet de révéler un\n"
        "emprunt, un projet d’emprunt, une transaction ou un projet de transaction relatifs à\n"
        "des biens, des services ou des travaux, un projet de tarification, un projet\n"
        "d’imposition d’une taxe ou d’une redevance ou de modification d’une taxe ou d’une\n"
        "redevance, lorsque, vraisemblablement, une telle divulgation:\n"
        "1°  procurerait un avantage indu à une personne ou lui causerait un préjudice\n"
        "sérieux; ou\n"
        "2°  porterait sérieusement atteinte aux intérêts économiques de l’organisme public ou\n"
        "de la collectivité à l’égard de laquelle il est compétent.\n"
        "1982, c. 30, a. 21.\n"
    )
    (article,) = parse_pasted(wrapped)
    assert [*article.paragraphs, article.history] == first_version("21")


def test_a_word_cut_at_a_hyphen_is_joined_without_a_space() -> None:
    (article,) = parse_pasted(
        "57. Texte d’essai visé par une ordonnance de non-\ndivulgation.\n1982, c. 30, a. 57.\n"
    )
    assert article.paragraphs == ("57. Texte d’essai visé par une ordonnance de non-divulgation.",)


def test_a_line_starting_with_a_capital_stays_a_paragraph() -> None:
    # The documented limit: a cut before a capital cannot be told from a new paragraph.
    (article,) = parse_pasted("57. Premier alinéa.\nDeuxième alinéa.\na) sous-alinéa;\n"
                              "1982, c. 30, a. 57.")  # fmt: skip
    assert article.paragraphs == ("57. Premier alinéa.", "Deuxième alinéa.", "a) sous-alinéa;")


def test_decimal_article_numbers() -> None:
    # Test texts, not the law's words: inserted articles name the inserting Act's section.
    text = (
        "16.1. Texte d’essai d’un article inséré.\n"
        "2006, c. 22, a. 10.\n"
        "28.1. Texte d’essai:\n"
        "1°  premier;\n"
        "2°  second.\n"
        "1982, c. 30, a. 28.1; 2006, c. 22, a. 15.\n"
    )
    first, second = parse_pasted(text)
    assert (first.number, second.number) == ("16.1", "28.1")
    assert first.paragraphs == ("16.1. Texte d’essai d’un article inséré.",)
    assert second.paragraphs[2] == "2°  second."
    assert second.line == 3


def test_several_history_entries_and_a_history_line_cut_after_a_semicolon() -> None:
    (article,) = parse_pasted(
        "53. Texte d’essai.\n"
        "1982, c. 30, a. 53; 1985, c. 30, a. 3; 1989, c. 54, a. 150;\n"
        "1990, c. 57, a. 11; 2006, c. 22, a. 29; D. 408-2008, a. 2.\n"
    )
    assert article.history == (
        "1982, c. 30, a. 53; 1985, c. 30, a. 3; 1989, c. 54, a. 150; 1990, c. 57, a. 11; "
        "2006, c. 22, a. 29; D. 408-2008, a. 2."
    )
    assert history_numbers(article.history) == ["53", "3", "150", "11", "29", "2"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("21. Texte.\n", "line 1: article 21 (line 1) ends without its history line, such as "
         "'1982, c. 30, a. 21.'"),
        ("21. Texte.\n1° un;\n\n", "line 2: article 21 (line 1) ends without its history line, "
         "such as '1982, c. 30, a. 21.'"),
        ("21. Texte.\n22. Autre.\n1982, c. 30, a. 22.\n", "line 2: article 21 (line 1) has no "
         "history line before this line; copy the line such as '1982, c. 30, a. 21.' under its "
         "text"),
        ("21. Texte.\n1982, c. 30, a. 22.\n", "line 2: the history line '1982, c. 30, a. 22.' is "
         "not that of article 21: it names no 'a. 21' (such as '1982, c. 30, a. 21')"),
        ("16.1. Texte.\n1982, c. 30, a. 16.\n", "line 2: the history line '1982, c. 30, a. 16.' "
         "is not that of article 16.1: it names no 'a. 16.1' (such as '1982, c. 30, a. 16.1')"),
        ("21. Texte:\n1° un;\n2°\n1982, c. 30, a. 21.\n", "line 3: the paragraph '2°' is empty"),
        ("21. Texte:\n1°  \n1982, c. 30, a. 21.\n", "line 2: the paragraph '1°' is empty"),
        ("21.\nUn organisme public.\n1982, c. 30, a. 21.\n", "line 1: '21.' alone on its line: "
         "an article's text follows its number on the same line"),
        ("21. Texte.\n1982, c. 30, s. 21.\n", "line 2: malformed history line "
         "'1982, c. 30, s. 21.': expected entries such as '1982, c. 30, a. 21' separated by "
         "'; ', ending with a period"),
        ("21. Texte.\n1982, c. 30, a. 21\n", "line 2: malformed history line "
         "'1982, c. 30, a. 21'"),
        ("21. Texte.\n1982, c. 30, a. 21;  2006, c. 22, a. 11.\n", "line 2: malformed history "
         "line"),
        ("21. Texte.\n1982, c. 30, a. 21;\n", "line 2: malformed history line "
         "'1982, c. 30, a. 21;'"),
        ("Texte complet\n21. Texte.\n1982, c. 30, a. 21.\n", "line 1: the text must start with "
         "an article's number and a period, such as '21. Un organisme public …'"),
        ("1982, c. 30, a. 21.\n", "line 1: a history line with no article text before it"),
        ("21. Texte.\n1982, c. 30, a. 21.\nSuite.\n", "line 3: text after the history line of "
         "article 21: an article starts with its number and a period, such as '22. '"),
        ("21. Un.\n1982, c. 30, a. 21.\n21. Deux.\n1982, c. 30, a. 21.\n", "line 3: article 21 "
         "is pasted twice (first at line 1)"),
        ("21. Texte\x01.\n1982, c. 30, a. 21.\n", "line 1: a tab or control character: a law "
         "text has none"),
        ("\n \n", "no article in the text: paste an article with its history line from "
         "LégisQuébec"),
    ],
)  # fmt: skip
def test_a_bad_text_is_refused_with_its_line(text: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_pasted(text)
    assert info.value.message.startswith(message)
    assert info.value.exit_code == 2
    assert "\n" not in info.value.message


def test_history_numbers() -> None:
    assert history_numbers("1982, c. 30, a. 21.") == ["21"]
    assert history_numbers("1982, c. 30, a. 28.1.") == ["28.1"]
    for bad in ("1982, c. 30, a. 21", "1982, c. 30, a. 21..", "1982, c. 30, s. 21.", "", "."):
        assert history_numbers(bad) is None, bad


# ----------------------------------------------------------------------------- files


def test_source_kind() -> None:
    assert source_kind("https://www.legisquebec.gouv.qc.ca/fr/document/lc/A-2.1") == (
        "VERBATIM-OFFICIAL",
        True,
    )
    assert source_kind("http://legisquebec.gouv.qc.ca/fr/showversion/cs/A-2.1?code=se:21")[1]
    for other in (PASTED, "https://legisquebec.gouv.qc.ca.example.org/", "legisquebec.gouv.qc.ca",
                  "ftp://legisquebec.gouv.qc.ca/x", "https://www.canlii.org/fr/qc/"):  # fmt: skip
        assert source_kind(other) == ("VERBATIM-3P", False), other


def _plan(tmp_path: Path, text: str, **options):  # type: ignore[no-untyped-def]
    folder = tmp_path / "legal_articles"
    options.setdefault("source", PASTED)
    options.setdefault("current_to", date(2026, 11, 30))
    options.setdefault("added_on", date(2026, 11, 30))
    return plan_additions(default_library(tmp_path), parse_pasted(text), folder, **options)


def test_a_new_article_gets_its_own_file(tmp_path: Path) -> None:
    (plan,) = _plan(tmp_path, "57. Texte d’essai:\n1°  un;\n1982, c. 30, a. 57.\n")
    assert plan.status == "new" and plan.path == tmp_path / "legal_articles" / "057.toml"
    assert plan.content is not None
    number, (version,) = parse_article_file(plan.path, plan.content.decode())
    assert number == "57" and version.paragraphs == ("57. Texte d’essai:", "1°  un;")
    assert version.source == PASTED and not version.verified
    assert version.source_kind == "VERBATIM-3P"
    assert version.current_to == date(2026, 11, 30) and version.in_force_from is None
    assert "text = '''\n57. Texte d’essai:\n1°  un;'''\n" in plan.content.decode()
    assert not (tmp_path / "legal_articles").exists()  # planning writes nothing


def test_a_changed_text_is_a_new_version_and_the_old_ones_stay(tmp_path: Path) -> None:
    url = "https://www.legisquebec.gouv.qc.ca/fr/version/lc/A-2.1?code=se%3A53"
    (plan,) = _plan(tmp_path, "53. Texte d’essai modifié.\n1982, c. 30, a. 53; 2099, c. 1, a. 1.",
                    source=url, current_to=date(2026, 11, 2))  # fmt: skip
    assert plan.status == "version" and plan.versions == 2
    assert plan.cited_from == date(2026, 11, 2)
    assert plan.content is not None
    packaged = (packaged_dir("legal_articles") / "053.toml").read_text(encoding="utf-8")
    assert plan.content.decode().startswith(packaged.rstrip("\n"))  # kept, comments and all
    folder = tmp_path / "legal_articles"
    folder.mkdir()
    plan.path.write_bytes(plan.content)
    law = default_library(tmp_path)
    old, new = law.versions("53")
    assert old.current_to == date(2020, 2, 6) and old.in_force_from is None
    assert new.verified and new.source == url and new.in_force_from == date(2026, 11, 2)
    assert law.text_on("53", date(2026, 11, 1)) == old
    assert law.text_on("53", date(2026, 11, 2)) == new


def test_the_same_text_needs_no_change(tmp_path: Path) -> None:
    text = "\n".join(first_version("21"))
    (plan,) = _plan(tmp_path, text)
    assert plan.status == "unchanged" and plan.content is None
    assert plan.path == packaged_dir("legal_articles") / "021.toml"


def test_a_text_current_to_an_older_day_than_the_known_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        _plan(tmp_path, "21. Autre.\n1982, c. 30, a. 21.", current_to=date(2017, 4, 24))
    assert info.value.message == (
        "line 1: article 21 differs from its text known current to 2017-04-24: give the later "
        "date the pasted text is current to with --current-to"
    )


def test_quotes_and_backslashes_are_written_safely(tmp_path: Path) -> None:
    (plan,) = _plan(tmp_path, "57. Texte ''' \\ \" d’essai '\n1982, c. 30, a. 57.",
                    source='a "b" \\ c')  # fmt: skip
    assert plan.content is not None
    _number, (version,) = parse_article_file(plan.path, plan.content.decode())
    assert version.paragraphs == ("57. Texte ''' \\ \" d’essai '",)
    assert version.source == 'a "b" \\ c'


# ----------------------------------------------------------------------------- warnings


def test_warnings_on_a_letter_date(law: LawLibrary) -> None:
    current_to = law.text_on("21", date(2024, 1, 1)).current_to
    last_quiet = current_to + timedelta(days=STALE_AFTER_DAYS)
    assert law.warnings_on("21", last_quiet) == []
    (stale,) = law.warnings_on("21", last_quiet + timedelta(days=1))
    assert stale.code == "stale" and stale.number == "21"
    assert stale.message == (
        "article 21: the text cited on 2018-04-25 is known current only to 2017-04-24, more "
        "than 365 days earlier: check LégisQuébec for a later version and add it with "
        "`atip articles add FILE`"
    )
    unverified, stale = law.warnings_on("53", date(2026, 11, 30))
    assert (unverified.code, stale.code) == ("unverified", "stale")
    assert unverified.message == (
        "article 53: the text cited on 2026-11-30 is not verified against LégisQuébec (source: "
        "Decision letter of a Quebec ministry, 6 February 2020 (N/Réf. 18159), annex)"
    )
    assert [w.code for w in law.warnings_on("53", date(2020, 2, 6))] == ["unverified"]


def test_pasted_article_is_a_plain_record() -> None:
    article = PastedArticle("21", ("21. T.",), "1982, c. 30, a. 21.", 1)
    assert article.number == "21" and article.line == 1
