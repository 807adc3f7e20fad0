"""Law texts: the shipped files are the sources' exact words, versioned by date, overridable."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest

from atip.errors import InputError, NotFoundError, RefusedError
from atip.law.articles import (
    ACT_TITLE,
    LawLibrary,
    default_library,
    file_name,
    normalise_number,
)
from atip.resources import packaged_dir

SHIPPED = ["1", "10", "13", "21", "30", "33", "36", "45", "46", "49", "53", "54", "98"]
# The sources as stored with the tests: the seed letters' annexes and the verbatim texts copied
# from LégisQuébec and the quoting documents (each file's `source` names its page).
SOURCES = Path(__file__).parents[1] / "data" / "law-sources"

# Written from the sources (LégisQuébec and the seed letters), not from the files.
ART_1 = (
    "1. La présente loi s’applique aux documents détenus par un organisme public dans l’exercice "
    "de ses fonctions, que leur conservation soit assurée par l’organisme public ou par un tiers.",
    "Elle s’applique quelle que soit la forme de ces documents: écrite, graphique, sonore, "
    "visuelle, informatisée ou autre.",
)
ART_54 = (
    "54. Dans un document, sont personnels les renseignements qui concernent une personne "
    "physique et permettent de l'identifier.",
)
ART_53_ITEM_2 = (
    "2° ils portent sur un renseignement obtenu par un organisme public dans l'exercice d'une "
    "fonction juridictionnelle; ils demeurent cependant confidentiels si l'organisme les a obtenus "
    "alors qu'il siégeait à huis-clos ou s'ils sont visés par une ordonnance de non-divulgation, "
    "de non-publication ou de non-diffusion."
)
HISTORY = {
    "1": "1982, c. 30, a. 1.",
    "13": "1982, c. 30, a. 13; 1990, c. 57, a. 5; 2001, c. 32, a. 83; 2006, c. 22, a. 7.",
    "53": "1982, c. 30, a. 53; 1985, c. 30, a. 3; 1989, c. 54, a. 150; 1990, c. 57, a. 11; "
    "2006, c. 22, a. 29.",
    "54": "1982, c. 30, a. 54; 2006, c. 22, a. 110.",
}


@pytest.fixture(scope="module")
def law() -> LawLibrary:
    return default_library(None)


def article(
    folder: Path,
    number: str,
    *versions: str,
    name: str | None = None,
) -> Path:
    """Write an article file; each version is the TOML body of one [[versions]] table."""
    folder.mkdir(parents=True, exist_ok=True)
    body = f'number = "{number}"\nact = "{ACT_TITLE}"\n'
    for version in versions:
        body += f"\n[[versions]]\n{version}\n"
    path = folder / (name or file_name(number))
    path.write_text(body, encoding="utf-8")
    return path


def version(
    text: str,
    *,
    in_force_from: str | None = None,
    verified: str = "false",
    kind: str = "VERBATIM-3P",
    current_to: str = "2024-05-01",
    extra: str = "",
) -> str:
    lines = [
        f"text = '''\n{text}'''",
        'history = "1982, c. 30, a. 99."',
        'source = "test"',
        f'source_kind = "{kind}"',
        f"current_to = {current_to}",
        f"verified = {verified}",
    ]
    if in_force_from:
        lines.append(f"in_force_from = {in_force_from}")
    if extra:
        lines.append(extra)
    return "\n".join(lines)


# ----------------------------------------------------------------------------- shipped texts


def test_every_shipped_article_loads(law: LawLibrary) -> None:
    assert law.numbers() == SHIPPED
    for number in SHIPPED:
        versions = law.versions(number)
        assert versions, number
        for v in versions:
            assert v.number == number
            assert v.paragraphs[0].startswith(f"{number}. ")
            assert all(p.strip() == p and p for p in v.paragraphs)
            assert re.fullmatch(r"1982, c\. 30, a\. \d+(; \d{4}, c\. \d+, a\. \d+)*\.", v.history)
            assert v.source_kind in ("VERBATIM-OFFICIAL", "VERBATIM-3P")
            assert v.verified == (v.source_kind == "VERBATIM-OFFICIAL")
            assert v.in_force_from is None  # no in-force date is known: none is invented
            assert date(2017, 1, 1) <= v.current_to <= date(2024, 12, 31)


def test_every_shipped_file_is_named_for_its_article_and_names_the_act() -> None:
    folder = packaged_dir("legal_articles")
    files = sorted(p.name for p in folder.glob("*.toml"))
    assert files == [file_name(n) for n in SHIPPED]
    for path in folder.glob("*.toml"):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        assert data["act"] == ACT_TITLE
    assert (folder / "README.md").is_file()


def test_act_title_as_the_seed_letters_print_it() -> None:
    # seed 000's heading (straight apostrophe there) and its sentence (typographic apostrophe)
    heading = (
        "LOI SUR L'ACCÈS AUX DOCUMENTS DES ORGANISMES PUBLICS ET SUR LA PROTECTION DES "
        "RENSEIGNEMENTS PERSONNELS"
    )
    assert ACT_TITLE.upper().replace("’", "'") == heading
    assert ACT_TITLE == (
        "Loi sur l’accès aux documents des organismes publics et sur la protection des "
        "renseignements personnels"
    )


def test_article_1_is_the_legisquebec_text(law: LawLibrary) -> None:
    v = law.text_on("1", date(2024, 6, 5))
    assert v.paragraphs == ART_1
    assert v.history == HISTORY["1"]
    assert v.verified and v.source_kind == "VERBATIM-OFFICIAL"
    assert v.current_to == date(2024, 5, 1)
    assert v.source.startswith("https://www.legisquebec.gouv.qc.ca/")


def test_article_13_as_seed_000_prints_it(law: LawLibrary) -> None:
    v = law.text_on("13", date(2024, 6, 5))
    assert v.history == HISTORY["13"]
    assert len(v.paragraphs) == 6
    assert v.paragraphs[1].endswith("s’exerce par l’un ou plusieurs des moyens suivants:")
    assert v.paragraphs[2] == (
        "1° la consultation sur place pendant les heures habituelles de travail ou à distance;"
    )
    assert v.paragraphs[5] == (
        "Le présent article ne restreint pas le droit d’accès à un document diffusé "
        "conformément à l’article 16.1."
    )
    assert not v.verified and v.source_kind == "VERBATIM-3P"
    assert v.source == "Decision letter of a Quebec ministry, 2024, annex"


def test_articles_53_and_54_as_seed_002_prints_them(law: LawLibrary) -> None:
    on = date(2020, 2, 6)
    v53, v54 = law.text_on("53", on), law.text_on("54", on)
    assert v53.paragraphs[0] == (
        "53. Les renseignements personnels sont confidentiels sauf dans les cas suivants:"
    )
    assert v53.paragraphs[2] == ART_53_ITEM_2
    assert v53.history == HISTORY["53"]
    assert v54.paragraphs == ART_54
    assert v54.history == HISTORY["54"]
    for v in (v53, v54):
        assert v.current_to == on and not v.verified
        assert (
            v.source
            == "Decision letter of a Quebec ministry, 6 February 2020 (N/Réf. 18159), annex"
        )


def _words(text: str) -> list[str]:
    return text.split()


def test_article_13_has_exactly_the_words_of_seed_000(law: LawLibrary) -> None:
    seed = (SOURCES / "seed-2024-annex-article-13.txt").read_text(encoding="utf-8")
    start = seed.index("13. Le droit")
    end = seed.index(HISTORY["13"]) + len(HISTORY["13"])
    v = law.text_on("13", date(2024, 6, 5))
    assert _words(seed[start:end]) == _words(" ".join(v.paragraphs) + " " + v.history)


def _ocr_fold(text: str) -> list[str]:
    """Words with seed 002's OCR confusions undone: accents dropped, I' read as l', words cut at
    a line end joined. Apostrophes are made straight: the seed mixes both ("I'exercice d’une")
    and research.md's corrected text, which is shipped, has straight ones."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return plain.replace("-\n", "-").replace("’", "'").replace("I'", "l'").split()


