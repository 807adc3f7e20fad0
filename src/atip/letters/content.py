"""The data of each letter kind: what it says, in order, before any file format is chosen.

The French wording lives in Jinja templates (templates/wording/*.txt.j2) that an office may
override; they produce plain text, which is parsed here into blocks (paragraphs, bullets, tables)
so that the DOCX and the PDF are both rendered from the same `Letter` and never differ.
User text (requester, clerk, annexes) is only ever passed to templates as data.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from atip import french
from atip.errors import InputError, RefusedError

if TYPE_CHECKING:
    from jinja2 import Environment

    from atip.law.articles import LawLibrary
    from atip.register.annexes import Section

LETTER_KINDS = ("acknowledgement", "extension", "decision")
REQUEST_KINDS = ("documents", "personal")
OUTCOMES = ("granted", "partial", "refused", "not-held", "referred", "mixed")
# Outcomes whose cited articles are grounds of refusal (a. 50): the law annex heads them so.
REFUSAL_OUTCOMES = ("partial", "refused", "mixed")
# Articles cited in support of an answer rather than as a ground of refusal.
NOT_GROUNDS = ("1", "13")
# Outcomes by which documents go with the letter ("ci-joint"), so it carries "p. j.".
ENCLOSING_OUTCOMES = ("granted", "partial", "mixed")
REFUSAL_HEADING = "MOTIFS DE REFUS INVOQUÉS"
SIGNED = "Originale signée par :"
ENCLOSURE = "p. j."

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# A web address as written in prose: "https://…" or "www.…", up to a space or a quote.
URL_PATTERN = re.compile(r"(?:https?://|www\.)[^\s<>«»\"]+", re.IGNORECASE)
_BULLET = re.compile(r"^[-•–]\s+")
_ANNEX_MARK = re.compile(r"\[\[\s*annexe\s+(\d+)\s*\]\]", re.IGNORECASE)
_DECISION_MARK = re.compile(r"\[\[\s*d[ée]cision\s*\]\]", re.IGNORECASE)
# Private markers: control characters never survive clean(), so user text cannot forge them.
_ANNEX_TOKEN = "\x00annexe:{}\x00"
_ANNEX_TOKEN_RE = re.compile(r"\x00annexe:(\d+)\x00")
_HARD_BREAK = "\x01"


@dataclass(frozen=True)
class Profile:
    """The organisation's letterhead, signatory and review body (from atip.toml)."""

    organisation: str
    unit: str
    short_name: str
    city: str
    signatory_name: str
    signatory_title: str
    review_body: str
    review_body_url: str
    review_body_address: str = ""


@dataclass(frozen=True)
class DecisionData:
    """What the decision letter says beyond the request itself."""

    decided_on: date
    outcome: str
    articles: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    paragraphs: tuple[str, ...] = ()
    referral_body: str | None = None


@dataclass(frozen=True)
class LetterCase:
    """One request as its letters need it (personal information included)."""

    reference: str
    kind: str
    subject: str
    received_on: date
    clarified_on: date | None
    requester_name: str
    requester_address: str
    requester_email: str | None
    response_due: date
    extended_due: date
    decision_due: date
    extended_on: date | None = None
    third_party_notified_on: date | None = None
    decision: DecisionData | None = None
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Block:
    """One unit of a letter's body or annex, in the form every renderer understands.

    kind: paragraph | bullets | table | group (a heading over its bullets) | source |
    law-heading | law | history. `text` may hold "\\n" for a line break inside the paragraph.
    """

    kind: str
    text: str = ""
    entries: tuple[str, ...] = ()
    header: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    # A paragraph that introduces the table or list after it stays on the same page.
    lead: bool = False

    @property
    def ragged(self) -> bool:
        """Whether a long unbreakable web address makes justified text look stretched."""
        return self.kind == "paragraph" and URL_PATTERN.search(self.text) is not None

    def lines(self) -> list[str]:
        """The block as plain-text lines (tables: cells separated by tabs)."""
        if self.kind == "bullets":
            return [f"- {entry}" for entry in self.entries]
        if self.kind == "group":
            return [*([self.text] if self.text else []), *(f"- {e}" for e in self.entries)]
        if self.kind == "table":
            rows = [self.header, *self.rows] if self.header else list(self.rows)
            return ["\t".join(cell.replace("\n", " ") for cell in row) for row in rows]
        return self.text.split("\n")


@dataclass(frozen=True)
class Annex:
    """One annex: the law (kind "law") or a data section (kind "data")."""

    kind: str
    title: str
    blocks: tuple[Block, ...]
    new_page: bool


