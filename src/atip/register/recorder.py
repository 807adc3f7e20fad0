"""Operations on requests: each validates, then writes in one transaction with its events."""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from atip.register import db

from atip.law import deadlines
from atip.register.settings import Settings
from atip.errors import InputError, NotFoundError, RefusedError
from atip.register.models import KINDS, OUTCOMES, Annex, Decision, Event, Meta, Request, Requester

PERSONAL = "(personal information)"  # what the journal says instead of a requester's data
RULES_KEY = "deadline_rules"
GIVES_ACCESS = ("granted", "partial", "mixed")  # a. 49: such a decision is executory 15 days on
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# One plain address: no spaces, control characters, brackets or separators.
_EMAIL_PART = r"[^@\s\x00-\x1f\x7f<>(),;:\"]+"
_EMAIL = re.compile(rf"^{_EMAIL_PART}@{_EMAIL_PART}\.[^@\s\x00-\x1f\x7f<>(),;:\".]+$")


def actor() -> str:
    """Who is making the change: ATIP_USER, else the login name."""
    try:
        return os.environ.get("ATIP_USER") or getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def rules_of(settings: Settings) -> deadlines.Rules:
    """The deadline rules the workspace settings choose."""
    return deadlines.Rules(
        saturdays_closed=settings.saturdays_closed,
        clarification_restarts_clock=settings.clarification_restarts_clock,
        review_calendar=settings.review_calendar,
        proclaimed=dict(settings.proclaimed),
    )


def rules_fingerprint(rules: deadlines.Rules) -> str:
    """A hash that changes whenever a rule input from atip.toml changes."""
    data = [
        rules.saturdays_closed,
        rules.clarification_restarts_clock,
        rules.review_calendar,
        sorted((d.isoformat(), n) for d, n in rules.proclaimed.items()),
    ]
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()[:16]


def facts_of(req: Request) -> deadlines.Facts:
    """The rule inputs recorded on a request."""
    return deadlines.Facts(
        received_on=req.received_on,
        clarified_on=req.clarified_on,
        keep_clock=req.keep_clock,
        extended_on=req.extended_on,
        third_party_notified_on=req.third_party_notified_on,
        observations_on=req.observations_on,
        decided_on=req.decided_on,
    )


_COMPUTED = (
    "clock_starts_on",
    "response_due",
    "extended_due",
    "observations_due",
    "third_party_due",
    "decision_due",
    "review_deadline",
    "executory_on",
)


def computed_dates(facts: deadlines.Facts, rules: deadlines.Rules) -> dict[str, date | None]:
    """The stored columns computed from the facts."""
    dates = deadlines.compute(facts, rules)
    return {name: getattr(dates, name) for name in _COMPUTED}


def status_of(req: Request, as_of: date) -> str:
    """open, extended, third-party, overdue, decided or closed, as of a date."""
    if req.decided_on is not None:
        if req.review_filed_on is None and as_of > req.review_deadline:
            return "closed"
        return "decided"
    if as_of > req.decision_due:
        return "overdue"
    if req.third_party_notified_on is not None:
        return "third-party"
    if req.extended_on is not None:
        return "extended"
    return "open"


@dataclass(frozen=True)
class NewRequest:
    """What a clerk types to log a request."""

    received_on: date
    requester: str
    subject: str
    reference: str | None = None
    clarified_on: date | None = None
    keep_clock: bool = False
    email: str | None = None
    address: str | None = None
    kind: str = "documents"
    accommodation: bool = False
    channel: str | None = None
    clerk: str | None = None
    extended_on: date | None = None
    decided_on: date | None = None
    outcome: str | None = None
    articles: tuple[str, ...] = ()