def test_articles_53_and_54_have_the_words_of_seed_002(law: LawLibrary) -> None:
    seed = (SOURCES / "seed-2020-annex-articles-53-54.txt").read_text(encoding="utf-8")
    start = seed.index("53. Les renseignements")
    end = seed.index(HISTORY["54"]) + len(HISTORY["54"])
    ours = []
    for number in ("53", "54"):
        v = law.text_on(number, date(2020, 2, 6))
        ours.append(" ".join(v.paragraphs) + " " + v.history)
    assert _ocr_fold(seed[start:end]) == _ocr_fold(" ".join(ours))


def test_every_shipped_text_is_verbatim_in_the_research(law: LawLibrary) -> None:
    # the research's texts, and the LégisQuébec pages stored one a file (legisquebec-NNN.txt)
    lines = set()
    for source in [SOURCES / "verbatim-texts.txt", *sorted(SOURCES.glob("legisquebec-*.txt"))]:
        lines |= set(source.read_text(encoding="utf-8").splitlines())
    for number in SHIPPED:
        for v in law.versions(number):
            for paragraph in (*v.paragraphs, v.history):
                assert paragraph in lines, (number, paragraph[:60])


# ----------------------------------------------------------------------------- versions by date


def test_the_version_in_force_on_a_date(tmp_path: Path) -> None:
    # listed newest first on purpose: the order in the file does not matter
    article(
        tmp_path,
        "53",
        version("53. Nouveau texte.", in_force_from="2023-09-22", verified="true",
                kind="VERBATIM-OFFICIAL"),
        version("53. Ancien texte."),
        version("53. Texte intermédiaire.", in_force_from="2022-09-22"),
    )  # fmt: skip
    law = LawLibrary([tmp_path])
    assert [v.paragraphs[0] for v in law.versions("53")] == [
        "53. Ancien texte.",
        "53. Texte intermédiaire.",
        "53. Nouveau texte.",
    ]
    cases = {
        date(2020, 2, 6): "53. Ancien texte.",
        date(2022, 9, 21): "53. Ancien texte.",
        date(2022, 9, 22): "53. Texte intermédiaire.",
        date(2023, 9, 21): "53. Texte intermédiaire.",
        date(2023, 9, 22): "53. Nouveau texte.",
        date(2030, 1, 1): "53. Nouveau texte.",
    }
    for on, expected in cases.items():
        assert law.text_on("53", on).paragraphs == (expected,), on
    assert law.text_on("53", date(2024, 1, 1)).in_force_from == date(2023, 9, 22)


