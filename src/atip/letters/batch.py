"""Every letter not issued yet, rendered on all cores with a progress bar."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from datetime import date
from pathlib import Path

from atip.errors import AtipError
from atip.files import fault
from atip.i18n import _
from atip.letters.issuing import (
    DATED_BY_DECISION,
    Job,
    Rendered,
    build,
    discard,
    make_job,
    record,
    render_job,
    split_code,
)
from atip.register.issued_letters import due_letters
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
    fail: Callable[[str], None] | None = None,
) -> Iterator[Path]:
    """Render every due letter (workers render, this process records); yield the paths.

    Each letter is dated as `atip letter` would date it alone: a decision its decision date,
    the others `letter_date` when given, else the day of the event they notify.
    A letter that cannot be written does not stop the others: `fail` gets one line for it,
    "REF: why", and every other letter is written (a letter due again after a correction is
    issued as a reissue).
    """
    from rich.console import Console
    from rich.progress import Progress

    reported: set[str] = set()

    def failed(reference: str, exc: AtipError) -> None:
        line = f"{reference}: {exc.message}"
        if line not in reported:
            reported.add(line)
            if fail is not None:
                fail(line)
            else:
                raise exc

    work: list[Job] = []
    reissues: set[tuple[str, str]] = set()
    for ref, kind, reissue in due_letters(register.engine):
        try:
            job = make_job(
                register,
                settings,
                ref,
                kind,
                formats=formats,
                out_dir=out_dir,
                letter_date=None if split_code(kind)[0] in DATED_BY_DECISION else letter_date,
            )
            build(job)  # refused here, in this process, rather than in a worker
        except AtipError as exc:
            failed(ref, exc)
            continue
        work.append(job)
        if reissue:
            reissues.add((job.reference, job.kind))
    if warn is not None:
        for job in work:
            for line in job.warnings:
                warn(line)
    workers = min(jobs or os.cpu_count() or 1, len(work))
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task(_("letters"), total=len(work))
        for rendered in render_all(work, workers):
            job = rendered.job
            try:
                yield from record(register, rendered, reissue=(job.reference, job.kind) in reissues)
            except AtipError as exc:
                failed(job.reference, exc)
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
    pool = ProcessPoolExecutor(
        max_workers=workers, initializer=_die_with_parent, initargs=(os.getpid(),)
    )
    futures: list[Future[Rendered]] = [pool.submit(render_job, job) for job in work]
    fault("batch-rendering")
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


def _die_with_parent(parent: int) -> None:
    """Worker initializer: the worker ends when the process that started it is gone.

    A worker forked by a parent that is killed would otherwise wait for work forever (it holds
    both ends of the pool's pipes), with a rendering library loaded. Linux ends it at once
    (PR_SET_PDEATHSIG); elsewhere a watch thread sees its parent change within a second.
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the call above
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


_PR_SET_PDEATHSIG = 1


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os.kill(os.getpid(), signal.SIGKILL)
