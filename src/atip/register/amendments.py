"""The writes that fix or end a file: corrections, cancellations, withdrawal, void entries,
notes, assignment and fees. Each is one transaction, journaled with who, when and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlmodel import Session

from atip.errors import InputError, RefusedError
from atip.i18n import N_, _, day
from atip.register import db, references
from atip.register.facts import third_parties_of
from atip.register.journal import PERSONAL
from atip.register.models import Fees, Request, Requester
from atip.register.validation import check_email, check_kind, clean_text
from atip.register.writing import Writer

# What `request cancel` undoes: the facts it sets back to nothing.
CANCELLABLE = {
    "clarification": ("clarified_on", "keep_clock"),
    "extension": ("extended_on",),
    "third-party": ("third_party_notified_on", "observations_on"),
    "review": ("review_filed_on",),
    "withdrawal": ("withdrawn_on",),
    "void": ("voided_on", "void_reason"),
}
# How each cancellable event reads in a sentence.
CANCEL_WORDS = {
    "clarification": N_("clarification"),
    "extension": N_("extension"),
    "third-party": N_("third-party notice"),
    "review": N_("review"),
    "withdrawal": N_("withdrawal"),
    "void": N_("void entry"),
}
MAX_FEE = Decimal("1000000")


@dataclass(frozen=True)
class Correction:
    """The values a clerk corrects; None leaves a value as it is."""

    received_on: date | None = None
    clarified_on: date | None = None
    requester: str | None = None
    email: str | None = None
    address: str | None = None
    subject: str | None = None
    kind: str | None = None
    channel: str | None = None
    courtesy: str | None = None

    def is_empty(self) -> bool:
        """True when it corrects nothing."""
        return all(value is None for value in vars(self).values())


class Amendments(Writer):
    """Fixing a file, and the ends of a file other than a decision."""

    def open_request(self, session: Session, reference: str) -> Request:
        """The request, refused when it is void or withdrawn: no step is taken on it."""
        req = references.request_by_reference(session, reference)
        self.refuse_if_void(req)
        self.refuse_if_withdrawn(req)
        return req

    def correct(self, reference: str, correction: Correction, why: str) -> list[str]:
        """Correct what was typed wrong; each changed value is one journal event, and every
        date is recomputed. Returns the fields that changed."""
        reason = clean_text(why, _("the reason"), required=True, field="reason")
        if correction.is_empty():
            raise InputError(_("nothing to correct: give at least one value to change"))
        if correction.kind is not None:
            check_kind(correction.kind)
        for field in ("received_on", "clarified_on"):
            self.not_after_today(field, getattr(correction, field))
        changed: list[str] = []
        with db.transaction(self.engine) as session:
            req = references.request_by_reference(session, reference)
            self.refuse_if_void(req)
            person = session.get(Requester, req.id) or Requester(request_id=req.id or 0)
            facts = {
                "received_on": correction.received_on,
                "clarified_on": correction.clarified_on,
                "subject": clean_text(correction.subject, _("the subject"), field="subject"),
                "kind": correction.kind,
                "channel": clean_text(correction.channel, _("the channel"), field="channel"),
            }
            for name, value in facts.items():
                if value is not None and getattr(req, name) != value:
                    self.event(session, req, "corrected", name, getattr(req, name), value, reason)
                    setattr(req, name, value)
                    changed.append(name)
            identity = {
                "name": clean_text(correction.requester, _("the requester's name"), field="name"),
                "email": check_email(correction.email) if correction.email is not None else None,
                "address": clean_text(correction.address, _("the address"), field="address"),
                "courtesy": clean_text(
                    correction.courtesy, _("the courtesy title"), field="courtesy"
                ),
            }
            for name, value in identity.items():
                if value is not None and getattr(person, name) != value:
                    # Personal information: the journal records that it changed, not what to.
                    field = "requester" if name == "name" else f"requester_{name}"
                    self.event(session, req, "corrected", field, PERSONAL, PERSONAL, reason)
                    setattr(person, name, value)
                    changed.append(field)
            if not changed:
                raise RefusedError(
                    _("request {reference} already has these values: nothing changed").format(
                        reference=reference
                    )
                )
            session.add(person)
            self.recompute(session, req)
        return changed

    def cancel(self, reference: str, what: str, why: str) -> None:
        """Undo a recorded event: its dates return to what they were, both stay journaled."""
        reason = clean_text(why, _("the reason"), required=True, field="reason")
        fields = CANCELLABLE.get(what)
        if fields is None:
            raise InputError(
                _("cannot cancel {what!r}: expected one of {whats}").format(
                    what=what, whats=", ".join(CANCELLABLE)
                )
            )
        with db.transaction(self.engine) as session:
            req = references.request_by_reference(session, reference)
            if what != "void":
                self.refuse_if_void(req)
            if getattr(req, fields[0]) is None:
                raise RefusedError(
                    _("request {reference} has no {what} to cancel").format(
                        reference=reference, what=_(CANCEL_WORDS[what])
                    )
                )
            if what == "third-party":
                assert req.id is not None
                for party in third_parties_of(session, req.id):
                    session.delete(party)
                session.flush()
            for name in fields:
                old = getattr(req, name)
                if old not in (None, False):
                    self.event(session, req, "cancelled", name, old, None, reason)
                setattr(req, name, False if name == "keep_clock" else None)
            self.recompute(session, req)

    def withdraw(self, reference: str, on: date, why: str | None = None) -> None:
        """The requester withdrew: no time limit runs from that day, and it is no refusal."""
        self.not_after_today("withdrawn_on", on)
        reason = clean_text(why, _("the reason"), field="reason")
        with db.transaction(self.engine) as session:
            req = self.open_request(session, reference)
            if req.decided_on is not None:
                raise RefusedError(
                    _(
                        "request {reference} was decided on {day}: a decided request cannot be "
                        "withdrawn"
                    ).format(reference=reference, day=day(req.decided_on))
                )
            if on < req.received_on:
                raise RefusedError(
                    _("the withdrawal date {day} is before the received date {received}").format(
                        day=day(on), received=day(req.received_on)
                    )
                )
            self._set(session, req, "withdrawn", reason, withdrawn_on=on)

    def void(self, reference: str, why: str) -> None:
        """An entry made in error (a duplicate, a test): in no list, report or statistic, never
        deleted, and its reference never given again."""
        reason = clean_text(why, _("the reason"), required=True, field="reason")
        with db.transaction(self.engine) as session:
            req = references.request_by_reference(session, reference)
            self.refuse_if_void(req)
            self.event(session, req, "voided", "void_reason", None, reason, reason)
            req.voided_on = self.today
            req.void_reason = reason

    def note(self, reference: str, text: str) -> None:
        """A note in the file's journal, in the clerk's words."""
        body = clean_text(text, _("the note"), required=True, field="note")
        with db.transaction(self.engine) as session:
            req = references.request_by_reference(session, reference)
            self.event(session, req, "note", None, None, body)

    def assign(self, reference: str, clerk: str) -> None:
        """Give the file to a clerk."""
        name = clean_text(clerk, _("the clerk"), required=True, field="clerk")
        with db.transaction(self.engine) as session:
            req = references.request_by_reference(session, reference)
            self.refuse_if_void(req)
            if req.clerk == name:
                raise RefusedError(
                    _("request {reference} is already assigned to {clerk}").format(
                        reference=reference, clerk=name
                    )
                )
            self.event(session, req, "assigned", "clerk", req.clerk, name)
            req.clerk = name

    def fees(
        self,
        reference: str,
        *,
        estimate: str | None = None,
        on: date | None = None,
        paid: date | None = None,
        waived: bool = False,
    ) -> None:
        """The fees of a request (a. 11): an estimate sent on a day, its payment, or a waiver.

        No time limit changes: no provision of the Act or of its fee regulation suspends the
        20 or 30 days for an estimate or its payment.
        """
        if [estimate is not None, paid is not None, waived].count(True) != 1:
            raise InputError(_("give one of --estimate AMOUNT --on DATE, --paid DATE, --waived"))
        if estimate is not None and on is None:
            raise InputError(_("--estimate needs --on DATE, the day the estimate was sent"))
        amount = parse_amount(estimate) if estimate is not None else None
        self.not_after_today("estimated_on", on)
        self.not_after_today("paid_on", paid)
        with db.transaction(self.engine) as session:
            req = self.open_request(session, reference)
            fees = session.get(Fees, req.id) or Fees(request_id=req.id or 0)
            if amount is not None:
                assert on is not None
                if on < req.received_on:
                    raise RefusedError(
                        _("the estimate date {day} is before the received date {received}").format(
                            day=day(on), received=day(req.received_on)
                        )
                    )
                self.event(session, req, "fees", "estimate", _money(fees.estimate), _money(amount))
                fees.estimate, fees.estimated_on, fees.waived = amount, on, False
            elif paid is not None:
                if fees.estimate is None or fees.estimated_on is None:
                    raise RefusedError(
                        _("request {reference} has no fee estimate to pay").format(
                            reference=reference
                        )
                    )
                if paid < fees.estimated_on:
                    raise RefusedError(
                        _("the payment date {day} is before the estimate of {estimated}").format(
                            day=day(paid), estimated=day(fees.estimated_on)
                        )
                    )
                self.event(session, req, "fees", "paid_on", fees.paid_on, paid)
                fees.paid_on = paid
            else:
                self.event(session, req, "fees", "waived", None, "true")
                fees.waived, fees.paid_on = True, None
            session.add(fees)


def parse_amount(text: str) -> Decimal:
    """'12,50', '12.50', '1 200 $' -> Decimal; InputError for anything else."""
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").removesuffix("$")
    try:
        amount = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:
        raise InputError(
            _("invalid amount {amount!r}: expected dollars such as 12,50").format(amount=text)
        ) from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_FEE or amount != round(amount, 2):
        raise InputError(
            _("invalid amount {amount!r}: expected dollars such as 12,50").format(amount=text)
        )
    return amount.quantize(Decimal("0.01"))


def _money(amount: Decimal | None) -> str | None:
    return None if amount is None else f"{amount:.2f}"
