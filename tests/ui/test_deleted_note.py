"""The one notification after a delete: the UI names what went, the provider adds the rest."""

from __future__ import annotations

from tagtui.model import DeleteResult
from tagtui.ui.flows.delete import deleted_note


def test_the_note_names_what_went_then_adds_each_message_and_leftover() -> None:
    result = DeleteResult(
        removed=("latest",),
        leftovers=("latest still exists, pointing at throw-away manifest sha256:ab",),
        messages=("method: registry tag delete", "warning: prod no longer points at 1234"),
    )
    assert deleted_note("team/app", result).splitlines() == [
        "Removed latest from team/app.",
        "method: registry tag delete",
        "warning: prod no longer points at 1234",
        "Left behind: latest still exists, pointing at throw-away manifest sha256:ab",
    ]


def test_messages_are_shown_as_given_with_no_word_matching() -> None:
    # Providers never restate the removal, so nothing is second-guessed or dropped here.
    result = DeleteResult(removed=("stable", "latest"), messages=("NCR also removed latest",))
    assert deleted_note("acme/web", result) == "Removed stable and latest from acme/web.\n" + (
        "NCR also removed latest"
    )


def test_nothing_removed_says_so() -> None:
    assert deleted_note("acme/web", DeleteResult(removed=())) == "Removed nothing from acme/web."
