"""`atip demo`: a sample workspace with a dozen requests in every state, and their letters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from atip import clock
from atip.i18n import _, ngettext
from atip.register.db import open_engine
from atip.register.reader import Reader
from atip.register.recorder import NewRequest, Recorder
from atip.register.settings import load_settings
from atip.register.workspace import init_workspace

PROFILE = {
    "name": "Ministère de l'Immigration, de la Francisation et de l'Intégration",
    "unit": "Bureau du sous-ministre",
    "short_name": "le Ministère",
    "city": "Montréal",
    "signatory": "Tabita Nicolaica",
}


def _sample(today: date) -> list[tuple[NewRequest, list[tuple[str, tuple]]]]:
    """Requests (fictitious requesters) and the events that put each in its state."""
    ago = lambda days: today - timedelta(days=days)  # noqa: E731
    address = "1234, rue Fictive\nMontréal (Québec)  H2X 0A0"
    return [
        (
            NewRequest(
                ago(3),
                "Jeanne Tremblay-Exemple",
                "les contrats de services informatiques conclus en 2025",
                email="jeanne@example.org",
                address=address,
            ),
            [],
        ),
        (
            NewRequest(
                ago(17),
                "Louis Gagnon-Exemple",
                "le registre des plaintes reçues en 2025",
                channel="email",
            ),
            [],
        ),
        (NewRequest(ago(45), "Marie Roy-Exemple", "les frais de déplacement du cabinet"), []),
        (
            NewRequest(ago(25), "Paul Côté-Exemple", "les rapports d'audit interne 2020 à 2025"),
            [("extend", (ago(6),))],
        ),
        (
            NewRequest(
                ago(15),
                "Chantal Lévesque-Exemple",
                "les soumissions reçues pour l'appel d'offres 2025-114",
            ),
            [("third_party", (ago(9), None))],
        ),
        (
            NewRequest(
                ago(12),
                "Éric Bouchard-Exemple",
                "les statistiques d'admission",
                clarified_on=ago(8),
            ),
            [],
        ),
        (
            NewRequest(
                ago(10),
                "Sophie Morin-Exemple",
                "mon dossier d'immigration",
                kind="personal",
                accommodation=True,
                address=address,
            ),
            [],
        ),
        (
            NewRequest(
                ago(60), "Hugo Pelletier-Exemple", "les procès-verbaux du comité de direction"
            ),
            [("decide", (ago(42), "refused", ("53", "54")))],
        ),
        (
            NewRequest(
                ago(90), "Nadia Fortin-Exemple", "les courriels du sous-ministre sur un sujet"
            ),
            [("decide", (ago(75), "not-held", ())), ("review", (ago(70),))],
        ),
        (
            NewRequest(ago(30), "Alain Caron-Exemple", "les permis délivrés par la municipalité"),
            [("decide", (ago(20), "referred", (), "Ville de Montréal"))],
        ),
    ]


def build_demo(
    folder: Path,
    *,
    letters: bool = True,
    today: date | None = None,
    show: Callable[[list[dict[str, Any]], date], None] | None = None,
) -> Iterator[str]:
    """Create the demo workspace in `folder`, saying what it does; `show` prints the register."""
    from atip.errors import RefusedError

    folder = folder.expanduser().resolve()
    if (folder / "atip.toml").exists():
        raise RefusedError(
            _("{folder} already holds a workspace: choose an empty folder").format(folder=folder)
        )
    yield from init_workspace(folder, **PROFILE)
    settings = load_settings(folder)
    engine = open_engine(settings.database_url)
    try:
        register = Recorder(engine, settings, who="demo")
        reader = Reader(settings.database_url, settings)
        today = today or clock.today(settings.timezone)
        for new, events in _sample(today):
            ref = register.create(new)
            for action, args in events:
                if action == "decide":
                    on, outcome, articles, *body = args
                    register.decide(
                        ref, on, outcome, articles, referral_body=next(iter(body), None)
                    )
                else:
                    getattr(register, action)(ref, *args)
        count = reader.count()
        yield ngettext(
            "logged {count} sample request", "logged {count} sample requests", count
        ).format(count=count)
        if letters:
            from atip.demo.letters import write_demo_letters

            yield from write_demo_letters(register, reader, folder / "letters", today)
        if show is not None:
            yield "\n" + _(
                "The register as `atip --workspace {folder} request list` shows it:"
            ).format(folder=folder)
            show(reader.requests(today), today)
    finally:
        engine.dispose()
