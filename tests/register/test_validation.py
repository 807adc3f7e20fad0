"""The checks on typed values: article numbers as a clerk types them."""

from __future__ import annotations

import pytest

from atip.errors import InputError
from atip.register.validation import split_articles


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("53", ("53",)),
        ("53, 54", ("53", "54")),
        ("a.53", ("53",)),
        ("a. 53", ("53",)),
        ("A. 53", ("53",)),
        ("art. 53", ("53",)),
        ("Art.53", ("53",)),
        ("a. 53; art. 54, 16.1", ("53", "54", "16.1")),
        ("a. 53 a. 53", ("53",)),
        ("", ()),
        (None, ()),
    ],
)
def test_article_numbers_with_or_without_their_a_or_art(typed, expected):
    assert split_articles(typed) == expected


@pytest.mark.parametrize("typed", ["a.", "a. b", "art. x53", "53a", "data. 53", "1234", "a.. 53"])
def test_anything_else_is_refused(typed):
    with pytest.raises(InputError):
        split_articles(typed)


def test_decide_takes_a_dot_and_art_dot_articles(sqlite_ws):
    import json

    ref = sqlite_ws.new("--received", "2024-05-17", "--requester", "A", "--subject", "s")
    sqlite_ws.ok(
        "request", "decide", ref, "--on", "2024-06-10", "--outcome", "partial",
        "--articles", "a. 53; art. 54",
    )  # fmt: skip
    view = json.loads(sqlite_ws.ok("request", "show", ref, "--json", "--as-of", "2024-06-10"))
    assert view["articles"] == ["53", "54"]