@dataclass(frozen=True)
class Letter:
    """A letter's whole content, ready for write_docx and write_pdf."""

    kind: str
    reference: str
    letter_date: date
    published: bool
    letterhead: tuple[str, ...]
    place_date: str
    addressee: tuple[str, ...]
    reference_line: str
    subject_line: str
    salutation: str
    body: tuple[Block, ...]
    closing: str
    signed_by: str
    signatory_name: str
    signatory_title: str
    enclosure: str
    annexes: tuple[Annex, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)

    @property
    def title(self) -> str:
        """Document title for file metadata: the reference only, never the requester."""
        return self.metadata.get("title", "")

    @property
    def author(self) -> str:
        """Document author for file metadata: the organisation."""
        return self.metadata.get("author", "")

    def plain_text(self) -> str:
        """The canonical text of the letter (golden tests, content hash, publication checks)."""
        out: list[str] = [*self.letterhead, "", self.place_date, ""]
        if self.addressee:
            out += [*self.addressee, ""]
        out += [self.reference_line, "", self.subject_line, "", self.salutation, ""]
        for block in self.body:
            out += [*block.lines(), ""]
        out += [self.closing, "", self.signed_by, self.signatory_name, self.signatory_title]
        if self.enclosure:
            out += ["", self.enclosure]
        for annex in self.annexes:
            out += ["", "\f" if annex.new_page else "", annex.title, ""]
            for block in annex.blocks:
                out += [*block.lines(), ""]
        while out and out[-1] == "":
            out.pop()
        return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- text helpers


def clean(text: str | None) -> str:
    """User text made safe for every format: no control characters, tabs or lone surrogates."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    # The shipped font has no narrow no-break space; the ordinary one reads the same.
    text = text.replace("\u202f", "\u00a0")
    return _CONTROL.sub("", text)


def split_url(found: str) -> tuple[str, str]:
    """A matched address and the sentence punctuation that follows it: ("www.x.ca", ".")."""
    url, tail = found, ""
    while url and (url[-1] in ".,;:!?»" or (url[-1] == ")" and "(" not in url)):
        url, tail = url[:-1], url[-1] + tail
    return url, tail


def prose(text: str) -> str:
    """French typography on prose, line by line, leaving web addresses exactly as written."""
    urls: list[str] = []

    def keep(match: re.Match[str]) -> str:
        url, tail = split_url(match.group(0))
        urls.append(url)
        return f"\x02{len(urls) - 1}\x03{tail}"

    protected = URL_PATTERN.sub(keep, clean(text))
    lines = [french.typography(line) if line.strip() else line for line in protected.split("\n")]
    out = "\n".join(lines)
    return re.sub(r"\x02(\d+)\x03", lambda m: urls[int(m.group(1))], out).replace(
        "\u202f", "\u00a0"
    )


def de(name: str) -> str:
    """French "de" + a name: "le Ministère" -> "du Ministère", "les" -> "des"."""
    lowered = name.lower()
    if lowered.startswith("le "):
        return "du " + name[3:]
    if lowered.startswith("les "):
        return "des " + name[4:]
    return "de " + name


def capfirst(text: str) -> str:
    """The text with its first letter in capitals."""
    return text[:1].upper() + text[1:]


def articles_phrase(numbers: Sequence[str]) -> str:
    """ "de l'article 53 ci-joint", "des articles 53 et 54 ci-joints" (after "en vertu")."""
    if not numbers:
        return ""
    if len(numbers) == 1:
        return f"de l'article {numbers[0]} ci-joint"
    listed = ", ".join(numbers[:-1]) + " et " + numbers[-1]
    return f"des articles {listed} ci-joints"


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


def _encode_subject(text: str) -> str:
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


def _clerk_text(
    paragraphs: Sequence[str], reference: str, annex_count: int
) -> tuple[str, str, list[int]]:
    """The clerk's paragraphs split at [[décision]], with [[annexe N]] turned into markers."""
    parts: list[list[str]] = [[]]
    inline: list[int] = []
    for chunk in _split_paragraphs(paragraphs):
        stripped = chunk.strip()
        if _DECISION_MARK.fullmatch(stripped):
            if len(parts) > 1:
                raise InputError(f"the decision text of {reference} has two [[décision]] lines")
            parts.append([])
            continue
        mark = _ANNEX_MARK.fullmatch(stripped)
        if mark:
            number = int(mark.group(1))
            if not 1 <= number <= annex_count:
                raise InputError(
                    f"the decision text of {reference} places [[annexe {number}]] but the "
                    f"request has {annex_count} annex(es)"
                )
            inline.append(number)
            parts[-1].append(_ANNEX_TOKEN.format(number))
            continue
        parts[-1].append(_encode_user_paragraph(chunk))
    before, after = (parts[0], parts[1]) if len(parts) > 1 else ([], parts[0])
    return "\n\n".join(before), "\n\n".join(after), inline


