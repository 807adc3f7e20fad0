"""The catalogs: every message of the code has its French translation, with the same
placeholders, and the compiled catalogs that ship are those of the .po files."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).parents[2]


def catalog_tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("catalog", ROOT / "tools" / "catalog.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_no_message_lacks_a_french_translation() -> None:
    assert catalog_tool().problems() == []


def test_the_check_finds_a_missing_translation(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The check can fail: a message added to the code without a translation is reported."""
    tool = catalog_tool()
    source = tmp_path / "src" / "atip" / "law"
    source.mkdir(parents=True)
    (source / "new.py").write_text('from atip.i18n import _\n_("a brand new message")\n')
    monkeypatch.setattr(tool, "SRC", tmp_path / "src" / "atip")
    monkeypatch.setattr(tool, "ROOT", tmp_path)
    assert any("a brand new message" in line for line in tool.problems())


def test_messages_are_read_from_calls_help_and_docstrings(tmp_path: Path) -> None:
    tool = catalog_tool()
    path = tmp_path / "x.py"
    path.write_text(
        "from atip.i18n import _, ngettext\n"
        '@group.command()\n@option("--on", help="The day.")\ndef f():\n    """Do it.\n\n    More."""\n'
        '    _("one {n}")\n    ngettext("a {n}", "many {n}", 2)\n',
        encoding="utf-8",
    )
    found = {message for message, _line in tool.messages_of(path)}
    assert found == {"Do it.\n\nMore.", "The day.", "one {n}", ("a {n}", "many {n}")}
