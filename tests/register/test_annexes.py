"""Annex files (SPEC §2, §6): reading CSV/XLSX/text, refusals, small-cell suppression, JSON."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

import pytest

from atip.errors import DatabaseError, InputError, NotFoundError
from atip.register import tables
from atip.register.annexes import (
    DOCUMENT_HEADER,
    Section,
    documents_section,
    list_section,
    read_table,
    suppress_small_counts,
    table_section,
    text_section,
)

DATA = Path(__file__).parents[1] / "data" / "annexes"
VILLES_COUNT = (
    "Nombre de personnes immigrantes accompagnées (période du 12 août au 31 décembre 2019)"
)


def _xlsx(rows: list[list[object]], cells: dict[str, object] | None = None) -> bytes:
    """A workbook written by openpyxl: rows from A1, then single cells by coordinate."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for coordinate, value in (cells or {}).items():
        sheet[coordinate] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _zip_without_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _rows(count: int) -> bytes:
    return b"Ville,Nombre\n" + b"Laval,61\n" * count


Content = bytes | Callable[[], bytes] | None  # None: the committed fixture of that name
Call = Callable[[Path], object]


def _table(path: Path) -> object:
    return read_table(path)


def _suppress(column: str, below: int | None = 5) -> Call:
    return lambda path: table_section(path, "Villes", suppress_below=below, column=column)


def _list(group_by: str) -> Call:
    return lambda path: list_section(path, "Organismes par régions", group_by)


def _text(path: Path) -> object:
    return text_section(path, "La mission ou mandat :")


