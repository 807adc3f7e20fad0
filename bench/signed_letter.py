"""One signed PDF/A decision letter: `atip letter` against weasyprint and pyHanko on the same
content and certificate, in the same run (issue 13; goal <= 1.3x).

`python bench/signed_letter.py [--reps N]` makes a workspace with `atip demo`, a throwaway
PKCS#12 certificate (`cryptography`) named by `[signatory] certificate`, its password in
ATIP_SIGNING_PASSWORD, and times, in fresh processes run interleaved:

- atip: `atip letter 21873 --format pdf` (the 2024 seed re-created by the demo: four data
  sections and the law annex), PDF/A-3a, signed (PAdES);
- the baseline: a process that gives weasyprint the same HTML and stylesheet
  (`render_letter.prepare` writes them, as for bench/run.py's render figures) with the same
  PDF/A variant, then signs the PDF with pyHanko with the same certificate and signature
  settings, as their documentation shows.

Both letters' texts are compared (pdftotext) and both signatures validated: the figure counts
only when they wrote the same signed letter. It prints one markdown table row per figure, with
the machine's load average (os.getloadavg) before and after the runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import render_letter
from run import PY, atip, base_env, medians, run_once

REFERENCE, DAY = "21873", "2024-06-12"  # the seed's reference and its decision date
PASSWORD = "banc d'essai"
GOAL = 1.3

# weasyprint with the PDF/A variant atip uses (atip.letters.pdf.PDF_VARIANT), then pyHanko as
# its documentation shows signing: a PKCS#12 signer, an incremental writer, PAdES metadata.
BASELINE = """\
import io, os, sys
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
html, css, variant, p12, name, location, out = sys.argv[1:8]
fonts = FontConfiguration()
pdf = HTML(filename=html).write_pdf(
    stylesheets=[CSS(filename=css, font_config=fonts)], font_config=fonts, pdf_variant=variant
)
signer = signers.SimpleSigner.load_pkcs12(
    p12, passphrase=os.environ["ATIP_SIGNING_PASSWORD"].encode("utf-8")
)
metadata = signers.PdfSignatureMetadata(
    field_name="Signature", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
    name=name, location=location,
)
with open(out, "wb") as handle:
    signers.PdfSigner(metadata, signer=signer).sign_pdf(
        IncrementalPdfFileWriter(io.BytesIO(pdf)), output=handle
    )
"""


def make_certificate(path: Path) -> None:
    """A throwaway self-signed certificate and its key, as a PKCS#12 file."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Banc d'essai atip")])
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
        b"bench", key, cert, None, BestAvailableEncryption(PASSWORD.encode())
    )
    path.write_bytes(data)


def text_of(path: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def checked(path: Path) -> list[str]:
    """What is wrong with a signed PDF/A letter: its signature, its PDF/A identification."""
    import pikepdf

    from atip.letters.pdf import PDF_VARIANT
    from atip.register.integrity import signature_problems

    problems = list(signature_problems(path))
    if not problems and b"/ByteRange" not in path.read_bytes():
        problems.append("not signed")
    part, conformance = PDF_VARIANT.removeprefix("pdf/a-")
    with pikepdf.open(path) as pdf, pdf.open_metadata() as xmp:
        if (xmp.get("pdfaid:part"), xmp.get("pdfaid:conformance")) != (part, conformance.upper()):
            problems.append(f"not {PDF_VARIANT}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=11, help="runs of each, interleaved")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="atip-bench-signed-"))
    try:
        measure(work, args.reps)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def measure(work: Path, reps: int) -> None:
    """Set the workspace up in `work`, time both sides, print the table."""
    from atip.letters.pdf import PDF_VARIANT

    folder, given, ours = work / "demo", work / "given", work / "atip"
    env = base_env(ATIP_WORKSPACE=str(folder), ATIP_SIGNING_PASSWORD=PASSWORD)
    run_once(atip("demo", str(folder)), env)
    make_certificate(folder / "signature.p12")
    settings = folder / "atip.toml"
    toml = settings.read_text(encoding="utf-8")
    settings.write_text(
        toml.replace("[signatory]\n", '[signatory]\ncertificate = "signature.p12"\n', 1),
        encoding="utf-8",
    )
    profile = tomllib.loads(settings.read_text(encoding="utf-8"))
    run_once([PY, render_letter.__file__, "prepare", str(folder), REFERENCE, DAY, str(given)], env)
    baseline_pdf = given / "letter.pdf"
    floor = "import sqlmodel\n"  # what any command that reads the register imports first
    baseline = [
        str(given / "letter.html"),
        str(given / "letter.css"),
        PDF_VARIANT,
        str(folder / "signature.p12"),
        profile["signatory"]["name"],
        profile["organisation"]["city"],
        str(baseline_pdf),
    ]
    commands = {
        "atip": atip("letter", REFERENCE, "--date", DAY, "--out", str(ours), "--format", "pdf"),
        "baseline": [PY, "-c", BASELINE, *baseline],
        "baseline+db": [PY, "-c", floor + BASELINE, *baseline],
    }
    load_before = os.getloadavg()
    times = medians(commands, env, reps, cwd=folder)
    load_after = os.getloadavg()

    ours_pdf = ours / f"{REFERENCE}_decision.pdf"
    same = text_of(ours_pdf) == text_of(baseline_pdf)
    problems = {"atip": checked(ours_pdf), "baseline": checked(baseline_pdf)}
    valid = not any(problems.values())
    load = "{:.2f} {:.2f} {:.2f} → {:.2f} {:.2f} {:.2f}".format(*load_before, *load_after)
    print(
        "| command | median s | baseline | baseline s | ratio | CPU ratio | goal | met "
        "| load average (1, 5, 15 min) |"
    )
    print("|---|---:|---|---:|---:|---:|---|---|---|")
    labels = {
        "baseline": f"weasyprint ({PDF_VARIANT}) + pyHanko, same HTML, CSS and certificate",
        "baseline+db": "the same + import sqlmodel",
    }
    for base, label in labels.items():
        ratio = times["atip"].wall / times[base].wall
        cpu_ratio = times["atip"].cpu / times[base].cpu
        met = ratio <= GOAL and same and valid
        note = "same text" if same else "TEXT DIFFERS from the baseline's"
        note += ", signatures valid" if valid else f", {problems}"
        print(
            f"| atip letter {REFERENCE} --format pdf, signed ({note}) "
            f"| {times['atip'].wall:.3f} | {label} | {times[base].wall:.3f} | {ratio:.2f} "
            f"| {cpu_ratio:.2f} | <= {GOAL:g}x | {'yes' if met else '**no**'} | {load} |"
        )


if __name__ == "__main__":
    sys.exit(main())
