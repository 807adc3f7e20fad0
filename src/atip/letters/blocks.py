"""From the clerk's text, the annexes and the law texts to a letter's blocks; French prose."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from atip import french
from atip.errors import InputError
from atip.i18n import _
from atip.letters.model import REFUSAL_HEADING, Annex, Block, DecisionData
from atip.register.validation import ANNEX_MARK, check_placed_annexes
from atip.vocabulary import NOT_GROUNDS, REFUSAL_OUTCOMES

if TYPE_CHECKING:
    from atip.law.articles import LawLibrary
    from atip.register.annexes import Section

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_BULLET = re.compile(r"^[-•–]\s+")
_DECISION_MARK = re.compile(r"\[\[\s*d[ée]cision\s*\]\]", re.IGNORECASE)
# Private markers: control characters never survive clean(), so user text cannot forge them.
_ANNEX_TOKEN = "\x00annexe:{}\x00"
_ANNEX_TOKEN_RE = re.compile(r"\x00annexe:(\d+)\x00")
_HARD_BREAK = "\x01"
NNBSP = "\u202f"
_NARROW_BEFORE = re.compile("[\u00a0\u202f]([;!?])")


# --------------------------------------------------------------------------- text helpers


def clean(text: str | None) -> str:
    """User text made safe for every format: no control characters, tabs or lone surrogates."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", text)


def prose(text: str) -> str:
    """French typography on prose, line by line, leaving web addresses exactly as written."""
    urls: list[str] = []

    def keep(match: re.Match[str]) -> str:
        url, tail = french.split_address(match.group(0))
        urls.append(url)
        return f"\x02{len(urls) - 1}\x03{tail}"

    protected = french.URL_PATTERN.sub(keep, clean(text))
    lines = [french.typography(line) if line.strip() else line for line in protected.split("\n")]
    # The OQLF's rule: a narrow no-break space before ; ! ? (the shipped Liberation Serif 2
    # has U+202F), a no-break space before : and inside « ».
    out = _NARROW_BEFORE.sub(NNBSP + r"\1", "\n".join(lines))
    return re.sub(r"\x02(\d+)\x03", lambda m: urls[int(m.group(1))], out)


def _is_bullet(line: str) -> bool:
    return bool(_BULLET.match(line))


def _encode_user_paragraph(text: str) -> str:
    """A paragraph typed by a clerk: its line breaks kept, its "- " lines made bullets."""
    lines = [line.strip() for line in clean(text).split("\n") if line.strip()]
    if not lines:
        return ""
    out = lines[0]
    for line in lines[1:]:
        out += ("\n" if _is_bullet(line) else _HARD_BREAK) + line
    return out


def encode_subject(text: str) -> str:
    """The request as worded: each line its own paragraph, "- " lines a list, one final stop."""
    lines = [line.strip() for line in clean(text).split("\n") if line.strip()]
    if not lines:
        return ""
    last = lines[-1]
    if last[-1] in ",;:":
        last = last[:-1].rstrip()
    if last and last[-1] not in ".?!…":
        last += "."
    lines[-1] = last
    out = lines[0]
    for line in lines[1:]:
        out += ("\n" if _is_bullet(line) else "\n\n") + line
    return out


def _split_paragraphs(paragraphs: Sequence[str]) -> list[str]:
    chunks: list[str] = []
    for paragraph in paragraphs:
        chunks.extend(c for c in re.split(r"\n[ \t]*\n", clean(paragraph)) if c.strip())
    return chunks


def clerk_text(
    paragraphs: Sequence[str], reference: str, annex_count: int
) -> tuple[str, str, list[int]]:
    """The clerk's paragraphs split at [[décision]], with [[annexe N]] turned into markers."""
    parts: list[list[str]] = [[]]
    inline: list[int] = []
    for chunk in _split_paragraphs(paragraphs):
        stripped = chunk.strip()
        if _DECISION_MARK.fullmatch(stripped):
            if len(parts) > 1:
                raise InputError(
                    _("the decision text of {reference} has two [[décision]] lines").format(
                        reference=reference
                    )
                )
            parts.append([])
            continue
        mark = ANNEX_MARK.fullmatch(stripped)
        if mark:
            number = int(mark.group(1))
            check_placed_annexes(reference, [number], annex_count)
            inline.append(number)
            parts[-1].append(_ANNEX_TOKEN.format(number))
            continue
        parts[-1].append(_encode_user_paragraph(chunk))
    before, after = (parts[0], parts[1]) if len(parts) > 1 else ([], parts[0])
    return "\n\n".join(before), "\n\n".join(after), inline


def blocks_from_text(text: str, sections: Sequence[Section]) -> list[Block]:
    """Parse wording output: blank lines part paragraphs, "- " lines are bullets."""
    blocks: list[Block] = []
    for chunk in re.split(r"\n[ \t]*\n", text):
        lines = [line.strip() for line in chunk.split("\n") if line.strip()]
        if not lines:
            continue
        token = _ANNEX_TOKEN_RE.fullmatch(lines[0]) if len(lines) == 1 else None
        if token:
            blocks.extend(_section_content(sections[int(token.group(1)) - 1]))
            continue
        paragraph: list[str] = []
        items: list[str] = []
        for line in lines:
            if _is_bullet(line):
                if paragraph:
                    blocks.append(_paragraph(" ".join(paragraph)))
                    paragraph = []
                items.append(_BULLET.sub("", line, count=1))
            else:
                if items:
                    blocks.append(_bullets(items))
                    items = []
                paragraph.append(line)
        if paragraph:
            blocks.append(_paragraph(" ".join(paragraph)))
        if items:
            blocks.append(_bullets(items))
    return _merged(blocks)


