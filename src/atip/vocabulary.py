"""The single copy of atip's codes: request kinds, outcomes, statuses and letter kinds.

These English codes are the machine contract: stored in the database, printed in JSON, and
never translated. The interface shows and accepts French words for them (atip.i18n).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final, Literal, get_args

RequestKind = Literal["documents", "personal", "rectification"]
Outcome = Literal["granted", "partial", "refused", "not-held", "referred", "mixed"]
Status = Literal[
    "open", "extended", "third-party", "overdue", "decided", "closed", "withdrawn", "void"
]
LetterKind = Literal[
    "acknowledgement",
    "extension",
    "decision",
    "precision",
    "referral",
    "third-party-notice",
    "third-party-decision",
    "fees",
    "withdrawal",
]

# The tuples of codes, in this order, from the types above: one copy of each list.
REQUEST_KINDS: Final[tuple[str, ...]] = get_args(RequestKind)
OUTCOMES: Final[tuple[str, ...]] = get_args(Outcome)
STATUSES: Final[tuple[str, ...]] = get_args(Status)
LETTER_KINDS: Final[tuple[str, ...]] = get_args(LetterKind)
# Letters of one kind to several addressees are issued and journaled as KIND_RECIPIENT:
# `third-party-notice_requester`, `third-party-notice_1` (the first third party recorded).
RECIPIENT_SEPARATOR: Final = "_"
# The recipient of the requester's copy of a letter that goes to several addressees.
REQUESTER: Final = "requester"


def letter_code(kind: str, recipient: str) -> str:
    """The code of one addressee's letter: `third-party-notice_1`."""
    return f"{kind}{RECIPIENT_SEPARATOR}{recipient}"


# Requests for one's own personal information, to see it or to correct it (a. 83, 89): their time
# limits are those of a. 98, the same 20 days and at most 10 more as a. 47 for documents.
PERSONAL_INFORMATION_KINDS: Final = ("personal", "rectification")
# Statuses in which no time limit runs any more.
ENDED_STATUSES: Final = ("decided", "closed", "withdrawn", "void")
# a. 49: a decision that gives access becomes executory 15 days after it is mailed.
GIVES_ACCESS: Final = ("granted", "partial", "mixed")
# Articles cited in support of an answer (a. 1, 13) rather than as a ground of refusal.
NOT_GROUNDS: Final = ("1", "13")
# Outcomes whose decision must name the articles that ground the refusal (a. 50).
GROUNDS_REQUIRED: Final = ("partial", "refused")
# Outcomes whose cited articles are grounds of refusal (a. 50): the law annex heads them so.
REFUSAL_OUTCOMES: Final = ("partial", "refused", "mixed")
# Outcomes by which documents go with the letter ("ci-joint"), so it carries "p. j.".
ENCLOSING_OUTCOMES: Final = ("granted", "partial", "mixed")

# The French word shown for each code, and the other spellings a clerk may type for it. Typed
# values are compared without accents, capitals, spaces or underscores (`Non détenu` works).
FRENCH: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "outcome": {
        "granted": ("accueillie", "acceptée", "accordée", "accueilli", "accepté", "accordé"),
        "partial": ("partielle", "partiellement-accueillie", "partiel"),
        "refused": ("refusée", "refus", "refusé"),
        "not-held": ("non détenu", "non-détenu", "non-détenus", "non-détenue", "non-détenues"),
        "referred": ("transférée", "transféré", "référée", "renvoyée"),
        "mixed": ("mixte",),
    },
    "kind": {
        "documents": ("documents", "document", "accès aux documents"),
        "rectification": ("rectification", "demande de rectification"),
        "personal": (
            "renseignements personnels",
            "renseignements-personnels",
            "personnels",
            "renseignements-personnel",
        ),
    },
    "status": {
        "open": ("ouverte", "ouvert", "en cours"),
        "extended": ("prolongée", "prolongé"),
        "third-party": ("tiers",),
        "overdue": ("en retard", "retard"),
        "decided": ("décidée", "décidé"),
        "closed": ("fermée", "fermé", "close"),
        "withdrawn": ("retirée", "retiré", "désistement", "désistée"),
        "void": ("annulée", "annulé", "nulle"),
    },
    "letter": {
        "acknowledgement": ("accusé de réception", "accusé", "accuse-reception"),
        "extension": ("prolongation", "avis de prolongation"),
        "decision": ("décision",),
        "precision": ("demande de précisions", "précisions", "précision"),
        "referral": ("renvoi", "avis de renvoi", "transfert"),
        "third-party-notice": ("avis au tiers", "avis-tiers"),
        "third-party-decision": ("décision au tiers", "décision-tiers"),
        "fees": ("frais", "estimation des frais"),
        "withdrawal": ("désistement", "confirmation de désistement", "retrait"),
    },
}
CODES: Final[dict[str, tuple[str, ...]]] = {
    "outcome": OUTCOMES,
    "kind": REQUEST_KINDS,
    "status": STATUSES,
    "letter": LETTER_KINDS,
}


def fold(text: str) -> str:
    """A typed word as compared: lower case, no accents, spaces and underscores as '-'."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return "-".join(plain.lower().replace("_", " ").replace("-", " ").split())


@lru_cache(maxsize=1024)
def code_of(what: str, typed: str) -> str | None:
    """The code a clerk means by `typed` (an English code or a French word), or None."""
    wanted = fold(typed)
    for code in CODES[what]:
        if wanted == fold(code) or wanted in (fold(w) for w in FRENCH[what].get(code, ())):
            return code
    return None


def typed_word(what: str, code: str) -> str:
    """The word to type for a code in the interface language: `non-détenu`, `granted`
    (for a letter to one addressee, `third-party-notice_1`, its kind's word)."""
    if what == "letter":
        code = code.split(RECIPIENT_SEPARATOR, 1)[0]
    return label(what, code).replace(" ", "-")


def label(what: str, code: str) -> str:
    """The word a clerk reads for a code: French in French, the code itself in English.

    A letter to one of several addressees (`third-party-notice_1`) reads "avis au tiers (1)",
    and `…_requester` "avis au tiers (requérant)".
    """
    from atip.i18n import language

    if what == "letter" and RECIPIENT_SEPARATOR in code:
        kind, recipient = code.split(RECIPIENT_SEPARATOR, 1)
        if recipient == "requester" and language() == "fr":
            recipient = "requérant"
        return f"{label(what, kind)} ({recipient})"
    if language() == "fr":
        words = FRENCH.get(what, {}).get(code)
        if words:
            return words[0]
    return code
