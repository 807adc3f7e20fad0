"""What a letter holds, before any file format is chosen: the request as letters see it, and
the letter as blocks (paragraphs, bullets, tables) that every renderer draws alike."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from atip import french
from atip.errors import InputError
from atip.i18n import _

if TYPE_CHECKING:
    from atip.register.annexes import Section

# Articles cited in support of an answer rather than as a ground of refusal.
REFUSAL_HEADING = "MOTIFS DE REFUS INVOQUÉS"
SIGNED = "Originale signée par :"
ENCLOSURE = "p. j."


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
    signatory_courtesy: str = ""  # "Mme": before the signatory's name
    signatory_contact: str = ""  # the responsable's contact line, under the signature
    address: str = ""  # the body's postal address (letterhead), lines separated by "\n"
    phone: str = ""
    website: str = ""
    logo: str = ""  # absolute path of the letterhead image, or ""
    signature_image: str = ""  # absolute path of the signature image, or ""
    # The salutation and closing formulas; "{courtesy}" is the requester's courtesy title.
    # Empty: "Bonjour," / "Veuillez recevoir…", or with a courtesy "Madame," / "Veuillez agréer…".
    salutation: str = ""
    closing: str = ""
    reference_after_subject: bool = False
    # The review body's offices the letters print: (name, address) pairs.
    review_offices: tuple[tuple[str, str], ...] = ()


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
class ThirdPartyData:
    """A third party notified under a. 49, as the letters addressed to it need it.

    Its identity is personal information: it is only ever printed in a letter to itself.
    """

    position: int
    name: str
    address: str
    email: str | None
    notified_on: date
    observations_on: date | None = None
    observations_due: date | None = None  # 20 days after its notice (a. 49 al. 3)


@dataclass(frozen=True)
class FeesData:
    """The fees of a request (a. 11): the estimate, its payment or its waiver."""

    estimate: Decimal | None
    estimated_on: date | None
    paid_on: date | None = None
    waived: bool = False


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
    requester_courtesy: str = ""  # "Madame", "Monsieur", "Maître"…: personal information
    third_parties: tuple[ThirdPartyData, ...] = ()
    fees: FeesData | None = None
    withdrawn_on: date | None = None
    voided_on: date | None = None
    observations_due: date | None = None  # the last third party's 20 days (a. 49 al. 3)
    executory_on: date | None = None  # a decision giving access, 15 days after mailing (a. 49)

    def third_party(self, position: int) -> ThirdPartyData:
        """The third party recorded at this position (1 for the first)."""
        for party in self.third_parties:
            if party.position == position:
                return party
        raise KeyError(position)


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
        return self.kind == "paragraph" and french.URL_PATTERN.search(self.text) is not None

    def column_widths(self) -> tuple[float, ...]:
        """A table's column widths, as shares of the text width (`column_widths`)."""
        rows = [self.header, *self.rows] if self.header else list(self.rows)
        return column_widths(rows, header=bool(self.header))

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
class GroupRows:
    """Consecutive group blocks laid out two by two, as the PDF's two columns place them: what
    the DOCX draws as a borderless table of two columns. The last row of an odd count has an
    empty group on its right."""

    rows: tuple[tuple[Block, Block], ...]
    kind: str = "group-rows"


def group_rows(blocks: Sequence[Block]) -> list[Block | GroupRows]:
    """The blocks, each run of group blocks replaced by its rows of two."""
    out: list[Block | GroupRows] = []
    run: list[Block] = []
    for block in [*blocks, None]:
        if block is not None and block.kind == "group":
            run.append(block)
            continue
        if run:
            if len(run) % 2:
                run.append(Block("group"))
            out.append(GroupRows(tuple((run[i], run[i + 1]) for i in range(0, len(run), 2))))
            run = []
        if block is not None:
            out.append(block)
    return out


# The width of a table's columns, as both renderers give them: the table spans the text width,
# and each column its share of it, computed from the cells' texts as an automatic table layout
# would, in characters of the tables' 11pt type. A heading counts for at most HEADING_CHARS:
# a long heading wraps instead of widening its column past its figures.
TABLE_CHARS = 95
CELL_PADDING_CHARS = 2
HEADING_CHARS = 30


