"""Every write to the register: each operation validates, then runs in one transaction that
journals what it changed."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from atip.errors import NotFoundError, RefusedError
from atip.i18n import _, day
from atip.law import deadlines
from atip.register import db, references
from atip.register.amendments import Amendments
from atip.register.annexes import Section
from atip.register.facts import check_new_facts, computed_dates, facts_of, third_parties_of
from atip.register.journal import PERSONAL
from atip.register.models import Annex, Decision, Request, Requester, ThirdParty
from atip.register.validation import (
    check_decision_content,
    check_email,
    check_field,
    check_kind,
    check_link,
    check_outcome,
    check_reference,
    clean_text,
    placed_annexes,
)
from atip.vocabulary import GROUNDS_REQUIRED, NOT_GROUNDS, label

ArticleCheck = Callable[[Iterable[str]], None]


@dataclass(frozen=True)
class ThirdPartyIdentity:
    """Who a third party is (a. 49): personal information, like the requester's."""

    name: str | None = None
    address: str | None = None
    email: str | None = None


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
    courtesy: str | None = None
    extended_on: date | None = None
    decided_on: date | None = None
    outcome: str | None = None
    articles: tuple[str, ...] = ()


class Recorder(Amendments):
    """The writes of one workspace's register, made by one clerk: each validates, then runs in
    one transaction that journals what it changed."""

    # -- a new request -------------------------------------------------------------------
    def create(self, new: NewRequest) -> str:
        """Log a new request and return its reference."""
        name = clean_text(new.requester, _("the requester's name"), required=True, field="name")
        subject = clean_text(new.subject, _("the subject"), required=True, field="subject")
        check_kind(new.kind)
        check_outcome(new.outcome)
        facts = deadlines.Facts(
            received_on=new.received_on,
            clarified_on=new.clarified_on,
            keep_clock=new.keep_clock,
            extended_on=new.extended_on,
            decided_on=new.decided_on,
            kind=new.kind,
        )
        for field in ("received_on", "clarified_on", "extended_on", "decided_on"):
            self.not_after_today(field, getattr(facts, field))
        check_new_facts(facts, self.rules)
        dates = computed_dates(facts, self.rules)
        reference = check_reference(new.reference) if new.reference else None
        fmt = self.settings.reference_format
        with db.transaction(self.engine) as session:
            if reference is None:
                reference = references.allocate(session, fmt, new.received_on)
            else:
                if session.exec(select(Request.id).where(Request.reference == reference)).first():
                    raise RefusedError(
                        _("reference {reference!r} already exists").format(reference=reference)
                    )
                references.follow(session, fmt, reference)
            req = Request(
                reference=reference,
                kind=new.kind,
                subject=subject or "",
                channel=clean_text(new.channel, _("the channel"), field="channel"),
                clerk=clean_text(new.clerk, _("the clerk"), field="clerk"),
                accommodation=new.accommodation,
                received_on=new.received_on,
                clarified_on=new.clarified_on,
                keep_clock=new.keep_clock,
                extended_on=new.extended_on,
                decided_on=new.decided_on,
                outcome=new.outcome,
                created_at=datetime.now(UTC),
                **dates,  # type: ignore[arg-type]
            )
            session.add(req)
            try:
                session.flush()
            except IntegrityError:
                # PostgreSQL: another clerk inserted this reference after our check above.
                raise RefusedError(
                    _("reference {reference!r} already exists").format(reference=reference)
                ) from None
            assert req.id is not None
            session.add(
                Requester(
                    request_id=req.id,
                    name=name,
                    address=clean_text(new.address, _("the address"), field="address"),
                    email=check_email(new.email),
                    courtesy=clean_text(new.courtesy, _("the courtesy title"), field="courtesy"),
                )
            )
            if new.decided_on is not None:
                session.add(
                    Decision(
                        request_id=req.id,
                        decided_on=new.decided_on,
                        outcome=new.outcome or "granted",
                        articles=",".join(new.articles),
                        own_articles=",".join(new.articles),
                    )
                )
                req.outcome = new.outcome or "granted"
            self.event(session, req, "created", None, None, creation_summary(req))
            self.event(session, req, "created", "requester", None, PERSONAL)
            return reference

    # -- events of its life --------------------------------------------------------------
    def clarify(self, reference: str, on: date, keep_clock: bool = False) -> None:
        """Record the date the requester made the request precise (a. 42)."""
        with db.transaction(self.engine) as session:
            req = self.open_request(session, reference)
            _refuse_if_decided(
                req, _("cannot clarify request {reference}: it was decided on {day}")
            )
            if req.extended_on is not None and not keep_clock:
                raise RefusedError(
                    _(
                        "request {reference} was already extended on {day}: use --keep-clock "
                        "to record the clarification without restarting the clock"
                    ).format(reference=reference, day=day(req.extended_on))
                )
            self._set(session, req, "clarified", clarified_on=on, keep_clock=keep_clock)

    def extend(self, reference: str, on: date) -> None:
        """Record the notice of the 10-day extension (a. 47, last paragraph)."""
        with db.transaction(self.engine) as session:
            req = self.open_request(session, reference)
            self.not_after_today("extended_on", on)
            deadlines.check_extension(facts_of(req), on, self.rules)
            self._set(session, req, "extended", extended_on=on)

    def third_party(
        self,
        reference: str,
        notified: date,
        observations: date | None,
        party: ThirdPartyIdentity | None = None,
    ) -> None:
        """Record the notice to a third party (a. 49) and, when known, its observations.

        Without a name, the request's one unnamed third party, as before; with a name, that
        third party, added the first time. Each has its own 20 days for observations, and the
        decision waits for the last of them.
        """
        self.not_after_today("third_party_notified_on", notified)
        self.not_after_today("observations_on", observations)
        identity = party or ThirdPartyIdentity()
        name = clean_text(identity.name, _("the third party's name"), field="name")
        with db.transaction(self.engine) as session:
            req = self.open_request(session, reference)
            assert req.id is not None
            parties = third_parties_of(session, req.id)
            found = next((p for p in parties if p.name == name), None)
            if found is None:
                deadlines.check_third_party(facts_of(req), notified, self.rules)
                found = ThirdParty(
                    request_id=req.id,
                    position=len(parties) + 1,
                    name=name,
                    address=clean_text(
                        identity.address, _("the third party's address"), field="address"
                    ),
                    email=check_email(identity.email),
                    notified_on=notified,
                )
                session.add(found)
                self.event(session, req, "third-party", "third_party", None, PERSONAL)
                self.event(session, req, "third-party", "third_party_notified_on", None, notified)
            elif found.notified_on != notified:
                raise RefusedError(
                    _(
                        "request {reference}: the third party was notified on {day}, not {other}"
                    ).format(reference=reference, day=day(found.notified_on), other=day(notified))
                )
            else:
                _refuse_if_decided(
                    req,
                    _(
                        "cannot change the third-party dates of request {reference}: "
                        "it was decided on {day}"
                    ),
                )
            if observations is not None and observations != found.observations_on:
                self.event(
                    session,
                    req,
                    "third-party",
                    "observations_on",
                    found.observations_on,
                    observations,
                )
                found.observations_on = observations
            session.flush()
            self.recompute(session, req)

    def decide(
        self,
        reference: str,
        on: date,
        outcome: str,
        articles: Sequence[str] = (),
        links: Sequence[str] = (),
        body: str = "",
        referral_body: str | None = None,
        cited_check: ArticleCheck | None = None,
        revise: str | None = None,
    ) -> None:
        """Record the decision; `cited_check` refuses articles the office has no text for.

        With `revise` (the reason), a new decision replaces the recorded one, after mediation
        or on the Commission's order: the old one stays in the journal, and the decision letter
        is due again.
        """
        check_outcome(outcome)
        if cited_check is not None:
            cited_check(articles)
        for link in links:
            check_link(link)
        self.not_after_today("decided_on", on)
        referral = clean_text(referral_body, _("the competent body"), field="referral_body")
        check_field(body, _("the decision's text"), field="body")
        with db.transaction(self.engine) as session:
            req = self.open_request(session, reference)
            assert req.id is not None
            if revise is None:
                _refuse_if_decided(
                    req,
                    _(
                        "cannot decide request {reference}: it was decided on {day} "
                        "(use --revise to replace the decision)"
                    ),
                )
            cited = _with_suppression_articles(session, req, list(articles))
            check_decision_content(
                req.reference, outcome, cited, referral, body, len(annex_rows(session, req.id))
            )
            content = {
                "decided_on": on,
                "outcome": outcome,
                "articles": ",".join(cited),
                "own_articles": ",".join(dict.fromkeys(articles)),
                "links": json.dumps(list(links)),
                "body": body,
                "referral_body": referral,
            }
            if revise is not None:
                self._revise(session, req, content, revise)
                return
            self._set(session, req, "decided", decided_on=on, outcome=outcome)
            session.add(Decision(request_id=req.id, **content))  # type: ignore[arg-type]
            self.event(session, req, "decided", "articles", None, ",".join(cited) or None)

    def _revise(self, session: Session, req: Request, content: dict[str, object], why: str) -> None:
        decision = session.get(Decision, req.id)
        if decision is None or req.decided_on is None:
            raise RefusedError(
                _("request {reference} has no decision to revise").format(reference=req.reference)
            )
        reason = clean_text(why, _("the reason"), required=True, field="reason")
        for name, value in content.items():
            old = getattr(decision, name)
            if old != value:
                setattr(decision, name, value)
                # decided_on is journaled with the request's own date below; own_articles
                # is a part of articles, journaled with them
                if name not in ("decided_on", "own_articles"):
                    self.event(session, req, "revised", name, old, value, reason)  # type: ignore[arg-type]
        req.outcome = str(content["outcome"])
        self._set(session, req, "revised", reason, decided_on=content["decided_on"])

    def review(self, reference: str, filed: date) -> None:
        """Record that the requester applied to the Commission for review (a. 135)."""
        self.not_after_today("review_filed_on", filed)
        with db.transaction(self.engine) as session:
            req = references.request_by_reference(session, reference)
            self.refuse_if_void(req)
            if req.review_filed_on is not None:
                raise RefusedError(
                    _("request {reference}: a review was already filed on {day}").format(
                        reference=reference, day=day(req.review_filed_on)
                    )
                )
            if req.decided_on is not None and filed < req.decided_on:
                raise RefusedError(
                    _("review filed on {day} is before the decision of {decided}").format(
                        day=day(filed), decided=day(req.decided_on)
                    )
                )
            if req.decided_on is None and filed <= req.decision_due:
                raise RefusedError(
                    _(
                        "request {reference} has no decision and its decision is not due until "
                        "{day}: a review follows a decision or a deemed refusal"
                    ).format(reference=reference, day=day(req.decision_due))
                )
            self._set(session, req, "review", review_filed_on=filed)

    # -- annexes -------------------------------------------------------------------------
    def add_annex(self, reference: str, section: Section) -> int:
        """Attach a data section after the others; returns its number. The articles it cites
        (53 and 54 for blanked counts, a document index's) join a recorded decision's, journaled."""
        with db.transaction(self.engine) as session:
            req = references.request_by_reference(session, reference)
            self.refuse_if_void(req)
            assert req.id is not None
            count = len(annex_rows(session, req.id))
            session.add(Annex(request_id=req.id, position=count + 1, section=section.to_json()))
            self.event(session, req, "annex-added", "annex", None, section.title)
            if section.cited and req.decided_on is not None:
                decision = session.get(Decision, req.id)
                if decision is not None:
                    cited = decision_articles(decision)
                    added = [n for n in section.cited if n not in cited]
                    if added:
                        decision.articles = ",".join([*cited, *added])
                        self.event(
                            session,
                            req,
                            "decided",
                            "articles",
                            ",".join(cited) or None,
                            decision.articles,
                        )
            return count + 1

    def remove_annex(self, reference: str, number: int) -> str:
        """Detach section `number` (1-based) and renumber the rest; returns its title. The
        articles only it made a recorded decision cite leave the decision, journaled; never
        the clerk's own, nor those another annex cites."""
        with db.transaction(self.engine) as session:
            req = references.request_by_reference(session, reference)
            assert req.id is not None
            rows = annex_rows(session, req.id)
            if not 1 <= number <= len(rows):
                raise NotFoundError(
                    _("request {reference} has no annex {number} ({count} in all)").format(
                        reference=reference, number=number, count=len(rows)
                    )
                )
            decision = session.get(Decision, req.id)
            if decision is not None and number in placed_annexes(decision.body):
                raise RefusedError(
                    _(
                        "annex {number} of request {reference} is placed by the decision's text "
                        "([[annexe {number}]]): revise the decision first"
                    ).format(number=number, reference=reference)
                )
            gone = rows.pop(number - 1)
            title = Section.from_json(gone.section).title
            session.delete(gone)
            for position, row in enumerate(rows, start=1):
                row.position = position
            self.event(session, req, "annex-removed", "annex", title, None)
            if decision is not None:
                own = [n for n in decision.own_articles.split(",") if n]
                cited = _with_suppression_articles(session, req, own)
                if cited != decision_articles(decision):
                    _refuse_ungrounded(req, decision, cited, number)
                    old = decision.articles
                    decision.articles = ",".join(cited)
                    self.event(
                        session, req, "decided", "articles", old or None, decision.articles or None
                    )
            return title


