"""The one Jinja environment factory: every template (letters, DOCX, annual report) is rendered
with autoescape on and undefined names refused.

Text templates (templates/wording/*.txt.j2) are escaped like the others; `plain()` turns what
they produce back into text, which each renderer then escapes for its own format. Escaping and
unescaping is an identity on the data, so user text comes out exactly as typed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment

Filters = tuple[tuple[str, Callable[..., Any]], ...]


@lru_cache(maxsize=16)
def _environment(dirs: tuple[str, ...], filters: Filters, trim: bool) -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(list(dirs)) if dirs else None,
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=trim,
        lstrip_blocks=trim,
    )
    env.filters.update(dict(filters))
    return env


def environment(
    template_dirs: Sequence[Path | str] = (), filters: Filters = (), *, trim: bool = True
) -> Environment:
    """The cached environment over these template folders (the first one wins).

    `trim` drops the newline after a block tag and the indent before it, as text and HTML
    templates want; DOCX XML is rendered untrimmed, exactly as Word wrote it.
    """
    return _environment(tuple(str(d) for d in template_dirs), filters, trim)


def plain(rendered: object) -> str:
    """What a text template rendered, as text: its escaped values turned back as typed."""
    from markupsafe import Markup

    return str(Markup(str(rendered)).unescape())