# (file name, content, call, the exact one-line message): written from the brief's rules.
REFUSALS: list[tuple[str, Content, Call, str]] = [
    ("empty.csv", None, _table, "empty.csv: the file is empty"),
    ("blank_lines.csv", None, _table, "blank_lines.csv: the file is empty"),
    ("header_only.csv", None, _table, "header_only.csv: has a header but no data rows"),
    ("ragged.csv", None, _table, "ragged.csv: line 7 has 4 cells, the header has 3"),
    (
        "short.csv",
        b"a,b,c\n1,2,3\n\n1,2\n",
        _table,
        "short.csv: line 4 has 2 cells, the header has 3",
    ),
    ("one.csv", b"a;b;c\n1;2;3\n1\n", _table, "one.csv: line 3 has 1 cell, the header has 3"),
    (
        "extra.csv",
        b"a;b;c\n1;2;3;4;;\n",  # trailing empty cells are not counted, the real extra one is
        _table,
        "extra.csv: line 2 has 4 cells, the header has 3",
    ),
    (
        "quote.csv",
        'Ville,Nombre\nLaval,61\n"Québec,41\nGatineau,63\n'.encode(),
        _table,
        "quote.csv: line 3: a quoted cell is never closed",
    ),
    (
        "stray.csv",
        b'Ville,Nombre\nLaval,61\n"Laval"x,61\n',
        _table,
        "stray.csv: line 3: ',' expected after '\"'",
    ),
    (
        "nul.csv",
        b"Ville,Nombre\nLaval,6\x001\n",
        _table,
        "nul.csv: is not a text file (binary content)",
    ),
    (
        "ctl.csv",
        b"Ville,Nombre\nLaval,\x0261\n",
        _table,
        "ctl.csv: is not a text file (binary content)",
    ),
    (
        "undefined.csv",
        b"Ville,Nombre\nMontr\x81al,4\n",  # 0x81 is undefined in Windows-1252 too
        _table,
        "undefined.csv: is neither UTF-8 nor Windows-1252 text",
    ),
    (
        "renamed.csv",
        lambda: _xlsx([["Ville", "Nombre"], ["Laval", 61]]),
        _table,
        "renamed.csv: is a zip file (an Excel workbook?), not text",
    ),
    (
        "not_a_zip.xlsx",
        None,
        _table,
        "not_a_zip.xlsx: is not a valid XLSX file (not a zip archive)",
    ),
    (
        "document.xlsx",
        _zip_without_workbook,
        _table,
        "document.xlsx: is a zip archive but not an Excel workbook",
    ),
    (
        "old.xls",
        b"\xd0\xcf\x11\xe0",
        _table,
        "old.xls: the old Excel .xls format is not read; save it as .xlsx or .csv",
    ),
    ("villes.pdf", b"%PDF-1.4", _table, "villes.pdf: unknown file type '.pdf'; use .csv or .xlsx"),
    (
        "dup.csv",
        b"Ville,Nombre,ville\nLaval,61,Laval\n",
        _table,
        "dup.csv: columns 1 and 3 are both named 'ville'",
    ),
    (
        "noname.csv",
        b"Ville,,Region\nLaval,61,Laval\n",
        _table,
        "noname.csv: column 2 of the header has no name",
    ),
    (
        "big.csv",
        lambda: _rows(50_001),
        _table,
        "big.csv: more than 50,000 rows; an annex is for a letter, not a data set",
    ),
    (
        "huge.csv",
        lambda: b"Ville,Nombre\n" + b"x" * (5 * 1024 * 1024),
        _table,
        "huge.csv: 5.1 MB is over the 5 MB limit; an annex is for a letter, not a data set",
    ),
    (
        "ragged.xlsx",
        lambda: _xlsx([["Ville", "Nombre", "Région"], ["Laval", 61, "Laval"]], {"D5": "note"}),
        _table,
        "ragged.xlsx: row 5 has 4 cells, the header has 3",
    ),
    ("blank.xlsx", lambda: _xlsx([], {"C3": "   "}), _table, "blank.xlsx: the file is empty"),
    (
        "header_only.xlsx",
        lambda: _xlsx([["Ville", "Nombre"]]),
        _table,
        "header_only.xlsx: has a header but no data rows",
    ),
    (
        "villes_cp1252.csv",
        None,
        _suppress("Nombre"),
        f"villes_cp1252.csv: unknown column 'Nombre'; the columns are: Villes, {VILLES_COUNT}",
    ),
    (
        "villes_cp1252.csv",
        None,
        _suppress(VILLES_COUNT, below=1),
        "the small-count threshold must be 2 or more, not 1",
    ),
    (
        "villes_cp1252.csv",
        None,
        _suppress(VILLES_COUNT, below=None),
        "small-count suppression needs both a threshold and a column",
    ),
    (
        "organismes_cp1252.csv",
        None,
        _list("Region"),
        "organismes_cp1252.csv: unknown column 'Region'; the columns are: Région, Organisme",
    ),
    (
        "one_column.csv",
        "Organisme\nAccès Travail\n".encode(),
        _list("Organisme"),
        "one_column.csv: a list needs two columns or more: a group and its items",
    ),
    (
        "orphan.csv",
        "Région,Organisme\n,Accès Travail\nLaval,Entraide Pont-Viau\n".encode(),
        _list("Région"),
        "orphan.csv: the first item 'Accès Travail' has no 'Région' to go under",
    ),
    (
        "no_items.csv",
        "Région,Organisme\nLaval,\nEstrie,\n".encode(),
        _list("Région"),
        "no_items.csv: has no items to list under 'Région'",
    ),
    ("blank.txt", b"  \r\n\t\r\n", _text, "blank.txt: the file is empty"),
    ("scan.txt", b"%PDF\x00\x01", _text, "scan.txt: is not a text file (binary content)"),
    (
        "long.txt",
        lambda: b"a" * (6 * 1024 * 1024),
        _text,
        "long.txt: 6.0 MB is over the 5 MB limit; an annex is for a letter, not a data set",
    ),
    ("missing.csv", None, _table, "missing.csv: no such file"),
]


@pytest.mark.parametrize(
    ("name", "content", "call", "message"),
    REFUSALS,
    ids=[f"{case[0]}:{case[3].split(': ', 1)[-1][:30]}" for case in REFUSALS],
)
def test_refusals_are_one_specific_input_error(
    tmp_path: Path, name: str, content: Content, call: Call, message: str
) -> None:
    if content is None:
        path = DATA / name
    else:
        path = tmp_path / name
        path.write_bytes(content() if callable(content) else content)
    with pytest.raises(InputError) as caught:
        call(path)
    assert caught.value.message == message
    assert "\n" not in caught.value.message


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "villes.csv"
    folder.mkdir()
    with pytest.raises(InputError, match=r"^villes\.csv: is a folder, not a file$"):
        read_table(folder)


