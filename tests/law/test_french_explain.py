"""The deadlines explained in French, the law's errors in French, and English left as it was."""

from __future__ import annotations

import re
from datetime import date

import pytest

from atip.errors import InputError, RefusedError
from atip.french import parse_date
from atip.law.closed_days import Calendar
from atip.law.deadlines import Facts, Rules, check_extension, check_third_party, compute

NBSP = "\u00a0"
LAW = Rules()
SATURDAYS = Rules(saturdays_closed=True)
ENGLISH_MARKERS = (
    "Clock starts",
    "Response due",
    "days =",
    "closed day",
    "moves to",
    "skipped",
    "Decision due",
)


def D(text: str) -> date:
    return date.fromisoformat(text)


def explain(facts: Facts, rules: Rules = LAW) -> list[str]:
    return list(compute(facts, rules).explain)


def line(sentences: list[str], start: str) -> str:
    """The one sentence that begins with `start`."""
    found = [s for s in sentences if s.startswith(start)]
    assert len(found) == 1, (start, sentences)
    return found[0]


def assert_french(sentences: list[str]) -> None:
    text = "\n".join(sentences)
    for marker in ENGLISH_MARKERS:
        assert marker not in text, marker
    # Dates in sentences are long French dates, never ISO.
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), text


@pytest.mark.usefixtures("french")
def test_a_plain_request_moved_off_a_sunday() -> None:
    sentences = explain(Facts(D("2019-12-16")))
    assert_french(sentences)
    assert sentences[0].startswith("Le délai court à compter du 16 décembre 2019")
    response = line(sentences, "Délai de réponse")
    assert response == (
        f"Délai de réponse{NBSP}: 20 jours après le 16 décembre 2019, point de départ du délai "
        "(a. 47 al. 1), soit le 5 janvier 2020, un dimanche (jour férié, Loi d'interprétation, "
        "RLRQ c. I-16, a. 61 (23°) a)), reporté au 6 janvier 2020 (Loi d'interprétation, "
        "RLRQ c. I-16, a. 52)."
    )
    for part in ("5 janvier 2020", "dimanche", "reporté au 6 janvier 2020", "a. 52"):
        assert part in response
    decision = line(sentences, "Décision à rendre")
    assert "6 janvier 2020" in decision
    assert "a. 47 al. 1" in decision


@pytest.mark.usefixtures("french")
def test_a_request_moved_over_good_friday_and_easter_monday() -> None:
    sentences = explain(Facts(D("2024-03-09")), SATURDAYS)
    assert_french(sentences)
    response = line(sentences, "Délai de réponse")
    assert "soit le 29 mars 2024, un vendredi (Vendredi saint" in response
    assert "a. 61 (23°) c)" in response
    assert "reporté au 2 avril 2024" in response
    assert "le 30 mars 2024, un samedi" in response
    assert "le 31 mars 2024, un dimanche" in response
    assert "le 1er avril 2024, un lundi (lundi de Pâques" in response
    assert "saturdays_closed = true" in line(sentences, "Calendrier")
    assert "Vendredi saint" in response and "lundi de Pâques" in response


@pytest.mark.usefixtures("french")
def test_a_clarified_request() -> None:
    sentences = explain(Facts(D("2024-05-17"), clarified_on=D("2024-05-20")))
    assert_french(sentences)
    assert sentences[0].startswith(
        "Le délai court à compter du 20 mai 2024, date à laquelle la demande a été précisée "
        "(reçue le 17 mai 2024"
    )
    assert "clarification_restarts_clock = true" in sentences[0]
    kept = explain(Facts(D("2024-05-17"), clarified_on=D("2024-05-20"), keep_clock=True))
    assert_french(kept)
    assert kept[0].startswith("Le délai court à compter du 17 mai 2024")
    assert "précisée le 20 mai 2024" in kept[0]
    assert "--keep-clock" in kept[0]


@pytest.mark.usefixtures("french")
def test_an_extension() -> None:
    sentences = explain(Facts(D("2024-05-17"), extended_on=D("2024-06-01")))
    assert_french(sentences)
    assert line(sentences, "Délai prolongé").endswith(
        "soit le 16 juin 2024, un dimanche (jour férié, Loi d'interprétation, RLRQ c. I-16, "
        "a. 61 (23°) a)), reporté au 17 juin 2024 (Loi d'interprétation, RLRQ c. I-16, a. 52)."
    )
    notice = line(sentences, "Avis de prolongation")
    assert "envoyé le 1er juin 2024" in notice
    assert "6 juin 2024" in notice
    assert "le délai prolongé s’applique (a. 47)" in notice
    assert "17 juin 2024, date du délai prolongé" in line(sentences, "Décision à rendre")
    late = explain(Facts(D("2024-05-17"), extended_on=D("2024-06-10")))
    assert "il ne prolonge pas le délai" in line(late, "Avis de prolongation")


