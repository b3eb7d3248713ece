"""Command palette (Ctrl+P): go to a repository or a tag, and every action of the main screen.

Names come from the registry, so hits are built from literal ``Content`` (the fuzzy matcher's own
``highlight`` parses markup and must not see them).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding, BindingType
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from tagtui.ui.format import literal

if TYPE_CHECKING:
    from tagtui.ui.screens.main import MainScreen

# Stop offering names after this many hits: the palette shows a screenful anyway.
MAX_NAME_HITS = 200


class TagtuiPalette(CommandPalette):
    """Textual's palette, with PageUp/PageDown ignored until its list is laid out.

    Pressed in the same burst as Ctrl+P (a fast typist, a paste), they reach an ``OptionList``
    that has options but no height yet, and Textual 8.2.8 dies with ``KeyError`` in
    ``_move_page`` (also seen in kagan-sh/kagan-legacy#31).
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("pagedown", "page('down')", "Next page", show=False),
        Binding("pageup", "page('up')", "Previous page", show=False),
    ]

    def action_page(self, direction: str) -> None:
        commands = self.query_one(CommandList)
        if commands.option_count == 0 or commands.scrollable_content_region.height == 0:
            return
        if direction == "down":
            commands.action_page_down()
        else:
            commands.action_page_up()


def actions(screen: MainScreen) -> list[tuple[str, str, Callable[[], object]]]:
    """(title, help, callback) for every action; titles are fixed strings (safe to highlight)."""
    return [
        ("Open repository by name…", "Type a repository name to open", screen.action_open_by_name),
        (
            "Switch registry…",
            "Open another registry, or go back to one opened before (o)",
            lambda: screen.app.run_action("switch_registry"),
        ),
        ("Refresh", "Reload the focused pane", screen.action_refresh),
        ("Log in…", "Enter credentials for this registry", screen.action_login),
        (
            "Copy pull reference",
            "Of the highlighted tag, as docker, podman or skopeo take it",
            screen.action_copy,
        ),
        (
            "Copy digest reference",
            "host/repo@sha256:… of the highlighted tag",
            screen.action_copy_digest,
        ),
        ("Delete tag…", "Delete the highlighted tag (asks first)", screen.action_delete),
        (
            "Delete digest and all its tags…",
            "Asks first, lists every tag that goes",
            lambda: screen.action_delete(whole_digest=True),
        ),
        ("Toggle tag sort", "Name ↔ newest first", screen.action_cycle_sort),
        (
            "Mark every shown tag",
            "Mark the tags the filter shows (all without one)",
            screen.action_mark_shown,
        ),
        ("Clear all marks", "Unmark every tag", screen.action_clear_marks),
        (
            "Show / hide referrer tags",
            "Tags that only carry signatures, SBOMs, attestations (sha256-…)",
            screen.action_toggle_carriers,
        ),
        (
            "Compare two tags…",
            "The two marked tags, or the marked one with the highlighted one (=)",
            screen.action_compare,
        ),
        (
            "Clean up…",
            "Retention rules (match, keep, keep newest N, older than) marking what goes",
            screen.action_cleanup,
        ),
        (
            "Filter repositories",
            "Narrow the repository list",
            lambda: screen.action_filter("repo-pane"),
        ),
        ("Filter tags", "Narrow the tag tree", lambda: screen.action_filter("tag-pane")),
        (
            "Focus repositories",
            "Move to the repository pane",
            lambda: screen.action_focus_pane("repos"),
        ),
        ("Focus tags", "Move to the tag tree", lambda: screen.action_focus_pane("tags")),
        ("Focus detail", "Move to the detail panel", lambda: screen.action_focus_pane("detail")),
        ("Help: keys", "Show every key", screen.action_help),
        ("Quit", "Leave tagtui", screen.app.exit),
    ]


def _highlighted(prefix: str, name: str, offsets: tuple[int, ...], style: object) -> Content:
    content = Content(prefix) + Content(name)
    for offset in offsets:
        if offset < len(content.plain) and not content.plain[offset].isspace():
            content = content.stylize(style, offset, offset + 1)  # type: ignore[arg-type]
    return content


class TagtuiCommands(Provider):
    def _main(self) -> MainScreen | None:
        from tagtui.ui.screens.main import MainScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        return None

    async def discover(self) -> Hits:
        screen = self._main()
        if screen is None:
            return
        for title, help_text, callback in actions(screen):
            yield DiscoveryHit(Content(title), callback, text=title, help=help_text)
        # Textual's own entries (theme, screenshot) after tagtui's.
        for command in self.app.get_system_commands(screen):
            yield DiscoveryHit(Content(command.title), command.callback, help=command.help)

    async def search(self, query: str) -> Hits:
        screen = self._main()
        if screen is None:
            return
        matcher = self.matcher(query)
        style = matcher.match_style
        for title, help_text, callback in actions(screen):
            score, offsets = matcher.fuzzy_search.match(query, title)
            if score > 0:
                yield Hit(
                    score, _highlighted("", title, offsets, style), callback, title, help_text
                )
        for command in self.app.get_system_commands(screen):
            score, offsets = matcher.fuzzy_search.match(query, command.title)
            if score > 0:
                content = _highlighted("", command.title, offsets, style)
                yield Hit(score * 0.8, content, command.callback, command.title, command.help)
        groups: list[tuple[str, list[str], Callable[[str], Callable[[], None]]]] = [
            (
                "Go to repository ",
                screen.repo_list.names(),
                lambda name: lambda: screen.open_repository(name),
            ),
            (
                "Go to tag ",
                list(screen.catalog.order),
                lambda name: lambda: screen.go_to_tag(name),
            ),
        ]
        prefixes = [prefix.lower() for prefix, _, _ in groups]
        for prefix, names, make in groups:
            # "go to repository service-3" names the group; "postg" alone is held against names.
            named = next((p for p in prefixes if query.lower().startswith(p)), None)
            if named is not None and named != prefix.lower():
                continue
            name_query = query[len(prefix) :].strip() if named else query
            if not name_query:
                continue
            name_matcher = self.matcher(name_query)
            hits = 0
            for index, name in enumerate(names):
                if index % 500 == 499:
                    await asyncio.sleep(0)  # keep the palette responsive on 10,000 names
                shown = literal(name)
                # The query is held against the name alone: "postg" is not "Go to re…" + "p".
                score, offsets = name_matcher.fuzzy_search.match(name_query, shown)
                if score <= 0:
                    continue
                offsets = tuple(len(prefix) + offset for offset in offsets)
                yield Hit(
                    score * 0.9,
                    _highlighted(prefix, shown, offsets, style),
                    make(name),
                    f"{prefix}{shown}",
                )
                hits += 1
                if hits >= MAX_NAME_HITS:
                    break