@pytest.mark.parametrize("title", ["", "   "])
def test_a_section_needs_a_title(title: str) -> None:
    with pytest.raises(InputError, match=r"^an annex needs a title$"):
        table_section(DATA / "resultats.csv", title)


# --- reading ---------------------------------------------------------------------------------


def test_utf8_table_from_the_2024_seed() -> None:
    header, rows = read_table(DATA / "resultats.csv")
    assert header == ("Année financière", "Résultat", "Cible")
    assert rows == (
        ("2019-2020", "X", "X"),
        ("2020-2021", "X", "X"),
        ("2021-2022", "X", "X"),
        ("2022-2023 (*)", "10114", "Année de référence pour le PS 3.1.1"),
        ("2023-2024 (*)", "14459", "10900"),
    )


def test_utf8_bom_is_not_part_of_the_first_column_name() -> None:
    header, rows = read_table(DATA / "financement_bom.csv")
    assert header == ("Organisme", "Financement")
    assert rows == (
        ("Centre d'action socio-communautaire de Montréal", "4 200 $"),
        ("Centre social d’aide aux immigrants (CSAI)", "4 200 $"),
        ("Service d’aide aux Néo-Canadiens (Sherbrooke) inc.", "5 000 $"),
    )


def test_windows_1252_semicolon_export_from_excel() -> None:
    header, rows = read_table(DATA / "villes_cp1252.csv")
    assert header == ("Villes", VILLES_COUNT)
    assert [city for city, _ in rows] == [
        "Laval", "Québec", "Gatineau", "Brossard", "Sherbrooke", "Longueuil", "Chicoutimi",
        "Terrebonne", "Saint-Georges de Beauce", "Magog", "Rouyn-Noranda", "Jonquière",
        "Saint-Jérôme", "Saint-Constant", "Baie-Saint-Paul", "Sainte-Marie-de-Beauce", "Montréal",
    ]  # fmt: skip