def _merged(blocks: Sequence[Block]) -> list[Block]:
    """Adjacent bullet blocks as one list (a file may put each item in its own paragraph)."""
    out: list[Block] = []
    for block in blocks:
        if out and block.kind == "bullets" and out[-1].kind == "bullets":
            out[-1] = Block("bullets", entries=out[-1].entries + block.entries)
        else:
            out.append(block)
    return out


def with_leads(blocks: Sequence[Block]) -> tuple[Block, ...]:
    """Mark each paragraph that introduces a table or a list, to keep them together."""
    out = list(blocks)
    for i, block in enumerate(out[:-1]):
        if block.kind == "paragraph" and out[i + 1].kind in ("table", "bullets", "group"):
            out[i] = dataclasses.replace(block, lead=True)
    return tuple(out)


def _paragraph(text: str) -> Block:
    return Block("paragraph", text=prose(text.replace(_HARD_BREAK, "\n")))


def _bullets(items: Sequence[str]) -> Block:
    return Block("bullets", entries=tuple(prose(i.replace(_HARD_BREAK, "\n")) for i in items))


# --------------------------------------------------------------------------- annexes


def _section_content(section: Section) -> list[Block]:
    """A data section's paragraphs, table or grouped list, and source line (no title)."""
    text = "\n\n".join(_encode_user_paragraph(p) for p in section.paragraphs)
    blocks = blocks_from_text(text, ())
    if section.kind == "table" and (section.header or section.rows):
        blocks.append(
            Block(
                "table",
                header=tuple(clean(c).strip() for c in section.header),
                rows=tuple(tuple(clean(c).strip() for c in row) for row in section.rows),
            )
        )
    elif section.kind == "list":
        for heading, items in section.groups:
            entries = tuple(clean(i).strip() for i in items if clean(i).strip())
            blocks.append(Block("group", text=prose(clean(heading).strip()), entries=entries))
    source = clean(section.source).strip() if section.source else ""
    if source:
        if not re.match(r"sources?\s*:", source, re.IGNORECASE):
            source = f"Source : {source}"
        blocks.append(Block("source", text=prose(source)))
    return blocks


def data_annexes(sections: Sequence[Section], inline: Sequence[int]) -> list[Annex]:
    """Sections not placed in the body, each titled; numbered when there are several."""
    kept = [s for n, s in enumerate(sections, 1) if n not in inline]
    annexes = []
    for position, section in enumerate(kept, 1):
        title = prose(clean(section.title).strip())
        if len(kept) > 1:
            title = f"{position}. {title}"
        annexes.append(Annex("data", title, with_leads(_section_content(section)), position == 1))
    return annexes


def unique(numbers: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for number in numbers:
        number = clean(number).strip()
        if number and number not in seen:
            seen.append(number)
    return seen


def law_annex(decision: DecisionData, law: LawLibrary, on: date, act_title: str) -> Annex | None:
    """The Act's title, then supporting articles, then the refusal grounds under their heading."""
    cited = unique(decision.articles)
    if decision.links and "13" not in cited:
        cited.append("13")
    if not cited:
        return None
    grounds = [n for n in cited if n not in NOT_GROUNDS]
    if decision.outcome not in REFUSAL_OUTCOMES:
        grounds = []
    support = [n for n in cited if n not in grounds]
    law.check_citable(cited)
    blocks: list[Block] = []
    for number in support:
        blocks.extend(_article_blocks(law, number, on))
    if grounds:
        blocks.append(Block("law-heading", text=REFUSAL_HEADING))
        for number in grounds:
            blocks.extend(_article_blocks(law, number, on))
    return Annex("law", act_title.upper(), tuple(blocks), True)


def articles_annex(numbers: Sequence[str], law: LawLibrary, on: date, act_title: str) -> Annex:
    """The Act's title and these articles' verbatim texts, in the version in force on `on`."""
    law.check_citable(list(numbers))
    blocks: list[Block] = []
    for number in numbers:
        blocks.extend(_article_blocks(law, number, on))
    return Annex("law", act_title.upper(), tuple(blocks), True)


def _article_blocks(law: LawLibrary, number: str, on: date) -> list[Block]:
    """An article's verbatim paragraphs (no typography: law text is copied as published)."""
    version = law.text_on(number, on)
    paragraphs = [clean(p).strip() for p in version.paragraphs if clean(p).strip()]
    if paragraphs and not re.match(rf"{re.escape(str(number))}\.\s", paragraphs[0]):
        paragraphs[0] = f"{number}. {paragraphs[0]}"
    blocks = [Block("law", text=p) for p in paragraphs]
    history = clean(version.history).strip()
    if history:
        blocks.append(Block("history", text=history))
    return blocks
