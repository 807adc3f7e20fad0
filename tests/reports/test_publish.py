"""`atip publish REF --out DIR`: the decision for the website, without the requester's identity.

The requester's name, address and email must be absent from every byte of every part (text,
DOCX XML and core properties, PDF metadata), and everything else must be kept.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import Workspace

NAME = "Zacharie Quenneville-Témoin"
EMAIL = "zq.temoin@leak.example"
STREET = "987, rue Secrète-Témoin"
CITY = "Trois-Rivières-Ouest (Québec)  G9A 0Z9"
# Every string that identifies the requester, including parts of the name used alone.
SECRETS = (NAME, EMAIL, STREET, "G9A 0Z9", "Quenneville", "Témoin", "Zacharie", "zq.temoin",
           "Secrète")  # fmt: skip


@pytest.fixture
def decided(sqlite_ws: Workspace, tmp_path: Path) -> tuple[Workspace, str]:
    """A decided request whose name appears in the subject, the clerk's text and an annex."""
    ws = sqlite_ws
    ref = ws.new(
        "--received", "2024-05-17", "--requester", NAME, "--email", EMAIL,
        "--address", f"{STREET}\\n{CITY}",
        "--subject", f"les contrats de Béton Lavallée inc. et le dossier de {NAME.upper()} "
        "(M. Quenneville-Témoin)",
    )  # fmt: skip
    table = tmp_path / "contrats.csv"
    table.write_text(
        "Fournisseur,Montant,Demandé par M. Quenneville\n"
        "Béton Lavallée inc.,4200,Zacharie Quenneville-Témoin\n"
        f"Asphalte Nord,1800,{EMAIL}\n",
        encoding="utf-8",
    )
    ws.ok("annex", "add", ref, "--title", "Contrats conclus en 2023", "--table", str(table),
          "--source", "Direction des ressources matérielles")  # fmt: skip
    body = tmp_path / "body.txt"
    body.write_text(
        "Nous avons joint Zacharie\nQuenneville-Témoin par téléphone le 22 mai : M. Témoin "
        "a confirmé la portée de sa demande.\n\n"
        "Les montants sont arrondis au dollar près, à côté de chaque fournisseur.\n",
        encoding="utf-8",
    )
    ws.ok("request", "decide", ref, "--on", "2024-06-05", "--outcome", "partial",
          "--articles", "53,54", "--body", str(body))  # fmt: skip
    return ws, ref


def texts_of(path: Path) -> list[str]:
    """Every readable form of a file: raw bytes, extracted text, metadata, each XML part."""
    texts = [path.read_bytes().decode("latin-1"), path.read_bytes().decode("utf-8", "replace")]
    if path.suffix == ".pdf":
        texts.append(" ".join(pdftotext(path).split()))
        texts.append(run("pdfinfo", "-meta", str(path)) + run("pdfinfo", str(path)))
    else:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                part = archive.read(name).decode("utf-8", "replace")
                texts.append(part)
                texts.append(re.sub(r"<[^>]+>", "", part))  # runs joined, as Word shows them
    return texts


def test_nothing_of_the_requester_is_published_and_the_rest_is_kept(
    decided: tuple[Workspace, str], tmp_path: Path
) -> None:
    ws, ref = decided
    sent = Path(ws.ok("letter", ref, "--format", "pdf", "--out", str(tmp_path / "sent")).strip())
    assert NAME in pdftotext(sent)  # control: the requester's own copy names them
    printed = ws.ok("publish", ref, "--out", str(tmp_path / "web")).split()
    paths = sorted(map(Path, printed))
    assert [p.suffix for p in paths] == [".docx", ".pdf"]
    assert all(p.parent == tmp_path / "web" and ref in p.name for p in paths)
    for path in paths:
        for text in texts_of(path):
            for secret in SECRETS:
                assert secret.lower() not in text.lower(), (path.name, secret)
    flat = " ".join(pdftotext(paths[1]).split())
    for kept in (
        f"N/Réf. : {ref}",
        "Béton Lavallée inc.",  # the rest of the subject
        "Asphalte Nord",  # the rest of the annex
        "Direction des ressources matérielles",
        "à côté de chaque fournisseur",  # the clerk's other paragraph
        "a confirmé la portée de sa demande",
        "réviser cette décision",
        "MOTIFS DE REFUS INVOQUÉS",
        "17 mai 2024",
    ):
        assert kept in flat, kept
    assert "[renseignement retiré]" in flat
    docx = " ".join(texts_of(paths[0])).replace("’", "'")
    assert "Béton Lavallée inc." in docx and "à côté de chaque fournisseur" in docx
    # Words of the requester's copy missing from the published one: only the addressee block
    # ("Par courriel :" and the address) and the requester's identity.
    lost = set(pdftotext(sent).split()) - set(flat.split())
    assert lost, "control: the addressee block is gone"
    identity = " ".join((*SECRETS, CITY, "Par courriel", "QUENNEVILLETÉMOIN")).lower()
    assert {w for w in lost if w.lower().strip("().,") not in identity} == set()