def test_no_version_in_force_yet(tmp_path: Path) -> None:
    article(tmp_path, "57", version("57. Texte.", in_force_from="2023-09-22"))
    law = LawLibrary([tmp_path])
    with pytest.raises(NotFoundError) as info:
        law.text_on("57", date(2023, 9, 21))
    assert info.value.message == (
        "no text for article 57 in force on 2023-09-21: add that version to "
        "legal_articles/057.toml from LégisQuébec"
    )


# The message names the nearest known articles and `atip articles add` (issue 14); it used to
# end "add legal_articles/057.toml from LégisQuébec", which it still names at its end.
UNKNOWN_57 = (
    "no text for article 57: the nearest known are 54, 98; paste its text from LégisQuébec into "
    "a file and run `atip articles add FILE` (or add legal_articles/057.toml)"
)


def test_unknown_article(law: LawLibrary) -> None:
    with pytest.raises(NotFoundError) as info:
        law.text_on("57", date(2024, 1, 1))
    assert info.value.message == UNKNOWN_57
    assert isinstance(info.value, RefusedError) and info.value.exit_code == 1
    with pytest.raises(NotFoundError, match=r"article 16\.1: the nearest known are 13, 21; "):
        law.versions("16.1")
    with pytest.raises(NotFoundError, match=r"016\.1\.toml\)$"):
        law.versions("16.1")