def _blocks_from_text(text: str, sections: Sequence[Section]) -> list[Block]:
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


def _leads(blocks: Sequence[Block]) -> tuple[Block, ...]:
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
    blocks = _blocks_from_text(text, ())
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


def _data_annexes(sections: Sequence[Section], inline: Sequence[int]) -> list[Annex]:
    """Sections not placed in the body, each titled; numbered when there are several."""
    kept = [s for n, s in enumerate(sections, 1) if n not in inline]
    annexes = []
    for position, section in enumerate(kept, 1):
        title = prose(clean(section.title).strip())
        if len(kept) > 1:
            title = f"{position}. {title}"
        annexes.append(Annex("data", title, _leads(_section_content(section)), position == 1))
    return annexes


def _unique(numbers: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for number in numbers:
        number = clean(number).strip()
        if number and number not in seen:
            seen.append(number)
    return seen


def _law_annex(decision: DecisionData, law: LawLibrary, on: date, act_title: str) -> Annex | None:
    """The Act's title, then supporting articles, then the refusal grounds under their heading."""
    cited = _unique(decision.articles)
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


# --------------------------------------------------------------------------- wording


@lru_cache(maxsize=16)
def _environment(dirs: tuple[str, ...]) -> Environment:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(list(dirs)),
        # HTML and XML are escaped; the wording templates (*.txt.j2) produce plain text that
        # is never markup: each renderer escapes it for its own format.
        autoescape=select_autoescape(("html", "htm", "xml"), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["de"] = de
    env.filters["capfirst"] = capfirst
    return env


def template_environment(template_dirs: Sequence[Path | str]) -> Environment:
    """The cached Jinja environment over these template folders (first one wins)."""
    return _environment(tuple(str(d) for d in template_dirs))


def _template_error(exc: Exception) -> InputError:
    where = getattr(exc, "filename", None) or getattr(exc, "name", None) or "template"
    line = getattr(exc, "lineno", None)
    at = f"{where}, line {line}" if line else str(where)
    message = getattr(exc, "message", None) or str(exc)
    return InputError(f"{at}: {message}")


def _wording(kind: str, context: dict[str, Any], template_dirs: Sequence[Path]) -> Any:
    from jinja2 import TemplateError, TemplateNotFound

    env = template_environment(template_dirs)
    name = f"wording/{kind}.txt.j2"
    try:
        return env.get_template(name).make_module(context)
    except TemplateNotFound as exc:
        folders = ", ".join(map(str, template_dirs))
        raise InputError(f"template {exc.name} not found in {folders}") from None
    except TemplateError as exc:
        raise _template_error(exc) from None


def _wording_context(
    letter_kind: str, case: LetterCase, profile: Profile, letter_date: date, act_title: str
) -> dict[str, Any]:
    """Everything a wording template may say, as plain text (user text cleaned, not escaped)."""
    decision = case.decision
    org = {
        name: clean(getattr(profile, name)).strip()
        for name in (
            "organisation",
            "unit",
            "short_name",
            "city",
            "signatory_name",
            "signatory_title",
            "review_body",
            "review_body_url",
        )
    }
    org["review_body_address"] = ", ".join(
        line.strip() for line in clean(profile.review_body_address).split("\n") if line.strip()
    )
    context: dict[str, Any] = {
        "letter_kind": letter_kind,
        "kind": case.kind,
        "org": org,
        "act_title": act_title,
        "reference": clean(case.reference),
        "received": french.long_date(case.received_on),
        "clarified": (
            french.date_in_letter(case.clarified_on, letter_date) if case.clarified_on else None
        ),
        "subject": _encode_subject(case.subject),
        "response_due": french.long_date(case.response_due),
        "extended_due": french.long_date(case.extended_due),
        "decision_due": french.long_date(case.decision_due),
        "extended_on": french.long_date(case.extended_on) if case.extended_on else None,
        "third_party_notified": (
            french.long_date(case.third_party_notified_on) if case.third_party_notified_on else None
        ),
        "outcome": decision.outcome if decision else None,
        "grounds": "",
        "links": [],
        "referral_body": "",
        "before": "",
        "after": "",
    }
    if decision is not None and letter_kind == "decision":
        cited = _unique(decision.articles)
        grounds = [n for n in cited if n not in NOT_GROUNDS]
        if decision.outcome in REFUSAL_OUTCOMES:
            context["grounds"] = articles_phrase(grounds)
        context["links"] = [clean(u).strip() for u in decision.links if clean(u).strip()]
        context["referral_body"] = clean(decision.referral_body).strip()
    return context


def _check_decision(case: LetterCase, decision: DecisionData) -> None:
    if decision.outcome not in OUTCOMES:
        raise InputError(f"unknown outcome {decision.outcome!r}: use one of {', '.join(OUTCOMES)}")
    grounds = [n for n in _unique(decision.articles) if n not in NOT_GROUNDS]
    if decision.outcome in ("partial", "refused") and not grounds:
        raise RefusedError(
            f"the {decision.outcome} decision of {case.reference} cites no article: a refusal "
            "must give the articles that ground it (--articles)"
        )
    if decision.outcome == "referred" and not clean(decision.referral_body).strip():
        raise RefusedError(
            f"the referred decision of {case.reference} names no competent body (a. 48)"
        )


# --------------------------------------------------------------------------- the letter


def build_letter(
    kind: str,
    case: LetterCase,
    profile: Profile,
    letter_date: date,
    law: LawLibrary,
    *,
    template_dirs: Sequence[Path],
    published: bool = False,
) -> Letter:
    """Assemble one letter (acknowledgement, extension or decision) of a request."""
    from atip.law.articles import ACT_TITLE

    if kind not in LETTER_KINDS:
        raise InputError(f"unknown letter kind {kind!r}: use one of {', '.join(LETTER_KINDS)}")
    if case.kind not in REQUEST_KINDS:
        raise InputError(f"unknown request kind {case.kind!r}: use documents or personal")
    decision = case.decision
    if kind == "decision":
        if decision is None:
            raise RefusedError(
                f"request {case.reference} has no decision: record it with `atip request decide`"
            )
        _check_decision(case, decision)
    if kind == "extension" and case.extended_on is None:
        raise RefusedError(
            f"request {case.reference} was not extended: record it with `atip request extend`"
        )

    act_title = clean(ACT_TITLE)
    context = _wording_context(kind, case, profile, letter_date, act_title)
    sections: Sequence[Section] = case.sections if kind == "decision" else ()
    inline: list[int] = []
    if kind == "decision" and decision is not None:
        before, after, inline = _clerk_text(decision.paragraphs, case.reference, len(sections))
        context["before"], context["after"] = before, after

    module = _wording(kind, context, template_dirs)
    body = _leads(_blocks_from_text(str(module), sections))
    subject = prose(clean(str(getattr(module, "subject", ""))).strip())
    salutation = prose(clean(str(getattr(module, "salutation", ""))).strip())
    closing = prose(clean(str(getattr(module, "closing", ""))).strip())

    annexes: list[Annex] = []
    if kind == "decision" and decision is not None:
        law_annex = _law_annex(decision, law, letter_date, act_title)
        if law_annex is not None:
            annexes.append(law_annex)
        annexes.extend(_data_annexes(sections, inline))
    encloses = bool(annexes) or (
        kind == "decision" and decision is not None and decision.outcome in ENCLOSING_OUTCOMES
    )

    reference = clean(case.reference).strip()
    letterhead = tuple(
        prose(line)
        for line in (clean(profile.organisation).strip(), clean(profile.unit).strip())
        if line
    )
    return Letter(
        kind=kind,
        reference=reference,
        letter_date=letter_date,
        published=published,
        letterhead=letterhead,
        place_date=prose(french.place_and_date(clean(profile.city).strip(), letter_date)),
        addressee=() if published else _addressee(case),
        reference_line=f"{prose('N/Réf. :')} {reference}",
        subject_line=f"{prose('Objet :')} {subject}",
        salutation=salutation,
        body=body,
        closing=closing,
        signed_by=prose(SIGNED),
        signatory_name=clean(profile.signatory_name).strip(),
        signatory_title=prose(clean(profile.signatory_title).strip()),
        enclosure=ENCLOSURE if encloses else "",
        annexes=tuple(annexes),
        metadata={
            "title": f"N/Réf. : {reference}",
            "author": clean(profile.organisation).strip(),
            "subject": subject.replace("\u00a0", " "),
        },
    )


def _addressee(case: LetterCase) -> tuple[str, ...]:
    """Email mention, name and postal address lines, as the requester gave them."""
    lines: list[str] = []
    email = clean(case.requester_email).strip()
    if email:
        lines.append(f"{prose('Par courriel :')} {email}")
    name = clean(case.requester_name).strip()
    if name:
        lines.append(name)
    lines.extend(line.strip() for line in clean(case.requester_address).split("\n") if line.strip())
    return tuple(lines)
