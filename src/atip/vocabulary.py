"""The single copy of atip's codes: request kinds, outcomes, statuses and letter kinds.

These English codes are the machine contract: stored in the database, printed in JSON, and
never translated. The interface shows and accepts French words for them (atip.i18n).
"""

from __future__ import annotations

from typing import Final, Literal

RequestKind = Literal["documents", "personal"]
Outcome = Literal["granted", "partial", "refused", "not-held", "referred", "mixed"]
Status = Literal["open", "extended", "third-party", "overdue", "decided", "closed"]
LetterKind = Literal["acknowledgement", "extension", "decision"]

REQUEST_KINDS: Final = ("documents", "personal")
OUTCOMES: Final = ("granted", "partial", "refused", "not-held", "referred", "mixed")
STATUSES: Final = ("open", "extended", "third-party", "overdue", "decided", "closed")
LETTER_KINDS: Final = ("acknowledgement", "extension", "decision")

# a. 49: a decision that gives access becomes executory 15 days after it is mailed.
GIVES_ACCESS: Final = ("granted", "partial", "mixed")
# Outcomes whose cited articles are grounds of refusal (a. 50): the law annex heads them so.
REFUSAL_OUTCOMES: Final = ("partial", "refused", "mixed")
# Outcomes by which documents go with the letter ("ci-joint"), so it carries "p. j.".
ENCLOSING_OUTCOMES: Final = ("granted", "partial", "mixed")