def test_check_citable(law: LawLibrary) -> None:
    law.check_citable(["53", "54", "a. 13", "1"])
    law.check_citable([])
    with pytest.raises(RefusedError) as info:
        law.check_citable(["53", "57", "14"])
    assert info.value.message == UNKNOWN_57


def test_check_citable_names_the_nearest_articles(law: LawLibrary, tmp_path: Path) -> None:
    with pytest.raises(
        NotFoundError, match=r"^no text for article 37: the nearest known are 36, 45;"
    ):
        law.check_citable(["37"])
    with pytest.raises(NotFoundError, match=r"^no text for article 200: the nearest known is 98;"):
        law.check_citable(["200"])
    with pytest.raises(NotFoundError, match=r"^no text for article 0\.5: the nearest known is 1;"):
        law.check_citable(["0.5"])
    empty = LawLibrary([tmp_path])
    with pytest.raises(NotFoundError) as info:
        empty.check_citable(["37"])
    assert info.value.message == (
        "no text for article 37: paste its text from LégisQuébec into a file and run "
        "`atip articles add FILE` (or add legal_articles/037.toml)"
    )
    assert law.nearest("16.1") == ["13", "21"] and law.nearest("21") == ["13", "30"]


# ----------------------------------------------------------------------------- folders


def test_a_workspace_file_overrides_the_packaged_one_of_the_same_name(tmp_path: Path) -> None:
    article(tmp_path / "legal_articles", "53", version("53. Texte du bureau."))
    law = default_library(tmp_path)
    assert law.text_on("53", date(2024, 1, 1)).paragraphs == ("53. Texte du bureau.",)
    assert law.text_on("54", date(2024, 1, 1)).paragraphs == ART_54  # the others stay packaged
    assert len(law.versions("53")) == 1


def test_a_workspace_adds_an_article(tmp_path: Path) -> None:
    article(tmp_path / "legal_articles", "57", version("57. Texte."))
    law = default_library(tmp_path)
    assert law.numbers() == sorted([*SHIPPED, "57"], key=int)
    law.check_citable(["53", "57"])
    assert default_library(None).numbers() == SHIPPED  # the packaged library is unchanged


def test_another_name_for_the_same_article_still_overrides(tmp_path: Path) -> None:
    article(tmp_path / "a", "13", version("13. Bureau."), name="13.toml")
    article(tmp_path / "b", "13", version("13. Paquet."), name="013.toml")
    law = LawLibrary([tmp_path / "a", tmp_path / "b"])
    assert law.text_on("13", date(2024, 1, 1)).paragraphs == ("13. Bureau.",)


def test_two_files_for_one_article_in_one_folder_are_refused(tmp_path: Path) -> None:
    article(tmp_path, "13", version("13. Un."), name="13.toml")
    article(tmp_path, "13", version("13. Deux."), name="013.toml")
    with pytest.raises(InputError, match=r"article 13 is also in"):
        LawLibrary([tmp_path])


def test_numbers_sort_numerically(tmp_path: Path) -> None:
    for number in ("53", "16.1", "2", "10", "16"):
        article(tmp_path, number, version(f"{number}. Texte."))
    assert LawLibrary([tmp_path]).numbers() == ["2", "10", "16", "16.1", "53"]
    assert (tmp_path / "016.1.toml").is_file()


def test_missing_folders_are_skipped(tmp_path: Path) -> None:
    assert LawLibrary([tmp_path / "absent"]).numbers() == []


def test_a_changed_file_is_read_again(tmp_path: Path) -> None:
    article(tmp_path, "57", version("57. Avant."))
    assert LawLibrary([tmp_path]).text_on("57", date(2024, 1, 1)).paragraphs == ("57. Avant.",)
    article(tmp_path, "57", version("57. Après la correction."))
    assert LawLibrary([tmp_path]).text_on("57", date(2024, 1, 1)).paragraphs == (
        "57. Après la correction.",
    )


# ----------------------------------------------------------------------------- malformed files