def test_publishing_is_journaled_and_changes_no_record(
    decided: tuple[Workspace, str], tmp_path: Path
) -> None:
    ws, ref = decided
    before = json.loads(ws.ok("request", "show", ref, "--json"))
    ws.ok("publish", ref, "--out", str(tmp_path / "web"), "--format", "pdf")
    after = json.loads(ws.ok("request", "show", ref, "--json"))
    event = after["journal"][-1]
    assert event["action"] == "published" and event["field"] == "decision"
    assert NAME not in json.dumps(event)
    assert (
        after["requester"]
        == before["requester"]
        == {
            "name": NAME,
            "address": f"{STREET}\n{CITY}",
            "email": EMAIL,
            "courtesy": None,
        }
    )
    assert {k: v for k, v in after.items() if k != "journal"} == {
        k: v for k, v in before.items() if k != "journal"
    }
    assert [p.suffix for p in (tmp_path / "web").iterdir()] == [".pdf"]


def test_publish_refuses_a_request_without_decision(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ref = sqlite_ws.new("--received", "2024-05-17", "--requester", NAME, "--subject", "s")
    before = sqlite_ws.snapshot()
    out = tmp_path / "web"
    result = sqlite_ws.run("publish", ref, "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr == (
        f"atip: request {ref} has no decision: record it with `atip request decide`\n"
    )
    assert not out.exists()
    assert sqlite_ws.snapshot() == before
    unknown = sqlite_ws.run("publish", "999", "--out", str(out))
    assert unknown.exit_code == 1 and unknown.stderr == "atip: unknown reference '999'\n"


@pytest.mark.parametrize(
    "name, text, expected",
    [
        # the full name in any case or spacing; the surname alone, written as a name
        ("Marie Côté", "le dossier de MARIE  CÔTÉ", "le dossier de [x]"),
        # in any case, without accents, decomposed or not; initials too (issue 15)
        ("Marie Côté", "Mme Côté, à côté du bureau", "Mme [x], à [x] du bureau"),
        ("Marie Côté", "mme cote, COTÉ, Co\u0302te\u0301 ; M. C.", "mme [x], [x], [x] ; M. [x]"),
        ("Anne Quenneville", "mme quenneville (Q.)", "mme [x] ([x])"),
        ("Chen Wu", "M. Wu, Wuhan", "M. [x], Wuhan"),
        ("Thi Lê", "Mme Le a le dossier", "[x] a le dossier"),
        ("Marie Côté", "DOSSIER DE MME CÔTÉ", "DOSSIER DE MME [x]"),
        # a compound surname and each of its parts
        ("Luc Brassard-Vautrin", "M. Vautrin et M. Brassard-Vautrin", "M. [x] et M. [x]"),
        # particles are not names on their own
        ("Anne Van Der Berg", "Les Berg ; Van Gogh", "Les [x] ; Van Gogh"),
        # a name word inside another word stays
        ("Paul Roy", "Royaume, Roy.", "Royaume, [x]."),
    ],
)
def test_name_pattern(name: str, text: str, expected: str) -> None:
    from atip.register.redaction import name_pattern

    pattern = name_pattern(name, None, None)
    assert pattern is not None
    assert pattern.sub("[x]", text) == expected


def test_address_and_email_lines_any_case() -> None:
    from atip.register.redaction import name_pattern

    pattern = name_pattern("Jo", "JO@EXAMPLE.ORG", "12, rue Nord\nLaval (Québec)")
    assert pattern is not None
    text = "jo@example.org habite au 12,  RUE NORD à Laval (Québec)."
    assert pattern.sub("[x]", text) == "[x] habite au [x] à [x]."


def run(*args: str) -> str:
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pdftotext(path: Path) -> str:
    return run("pdftotext", str(path), "-")
