"""The demo's letters: both seed decisions re-created through the register, plus notices."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

from atip.demo import data as demo_data
from atip.i18n import _
from atip.letters.issuing import check_out_dir, issue, make_job
from atip.register.reader import Reader
from atip.register.recorder import NewRequest, Recorder


def _seed_request(register: Recorder, name: str) -> tuple[str, date]:
    """Log a seed request, its annexes and its decision, as a clerk would."""
    from atip.law.articles import default_library

    seed = demo_data.load(name)
    case = seed.case
    ref = register.create(
        NewRequest(
            received_on=case.received_on,
            clarified_on=case.clarified_on,
            requester=case.requester_name,
            address=case.requester_address,
            email=case.requester_email,
            courtesy=case.requester_courtesy or None,
            subject=case.subject,
            reference=case.reference,
            kind=case.kind,
        )
    )
    for section in case.sections:
        register.add_annex(ref, section)
    decision = case.decision
    assert decision is not None
    register.decide(
        ref,
        decision.decided_on,
        decision.outcome,
        decision.articles,
        decision.links,
        "\n\n".join(decision.paragraphs),
        decision.referral_body,
        cited_check=default_library(register.settings.workspace).check_citable,
    )
    return ref, seed.letter_date


def write_demo_letters(register: Recorder, reader: Reader, out_dir: Path, today: date) -> list[str]:
    """Write the two seed decisions, an acknowledgement and an extension notice."""
    check_out_dir(out_dir)
    written: list[Path] = []

    def write(reference: str, kind: str, letter_date: date, seed: str | None = None) -> None:
        settings = register.settings
        if seed is not None:
            # Each seed letter under the settings its ministry had (demo/data/*/request.toml).
            settings = dataclasses.replace(settings, **demo_data.settings(seed))
        job = make_job(
            register,
            settings,
            reference,
            kind,
            formats=("docx", "pdf"),
            out_dir=out_dir,
            letter_date=letter_date,
        )
        written.extend(issue(register, job))

    for name in ("seed2020", "seed2024"):
        reference, letter_date = _seed_request(register, name)
        write(reference, "decision", letter_date, name)
    open_rows = reader.requests(today, open_only=True)
    if open_rows:
        oldest = open_rows[-1]
        write(oldest["reference"], "acknowledgement", date.fromisoformat(oldest["received_on"]))
    extended = [row for row in open_rows if row["extended"]]
    if extended:
        row = extended[0]
        write(row["reference"], "extension", date.fromisoformat(row["extended_on"]))
    return [_("wrote {path}").format(path=path) for path in written]
