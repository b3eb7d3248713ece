from __future__ import annotations

import pytest

from tagtui.providers.http import digest


@pytest.mark.parametrize(
    "value", ["sha256:" + "ab" * 32, "sha256:a180b9dc", "sha512:" + "0" * 128, "multihash+b58:QmRZ"]
)
def test_a_digest_in_the_oci_grammar_is_kept(value: str) -> None:
    assert digest(value) == value


@pytest.mark.parametrize(
    "value", ["sha256:\x1b[2Jab", "latest", "", None, 7, "sha256:ab cd", "SHA256:ab", "sha256:"]
)
def test_anything_else_from_an_api_is_no_digest(value: object) -> None:
    # An API's digest goes to the screen, into references and into comparisons.
    assert digest(value) is None
