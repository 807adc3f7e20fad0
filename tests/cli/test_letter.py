"""`atip annex` and `atip letter` through the real CLI: files opened, hashes journaled."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import docx
import pytest

from tests.conftest import Workspace

MARKUP = "Zoé & <b>Fils</b> {{ nom }} {% if x %} « l'élan »"


def docx_text(path: Path) -> str:
    """Paragraphs and cells, without the zero-width spaces that let a web address break after
    its slashes (atip.letters.docx.breakable_url), which are no text."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts).replace("\u200b", "")


def pdf_text(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def decided(ws: Workspace, tmp_path: Path, name: str = "Jeanne Exemple") -> str:
    ref = ws.new(
        "--received",
        "2024-05-17",
        "--clarified",
        "2024-05-23",
        "--requester",
        name,
        "--address",
        "1234, rue Fictive\\nMontréal (Québec)  H2X 0A0",
        "--subject",
        "les budgets annuels d'Accompagnement Québec",
    )
    cities = tmp_path / "villes.csv"
    cities.write_text("Ville;Nombre\nLaval;61\nMagog;3\nGatineau;0\n", encoding="cp1252")
    ws.ok(
        "annex",
        "add",
        ref,
        "--title",
        "Personnes accompagnées",
        "--table",
        str(cities),
        "--source",
        "SharePoint DGOR",
        "--suppress-below",
        "5",
        "--column",
        "Nombre",
    )
    ws.ok("request", "decide", ref, "--on", "2024-06-12", "--outcome", "partial")
    return ref


def test_decision_letter_both_formats_with_journaled_hashes(sqlite_ws: Workspace, tmp_path: Path):
    ws = sqlite_ws
    ref = decided(ws, tmp_path)
    out = tmp_path / "out"
    printed = ws.ok(
        "letter",
        ref,
        "--kind",
        "decision",
        "--format",
        "both",
        "--out",
        str(out),
        "--date",
        "2024-06-12",
    ).split()
    paths = [Path(p) for p in printed]
    assert [p.suffix for p in paths] == [".docx", ".pdf"]
    assert sorted(os.listdir(out)) == sorted(p.name for p in paths)  # no staging file left
    text = pdf_text(paths[1])
    assert "Québec, le 12 juin 2024" in docx_text(paths[0])
    assert "reçue le 17 mai 2024, et précisée le 23 mai dernier" in " ".join(text.split())
    assert "MOTIFS DE REFUS INVOQUÉS" in text
    assert "1982, c. 30, a. 54; 2006, c. 22, a. 110." in text  # cited because counts were blanked
    assert (
        "Source : SharePoint DGOR" in " ".join(text.split()) or "Source\u00a0: SharePoint" in text
    )
    view = json.loads(ws.ok("request", "show", ref, "--json"))
    assert view["articles"] == ["53", "54"]
    letter_events = [e for e in view["journal"] if e["action"] == "letter"]
    recorded = json.loads(letter_events[-1]["new"])
    assert recorded["pdf"] == hashlib.sha256(paths[1].read_bytes()).hexdigest()
    assert recorded["docx"] == hashlib.sha256(paths[0].read_bytes()).hexdigest()


def test_small_counts_blank_in_docx(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    ref = decided(ws, tmp_path)
    out = tmp_path / "out"
    path = Path(ws.ok("letter", ref, "--format", "docx", "--out", str(out)).split()[0])
    cells = [c.text for t in docx.Document(str(path)).tables for r in t.rows for c in r.cells]
    i = cells.index("Magog")
    assert cells[i + 1] == ""
    assert cells[cells.index("Laval") + 1] == "61"
    assert cells[cells.index("Gatineau") + 1] == "0"


def test_reissue_with_other_content_needs_the_flag(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    ref = decided(ws, tmp_path)
    out = tmp_path / "out"
    ack = ("letter", ref, "--kind", "acknowledgement", "--format", "pdf", "--out", str(out))
    ws.ok(*ack, "--date", "2024-05-17")
    ws.ok(*ack, "--date", "2024-05-17")  # same text
    before = ws.snapshot()
    listing = {p.name: p.read_bytes() for p in out.iterdir()}
    result = ws.run(*ack, "--date", "2024-05-21")
    assert result.exit_code == 1
    assert "--reissue" in result.stderr and result.stderr.count("\n") == 1
    assert ws.snapshot() == before
    assert {p.name: p.read_bytes() for p in out.iterdir()} == listing
    ws.ok(*ack, "--date", "2024-05-21", "--reissue")
    journal = json.loads(ws.ok("request", "show", ref, "--json"))["journal"]
    assert [json.loads(e["new"])["date"] for e in journal if e["action"] == "letter"] == [
        "2024-05-17",
        "2024-05-17",
        "2024-05-21",
    ]


@pytest.mark.parametrize(
    ("kind", "message"),
    [("decision", "has no decision"), ("extension", "was not extended")],
)
def test_letter_needs_its_event(sqlite_ws: Workspace, tmp_path: Path, kind: str, message: str):
    ws = sqlite_ws
    ref = ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    result = ws.run("letter", ref, "--kind", kind, "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert message in result.stderr and result.stderr.count("\n") == 1


def test_read_only_output_folder_is_refused(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    ref = ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    try:
        if os.access(out, os.W_OK):
            pytest.skip("running as a user who can write anywhere")
        result = ws.run("letter", ref, "--kind", "acknowledgement", "--out", str(out))
        assert result.exit_code == 1
        assert "cannot write" in result.stderr
        assert list(out.iterdir()) == []
    finally:
        out.chmod(0o700)


def test_markup_in_every_user_field_comes_out_literally(sqlite_ws: Workspace, tmp_path: Path):
    ws = sqlite_ws
    ref = ws.new(
        "--received", "2024-05-17", "--requester", MARKUP, "--address", MARKUP, "--subject", MARKUP
    )
    out = tmp_path / "out"
    docx_path, pdf_path = map(
        Path, ws.ok("letter", ref, "--kind", "acknowledgement", "--out", str(out)).split()
    )
    for text in (docx_text(docx_path), pdf_text(pdf_path)):
        flat = " ".join(text.replace("\u00a0", " ").replace("’", "'").split())
        assert "Zoé & <b>Fils</b> {{ nom }} {% if x %}" in flat


def test_annex_list_and_remove(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    ref = ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    note = tmp_path / "note.txt"
    note.write_text("Premier paragraphe.\n\nDeuxième paragraphe.\n", encoding="utf-8")
    orgs = tmp_path / "orgs.csv"
    orgs.write_text("Région,Organisme\nEstrie,SANC\nLaval,CIL\nEstrie,SANA\n", encoding="utf-8")
    ws.ok("annex", "add", ref, "--title", "Mission", "--text", str(note))
    ws.ok(
        "annex",
        "add",
        ref,
        "--title",
        "Organismes par régions",
        "--list",
        str(orgs),
        "--group-by",
        "Région",
    )
    listed = json.loads(ws.ok("annex", "list", ref, "--json"))
    assert [s["title"] for s in listed] == ["Mission", "Organismes par régions"]
    assert listed[1]["groups"][0][0] == "Estrie"
    ws.ok("annex", "remove", ref, "1")
    assert ws.ok("annex", "list", ref).strip().startswith("1. Organismes par régions")
    result = ws.run("annex", "remove", ref, "5")
    assert result.exit_code == 1 and "has no annex 5" in result.stderr


def test_all_due_writes_every_missing_letter_once(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    refs = [
        ws.new("--received", f"2024-05-{day:02d}", "--requester", "A", "--subject", "s")
        for day in (6, 7, 8, 9, 10)
    ]
    ws.ok("request", "extend", refs[0], "--on", "2024-05-20")
    ws.ok("request", "decide", refs[1], "--on", "2024-05-21", "--outcome", "granted")
    out = tmp_path / "out"
    printed = ws.ok(
        "letter",
        "--all-due",
        "--format",
        "pdf",
        "--out",
        str(out),
        "--date",
        "2024-05-22",
        "--jobs",
        "2",
    ).split()
    names = sorted(Path(p).name for p in printed)
    expected = sorted(
        [f"{r}_acknowledgement.pdf" for r in refs]
        + [f"{refs[0]}_extension.pdf", f"{refs[1]}_decision.pdf"]
    )
    assert names == expected
    assert sorted(os.listdir(out)) == expected  # no staging file left
    assert ws.ok("letter", "--all-due", "--out", str(out)).strip() == ""  # nothing left to do


# --------------------------------------------------------------------------- dates and signing


def _undecided(ws: Workspace) -> str:
    return ws.new("--received", "2024-05-17", "--requester", "J", "--subject", "s")


def test_a_decision_letter_is_dated_its_decision(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    ref = _undecided(ws)
    ws.ok("request", "decide", ref, "--on", "2024-06-03", "--outcome", "granted")
    out = tmp_path / "o"
    result = ws.run("letter", ref, "--format", "pdf", "--out", str(out), "--date", "2024-06-10")
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "atip request decide --revise" in result.stderr
    assert not out.exists()
    ws.ok("letter", ref, "--format", "docx", "--out", str(out))
    journal = json.loads(ws.ok("request", "show", ref, "--json"))["journal"]
    assert [json.loads(e["new"])["date"] for e in journal if e["action"] == "letter"] == [
        "2024-06-03"
    ]


def test_other_letters_are_dated_the_event_they_notify(sqlite_ws: Workspace, tmp_path: Path):
    ws = sqlite_ws
    ref = _undecided(ws)
    ws.ok("request", "extend", ref, "--on", "2024-06-04")
    out = tmp_path / "o"
    for kind in ("acknowledgement", "extension"):
        ws.ok("letter", ref, "--kind", kind, "--format", "docx", "--out", str(out))
    journal = json.loads(ws.ok("request", "show", ref, "--json"))["journal"]
    dates = {json.loads(e["new"])["kind"]: json.loads(e["new"])["date"] for e in journal
             if e["action"] == "letter"}  # fmt: skip
    assert dates == {"acknowledgement": "2024-05-17", "extension": "2024-06-04"}


def test_unsigned_letters_say_so_once(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    for _n in range(2):
        _undecided(ws)
    result = ws.run("letter", "--all-due", "--format", "pdf", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0
    assert result.stderr.count("not digitally signed") == 1
    assert len([line for line in result.stderr.splitlines() if line.strip()]) == 1


def test_unverified_articles_are_warned_at_issue(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    ref = _undecided(ws)
    ws.ok("request", "decide", ref, "--on", "2024-06-03", "--outcome", "refused", "--articles",
          "53")  # fmt: skip
    result = ws.run("letter", ref, "--format", "docx", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0
    warned = [line for line in result.stderr.splitlines() if "article 53" in line]
    assert len(warned) == 1


def _signing_workspace(ws: Workspace, tmp_path: Path, monkeypatch, password: str) -> str:
    from tests.letters.test_legal_document import PASSWORD, certificate

    p12 = certificate(ws.path, PASSWORD)
    config = ws.path / "atip.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace("[signatory]\n", f'[signatory]\ncertificate = "{p12.name}"\n', 1),
        encoding="utf-8",
    )
    monkeypatch.setenv("ATIP_SIGNING_PASSWORD", password)
    ref = _undecided(ws)
    ws.ok("request", "decide", ref, "--on", "2024-06-03", "--outcome", "granted")
    return ref


def test_a_signed_letter_is_checked_and_one_byte_changed_fails(
    sqlite_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.letters.test_legal_document import PASSWORD

    ws = sqlite_ws
    ref = _signing_workspace(ws, tmp_path, monkeypatch, PASSWORD)
    result = ws.run("letter", ref, "--format", "pdf", "--out", str(tmp_path / "o"))
    assert result.exit_code == 0 and "not digitally signed" not in result.stderr
    pdf = Path(result.stdout.split()[0])
    assert b"/ByteRange" in pdf.read_bytes()
    assert ws.ok("check").strip() == "ok: database and issued letters intact"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 3] ^= 0x01
    pdf.write_bytes(bytes(data))
    failed = ws.run("check")
    assert failed.exit_code != 0
    assert "changed:" in failed.stdout + failed.stderr
    assert "signature" in failed.stdout + failed.stderr


def test_a_wrong_password_writes_nothing(
    sqlite_ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = sqlite_ws
    ref = _signing_workspace(ws, tmp_path, monkeypatch, "pas le bon")
    before = ws.snapshot()
    out = tmp_path / "o"
    result = ws.run("letter", ref, "--format", "pdf", "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "ATIP_SIGNING_PASSWORD" in result.stderr
    assert PASSWORD_NOT_SHOWN(result.stderr)
    assert not out.exists() and ws.snapshot() == before


def PASSWORD_NOT_SHOWN(text: str) -> bool:
    return "pas le bon" not in text


# --------------------------------------------------------------------------- the other kinds

TIERS = ("Informatique Exemple inc.", "Conseils Fictifs ltée")


def _file_with_third_parties(ws: Workspace) -> str:
    """A request with two named third parties, observations, a fee estimate and a decision."""
    ref = ws.new(
        "--received", "2024-05-17", "--requester", "Jeanne Exemple", "--email",
        "jeanne@example.org", "--address", "1234, rue Fictive\\nMontréal (Québec)  H2X 0A0",
        "--subject", "les contrats de services informatiques de 2023",
    )  # fmt: skip
    for name, notified in zip(TIERS, ("2024-05-27", "2024-05-28"), strict=True):
        ws.ok("request", "third-party", ref, "--notified", notified, "--name", name,
              "--address", "500, rue Principale\\nQuébec (Québec)  G1R 0A0",
              "--email", "legal@example.com")  # fmt: skip
    ws.ok("request", "third-party", ref, "--notified", "2024-05-27", "--name", TIERS[0],
          "--observations", "2024-06-10")  # fmt: skip
    ws.ok("request", "fees", ref, "--estimate", "42,50", "--on", "2024-06-01")
    ws.ok("request", "decide", ref, "--on", "2024-07-04", "--outcome", "granted")
    return ref


def _journal_dates(ws: Workspace, ref: str) -> dict[str, str]:
    journal = json.loads(ws.ok("request", "show", ref, "--json"))["journal"]
    return {
        json.loads(e["new"])["kind"]: json.loads(e["new"])["date"]
        for e in journal
        if e["action"] == "letter"
    }


def test_letter_kind_lists_every_kind(sqlite_ws: Workspace) -> None:
    from atip.vocabulary import LETTER_KINDS

    assert len(LETTER_KINDS) == 9
    result = sqlite_ws.run("letter", "x", "--kind", "nothing")
    assert result.exit_code == 2
    for kind in LETTER_KINDS:
        assert kind in result.stderr
    sqlite_ws.env["ATIP_LANG"] = "fr"
    result = sqlite_ws.run("letter", "x", "--kind", "nothing")
    for word in ("demande-de-précisions", "renvoi", "avis-au-tiers", "décision-au-tiers",
                 "frais", "désistement"):  # fmt: skip
        assert word in result.stderr
    # The French word is read as the code.
    result = sqlite_ws.run("letter", "x", "--kind", "avis au tiers")
    assert result.exit_code != 2


def test_third_party_notice_one_letter_per_third_party_and_one_to_the_requester(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    ws = sqlite_ws
    ref = _file_with_third_parties(ws)
    out = tmp_path / "o"
    printed = ws.ok("letter", ref, "--kind", "third-party-notice", "--format", "both",
                    "--out", str(out)).split()  # fmt: skip
    names = sorted(Path(p).name for p in printed)
    assert names == sorted(
        f"{ref}_third-party-notice_{who}.{fmt}"
        for who in ("requester", "1", "2")
        for fmt in ("docx", "pdf")
    )
    to_requester = docx_text(out / f"{ref}_third-party-notice_requester.docx")
    assert "Jeanne Exemple" in to_requester
    assert not any(name in to_requester for name in TIERS)  # their identity is theirs
    for number, name in enumerate(TIERS, 1):
        for text in (
            docx_text(out / f"{ref}_third-party-notice_{number}.docx"),
            pdf_text(out / f"{ref}_third-party-notice_{number}.pdf"),
        ):
            assert name in text and TIERS[2 - number] not in text
            # Never the requester's identity in a letter to a third party.
            assert "Jeanne" not in text and "jeanne@" not in text and "Fictive" not in text
            assert "20" in text and "49" in text
    dates = _journal_dates(ws, ref)
    assert dates["third-party-notice_1"] == "2024-05-27"
    assert dates["third-party-notice_2"] == "2024-05-28"
    assert dates["third-party-notice_requester"] == "2024-05-27"


def test_third_party_decision_fees_and_withdrawal_are_dated_their_event(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    ws = sqlite_ws
    ref = _file_with_third_parties(ws)
    out = tmp_path / "o"
    printed = ws.ok("letter", ref, "--kind", "third-party-decision", "--format", "docx",
                    "--out", str(out)).split()  # fmt: skip
    assert sorted(Path(p).name for p in printed) == [
        f"{ref}_third-party-decision_1.docx",
        f"{ref}_third-party-decision_2.docx",
    ]
    first = docx_text(out / f"{ref}_third-party-decision_1.docx")
    executory = json.loads(ws.ok("request", "show", ref, "--json"))["executory_on"]
    assert executory is not None
    assert "exécutoire" in first and "Jeanne" not in first
    ws.ok("letter", ref, "--kind", "fees", "--format", "docx", "--out", str(out))
    assert "42,50\u00a0$" in docx_text(out / f"{ref}_fees.docx")
    other = _undecided(ws)
    ws.ok("request", "withdraw", other, "--on", "2024-05-30")
    ws.ok("letter", other, "--kind", "withdrawal", "--format", "docx", "--out", str(out))
    ws.ok("letter", other, "--kind", "precision", "--format", "docx", "--out", str(out))
    assert _journal_dates(ws, ref)["fees"] == "2024-06-01"
    assert _journal_dates(ws, ref)["third-party-decision_2"] == "2024-07-04"
    assert _journal_dates(ws, other)["withdrawal"] == "2024-05-30"


@pytest.mark.parametrize(
    ("kind", "command"),
    [
        ("referral", "atip request decide --outcome referred --referral-body TEXT"),
        ("third-party-notice", "atip request third-party"),
        ("third-party-decision", "atip request decide"),
        ("fees", "atip request fees --estimate AMOUNT --on DATE"),
        ("withdrawal", "atip request withdraw"),
    ],
)
def test_a_kind_the_file_does_not_support_is_refused_with_its_command(
    sqlite_ws: Workspace, tmp_path: Path, kind: str, command: str
) -> None:
    ws = sqlite_ws
    ref = _undecided(ws)
    out = tmp_path / "o"
    result = ws.run("letter", ref, "--kind", kind, "--out", str(out))
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and f"`{command}" in result.stderr
    assert not out.exists()


def test_referral_names_the_competent_body(sqlite_ws: Workspace, tmp_path: Path) -> None:
    ws = sqlite_ws
    ref = _undecided(ws)
    body = "le ministère de la Cybersécurité et du Numérique, Me Paul Exemple, acces@mcn.example"
    ws.ok("request", "decide", ref, "--on", "2024-06-03", "--outcome", "referred",
          "--referral-body", body)  # fmt: skip
    out = tmp_path / "o"
    ws.ok("letter", ref, "--kind", "referral", "--format", "pdf", "--out", str(out))
    text = " ".join(pdf_text(out / f"{ref}_referral.pdf").split())
    assert "Me Paul Exemple" in text and "article 48" in text
    assert _journal_dates(ws, ref)["referral"] == "2024-06-03"


def test_all_due_knows_every_kind_and_never_stops_at_one_bad_request(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    ws = sqlite_ws
    full = _file_with_third_parties(ws)
    withdrawn = _undecided(ws)
    ws.ok("request", "withdraw", withdrawn, "--on", "2024-05-30")
    void = _undecided(ws)
    ws.ok("request", "void", void, "--why", "doublon")
    broken = _undecided(ws)
    ws.ok("request", "decide", broken, "--on", "2024-06-03", "--outcome", "granted")
    # The broken request's decision letter cannot be built: its workspace template is wrong.
    # Every other letter of every request is still written.
    override = ws.path / "templates" / "wording"
    override.mkdir(parents=True)
    packaged = Path(__file__).parents[2] / "templates" / "wording" / "decision.txt.j2"
    override.joinpath("decision.txt.j2").write_text(
        packaged.read_text(encoding="utf-8").replace(
            "{{ before }}", "{% if reference == '" + broken + "' %}{{ nothing.at.all }}{% endif %}"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "o"
    result = ws.run("letter", "--all-due", "--format", "docx", "--out", str(out), "--jobs", "2")
    assert result.exit_code == 1
    failed = [line for line in result.stderr.splitlines() if line.startswith(f"atip: {broken}:")]
    assert len(failed) == 1
    names = sorted(Path(p).name for p in result.stdout.split())
    assert names == sorted(
        [f"{r}_acknowledgement.docx" for r in (full, withdrawn, broken)]
        + [f"{full}_{k}.docx" for k in ("decision", "fees")]
        + [f"{full}_third-party-notice_{w}.docx" for w in ("requester", "1", "2")]
        + [f"{full}_third-party-decision_{w}.docx" for w in ("1", "2")]
        + [f"{withdrawn}_withdrawal.docx"]
    )
    assert not [n for n in os.listdir(out) if n.startswith(".")]  # no staging file left
    # Nothing is written twice; the broken one is still due until its template is fixed.
    again = ws.run("letter", "--all-due", "--format", "docx", "--out", str(out))
    assert again.exit_code == 1 and again.stdout.strip() == ""
    override.joinpath("decision.txt.j2").unlink()
    assert ws.ok("letter", "--all-due", "--format", "docx", "--out", str(out)).split() == [
        str(out / f"{broken}_decision.docx")
    ]


def test_a_letter_issued_before_a_correction_is_due_again(
    sqlite_ws: Workspace, tmp_path: Path
) -> None:
    ws = sqlite_ws
    ref = _undecided(ws)
    out = tmp_path / "o"
    ws.ok("letter", "--all-due", "--format", "docx", "--out", str(out))
    ws.ok("request", "correct", ref, "--why", "faute de frappe", "--subject", "autre chose")
    assert json.loads(ws.ok("request", "show", ref, "--json"))["letters_to_reissue"] == [
        "acknowledgement"
    ]
    printed = ws.ok("letter", "--all-due", "--format", "docx", "--out", str(out)).split()
    assert printed == [str(out / f"{ref}_acknowledgement.docx")]
    assert "autre chose" in docx_text(out / f"{ref}_acknowledgement.docx")
    assert json.loads(ws.ok("request", "show", ref, "--json"))["letters_to_reissue"] == []
