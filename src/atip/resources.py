"""Where the packaged templates and law texts are, installed or from a source checkout."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from atip.errors import InputError
from atip.i18n import _

_ROOT_FOLDERS = ("templates", "legal_articles")
# The shipped font (templates/fonts/), under a name no system font has, for letters and reports.
FONT_FAMILY = "LiberationSerif Atip"
FONT_FILES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}


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


def find_template(template_dirs: Sequence[Path | str], name: str) -> Path:
    """The first `name` found in the template folders (the workspace's own first)."""
    for folder in template_dirs:
        candidate = Path(folder) / name
        if candidate.is_file():
            return candidate
    where = ", ".join(str(d) for d in template_dirs) or _("(no template folder)")
    raise InputError(_("template {name} not found in {where}").format(name=name, where=where))


def file_stamp(path: Path) -> tuple[str, int, int]:
    """A file's path, modification time and size: a cache key that changes with the file."""
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


def font_faces(template_dirs: Sequence[Path | str]) -> list[tuple[str, str, str]]:
    """(weight, style, file URI) of each face of the shipped font, the workspace's own first."""
    return [
        (weight, style, find_template(template_dirs, f"fonts/{name}").resolve().as_uri())
        for (weight, style), name in FONT_FILES.items()
    ]
