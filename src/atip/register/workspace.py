"""Creating a workspace and bringing its database to the current schema."""

from __future__ import annotations

from pathlib import Path

from atip.errors import WorkspaceError
from atip.i18n import _
from atip.register import db
from atip.register.settings import CONFIG_NAME, load_settings, write_template


def init_workspace(folder: Path, **profile: str) -> list[str]:
    """Create atip.toml and the database, or upgrade the configured database; say what was done."""
    said: list[str] = []
    folder = folder.expanduser().resolve()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / CONFIG_NAME).exists():
            write_template(folder, **profile)
            (folder / "db").mkdir(exist_ok=True)
            (folder / "db" / ".gitignore").write_text("*\n", encoding="utf-8")
            said.append(_("created workspace {folder}").format(folder=folder))
    except OSError as exc:
        raise WorkspaceError(
            _("cannot create a workspace in {folder}: {error}").format(
                folder=folder, error=exc.strerror
            )
        ) from None
    settings = load_settings(folder)
    engine = db.make_engine(settings.database_url)
    try:
        before, after = db.upgrade(engine)
        from atip.register.facts import rules_of
        from atip.register.recompute import sync_rules

        if sync_rules(engine, rules_of(settings)):
            said.append(_("recomputed the stored dates for the deadline settings of atip.toml"))
    finally:
        engine.dispose()
    if before is None:
        said.append(_("created the database schema (revision {revision})").format(revision=after))
    elif before != after:
        said.append(
            _("upgraded the database schema from revision {before} to {after}").format(
                before=before, after=after
            )
        )
    else:
        said.append(
            _("the database is already at the current schema (revision {revision})").format(
                revision=after
            )
        )
    return said
