"""Baselines for one decision letter: weasyprint and docxtpl rendering atip's content directly.

`prepare WORKSPACE REF DATE FOLDER` builds the letter as `atip letter` does and writes what the
plain libraries need to render the same content: the HTML atip lays out, its stylesheet with
the font rules, and the letter's data as JSON for the DOCX template. WEASYPRINT and DOCXTPL are
the baseline programs for fresh processes: they import only their library. `warm ... RUNS`
times both sides inside one process whose imports are done, and prints medians as JSON.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

# weasyprint as its documentation shows it for @font-face: an HTML file, a stylesheet and a
# font configuration shared by both, a PDF file.
WEASYPRINT = """\
import sys
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
html, css, out = sys.argv[1:4]
fonts = FontConfiguration()
HTML(filename=html).write_pdf(
    out, stylesheets=[CSS(filename=css, font_config=fonts)], font_config=fonts
)
"""

# The template's one filter: consecutive group blocks two by two (atip.letters.model).
GROUP_ROWS = """\
def group_rows(blocks):
    out, run = [], []
    for block in [*blocks, None]:
        if block is not None and block["kind"] == "group":
            run.append(block)
            continue
        if run:
            if len(run) % 2:
                run.append({k: type(v)() if isinstance(v, (str, list)) else v
                            for k, v in run[0].items()})
            out.append({"kind": "group-rows",
                        "rows": [(run[i], run[i + 1]) for i in range(0, len(run), 2)]})
            run = []
        if block is not None:
            out.append(block)
    return out
"""

# docxtpl as its documentation shows it: a template, a context, a Jinja environment with the
# template's filter, autoescape, save.
DOCXTPL = (
    """\
import json, sys
import jinja2
from docxtpl import DocxTemplate
"""
    + GROUP_ROWS
    + """\
template, data, out = sys.argv[1:4]
document = DocxTemplate(template)
env = jinja2.Environment(autoescape=True)
env.filters["group_rows"] = group_rows
with open(data, encoding="utf-8") as handle:
    document.render(json.load(handle), env, autoescape=True)
document.save(out)
"""
)


def _plain(value: Any) -> Any:
    """The letter as JSON-able data, with the properties its templates read."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
        for name in ("ragged", "title", "author"):
            if hasattr(type(value), name):
                data[name] = getattr(value, name)
        return data
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, date):
        return value.isoformat()
    return value


def prepare(workspace: Path, reference: str, letter_date: date, folder: Path) -> None:
    """Write letter.html, letter.css and letter.json for the baselines into `folder`."""
    from atip.law.articles import default_library
    from atip.letters.content import build_letter
    from atip.letters.issuing import load_letter_case, profile_of
    from atip.letters.pdf import CSS_FILE, _font_css, html_text
    from atip.register.db import open_engine
    from atip.register.recorder import Recorder
    from atip.register.settings import load_settings
    from atip.resources import find_template, search_path

    settings = load_settings(workspace)
    register = Recorder(open_engine(settings.database_url), settings)
    templates = search_path("templates", workspace)
    letter = build_letter(
        "decision",
        load_letter_case(register, reference),
        profile_of(settings),
        letter_date,
        default_library(workspace),
        template_dirs=templates,
    )
    css = _font_css(templates) + find_template(templates, CSS_FILE).read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "letter.css").write_text(css, encoding="utf-8")
    (folder / "letter.html").write_text(html_text(letter, templates), encoding="utf-8")
    data = json.dumps({"letter": _plain(letter)}, ensure_ascii=False)
    (folder / "letter.json").write_text(data, encoding="utf-8")


def warm(workspace: Path, reference: str, letter_date: date, given: Path, runs: int) -> dict:
    """Median seconds of one render in a process that has rendered once already.

    atip: read the request, build the letter, write the file (as `atip letter` does once its
    modules are loaded); the libraries: the documented calls on the prepared content.
    """
    import statistics
    import time

    from docxtpl import DocxTemplate  # type: ignore[import-untyped]
    from weasyprint import CSS, HTML  # type: ignore[import-untyped]
    from weasyprint.text.fonts import FontConfiguration  # type: ignore[import-untyped]

    from atip.cli import App
    from atip.letters.issuing import discard, make_job, render_job
    from atip.resources import search_path

    app = App(workspace)
    out = given / "warm"
    out.mkdir(exist_ok=True)
    template = search_path("templates", workspace)[-1] / "letter.docx"
    data = json.loads((given / "letter.json").read_text(encoding="utf-8"))

    def atip_render(fmt: str) -> None:
        job = make_job(app.recorder, app.settings, reference, "decision", formats=(fmt,),
                       out_dir=out, letter_date=letter_date)  # fmt: skip
        discard(render_job(job).staged.values())

    def weasyprint() -> None:
        fonts = FontConfiguration()
        css = CSS(filename=str(given / "letter.css"), font_config=fonts)
        HTML(filename=str(given / "letter.html")).write_pdf(
            str(out / "letter.pdf"), stylesheets=[css], font_config=fonts
        )

    import jinja2

    names: dict[str, Any] = {}
    exec(GROUP_ROWS, names)
    env = jinja2.Environment(autoescape=True)
    env.filters["group_rows"] = names["group_rows"]

    def docxtpl() -> None:
        document = DocxTemplate(str(template))
        document.render(data, env, autoescape=True)
        document.save(str(out / "letter.docx"))

    tasks = {
        "atip-pdf": lambda: atip_render("pdf"),
        "weasyprint": weasyprint,
        "atip-docx": lambda: atip_render("docx"),
        "docxtpl": docxtpl,
    }
    times: dict[str, list[float]] = {name: [] for name in tasks}
    for task in tasks.values():
        task()
    for _ in range(runs):
        for name, task in tasks.items():
            start = time.perf_counter()
            task()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


USAGE = """usage: render_letter.py prepare WORKSPACE REF DATE FOLDER
       render_letter.py warm WORKSPACE REF DATE FOLDER RUNS"""

if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["prepare"] and len(args) == 5:
        prepare(Path(args[1]), args[2], date.fromisoformat(args[3]), Path(args[4]))
    elif args[:1] == ["warm"] and len(args) == 6:
        figures = warm(Path(args[1]), args[2], date.fromisoformat(args[3]), Path(args[4]),
                       int(args[5]))  # fmt: skip
        print(json.dumps(figures))
    else:
        sys.exit(USAGE)