HEAD = 'number = "57"\nact = "x"\n[[versions]]\n'


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('number = "57"\nact = "x"\n[[versions]\n', "(at line 3, column 11)"),
        ('act = "x"\n[[versions]]\n' + version("57. T."), 'number must be a string such as "53"'),
        ('number = "57"\n[[versions]]\n' + version("57. T."), "act must be a non-empty string"),
        ('number = "57"\nact = "x"\n', "no [[versions]]"),
        ('number = "58"\nact = "x"\n[[versions]]\n' + version("58. T."),
         "article 58 must be in a file named 058.toml"),
        ('number = "57"\nact = "x"\ntitle = "y"\n[[versions]]\n' + version("57. T."),
         "unknown key 'title'"),
        (HEAD + version("57. T.", extra="in_force_form = 2020-01-01"),
         "versions[0]: unknown key 'in_force_form'"),
        (HEAD + version("57. T.\n\nSuite."),
         "versions[0]: text has a blank line"),
        (HEAD + version("57. T.", kind="PARAPHRASE"),
         "source_kind must be VERBATIM-OFFICIAL or VERBATIM-3P, not 'PARAPHRASE'"),
        (HEAD + version("57. T.", verified="true"),
         "only a VERBATIM-OFFICIAL (LégisQuébec) text can be verified"),
        (HEAD + version("57. T.", verified='"yes"'),
         "verified must be true or false"),
        (HEAD + version("57. T.", current_to='"2024-05-01"'),
         "current_to must be a date"),
        (HEAD + version("57. T.", current_to="2024-05-01T00:00:00"), "current_to must be a date"),
        (HEAD + version("57. A.") + "\n[[versions]]\n"
         + version("57. B."), "two versions in force from the same date (always)"),
        (HEAD + version("57. A.", in_force_from="2020-01-01")
         + "\n[[versions]]\n" + version("57. B.", in_force_from="2020-01-01"),
         "two versions in force from the same date (2020-01-01)"),
    ],
)  # fmt: skip
def test_a_malformed_file_is_refused_with_its_name(tmp_path: Path, body: str, reason: str) -> None:
    path = tmp_path / "057.toml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(InputError) as info:
        LawLibrary([tmp_path])
    message = info.value.message
    assert message.startswith(f"malformed law text {path}: ")
    assert reason in message
    assert "\n" not in message


def test_a_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    (tmp_path / "057.toml").write_bytes(
        'number = "57"\nact = "Loi sur l\'accès"\n'.encode("cp1252")
    )
    with pytest.raises(InputError, match=r"057\.toml: not UTF-8 text"):
        LawLibrary([tmp_path])


def test_a_final_newline_in_the_text_is_allowed(tmp_path: Path) -> None:
    article(tmp_path, "57", version("57. Premier.\n1° second;\n"))
    v = LawLibrary([tmp_path]).text_on("57", date(2024, 1, 1))
    assert v.paragraphs == ("57. Premier.", "1° second;")


# ----------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("53", "53"),
        (" 53 ", "53"),
        ("a. 53", "53"),
        ("a.53", "53"),
        ("art. 53", "53"),
        ("Article 53", "53"),
        ("053", "53"),
        ("16.1", "16.1"),
        ("a. 16.1", "16.1"),
        ("53.", "53"),
    ],
)
def test_normalise_number(text: str, expected: str) -> None:
    assert normalise_number(text) == expected


@pytest.mark.parametrize("text", ["abc", "", "53a", "5 3", "16..1", "-53", "a.", "53,54"])
def test_normalise_number_refuses(text: str) -> None:
    with pytest.raises(InputError) as info:
        normalise_number(text)
    assert info.value.message == (
        f"invalid article number '{text}': expected a number such as 53 or 16.1"
    )


@pytest.mark.parametrize(
    ("number", "expected"), [("1", "001.toml"), ("53", "053.toml"), ("16.1", "016.1.toml")]
)
def test_file_name(number: str, expected: str) -> None:
    assert file_name(number) == expected