def annex_rows(session: Session, request_id: int) -> list[Annex]:
    """The annex rows of a request, in position order."""
    query = select(Annex).where(Annex.request_id == request_id).order_by(col(Annex.position))
    return list(session.exec(query))


def decision_articles(decision: Decision | None) -> list[str]:
    """The article numbers a decision cites, in citing order."""
    if decision is None or not decision.articles:
        return []
    return decision.articles.split(",")


def creation_summary(req: Request) -> dict[str, object]:
    """The facts a `created` journal event records (never the requester)."""
    return {
        "reference": req.reference,
        "kind": req.kind,
        "received_on": _iso(req.received_on),
        "clarified_on": _iso(req.clarified_on),
        "extended_on": _iso(req.extended_on),
        "decided_on": _iso(req.decided_on),
        "outcome": req.outcome,
    }


def _refuse_if_decided(req: Request, message: str) -> None:
    """RefusedError with `message` (its {reference} and {day} filled) once `req` is decided."""
    if req.decided_on is not None:
        raise RefusedError(message.format(reference=req.reference, day=day(req.decided_on)))


def _refuse_ungrounded(req: Request, decision: Decision, cited: list[str], number: int) -> None:
    """RefusedError when removing annex `number` would leave a refusal without the articles
    that ground it (a. 50): its letter could never be written."""
    if decision.outcome in GROUNDS_REQUIRED and not [a for a in cited if a not in NOT_GROUNDS]:
        raise RefusedError(
            _(
                "annex {number} of request {reference} names the grounds of its {outcome} "
                "decision (a. 50): revise the decision with its articles first "
                "(`atip request decide --revise`)"
            ).format(
                number=number,
                reference=req.reference,
                outcome=label("outcome", decision.outcome),
            )
        )


def _with_suppression_articles(session: Session, req: Request, articles: list[str]) -> list[str]:
    """The articles the annexes make the decision cite, after its own, in first-seen order:
    53 and 54 for blanked small counts, the articles of a document index (a. 50)."""
    assert req.id is not None
    for row in annex_rows(session, req.id):
        articles += [n for n in Section.from_json(row.section).cited if n not in articles]
    return articles


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None