def column_widths(rows: Sequence[Sequence[str]], *, header: bool) -> tuple[float, ...]:
    """Each column's share of the table's width (they sum to 1); `rows` starts with the
    heading row when `header`."""
    count = max((len(row) for row in rows), default=0)
    if not count:
        return ()
    least = [1.0] * count  # the longest word: a column is never narrower
    most = [1.0] * count  # the longest line: a column need not be wider
    for number, row in enumerate(rows):
        for column, cell in enumerate(row):
            for line in cell.split("\n"):
                words = line.split()
                longest = max((len(word) for word in words), default=0)
                length = len(" ".join(words))
                if header and number == 0:
                    length = min(length, max(HEADING_CHARS, longest))
                least[column] = max(least[column], longest)
                most[column] = max(most[column], length)
    least = [w + CELL_PADDING_CHARS for w in least]
    most = [w + CELL_PADDING_CHARS for w in most]
    room = float(TABLE_CHARS)
    if sum(most) <= room:
        widths = most
    elif sum(least) >= room:
        widths = least
    else:
        share = (room - sum(least)) / (sum(most) - sum(least))
        widths = [lo + (hi - lo) * share for lo, hi in zip(least, most, strict=True)]
    total = sum(widths)
    return tuple(w / total for w in widths)


def split_widths(shares: Sequence[float], total: int) -> tuple[int, ...]:
    """Whole units (twips) for each share of `total`, summing to `total` exactly."""
    out: list[int] = []
    spent = 0.0
    for share in shares:
        spent += share
        out.append(round(spent * total) - sum(out))
    return tuple(out)


# The letterhead's logo and the signature's image, as both formats size them: as large as fits
# in this box (millimetres, width by height), their proportions kept.
LOGO_BOX = (70.0, 20.0)
SIGNATURE_BOX = (60.0, 16.0)


def image_size(path: str, box: tuple[float, float]) -> tuple[float, float]:
    """The width and height (mm) an image is printed at: scaled to fit `box`; InputError
    (one line) for a file that is not an image."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
    except (OSError, UnidentifiedImageError, ValueError):
        raise InputError(
            _("{path}: not an image that letters can show (PNG or JPEG)").format(path=path)
        ) from None
    scale = min(box[0] / width, box[1] / height)
    return round(width * scale, 2), round(height * scale, 2)


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
    # Letterhead contact lines (address, phone, web site) under the organisation's name.
    contact: tuple[str, ...] = ()
    logo: str = ""
    signature_image: str = ""
    signatory_contact: str = ""
    reference_after_subject: bool = False

    @property
    def logo_size(self) -> tuple[float, float]:
        """The logo's printed width and height (mm), in both formats."""
        return image_size(self.logo, LOGO_BOX) if self.logo else (0.0, 0.0)

    @property
    def signature_size(self) -> tuple[float, float]:
        """The signature image's printed width and height (mm), in both formats."""
        if not self.signature_image:
            return (0.0, 0.0)
        return image_size(self.signature_image, SIGNATURE_BOX)

    @property
    def continuation(self) -> str:
        """What continuation pages carry at their top: the reference."""
        return self.reference_line

    @property
    def website_link(self) -> str:
        """The address of the body's web site as a link target ("" without one)."""
        for line in self.contact:
            found = french.URL_PATTERN.search(line)
            if found:
                url = french.split_address(found.group(0))[0]
                return url if url.lower().startswith("http") else f"https://{url}"
        return ""

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
        out: list[str] = [*self.letterhead, *self.contact, "", self.place_date, ""]
        if self.addressee:
            out += [*self.addressee, ""]
        if self.reference_after_subject:
            out += [self.subject_line, "", self.reference_line, ""]
        else:
            out += [self.reference_line, "", self.subject_line, ""]
        if self.salutation:
            out += [self.salutation, ""]
        for block in self.body:
            out += [*block.lines(), ""]
        out += [self.closing, "", self.signed_by, self.signatory_name, self.signatory_title]
        if self.signatory_contact:
            out += [self.signatory_contact]
        if self.enclosure:
            out += ["", self.enclosure]
        for annex in self.annexes:
            out += ["", "\f" if annex.new_page else "", annex.title, ""]
            for block in annex.blocks:
                out += [*block.lines(), ""]
        while out and out[-1] == "":
            out.pop()
        return "\n".join(out) + "\n"
