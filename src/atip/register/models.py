"""The tables. Requesters' personal information lives in `requesters` only, so it can be purged."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

KINDS = ("documents", "personal")
OUTCOMES = ("granted", "partial", "refused", "not-held", "referred", "mixed")


class Request(SQLModel, table=True):
    """An access request: the facts the clerk recorded and the dates computed from them."""

    __tablename__ = "requests"
    # The indexes of migration 0004: the annual statistics (covering), the running files, the
    # decided files whose review period runs.
    __table_args__ = (
        Index(
            "ix_requests_annual",
            "received_on",
            "kind",
            "voided_on",
            "decided_on",
            "outcome",
            "response_due",
            "extended_due",
            "withdrawn_on",
            "decision_due",
            "accommodation",
            "review_filed_on",
        ),
        Index("ix_requests_open", "decided_on", "withdrawn_on", "voided_on", "decision_due"),
        Index(
            "ix_requests_in_review",
            "review_filed_on",
            "withdrawn_on",
            "review_deadline",
            "decided_on",
            "voided_on",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=64, unique=True)
    kind: str = Field(default="documents", max_length=16)
    subject: str
    channel: str | None = Field(default=None, max_length=32)
    clerk: str | None = Field(default=None, max_length=128)
    accommodation: bool = False
    received_on: date = Field(index=True)
    clarified_on: date | None = None
    keep_clock: bool = False
    extended_on: date | None = None
    third_party_notified_on: date | None = None
    observations_on: date | None = None
    decided_on: date | None = None
    outcome: str | None = Field(default=None, max_length=16)
    review_filed_on: date | None = None
    # Computed from the facts above by atip.law.deadlines, stored so that lists are indexed queries.
    clock_starts_on: date
    response_due: date
    extended_due: date
    observations_due: date | None = None
    third_party_due: date | None = None
    decision_due: date = Field(index=True)
    review_deadline: date
    executory_on: date | None = None
    created_at: datetime
    purged_on: date | None = None
    withdrawn_on: date | None = None  # the requester withdrew: no time limit runs any more
    voided_on: date | None = None  # an entry made in error: in no list, report or statistic
    void_reason: str | None = None


class Requester(SQLModel, table=True):
    """Personal information of the requester of one request (removed by a purge)."""

    __tablename__ = "requesters"

    request_id: int = Field(foreign_key="requests.id", primary_key=True)
    name: str | None = None
    address: str | None = None
    email: str | None = None
    courtesy: str | None = Field(default=None, max_length=64)  # Madame, Monsieur, Maître…


class Decision(SQLModel, table=True):
    """What the decision letter says beyond the outcome kept on the request."""

    __tablename__ = "decisions"

    request_id: int = Field(foreign_key="requests.id", primary_key=True)
    decided_on: date
    outcome: str = Field(max_length=16)
    articles: str = ""  # comma-separated article numbers, in citing order
    # The clerk's own articles (decide --articles, an import's column): `articles` is these,
    # then those the annexes add (53 and 54 for blanked counts, a document index's).
    own_articles: str = Field(default="", sa_column_kwargs={"server_default": ""})
    links: str = "[]"  # JSON list of art. 13 URLs
    body: str = ""  # the clerk's free paragraphs, separated by blank lines
    referral_body: str | None = None


class Event(SQLModel, table=True):
    """One line of a request's journal: what changed, when, by whom, from what to what."""

    __tablename__ = "events"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="requests.id", index=True)
    at: datetime
    actor: str = Field(max_length=128)
    action: str = Field(max_length=32)
    field: str | None = Field(default=None, max_length=64)
    old: str | None = None
    new: str | None = None
    why: str | None = None  # the clerk's reason for a correction, a cancellation or a revision


class Annex(SQLModel, table=True):
    """A data section printed after the decision letter, in position order."""

    __tablename__ = "annexes"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="requests.id", index=True)
    position: int
    section: str  # atip.annexes.Section as JSON


class IssuedLetter(SQLModel, table=True):
    """A letter written to disk, with the hashes that prove it unchanged."""

    __tablename__ = "letters"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="requests.id", index=True)
    kind: str = Field(max_length=64)
    letter_date: date
    published: bool = False
    docx_path: str | None = None
    docx_sha256: str | None = Field(default=None, max_length=64)
    pdf_path: str | None = None
    pdf_sha256: str | None = Field(default=None, max_length=64)
    content_sha256: str = Field(max_length=64)
    issued_at: datetime
    # True from the commit that journals the letter until its files are renamed into place;
    # `staging` names the staging file of each format meanwhile (JSON), for the recovery.
    pending: bool = False
    staging: str | None = None


class Counter(SQLModel, table=True):
    """The last number handed out for each reference sequence."""

    __tablename__ = "counters"

    name: str = Field(primary_key=True, max_length=32)
    value: int = 0


class Meta(SQLModel, table=True):
    """Workspace-wide facts, such as the fingerprint of the rules the dates were computed with."""

    __tablename__ = "meta"

    key: str = Field(primary_key=True, max_length=64)
    value: str


class ThirdParty(SQLModel, table=True):
    """A third party notified under a. 49; its identity is personal information."""

    __tablename__ = "third_parties"

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="requests.id", index=True)
    position: int
    name: str | None = None
    address: str | None = None
    email: str | None = None
    notified_on: date
    observations_on: date | None = None


class Fees(SQLModel, table=True):
    """The fees of a request (a. 11): the estimate, its payment or its waiver."""

    __tablename__ = "fees"

    request_id: int = Field(foreign_key="requests.id", primary_key=True)
    estimate: Decimal | None = Field(default=None, max_digits=12, decimal_places=2)
    estimated_on: date | None = None
    paid_on: date | None = None
    waived: bool = False
