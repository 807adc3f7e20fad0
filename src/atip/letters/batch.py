"""Every letter not issued yet, rendered on all cores with a progress bar."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from datetime import date
from pathlib import Path

from atip.i18n import _
from atip.letters.issuing import Job, Rendered, discard, due_letters, make_job, record, render_job
from atip.register.recorder import Recorder
from atip.register.settings import Settings

PARALLEL_FROM = 4  # below this many letters, one process is faster than starting workers


def issue_all_due(
    register: Recorder,
    settings: Settings,
    out_dir: Path,
    formats: tuple[str, ...],
    letter_date: date | None = None,
    jobs: int | None = None,
    *,
    warn: Callable[[str], None] | None = None,
) -> Iterator[Path]:
    """Render every due letter (workers render, this process records); yield the paths.

    Each letter is dated as `atip letter` would date it alone: a decision its decision date,
    the others `letter_date` when given, else the day of the event they notify.
    """
    from rich.console import Console
    from rich.progress import Progress

    work = [
        make_job(
            register,
            settings,
            ref,
            kind,
            formats=formats,
            out_dir=out_dir,
            letter_date=None if kind == "decision" else letter_date,
        )
        for ref, kind in due_letters(register)
    ]
    if warn is not None:
        for job in work:
            for line in job.warnings:
                warn(line)
    workers = min(jobs or os.cpu_count() or 1, len(work))
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(_("letters"), total=len(work))
        for rendered in render_all(work, workers):
            yield from record(register, rendered)
            progress.advance(task)


def render_all(work: list[Job], workers: int) -> Iterator[Rendered]:
    """Render the jobs, in parallel when it pays; on failure no staging file is left behind."""
    if workers < 2 or len(work) < PARALLEL_FROM:
        yield from map(render_job, work)
        return
    # Workers are forked from this process: import the rendering libraries once, here, rather
    # than once in each worker while the letters wait.
    if any("pdf" in job.formats for job in work):
        import weasyprint  # noqa: F401
    if any("docx" in job.formats for job in work):
        import docxtpl  # noqa: F401
    pool = ProcessPoolExecutor(max_workers=workers)
    futures: list[Future[Rendered]] = [pool.submit(render_job, job) for job in work]
    try:
        for future in as_completed(futures):
            yield future.result()
    except BaseException:
        for future in futures:
            future.cancel()
        pool.shutdown(wait=True)  # letters being rendered finish; then their files go
        for future in futures:
            if not future.cancelled() and future.exception() is None:
                discard(future.result().staged.values())
        raise
    finally:
        pool.shutdown(wait=True)
