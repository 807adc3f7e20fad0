"""Files written atomically: a temporary file in the same folder, synced, then renamed.

Every file atip writes holds personal information unless it is a published copy: files are
created 0600 and folders 0700 whatever the umask (0640 and 0750 when a workspace shares with a
group, `[files] share_with_group`; a published copy is 0644). Temporary files carry the id of
the process that writes them (`.NAME.~PID~XXXX.tmp`, `.NAME.PID.partial`), so that the next run
removes those whose process is gone (`stale_leftovers`), and never one still being written.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from pathlib import Path

PRIVATE_FILE, PRIVATE_DIR = 0o600, 0o700
GROUP_FILE, GROUP_DIR = 0o640, 0o750
PUBLIC_FILE = 0o644

_share_with_group = False
# Folders this process created, deepest last: removed again if the command is refused.
_created: list[Path] = []

# A temporary name atip writes: `.NAME.~PID~RANDOM.tmp` (atomic writes, backups, with SQLite's
# own `-journal`, `-wal` and `-shm` beside them) or `.NAME.PID.partial` (a letter's staging file).
_TEMPORARY = re.compile(
    r"^\..+?\.(?:~(?P<tmp>\d+)~[^.]*\.tmp(?:-journal|-wal|-shm)?|(?P<partial>\d+)\.partial)$"
)
# A temporary name of an older atip, without the writer's id: stale after this many seconds.
_OLD_TEMPORARY = re.compile(r"^\..+\.(?:tmp|partial)(?:-journal|-wal|-shm)?$")
_OLD_AFTER_SECONDS = 3600
_STALE_AFTER_SECONDS = 24 * 3600


def share_with_group(enabled: bool) -> None:
    """Make the files and folders written from now on readable by the owner's group."""
    global _share_with_group
    _share_with_group = enabled


def file_mode(*, public: bool = False) -> int:
    """The mode of a file atip writes: 0600, 0640 shared with the group, 0644 published."""
    if public:
        return PUBLIC_FILE
    return GROUP_FILE if _share_with_group else PRIVATE_FILE


def dir_mode() -> int:
    """The mode of a folder atip creates: 0700, or 0750 shared with the group."""
    return GROUP_DIR if _share_with_group else PRIVATE_DIR


def fault(step: str) -> None:
    """Die here, as a power cut would, when ATIP_FAULT names this step (the kill tests)."""
    if os.environ.get("ATIP_FAULT") == step:
        os.kill(os.getpid(), signal.SIGKILL)


def make_dirs(path: Path) -> None:
    """Create `path` and its missing parents with the workspace's folder mode.

    The folders created are remembered: `remove_created_dirs` takes them away again when the
    command is refused, so that a refused command leaves no new folder.
    """
    path = Path(path)
    missing: list[Path] = []
    for folder in (path, *path.parents):
        if folder.exists() or folder.is_symlink():
            break
        missing.append(folder)
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=dir_mode())
        except FileExistsError:
            continue
        os.chmod(folder, dir_mode())  # mkdir's mode passes through the umask
        _created.append(folder)
    if not path.is_dir():
        raise NotADirectoryError(20, os.strerror(20), str(path))


def keep_created_dirs() -> None:
    """The command succeeded: the folders it created stay."""
    _created.clear()


def remove_created_dirs() -> None:
    """Remove the folders this process created that are still empty, deepest first."""
    while _created:
        with contextlib.suppress(OSError):
            _created.pop().rmdir()


def temporary_prefix(name: str) -> str:
    """The prefix of a temporary file for `name`: hidden, with this process's id."""
    return f".{name}.~{os.getpid()}~"


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: alive
    try:  # a zombie (dead, not yet reaped) writes nothing any more
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][:1] != "Z"
    except (OSError, IndexError):
        return True


def is_temporary(name: str) -> bool:
    """True when `name` is a temporary or staging file name that atip writes."""
    return bool(_TEMPORARY.match(name) or _OLD_TEMPORARY.match(name))


def writer_alive(path: Path) -> bool:
    """True when the process that writes this temporary file may still be running."""
    try:
        age = time.time() - path.lstat().st_mtime
    except OSError:
        return False
    match = _TEMPORARY.match(path.name)
    if match is None:
        return age < _OLD_AFTER_SECONDS
    # A day old, its id may belong to another process by now: no letter takes that long.
    return age < _STALE_AFTER_SECONDS and _alive(int(match.group("tmp") or match.group("partial")))


def stale_leftovers(folder: Path) -> list[Path]:
    """Temporary files in `folder` whose writer is gone: what a killed run left behind."""
    try:
        entries = sorted(Path(folder).iterdir())
    except OSError:
        return []
    return [
        p
        for p in entries
        if is_temporary(p.name) and not p.is_dir() and not p.is_symlink() and not writer_alive(p)
    ]


def remove_leftovers(folder: Path) -> list[Path]:
    """Remove the stale temporary files of `folder`; return those removed."""
    removed = []
    for path in stale_leftovers(folder):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path)
    return removed


def sync_folder(folder: Path) -> None:
    """Make the renames in `folder` durable."""
    with contextlib.suppress(OSError):
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write_bytes(path: Path, data: bytes, *, public: bool = False) -> str:
    """Write `data` to `path` through a temporary file in the same folder; return its SHA-256.

    The file gets `file_mode(public=public)` whatever the umask.
    """
    path = Path(path)
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=temporary_prefix(path.name), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), file_mode(public=public))
            os.fsync(handle.fileno())
        fault("file-written")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    sync_folder(path.parent)
    import hashlib

    return hashlib.sha256(data).hexdigest()
