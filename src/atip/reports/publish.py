"""The copy of a decision for the website: the letter and its annexes without the requester."""

from __future__ import annotations

from pathlib import Path

from atip.letters import issuing
from atip.register.issued_letters import issued_decision_date
from atip.register.recorder import Recorder
from atip.register.settings import Settings


def publish(
    register: Recorder,
    settings: Settings,
    reference: str,
    out_dir: Path,
    formats: tuple[str, ...] = ("docx", "pdf"),
) -> list[Path]:
    """The decision letter and annexes for the website, without the requester; journaled."""
    letter_date = issued_decision_date(register.engine, reference)
    job = issuing.make_job(
        register,
        settings,
        reference,
        "decision",
        formats=formats,
        out_dir=out_dir,
        letter_date=letter_date,
        published=True,
    )
    issuing.check_out_dir(out_dir)
    return issuing.issue(register, job, reissue=True)