SAMPLE = [
    ["Région", "Organisme", "Financement"],
    ["Montérégie", "Carrefour Le Moutier", "4 200,50 $"],
    ["Capitale-Nationale", "Centre multiethnique de Québec (CMQ)", "5 000 $"],
    ["Lanaudière", "Service d’aide à la famille immigrante; MRC de L'Assomption", "12"],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_every_encoding_and_delimiter_reads_the_same(
    tmp_path: Path, encoding: str, delimiter: str
) -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(SAMPLE)
    path = tmp_path / "organismes.csv"
    path.write_bytes(out.getvalue().encode(encoding))
    header, rows = read_table(path)
    assert header == tuple(SAMPLE[0])
    assert rows == tuple(tuple(row) for row in SAMPLE[1:])


def test_semicolon_wins_when_commas_are_inside_cells(tmp_path: Path) -> None:
    path = tmp_path / "noms.csv"
    path.write_text("Nom, prénom;Ville\nTremblay, Marie;Laval\nGagnon, Luc;Québec\n")
    assert read_table(path) == (
        ("Nom, prénom", "Ville"),
        (("Tremblay, Marie", "Laval"), ("Gagnon, Luc", "Québec")),
    )


def test_cells_are_stripped_but_never_reformatted(tmp_path: Path) -> None:
    path = tmp_path / "cells.csv"
    path.write_text(
        '\n  Code ; Montant ; Note \n 010 ; 4 200,50 ;"deux\nlignes"\n\n;;\n1e3;0,0;  \n',
        encoding="utf-8",
    )
    header, rows = read_table(path)
    assert header == ("Code", "Montant", "Note")
    assert rows == (("010", "4 200,50", "deux\nlignes"), ("1e3", "0,0", ""))


def test_trailing_empty_cells_of_excel_exports_are_dropped(tmp_path: Path) -> None:
    path = tmp_path / "villes.csv"
    path.write_bytes("Ville;Nombre;;\r\nLaval;61;;\r\nQuébec;41\r\n".encode("cp1252"))
    assert read_table(path) == (("Ville", "Nombre"), (("Laval", "61"), ("Québec", "41")))


def test_column_line_numbers_count_multiline_cells(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text('Ville,Note\nLaval,"deux\nlignes"\nQuébec,1,2\n')
    with pytest.raises(InputError, match=r"^notes\.csv: line 4 has 3 cells, the header has 2$"):
        read_table(path)


def test_register_import_has_no_row_or_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "registre.csv"
    line = "2024-05-17;Marie Tremblay;Demande d'accès aux documents du Parcours;documents\n"
    path.write_text("received;requester;subject;kind\n" + line * 100_000, encoding="utf-8")
    assert path.stat().st_size > tables.MAX_BYTES
    header, rows = read_table(path, max_rows=None)
    assert header == ("received", "requester", "subject", "kind")
    assert len(rows) == 100_000
    assert rows[-1] == (
        "2024-05-17",
        "Marie Tremblay",
        "Demande d'accès aux documents du Parcours",
        "documents",
    )


def test_xlsx_numbers_dates_and_accents(tmp_path: Path) -> None:
    path = tmp_path / "résultats.xlsx"
    path.write_bytes(
        _xlsx(
            [
                ["Année financière", "Résultat", "Cible", None],
                ["2022-2023 (*)", 10114.0, "Année de référence pour le PS 3.1.1"],
                [None, None, None],  # a blank row in the middle is skipped
                ["2023-2024 (*)", 14459, 10900],
                ["Montérégie", 0.5, 1e-05],
                ["Québec", date(2024, 5, 17), datetime(2024, 5, 23)],
                ["Laval", datetime(2024, 5, 23, 14, 30), time(9, 15)],
                ["  Gatineau  ", True, -3.25],
            ],
            {"H2": "   ", "B20": None, "A30": " "},  # empty trailing columns and rows
        )
    )
    header, rows = read_table(path)
    assert header == ("Année financière", "Résultat", "Cible")
    assert rows == (
        ("2022-2023 (*)", "10114", "Année de référence pour le PS 3.1.1"),
        ("2023-2024 (*)", "14459", "10900"),
        ("Montérégie", "0.5", "0.00001"),
        ("Québec", "2024-05-17", "2024-05-23"),
        ("Laval", "2024-05-23 14:30:00", "09:15:00"),
        ("Gatineau", "TRUE", "-3.25"),
    )


def test_xlsx_short_rows_are_padded(tmp_path: Path) -> None:
    path = tmp_path / "villes.xlsx"
    path.write_bytes(_xlsx([["Ville", "Nombre", "Note"], ["Laval", 61], ["Magog"]]))
    assert read_table(path)[1] == (("Laval", "61", ""), ("Magog", "", ""))


# --- suppression (SPEC §6; arts 53 and 54) ------------------------------------------------------


def test_seed_city_counts_under_five_are_blanked() -> None:
    section = table_section(
        DATA / "villes_cp1252.csv",
        "Personnes immigrantes accompagnées par ville",
        suppress_below=5,
        column=VILLES_COUNT,
    )
    counts = dict(section.rows)
    assert counts["Laval"] == "61"
    assert counts["Québec"] == "41"
    assert counts["Gatineau"] == "63"
    assert counts["Brossard"] == "40"
    assert counts["Sherbrooke"] == "12"
    blanked = [city for city, count in section.rows if count == ""]
    assert blanked == [
        "Longueuil", "Chicoutimi", "Terrebonne", "Saint-Georges de Beauce", "Magog",
        "Rouyn-Noranda", "Jonquière", "Saint-Jérôme", "Saint-Constant", "Baie-Saint-Paul",
        "Sainte-Marie-de-Beauce", "Montréal",
    ]  # fmt: skip
    assert section.suppressed == (VILLES_COUNT,)
    assert section.header == ("Villes", VILLES_COUNT)


def test_column_is_found_whatever_its_case_and_named_as_in_the_file() -> None:
    section = table_section(
        DATA / "villes_cp1252.csv", "Villes", suppress_below=2, column=VILLES_COUNT.upper()
    )
    assert section.suppressed == (VILLES_COUNT,)
    assert dict(section.rows)["Magog"] == ""
    assert dict(section.rows)["Chicoutimi"] == "2"


def test_nothing_blanked_means_nothing_suppressed() -> None:
    section = table_section(DATA / "resultats.csv", "Résultats", suppress_below=5, column="Cible")
    assert section.suppressed == ()
    assert section.rows == read_table(DATA / "resultats.csv")[1]


# (cell, threshold, cell afterwards): from the rule "every whole-number count 1..N-1".
SUPPRESSION: list[tuple[str, int, str]] = [
    ("0", 5, "0"),
    ("1", 5, ""),
    ("4", 5, ""),
    ("5", 5, "5"),
    ("03", 5, ""),
    ("1", 2, ""),
    ("2", 2, "2"),
    ("10 114", 5, "10 114"),
    ("10\u00a0114", 20_000, ""),
    ("1\u202f004", 5, "1\u202f004"),
    ("1 2", 5, "1 2"),  # not a thousands grouping: not a count
    ("X", 5, "X"),
    ("", 5, ""),
    ("3.0", 5, "3.0"),
    ("3,5", 5, "3,5"),
    ("-3", 5, "-3"),
    ("< 5", 5, "< 5"),
    ("4 200 $", 5000, "4 200 $"),
]


@pytest.mark.parametrize(("cell", "below", "after"), SUPPRESSION)
def test_suppress_small_counts_cell_by_cell(cell: str, below: int, after: str) -> None:
    rows, blanked = suppress_small_counts(("Ville", "Nombre"), [("Laval", cell)], "Nombre", below)
    assert rows == (("Laval", after),)
    assert blanked == (1 if after != cell else 0)


def test_suppress_small_counts_touches_only_its_column() -> None:
    header = ("Ville", "Nombre", "Rang")
    rows, blanked = suppress_small_counts(
        header, [("Laval", "3", "1"), ("Magog", "0", "2")], "Nombre", 5
    )
    assert rows == (("Laval", "", "1"), ("Magog", "0", "2"))
    assert blanked == 1


def test_suppress_small_counts_refusals() -> None:
    with pytest.raises(
        InputError, match=r"^unknown column 'Total'; the columns are: Ville, Nombre$"
    ):
        suppress_small_counts(("Ville", "Nombre"), [], "Total", 5)
    with pytest.raises(InputError, match=r"^the small-count threshold must be 2 or more, not 0$"):
        suppress_small_counts(("Ville", "Nombre"), [], "Nombre", 0)


# --- lists and text ------------------------------------------------------------------------------


def test_organisations_grouped_by_region_in_first_seen_order() -> None:
    section = list_section(
        DATA / "organismes_cp1252.csv", "Organismes par régions", "Région", "MIFI"
    )
    assert section.kind == "list"
    assert section.source == "MIFI"
    assert section.groups == (
        (
            "Centre-du-Québec",
            (
                "Accès Travail",
                "Comité d'accueil international des Bois-Francs",
                "Regroupement Interculturel de Drummond inc.",
            ),
        ),
        (
            "Montérégie",
            (
                "Carrefour Le Moutier",
                "Solidarité ethnique régionale de la Yamaska",
                "Centre Sino-Québec de la Rive-Sud",
            ),
        ),
        (
            "Lanaudière",
            ("Service d’aide à la famille immigrante de la MRC de L'Assomption (SAFIMA)",),
        ),
        ("Laval", ("Carrefour d’Intercultures de Laval (CIL)", "Entraide Pont-Viau")),
        ("Chaudière-Appalaches", ("Intégration communautaire des immigrants", "Alpha Bellechasse")),
    )


def test_list_items_join_the_other_columns(tmp_path: Path) -> None:
    path = tmp_path / "organismes.csv"
    path.write_text(
        "Organisme,Région,Ville\nAccès Travail,Centre-du-Québec,Victoriaville\nCOFFRET,Laurentides,\n"
    )
    section = list_section(path, "Organismes", "région")
    assert section.groups == (
        ("Centre-du-Québec", ("Accès Travail — Victoriaville",)),
        ("Laurentides", ("COFFRET",)),
    )


def test_text_paragraphs_from_the_2024_seed() -> None:
    section = text_section(
        DATA / "mission.txt", "La mission ou mandat :", "Descriptif Service AQ 202208"
    )
    assert section.kind == "text"
    assert section.source == "Descriptif Service AQ 202208"
    assert section.paragraphs == (
        "Accompagnement Québec vise à faciliter et accélérer les démarches d’installation, de "
        "francisation, de reconnaissance des compétences et d’intégration des personnes "
        "immigrantes, ainsi que leur participation à la société québécoise, en particulier au "
        "marché du travail. Ce service gratuit et volontaire offre une évaluation des besoins "
        "réalisée par des agentes et agents d’aide à l’intégration (AAI) et un référencement "
        "adapté vers des organismes, des conseillers régionaux en reconnaissance des compétences "
        "(CRRC), des ministères partenaires, etc.",
        "Accompagnement Québec permet ainsi de coordonner les efforts des différents acteurs pour "
        "optimiser la réponse aux besoins exprimés par les personnes immigrantes.",
        "Les personnes immigrantes peuvent débuter des démarches nécessaires à leur intégration "
        "avant d’arriver au Québec (prédépart).",
        "Accompagnement Québec a également comme objectif d’identifier et de documenter les "
        "difficultés que les personnes immigrantes peuvent rencontrer dans leur parcours.",
        "Accompagnement Québec doit ultimement viser à mieux intégrer les personnes immigrantes "
        "afin qu’elles restent au Québec, qu’elles obtiennent un emploi à la hauteur de leurs "
        "compétences et aspirations et qu’elles profitent des opportunités d’établissement "
        "durable en région.",
    )


def test_bulleted_lines_stay_separate_paragraphs() -> None:
    section = text_section(DATA / "budgets.txt", "Budgets annuels :", "DPBF")
    assert section.paragraphs == (
        "Investissement de 20 M$ par année annoncés dans le Discours sur le budget 2019-2020 :",
        "- 12 M$ pour le Parcours d’accompagnements personnalisé",
        "- 8 M$ pour les allocations Objectifs intégration",
    )


def test_text_in_windows_1252(tmp_path: Path) -> None:
    path = tmp_path / "etc.txt"
    path.write_bytes(
        "2019-2020 : 81 agents d’aide à l’intégration\r\n\r\nMontérégie\r\n".encode("cp1252")
    )
    assert text_section(path, "Nombre d’ETC :").paragraphs == (
        "2019-2020 : 81 agents d’aide à l’intégration",
        "Montérégie",
    )


# --- JSON for the database -----------------------------------------------------------------------


def _sections() -> list[Section]:
    return [
        table_section(
            DATA / "villes_cp1252.csv", "Villes", "Ministère", suppress_below=5, column=VILLES_COUNT
        ),
        table_section(DATA / "resultats.csv", "Résultats et cibles :", "(*) TBM"),
        list_section(DATA / "organismes_cp1252.csv", "Organismes par régions", "Région"),
        text_section(
            DATA / "mission.txt", "La mission ou mandat :", "Descriptif Service AQ 202208"
        ),
    ]


@pytest.mark.parametrize("index", range(4))
def test_json_round_trip(index: int) -> None:
    section = _sections()[index]
    text = section.to_json()
    assert Section.from_json(text) == section
    assert "\\u" not in text  # accents stored as written, readable in the database


def test_json_marks_suppression_as_cases_reads_it() -> None:
    blanked, plain = _sections()[:2]
    assert '"suppressed": []' in plain.to_json()
    assert '"suppressed": []' not in blanked.to_json()
    assert Section.from_json(blanked.to_json()).suppressed == (VILLES_COUNT,)


@pytest.mark.parametrize(
    ("stored", "message"),
    [
        ("{not json", "stored annex is damaged: Expecting property name enclosed in double quotes"),
        ("[]", "stored annex is damaged: not an object"),
        ('{"kind": "table"}', "stored annex is damaged: 'title'"),
        (
            '{"title": "T", "kind": "chart"}',
            "stored annex is damaged: unknown section kind 'chart'",
        ),
        (
            '{"title": "T", "kind": "text", "paragraphs": [1]}',
            "stored annex is damaged: expected text, found int",
        ),
        (
            '{"title": "T", "kind": "table", "header": ["a", "b"], "rows": [["1"]]}',
            "stored annex is damaged: every table row must have as many cells as the header",
        ),
        (
            '{"version": 2, "title": "T", "kind": "text"}',
            "stored annex has format version 2; this atip reads version 1",
        ),
    ],
)
def test_damaged_json_is_a_database_error(stored: str, message: str) -> None:
    with pytest.raises(DatabaseError) as caught:
        Section.from_json(stored)
    assert caught.value.message.startswith(message)


def test_section_kind_is_checked() -> None:
    with pytest.raises(ValueError, match="unknown section kind 'chart'"):
        Section(title="T", kind="chart")  # type: ignore[arg-type]


# --- the document index of a partial decision (a. 50) ---------------------------------------------


def _index(tmp_path: Path, text: str, name: str = "index.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_document_index_in_french(tmp_path: Path) -> None:
    path = _index(
        tmp_path,
        "Document;Décision;Articles\n"
        "Rapport annuel 2023;Accessible;\n"
        'Note au sous-ministre;partiel;"a. 21; 36"\n'
        "Avis juridique;REFUSÉ;a. 36\n"
        "Analyse préliminaire;refuse;53, 54\n",
        encoding="cp1252",
    )
    section = documents_section(path, "Liste des documents", "Direction de l'accès")
    assert section.kind == "table"
    assert section.header == DOCUMENT_HEADER == ("Document", "Décision", "Articles")
    assert section.rows == (
        ("Rapport annuel 2023", "Accessible", ""),
        ("Note au sous-ministre", "Partiel", "21, 36"),
        ("Avis juridique", "Refusé", "36"),
        ("Analyse préliminaire", "Refusé", "53, 54"),
    )
    assert section.articles == ("21", "36", "53", "54")
    assert section.cited == ("21", "36", "53", "54")
    assert section.source == "Direction de l'accès"


@pytest.mark.parametrize(
    ("word", "printed"),
    [
        ("accessible", "Accessible"),
        ("ACCESSIBLE", "Accessible"),
        ("partiel", "Partiel"),
        ("Partielle", "Partiel"),
        ("partial", "Partiel"),
        ("Partial", "Partiel"),
        ("refusé", "Refusé"),
        ("Refusée", "Refusé"),
        ("refuse", "Refusé"),
        ("refused", "Refusé"),
        ("REFUSED", "Refusé"),
    ],
)
def test_decision_words_in_french_and_english(tmp_path: Path, word: str, printed: str) -> None:
    articles = "" if printed == "Accessible" else "21"
    path = _index(tmp_path, f"document,decision,articles\nNote,{word},{articles}\n")
    section = documents_section(path, "Documents")
    assert section.rows == (("Note", printed, articles),)
    assert section.articles == ((articles,) if articles else ())


@pytest.mark.parametrize(
    "header",
    ["Document,Décision,Articles", "DOCUMENT,DECISION,ARTICLES", "documents,décision,article"],
)
def test_document_index_columns_by_name_case_and_accents_aside(tmp_path: Path, header: str):
    path = _index(tmp_path, f"{header}\nNote,partiel,a.36\n")
    assert documents_section(path, "Documents").rows == (("Note", "Partiel", "36"),)


def test_document_index_columns_in_any_order(tmp_path: Path) -> None:
    path = _index(
        tmp_path, "Articles,Document,Décision\n21 et 36,Note,refusé\n,Rapport,accessible\n"
    )
    section = documents_section(path, "Documents")
    assert section.rows == (("Note", "Refusé", "21, 36"), ("Rapport", "Accessible", ""))


def test_document_index_from_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "index.xlsx"
    path.write_bytes(_xlsx([["Document", "Décision", "Articles"], ["Note", "Partiel", 36]]))
    section = documents_section(path, "Documents")
    assert section.rows == (("Note", "Partiel", "36"),)
    assert section.articles == ("36",)


def test_document_index_articles_are_checked_as_citable(tmp_path: Path) -> None:
    path = _index(tmp_path, "Document,Décision,Articles\nA,partiel,21\nB,refusé,21; 99\n")
    checked: list[list[str]] = []

    def check(numbers: object) -> None:
        checked.append(list(numbers))  # type: ignore[call-overload]
        if "99" in checked[-1]:
            raise NotFoundError("no text for article 99")

    with pytest.raises(NotFoundError) as caught:
        documents_section(path, "Documents", cited_check=check)
    assert caught.value.message == "index.csv: line 3, column 3: no text for article 99"
    assert checked == [["21"], ["99"]]  # each article once, when first named


DOCUMENT_REFUSALS = [
    (
        "Document,Décision\nA,accessible\n",
        "index.csv: a document index has the columns document, decision and articles; "
        "the columns are: Document, Décision",
    ),
    (
        "Document,Décision,Articles,Pages\nA,accessible,,3\n",
        "index.csv: a document index has the columns document, decision and articles; "
        "the columns are: Document, Décision, Articles, Pages",
    ),
    (
        "Document,Decision,Décision,Articles\nA,accessible,accessible,\n",
        "index.csv: columns 2 and 3 are both named 'Décision'",
    ),
    (
        "Document,Décision,Articles\nA,accessible,\n,refusé,21\n",
        "index.csv: line 3, column 1: the document is not named",
    ),
    (
        "Document,Décision,Articles\nA,caviardé,21\n",
        "index.csv: line 2, column 2: the decision must be accessible, partiel or refusé",
    ),
    (
        "Document,Décision,Articles\nA,,21\n",
        "index.csv: line 2, column 2: the decision must be accessible, partiel or refusé",
    ),
    (
        "Document,Décision,Articles\nA,partiel,secret\n",
        "index.csv: line 2, column 3: expected article numbers such as 53, 54",
    ),
    (
        "Document,Décision,Articles\nA,accessible,\n\nB,accessible,21\n",
        "index.csv: line 4, column 3: an accessible document cites no article",
    ),
    (
        "Document,Décision,Articles\nA,partiel,\n",
        "index.csv: line 2, column 3: a document refused in whole or in part needs the articles "
        "that ground the refusal (a. 50)",
    ),
    (
        "Articles;Document;Décision\n;A;refused\n",
        "index.csv: line 2, column 1: a document refused in whole or in part needs the articles "
        "that ground the refusal (a. 50)",
    ),
    ("Document,Décision,Articles\n", "index.csv: has a header but no data rows"),
]


@pytest.mark.parametrize(("text", "message"), DOCUMENT_REFUSALS)
def test_document_index_refusals_say_where(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        documents_section(_index(tmp_path, text), "Documents")
    assert caught.value.message == message
    assert "caviard" not in message and "secret" not in message  # a cell is never quoted


def test_document_index_json_round_trip(tmp_path: Path) -> None:
    path = _index(tmp_path, "Document,Décision,Articles\nNote,partiel,21\n")
    section = documents_section(path, "Documents")
    assert Section.from_json(section.to_json()) == section
    assert Section.from_json(section.to_json()).articles == ("21",)


def test_json_stored_before_document_indexes_reads_without_articles() -> None:
    old = (
        '{"version": 1, "kind": "table", "title": "Villes", "source": null, '
        '"header": ["Ville", "Nombre"], "rows": [["Magog", ""]], "groups": [], '
        '"paragraphs": [], "suppressed": ["Nombre"]}'
    )
    section = Section.from_json(old)
    assert section.articles == ()
    assert section.cited == ("53", "54")
