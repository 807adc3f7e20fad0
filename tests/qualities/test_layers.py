"""The packages are floors: cli -> demo -> reports -> letters -> register -> law -> base.

A module imports only from its own floor or the floors below it, the domain never imports click,
and the law is pure: no database, no files written, no template engine.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).parents[2] / "src" / "atip"
# Base modules every floor may use: errors, the vocabulary, French, resources, templating, files.
FLOORS = {"base": 0, "law": 1, "register": 2, "letters": 3, "reports": 4, "demo": 5, "cli": 6}
PURE_LAW_FORBIDS = ("sqlalchemy", "sqlmodel", "jinja2", "weasyprint", "docxtpl", "click")
# Base modules the law has no use for: it renders nothing and writes no file.
LAW_NEVER_USES = ("atip.templating", "atip.files")


def floor_of(module: str) -> str:
    """The floor of a dotted module name under atip."""
    parts = module.split(".")
    if module == "atip.__main__":
        return "cli"  # `python -m atip` is the command line
    if len(parts) > 1 and parts[1] in FLOORS:
        return parts[1]
    return "base"


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC.parent).with_suffix("")
        name = ".".join(rel.parts).removesuffix(".__init__")
        found.append((name, path))
    return found


def imports_of(path: Path, package: str | None = None) -> list[str]:
    """Every module a file imports, at the top or inside a function, relative ones resolved
    from `package` (default: the file's own)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if package is None:
        package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1])
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parent, base] if base else parent)
            names.append(base)
            names.extend(f"{base}.{alias.name}" for alias in node.names)
    return names


def test_the_tree_has_the_packages_of_the_architecture() -> None:
    assert {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()} >= {
        "law",
        "register",
        "letters",
        "reports",
        "demo",
        "cli",
    }


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_no_module_imports_from_a_floor_above_it(module: str, path: Path) -> None:
    mine = FLOORS[floor_of(module)]
    above = [
        name
        for name in imports_of(path)
        if name.startswith("atip.") and FLOORS[floor_of(name)] > mine
    ]
    assert above == [], f"{module} ({floor_of(module)}) imports from above: {above}"


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_only_the_cli_imports_click(module: str, path: Path) -> None:
    if floor_of(module) == "cli":
        return
    assert not [n for n in imports_of(path) if n == "click" or n.startswith("click.")], module


@pytest.mark.parametrize(
    ("module", "path"),
    [(m, p) for m, p in modules() if floor_of(m) in ("law", "base")],
    ids=[m for m, _ in modules() if floor_of(m) in ("law", "base")],
)
def test_the_law_and_the_base_touch_no_database(module: str, path: Path) -> None:
    forbidden = [n for n in imports_of(path) if n.split(".")[0] in PURE_LAW_FORBIDS[:2]]
    assert forbidden == [], module
    if floor_of(module) == "law":
        assert not [n for n in imports_of(path) if n.split(".")[0] in PURE_LAW_FORBIDS], module
        assert not [n for n in imports_of(path) if n.startswith(LAW_NEVER_USES)], module


@pytest.mark.parametrize(
    "source",
    [
        "from atip.register.models import Request\n",
        "def f():\n    from atip.register import db\n",
        "from ..register import db\n",
        "import atip.letters.content\n",
    ],
)
def test_the_floor_rule_catches_an_upward_import(source: str, tmp_path: Path) -> None:
    """The check itself can fail: a law module importing the register or letters is reported,
    at the top, inside a function, or relatively."""
    bad = tmp_path / "probe.py"
    bad.write_text(source, encoding="utf-8")
    found = imports_of(bad, package="atip.law")
    law = FLOORS["law"]
    assert [name for name in found if name.startswith("atip.") and FLOORS[floor_of(name)] > law]


def test_no_module_name_shadows_the_standard_library() -> None:
    import sys

    stdlib = sys.stdlib_module_names
    clashes = [m for m, _ in modules() if m.split(".")[-1] in stdlib]
    assert clashes == []


@pytest.mark.parametrize(("module", "path"), modules(), ids=[m for m, _ in modules()])
def test_only_the_register_touches_the_database(module: str, path: Path) -> None:
    """Everything that touches the database is in one folder, register/."""
    if floor_of(module) == "register":
        return
    database = ("sqlalchemy", "sqlmodel", "psycopg", "alembic", "sqlite3")
    assert [n for n in imports_of(path) if n.split(".")[0] in database] == [], module
