"""Scrolling a screen's body from its own keys (j/k, g/G, PgUp/PgDn), shared by the dialogs and
full-screen views that have one scrolling body."""

from __future__ import annotations

from textual.css.query import NoMatches
from textual.screen import Screen
from textual.widget import Widget


def scroll_container(screen: Screen[object], selector: str, where: str) -> None:
    """Scroll ``selector`` of ``screen``: down, up, home, end, page_down or page_up.

    A key of the burst that opened the screen may come before its body is mounted: it scrolls
    once the body is there."""
    try:
        body = screen.query_one(selector, Widget)
    except NoMatches:
        screen.call_after_refresh(scroll_container, screen, selector, where)
        return
    {
        "down": body.scroll_down,
        "up": body.scroll_up,
        "home": body.scroll_home,
        "end": body.scroll_end,
        "page_down": body.scroll_page_down,
        "page_up": body.scroll_page_up,
    }[where](animate=False)
