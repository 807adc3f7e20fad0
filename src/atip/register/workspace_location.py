"""Where the workspace is, found before anything else is loaded (even help reads its language).

Only the standard library: every command, `atip --help` included, goes through here.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from atip.errors import WorkspaceError
from atip.i18n import _

CONFIG_NAME = "atip.toml"


def find_workspace(explicit: Path | None = None, cwd: Path | None = None) -> Path:
    """--workspace, then ATIP_WORKSPACE, then the nearest atip.toml upward from here."""
    for given in (explicit, os.environ.get("ATIP_WORKSPACE") or None):
        if given is not None:
            path = Path(given).expanduser().resolve()
            if not (path / CONFIG_NAME).is_file():
                raise WorkspaceError(
                    _("no {config} in {path}: run `atip init {path}` first").format(
                        config=CONFIG_NAME, path=path
                    )
                )
            return path
    here = (cwd or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    raise WorkspaceError(
        _(
            "no atip workspace here or above {folder}: run `atip init` or pass --workspace DIR"
        ).format(folder=here)
    )


def workspace_language(explicit: Path | None = None) -> str | None:
    """The `[interface] language` of the workspace atip would use, if it names one it speaks.

    Read before the command line is parsed, so that even help speaks it; any problem with the
    workspace is left for the command itself to report.
    """
    try:
        path = find_workspace(explicit) / CONFIG_NAME
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (WorkspaceError, OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    section = raw.get("interface")
    language = section.get("language") if isinstance(section, dict) else None
    return language if language in ("fr", "en") else None