@pytest.mark.usefixtures("french")
def test_a_third_party() -> None:
    facts = Facts(
        D("2024-05-17"),
        third_party_notified_on=D("2024-05-25"),
        observations_on=D("2024-06-05"),
        decided_on=D("2024-06-18"),
    )
    sentences = explain(facts)
    assert_french(sentences)
    assert line(sentences, "Délai d’observations du tiers").startswith(
        f"Délai d’observations du tiers{NBSP}: 20 jours après le 25 mai 2024, date de l’avis au "
        "tiers (a. 49 al. 3), soit le 14 juin 2024"
    )
    assert "15 jours après le 5 juin 2024, date des observations du tiers (a. 49 al. 4)" in (
        line(sentences, "Délai de décision après l’avis au tiers")
    )
    assert "20 juin 2024" in line(sentences, "Décision à rendre")
    assert "date d’envoi de la décision" in line(sentences, "Décision exécutoire")
    late = explain(
        Facts(
            D("2024-05-17"),
            third_party_notified_on=D("2024-05-25"),
            observations_on=D("2024-06-20"),
        )
    )
    assert "le tiers est réputé avoir consenti" in line(late, "Observations présentées")
    assert "fin du délai d’observations" in line(late, "Délai de décision après l’avis au tiers")


@pytest.mark.usefixtures("french")
def test_the_calendars_described_in_french() -> None:
    assert "le samedi n’est pas férié" in Calendar().description
    assert "Commission d’accès à l’information" in Calendar(review_body=True).description
    assert "1 jour férié proclamé" in Calendar({D("2024-06-03"): "Jour X"}).description
    two = Calendar({D("2024-06-03"): "X", D("2024-06-04"): "Y"}).description
    assert "2 jours fériés proclamés" in two
    review = explain(Facts(D("2024-05-17")), Rules(review_calendar="review-body"))
    assert_french(review)
    assert "review_calendar = review-body" in line(review, "Délai de demande de révision")


@pytest.mark.usefixtures("french")
def test_a_bad_date_in_french() -> None:
    with pytest.raises(InputError) as info:
        parse_date("31/04/2024")
    assert (
        info.value.message
        == f"«{NBSP}31/04/2024{NBSP}» n’existe pas{NBSP}: avril 2024 compte 30 jours"
    )
    with pytest.raises(InputError) as info:
        parse_date("lundi 7 janvier 2020")
    assert info.value.message == (
        f"date invalide «{NBSP}lundi 7 janvier 2020{NBSP}»{NBSP}: le 7 janvier 2020 est un "
        "mardi, et non un lundi"
    )
    with pytest.raises(InputError) as info:
        parse_date("17/05/24")
    assert "écrivez l’année en quatre chiffres" in info.value.message


@pytest.mark.usefixtures("french")
def test_facts_out_of_order_in_french() -> None:
    with pytest.raises(RefusedError) as info:
        compute(Facts(D("2024-05-17"), decided_on=D("2024-05-16")))
    assert info.value.message == (
        "la date de la décision (16 mai 2024) est antérieure à la date de réception (17 mai 2024)"
    )
    with pytest.raises(RefusedError) as info:
        check_extension(Facts(D("2024-03-01")), D("2024-05-01"))
    assert "l’avis de prolongation doit être envoyé au plus tard le 21 mars 2024" in (
        info.value.message
    )
    with pytest.raises(RefusedError) as info:
        check_third_party(Facts(D("2024-03-01"), decided_on=D("2024-03-05")), D("2024-03-04"))
    assert info.value.message == (
        "la décision sur la demande a été rendue le 5 mars 2024\u202f; il n’est plus possible "
        "d’aviser un tiers"
    )


def test_english_is_unchanged() -> None:
    # The autouse `english` fixture speaks English.
    sentences = explain(Facts(D("2024-03-09")), SATURDAYS)
    assert line(sentences, "Response due") == (
        "Response due: clock start 2024-03-09 + 20 days = 2024-03-29 (a. 47 al. 1), a closed "
        "day, so it moves to 2024-04-02 (Loi d'interprétation, RLRQ c. I-16, a. 52); skipped: "
        "2024-03-29 Vendredi saint (Loi d'interprétation, RLRQ c. I-16, a. 61 (23°) c)); "
        "2024-03-30 samedi (lecture de l'organisme, paramètre deadlines.saturdays_closed; le "
        "samedi n'est pas un jour férié de la Loi d'interprétation, RLRQ c. I-16, a. 61 (23°)); "
        "2024-03-31 dimanche (Loi d'interprétation, RLRQ c. I-16, a. 61 (23°) a)); 2024-04-01 "
        "lundi de Pâques (Loi d'interprétation, RLRQ c. I-16, a. 61 (23°) d))."
    )
    assert sentences[0] == (
        "Clock starts on 2024-03-09, the date the request was received; the day of the event "
        "is not counted (a. 47: «dans les vingt jours qui suivent»)."
    )
    assert line(sentences, "Decision due") == (
        "Decision due: 2024-04-02, the response date (a. 47 al. 1)."
    )
    with pytest.raises(InputError) as info:
        parse_date("31/04/2024")
    assert info.value.message == "'31/04/2024' does not exist: April 2024 has 30 days"
