"""JSON from registries: lone surrogates are replaced where the data enters the model."""

from __future__ import annotations

import pytest

from tagtui.errors import BadResponse
from tagtui.providers.json_body import load_json, load_object


def test_lone_surrogates_become_the_replacement_character_keys_included() -> None:
    body = rb'{"tags": ["v\ud800", "\uDC00x"], "k\ud83d": {"deep": ["\udbff"]}}'
    assert load_json(body, "bad") == {
        "tags": ["v\ufffd", "\ufffdx"],
        "k\ufffd": {"deep": ["\ufffd"]},
    }


def test_surrogate_pairs_stay_the_character_they_encode() -> None:
    assert load_object(rb'{"w": "\ud83d\udc33 \u00e9"}', "bad", "no") == {"w": "\U0001f433 \xe9"}


@pytest.mark.parametrize(
    "body",
    [
        b'{"w": "a\xed\xa0\x80"}',  # the UTF-8 form of U+D800 (json.loads lets it through)
        '{"w": "a\ud800"}'.encode("utf-16-le", "surrogatepass"),
        '{"w": "a\udc00"}'.encode("utf-32", "surrogatepass"),
    ],
)
def test_raw_surrogates_in_any_json_encoding_are_replaced(body: bytes) -> None:
    assert load_json(body, "bad") == {"w": "a\ufffd"}


def test_what_is_not_json_is_refused_with_the_callers_words() -> None:
    with pytest.raises(BadResponse, match="bad"):
        load_json(b'{"w": ', "bad")
