"""Where the packaged templates and law texts are, installed or from a source checkout."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_ROOT_FOLDERS = ("templates", "legal_articles")


@cache
def packaged_dir(name: str) -> Path:
    """Return the packaged folder `templates` or `legal_articles`."""
    if name not in _ROOT_FOLDERS:
        raise ValueError(name)
    installed = Path(__file__).parent / "_data" / name
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2] / name


def search_path(name: str, workspace: Path | None) -> list[Path]:
    """The folders to look in, the workspace's own first so that its files override ours."""
    dirs = []
    if workspace is not None and (workspace / name).is_dir():
        dirs.append(workspace / name)
    dirs.append(packaged_dir(name))
    return dirs