def _clean_text(value: str | None, what: str, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise InputError(f"{what} is required")
        return None
    text = value.strip()
    if required and not text:
        raise InputError(f"{what} must not be empty")
    if any(ord(c) < 32 and c not in "\n\t" for c in text):
        raise InputError(f"{what} contains control characters")
    return text or None


def check_email(value: str | None) -> str | None:
    """A plausible email address or None; the error never repeats it (personal information)."""
    email = value.strip() if value else None
    if email and not _EMAIL.match(email):
        raise InputError("invalid email address: expected the form name@domain.tld")
    return email or None


def check_reference(reference: str) -> str:
    """A reference usable as a file name: letters, digits, '.', '_' and '-' only."""
    ref = reference.strip()
    if not _REFERENCE.match(ref):
        raise InputError(
            f"invalid reference {reference!r}: use letters, digits, '.', '_' or '-' (64 at most)"
        )
    return ref


class Register:
    """The requests of one workspace database."""

    def __init__(self, engine: Engine, settings: Settings, who: str | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self.rules = rules_of(settings)
        self.actor = who or actor()

    # -- reading -------------------------------------------------------------------------
    def get(self, session: Session, reference: str) -> Request:
        """The request with this reference, or NotFoundError."""
        req = session.exec(select(Request).where(Request.reference == reference)).first()
        if req is None:
            raise NotFoundError(f"unknown reference {reference!r}")
        return req

    def require(self, reference: str) -> None:
        """NotFoundError unless the reference exists."""
        with Session(self.engine) as session:
            self.get(session, reference)

    def sync_rules(self) -> bool:
        """Recompute every stored date when atip.toml's rule inputs changed; True if it did."""
        fingerprint = rules_fingerprint(self.rules)
        # Every command calls this: a read first, so that it waits for no other clerk's write.
        with Session(self.engine) as session:
            meta = session.get(Meta, RULES_KEY)
            if meta is not None and meta.value == fingerprint:
                return False
        try:
            with db.transaction(self.engine) as session:
                meta = session.get(Meta, RULES_KEY)
                if meta is not None and meta.value == fingerprint:
                    return False
                for req in session.exec(select(Request)):
                    for name, value in computed_dates(facts_of(req), self.rules).items():
                        setattr(req, name, value)
                if meta is None:
                    session.add(Meta(key=RULES_KEY, value=fingerprint))
                else:
                    meta.value = fingerprint
                return meta is not None
        except IntegrityError:
            # PostgreSQL: another clerk's first command recorded the fingerprint at the same time.
            return False

    # -- writing -------------------------------------------------------------------------
    def _event(
        self,
        session: Session,
        req: Request,
        action: str,
        field: str | None = None,
        old: Any = None,
        new: Any = None,
    ) -> None:
        session.add(
            Event(
                request_id=req.id,
                at=datetime.now(UTC),
                actor=self.actor,
                action=action,
                field=field,
                old=_text(old),
                new=_text(new),
            )
        )

    def _set(self, session: Session, req: Request, action: str, **changes: Any) -> None:
        """Change facts of a request, journal each change, recompute its dates."""
        for name, value in changes.items():
            old = getattr(req, name)
            if old != value:
                setattr(req, name, value)
                self._event(session, req, action, name, old, value)
        facts = facts_of(req)
        deadlines.check_facts(facts, self.rules)
        for name, value in computed_dates(facts, self.rules).items():
            setattr(req, name, value)

    def create(self, new: NewRequest) -> str:
        """Log a new request and return its reference."""
        name = _clean_text(new.requester, "the requester's name", required=True)
        subject = _clean_text(new.subject, "the subject", required=True)
        if new.kind not in KINDS:
            raise InputError(f"invalid kind {new.kind!r}: expected documents or personal")
        if new.outcome is not None and new.outcome not in OUTCOMES:
            raise InputError(f"invalid outcome {new.outcome!r}: expected {', '.join(OUTCOMES)}")
        facts = deadlines.Facts(
            received_on=new.received_on,
            clarified_on=new.clarified_on,
            keep_clock=new.keep_clock,
            extended_on=new.extended_on,
            decided_on=new.decided_on,
        )
        deadlines.check_facts(facts, self.rules)
        if new.extended_on is not None:
            deadlines.check_extension(
                replace(facts, extended_on=None, decided_on=None), new.extended_on, self.rules
            )
        dates = computed_dates(facts, self.rules)
        reference = check_reference(new.reference) if new.reference else None
        with db.transaction(self.engine) as session:
            if reference is None:
                reference = self._allocate(session, new.received_on)
            else:
                if session.exec(select(Request.id).where(Request.reference == reference)).first():
                    raise RefusedError(f"reference {reference!r} already exists")
                self._follow_reference(session, reference, new.received_on)
            req = Request(
                reference=reference,
                kind=new.kind,
                subject=subject or "",
                channel=_clean_text(new.channel, "the channel"),
                clerk=_clean_text(new.clerk, "the clerk"),
                accommodation=new.accommodation,
                received_on=new.received_on,
                clarified_on=new.clarified_on,
                keep_clock=new.keep_clock,
                extended_on=new.extended_on,
                decided_on=new.decided_on,
                outcome=new.outcome,
                created_at=datetime.now(UTC),
                **dates,
            )
            session.add(req)
            try:
                session.flush()
            except IntegrityError:
                # PostgreSQL: another clerk inserted this reference after our check above.
                raise RefusedError(f"reference {reference!r} already exists") from None
            session.add(
                Requester(
                    request_id=req.id,
                    name=name,
                    address=_clean_text(new.address, "the address"),
                    email=check_email(new.email),
                )
            )
            if new.decided_on is not None:
                session.add(
                    Decision(
                        request_id=req.id,
                        decided_on=new.decided_on,
                        outcome=new.outcome or "granted",
                        articles=",".join(new.articles),
                    )
                )
                req.outcome = new.outcome or "granted"
            self._event(session, req, "created", None, None, _creation_summary(req))
            self._event(session, req, "created", "requester", None, PERSONAL)
            return reference

    def _allocate(self, session: Session, received_on: date) -> str:
        fmt = self.settings.reference_format
        sequence = f"request-{received_on.year}" if "{year" in fmt else "request"
        while True:
            seq = db.next_number(session, sequence)
            reference = fmt.format(seq=seq, year=received_on.year)
            taken = session.exec(select(Request.id).where(Request.reference == reference)).first()
            if not taken:
                return reference

    def _allocate_many(
        self, session: Session, received: Sequence[date], avoid: set[str]
    ) -> list[str]:
        """References for many new requests, in order: what `_allocate` gives one by one, in
        a few statements; `avoid` holds references about to be inserted with them."""
        fmt = self.settings.reference_format
        rows_of: dict[tuple[str, int], list[int]] = {}
        for i, day in enumerate(received):
            sequence = f"request-{day.year}" if "{year" in fmt else "request"
            rows_of.setdefault((sequence, day.year), []).append(i)
        out = [""] * len(received)
        for (sequence, year), waiting in rows_of.items():
            while waiting:
                numbers = db.take_numbers(session, sequence, len(waiting))
                candidates = [fmt.format(seq=n, year=year) for n in numbers]
                taken = avoid.intersection(candidates)
                for start in range(0, len(candidates), 500):
                    chunk = candidates[start : start + 500]
                    query = select(Request.reference).where(col(Request.reference).in_(chunk))
                    taken.update(session.exec(query))
                free = [ref for ref in candidates if ref not in taken]
                for i, ref in zip(waiting, free, strict=False):
                    out[i] = ref
                waiting = waiting[len(free) :]
        return out

    def _follow_reference(self, session: Session, reference: str, received_on: date) -> None:
        """After an explicit reference such as 18159, new numbers continue above it."""
        fmt = self.settings.reference_format
        if fmt == "{seq}" and reference.isdigit():
            db.raise_counter(session, "request", int(reference))

    def clarify(self, reference: str, on: date, keep_clock: bool = False) -> None:
        """Record the date the requester made the request precise (a. 42)."""
        with db.transaction(self.engine) as session:
            req = self.get(session, reference)
            self._refuse_if_decided(req, "clarify")
            if req.extended_on is not None and not keep_clock:
                raise RefusedError(
                    f"request {reference} was already extended on {req.extended_on}: "
                    "use --keep-clock to record the clarification without restarting the clock"
                )
            self._set(session, req, "clarified", clarified_on=on, keep_clock=keep_clock)

    def extend(self, reference: str, on: date) -> None:
        """Record the notice of the 10-day extension (a. 47, last paragraph)."""
        with db.transaction(self.engine) as session:
            req = self.get(session, reference)
            deadlines.check_extension(facts_of(req), on, self.rules)
            self._set(session, req, "extended", extended_on=on)

    def third_party(self, reference: str, notified: date, observations: date | None) -> None:
        """Record the notice to a third party (a. 49) and, when known, its observations."""
        with db.transaction(self.engine) as session:
            req = self.get(session, reference)
            if req.third_party_notified_on is None:
                deadlines.check_third_party(facts_of(req), notified, self.rules)
            elif req.third_party_notified_on != notified:
                raise RefusedError(
                    f"request {reference}: the third party was notified on "
                    f"{req.third_party_notified_on}, not {notified}"
                )
            else:
                self._refuse_if_decided(req, "change the third-party dates of")
            self._set(
                session,
                req,
                "third-party",
                third_party_notified_on=notified,
                observations_on=observations if observations else req.observations_on,
            )

    def decide(
        self,
        reference: str,
        on: date,
        outcome: str,
        articles: Sequence[str] = (),
        links: Sequence[str] = (),
        body: str = "",
        referral_body: str | None = None,
        cited_check: Any = None,
    ) -> None:
        """Record the decision; `cited_check` refuses articles the office has no text for."""
        if outcome not in OUTCOMES:
            raise InputError(f"invalid outcome {outcome!r}: expected {', '.join(OUTCOMES)}")
        if cited_check is not None:
            cited_check(articles)
        for link in links:
            if not re.match(r"^(https?://|www\.)\S+$", link):
                raise InputError(f"invalid link {link!r}: expected an http(s):// or www. address")
        with db.transaction(self.engine) as session:
            req = self.get(session, reference)
            self._refuse_if_decided(req, "decide")
            articles = _with_suppression_articles(session, req, list(articles))
            self._set(session, req, "decided", decided_on=on, outcome=outcome)
            session.add(
                Decision(
                    request_id=req.id,
                    decided_on=on,
                    outcome=outcome,
                    articles=",".join(articles),
                    links=json.dumps(list(links)),
                    body=body,
                    referral_body=referral_body,
                )
            )
            self._event(session, req, "decided", "articles", None, ",".join(articles) or None)

    def review(self, reference: str, filed: date) -> None:
        """Record that the requester applied to the Commission for review (a. 135)."""
        with db.transaction(self.engine) as session:
            req = self.get(session, reference)
            if req.review_filed_on is not None:
                raise RefusedError(
                    f"request {reference}: a review was already filed on {req.review_filed_on}"
                )
            if req.decided_on is not None and filed < req.decided_on:
                raise RefusedError(
                    f"review filed on {filed} is before the decision of {req.decided_on}"
                )
            if req.decided_on is None and filed <= req.decision_due:
                raise RefusedError(
                    f"request {reference} has no decision and its decision is not due until "
                    f"{req.decision_due}: a review follows a decision or a deemed refusal"
                )
            self._set(session, req, "review", review_filed_on=filed)

    def add_annex(self, reference: str, section: Any) -> int:
        """Attach a data section (atip.annexes.Section) after the others; returns its number."""
        with db.transaction(self.engine) as session:
            req = self.get(session, reference)
            count = len(self._annexes(session, req))
            session.add(Annex(request_id=req.id, position=count + 1, section=section.to_json()))
            self._event(session, req, "annex-added", "annex", None, section.title)
            if section.suppressed and req.decided_on is not None:
                decision = session.get(Decision, req.id)
                if decision is not None:
                    cited = _articles(decision)
                    added = [n for n in ("53", "54") if n not in cited]
                    if added:
                        decision.articles = ",".join([*cited, *added])
                        self._event(
                            session,
                            req,
                            "decided",
                            "articles",
                            ",".join(cited) or None,
                            decision.articles,
                        )
            return count + 1

    def annexes(self, reference: str) -> list[Any]:
        """The data sections of a request, in order."""
        from atip.register.annexes import Section

        with Session(self.engine) as session:
            req = self.get(session, reference)
            return [Section.from_json(a.section) for a in self._annexes(session, req)]

    def remove_annex(self, reference: str, number: int) -> str:
        """Detach section `number` (1-based) and renumber the rest; returns its title."""
        from atip.register.annexes import Section

        with db.transaction(self.engine) as session:
            req = self.get(session, reference)
            rows = self._annexes(session, req)
            if not 1 <= number <= len(rows):
                raise NotFoundError(
                    f"request {reference} has no annex {number} ({len(rows)} in all)"
                )
            gone = rows.pop(number - 1)
            title = Section.from_json(gone.section).title
            session.delete(gone)
            for position, row in enumerate(rows, start=1):
                row.position = position
            self._event(session, req, "annex-removed", "annex", title, None)
            return title

    def _annexes(self, session: Session, req: Request) -> list[Annex]:
        query = select(Annex).where(Annex.request_id == req.id).order_by(col(Annex.position))
        return list(session.exec(query))

    def _refuse_if_decided(self, req: Request, verb: str) -> None:
        if req.decided_on is not None:
            raise RefusedError(
                f"cannot {verb} request {req.reference}: it was decided on {req.decided_on}"
            )

    # -- views ---------------------------------------------------------------------------
    def show(self, reference: str, as_of: date) -> dict[str, Any]:
        """Everything about one request, as `request show --json` prints it."""
        with Session(self.engine) as session:
            req = self.get(session, reference)
            requester = session.get(Requester, req.id)
            decision = session.get(Decision, req.id)
            view = self.view(req, as_of, explain=True)
            view["requester"] = _requester_view(requester)
            view["articles"] = _articles(decision)
            view["links"] = json.loads(decision.links) if decision else []
            return view

    def view(self, req: Request, as_of: date, *, explain: bool = False) -> dict[str, Any]:
        """The JSON object of one request (SPEC §3 keys)."""
        left = (req.decision_due - as_of).days
        view: dict[str, Any] = {
            "reference": req.reference,
            "status": status_of(req, as_of),
            "kind": req.kind,
            "subject": req.subject,
            "received_on": _iso(req.received_on),
            "clarified_on": _iso(req.clarified_on),
            "clock_starts_on": _iso(req.clock_starts_on),
            "response_due": _iso(req.response_due),
            "extended": req.extended_on is not None,
            "extended_on": _iso(req.extended_on),
            "extended_due": _iso(req.extended_due) if req.extended_on else None,
            "third_party_notified_on": _iso(req.third_party_notified_on),
            "observations_due": _iso(req.observations_due),
            "observations_on": _iso(req.observations_on),
            "third_party_due": _iso(req.third_party_due),
            "decision_due": _iso(req.decision_due),
            "decided_on": _iso(req.decided_on),
            "outcome": req.outcome,
            "executory_on": _iso(req.executory_on) if req.outcome in GIVES_ACCESS else None,
            "review_deadline": _iso(req.review_deadline),
            "review_filed_on": _iso(req.review_filed_on),
            "days_left": left,
            "deemed_refusal": req.decided_on is None and as_of > req.decision_due,
            "accommodation": req.accommodation,
            "channel": req.channel,
            "clerk": req.clerk,
        }
        if explain:
            view["explain"] = list(deadlines.compute(facts_of(req), self.rules).explain)
        return view

    def list(
        self,
        as_of: date,
        *,
        open_only: bool = False,
        overdue: bool = False,
        due_within: int | None = None,
    ) -> list[dict[str, Any]]:
        """Requests as JSON objects: late first, then by governing date (indexed query)."""
        query = select(Request)
        if open_only or overdue or due_within is not None:
            query = query.where(col(Request.decided_on).is_(None))
        if overdue and due_within is not None:
            horizon = date.fromordinal(as_of.toordinal() + due_within)
            query = query.where(Request.decision_due <= horizon)
        elif overdue:
            query = query.where(Request.decision_due < as_of)
        elif due_within is not None:
            horizon = date.fromordinal(as_of.toordinal() + due_within)
            query = query.where(Request.decision_due >= as_of, Request.decision_due <= horizon)
        # undecided first (late first, then due soonest), decided ones after them
        query = query.order_by(
            col(Request.decided_on).is_not(None), Request.decision_due, Request.reference
        )
        with Session(self.engine) as session:
            # Plain rows through the Core connection, not ORM objects: a list may hold
            # thousands of requests, and a view reads the same attribute names from either.
            rows = session.connection().execute(query).all()
            return [self.view(req, as_of) for req in rows]  # type: ignore[arg-type]

    def journal(self, reference: str) -> list[dict[str, Any]]:
        """The events of one request, oldest first."""
        with Session(self.engine) as session:
            req = self.get(session, reference)
            events = session.exec(
                select(Event).where(Event.request_id == req.id).order_by(col(Event.id))
            )
            return [
                {
                    "at": e.at.isoformat(timespec="seconds"),
                    "actor": e.actor,
                    "action": e.action,
                    "field": e.field,
                    "old": e.old,
                    "new": e.new,
                }
                for e in events
            ]

    def count(self) -> int:
        """How many requests the register holds."""
        with Session(self.engine) as session:
            return int(session.exec(select(func.count(col(Request.id)))).one())


def _with_suppression_articles(session: Session, req: Request, articles: list[str]) -> list[str]:
    """Annexes with blanked small counts make the decision cite 53 and 54 (SPEC §6)."""
    sections = session.exec(select(Annex.section).where(Annex.request_id == req.id)).all()
    if not sections:
        return articles
    from atip.register.annexes import Section

    if any(Section.from_json(text).suppressed for text in sections):
        articles += [n for n in ("53", "54") if n not in articles]
    return articles


def _articles(decision: Decision | None) -> list[str]:
    if decision is None or not decision.articles:
        return []
    return decision.articles.split(",")


def _requester_view(requester: Requester | None) -> dict[str, str | None]:
    if requester is None:
        return {"name": None, "address": None, "email": None}
    return {"name": requester.name, "address": requester.address, "email": requester.email}


def _creation_summary(req: Request) -> dict[str, Any]:
    return {
        "reference": req.reference,
        "kind": req.kind,
        "received_on": _iso(req.received_on),
        "clarified_on": _iso(req.clarified_on),
        "extended_on": _iso(req.extended_on),
        "decided_on": _iso(req.decided_on),
        "outcome": req.outcome,
    }


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def split_articles(text: str | None) -> tuple[str, ...]:
    """'53, 54' -> ('53', '54'); numbers like 16.1 kept; InputError for anything else."""
    if not text:
        return ()
    out: list[str] = []
    for part in re.split(r"[,;\s]+", text.strip()):
        if not part:
            continue
        number = part.removeprefix("a.").strip()
        if not re.fullmatch(r"\d{1,3}(\.\d{1,2})?", number):
            raise InputError(f"invalid article number {part!r}: expected numbers such as 53,54")
        if number not in out:
            out.append(number)
    return tuple(out)
