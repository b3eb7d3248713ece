"""The staleness token: one rule for dropping results the user moved away from."""

from __future__ import annotations

from tagtui.session.staleness import Epoch


def test_a_token_is_current_until_the_epoch_advances() -> None:
    epoch = Epoch()
    first = epoch.advance("acme/api")
    assert first.current
    second = epoch.advance("acme/api")  # a reload of the same repository
    assert not first.current
    assert second.current
    assert first.subject == second.subject
    assert first != second


def test_epochs_are_independent() -> None:
    tags, details = Epoch(), Epoch()
    listing = tags.advance("acme/api")
    details.advance(("acme/api", "tag", "latest"))
    details.advance()
    assert listing.current


def test_the_initial_token_names_nothing() -> None:
    epoch = Epoch()
    assert epoch.current.subject is None
    assert epoch.current.current
    epoch.advance(None)
    assert epoch.current.subject is None
