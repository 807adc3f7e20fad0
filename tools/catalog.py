"""The message catalogs: extract every message from the code, update the French catalogs,
compile them, and check that nothing lacks a translation.

    python tools/catalog.py update [PART]  # new messages into their .po (empty), gone ones out
    python tools/catalog.py compile   # .po -> .mo (committed: a plain `pip install .` has them)
    python tools/catalog.py check     # exit 1 on a missing translation or a stale .mo

Messages are found by reading the code (never by running it): the arguments of `_()`, `N_()`
and `ngettext()`, the `help=` of click options, and the docstrings of click commands, which
click shows as their help. Each package has its own catalog (`law.po`, `register.po`, …), so
that work on one part of atip touches one file; click's own strings are in `click.po`.
"""

from __future__ import annotations

import ast
import inspect
import io
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "atip"
LOCALE = SRC / "locale"
LANGUAGES = ("fr",)
MARKERS = {"_": 1, "N_": 1, "ngettext": 2}
COMMAND_DECORATORS = ("command", "group")
# A str.format field: its name counts, not its conversion or format (French may quote with « »).
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")

Message = str | tuple[str, str]  # a msgid, or (singular, plural)
# Strings click translates through a variable, `_(extra["required"])`: no literal to read.
CLICK_DYNAMIC = ("required",)


def part_of(path: Path) -> str:
    """The catalog a source file's messages go to: its package, or `base`."""
    rel = path.relative_to(SRC)
    return rel.parts[0] if len(rel.parts) > 1 else "base"


def _decorated_as_command(node: ast.FunctionDef) -> bool:
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
        if name in COMMAND_DECORATORS:
            return True
    return False


def messages_of(path: Path) -> Iterator[tuple[Message, int]]:
    """Every message in one source file, with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and _decorated_as_command(node):
            doc = ast.get_docstring(node, clean=False)
            if doc:
                yield inspect.cleandoc(doc).partition("\f")[0].strip(), node.lineno
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        if name in MARKERS:
            args = [a.value for a in node.args[: MARKERS[name]] if isinstance(a, ast.Constant)]
            if len(args) == MARKERS[name] and all(isinstance(a, str) for a in args):
                yield (args[0] if len(args) == 1 else (args[0], args[1])), node.lineno
        if name in ("option", "group", "command", "argument"):
            for keyword in node.keywords:
                value = keyword.value
                if keyword.arg in ("help", "short_help") and isinstance(value, ast.Constant):
                    yield str(value.value), node.lineno


def extract() -> dict[str, dict[Message, list[tuple[str, int]]]]:
    """part -> message -> where it is used."""
    found: dict[str, dict[Message, list[tuple[str, int]]]] = {}
    for path in sorted(SRC.rglob("*.py")):
        for message, line in messages_of(path):
            if not (message if isinstance(message, str) else message[0]).strip():
                continue
            where = (str(path.relative_to(ROOT)), line)
            found.setdefault(part_of(path), {}).setdefault(message, []).append(where)
    return found


def click_messages() -> dict[Message, list[tuple[str, int]]]:
    """click's own strings ("Usage:", "Show this message and exit.", …), read from its source."""
    import click

    folder = Path(click.__file__).parent
    found: dict[Message, list[tuple[str, int]]] = {}
    for path in sorted(folder.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("_", "ngettext"):
                count = 1 if node.func.id == "_" else 2  # type: ignore[attr-defined]
                args = [a.value for a in node.args[:count] if isinstance(a, ast.Constant)]
                if len(args) == count and all(isinstance(a, str) for a in args):
                    message: Message = args[0] if count == 1 else (args[0], args[1])
                    found.setdefault(message, []).append((f"click/{path.name}", node.lineno))
    for message in CLICK_DYNAMIC:
        found.setdefault(message, []).append(("click/core.py", 0))
    return found


def po_path(language: str, part: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{part}.po"


def load(path: Path, language: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=language, domain=path.stem)
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def save(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, omit_header=False, no_location=True)
    path.write_bytes(buffer.getvalue())


def wanted() -> dict[str, dict[Message, list[tuple[str, int]]]]:
    parts = extract()
    parts["click"] = click_messages()
    return parts


def update(only: str | None = None) -> None:
    """Add new messages to their catalog (untranslated) and drop the ones no code uses."""
    for language in LANGUAGES:
        for part, messages in wanted().items():
            if only is not None and part != only:
                continue
            path = po_path(language, part)
            old = load(path, language)
            new = Catalog(locale=language, domain=part, project="atip", fuzzy=False)
            for message, where in messages.items():
                previous = old.get(message if isinstance(message, str) else message[0])
                new.add(message, previous.string if previous else "", locations=where)
            save(new, path)


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> None:
    """Write each .mo beside its .po."""
    for path in sorted(LOCALE.glob("*/LC_MESSAGES/*.po")):
        catalog = load(path, path.parts[-3])
        path.with_suffix(".mo").write_bytes(compiled(catalog))


def problems() -> list[str]:
    """Every message without a translation, every translation that drops or invents a
    placeholder, and every .mo that is not its .po compiled."""
    out: list[str] = []
    for language in LANGUAGES:
        for part, messages in wanted().items():
            path = po_path(language, part)
            catalog = load(path, language)
            for message, where in messages.items():
                msgid = message if isinstance(message, str) else message[0]
                entry = catalog.get(msgid)
                strings = entry.string if entry is not None else ""
                if isinstance(strings, str):
                    strings = (strings,)
                place = f"{where[0][0]}:{where[0][1]}"
                if entry is None or not all(strings):
                    out.append(f"{path.name}: no {language} translation for {msgid!r} ({place})")
                    continue
                ids = set(PLACEHOLDER.findall(msgid))
                for text in strings:
                    if set(PLACEHOLDER.findall(text)) != ids and part != "click":
                        out.append(f"{path.name}: placeholders differ in {msgid!r} ({place})")
            mo = path.with_suffix(".mo")
            if not mo.exists() or mo.read_bytes() != compiled(catalog):
                out.append(f"{mo.name}: not compiled from {path.name}: run catalog.py compile")
    return out


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update(argv[2] if len(argv) > 2 else None)
    elif command == "compile":
        compile_all()
    elif command == "check":
        found = problems()
        for line in found:
            print(line)
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
