"""Referrers in the tag tree and the detail panel (issue 10 §1), on a fake provider.

Signatures, SBOMs and attestations: their carrier tags hidden from the list (the title counts
them, ``H`` shows them), a badge on each image row, the referrers as children of the row, a
"Referrers" section in the detail. The same on the real registry: test_referrers_registry.py.
"""

from __future__ import annotations

from tagtui.errors import BadResponse
from tagtui.model import ReferrerKind, Tag
from tagtui.referrers import is_referrer_carrier
from tagtui.ui.app import TagtuiApp
from tagtui.ui.widgets.tag_tree import ReferrerRow, TagRow
from tests.ui.conftest import settle
from tests.ui.fakes import (
    ANSI,
    MARKUP,
    OSC_TITLE,
    SIGNED,
    SPDX,
    carrier_tag,
    digest_of,
    make_image,
    sbom_of,
    signed_provider,
)
from tests.ui.helpers import main_screen, row_names
from tests.ui.screen import assert_terminal_safe, screen_text, terminal_output

CARRIERS = 43  # v1's .sig and fallback tags, v2's fallback tag, 40 of images gone


def tag_title(app: TagtuiApp) -> str:
    return str(main_screen(app).tags_pane.border_title)


async def test_carrier_tags_are_hidden_and_counted_and_h_shows_them() -> None:
    app = TagtuiApp(signed_provider(), repository=SIGNED)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert row_names(screen.tag_tree.rows) == ["latest", "v1", "v2", "v3"]
        assert "Tags · acme/signed 4 · 43 referrer tags hidden" in tag_title(app)

        await pilot.press("H")
        await settle(pilot)
        names = row_names(screen.tag_tree.rows)
        assert len(names) == 4 + CARRIERS
        assert sum(map(is_referrer_carrier, names)) == CARRIERS
        assert "hidden" not in tag_title(app) and f"acme/signed {4 + CARRIERS}" in tag_title(app)

        # Marks follow what is shown: a hidden carrier cannot stay marked.
        carrier = next(name for name in names if is_referrer_carrier(name))
        screen.tags_pane.set_marks([carrier, "v1"])
        await pilot.press("H")
        await settle(pilot)
        assert row_names(screen.tag_tree.rows) == ["latest", "v1", "v2", "v3"]
        assert screen.tags_pane.marked_tags() == ["v1"]
        await pilot.press("asterisk")
        assert screen.tags_pane.marked_tags() == ["latest", "v1", "v2", "v3"]


async def test_the_short_title_at_80_columns() -> None:
    app = TagtuiApp(signed_provider(), repository=SIGNED)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert tag_title(app).endswith("acme/signed 4 · 43 hidden")


async def test_a_carrier_asked_for_by_name_is_shown() -> None:
    provider = signed_provider()
    v1 = provider.digests[(SIGNED, "v1")]
    app = TagtuiApp(provider, repository=SIGNED, tag=carrier_tag(v1, "sig"))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        tree = main_screen(app).tag_tree
        assert tree.highlighted_row == TagRow(carrier_tag(v1, "sig"))
        assert "hidden" not in tag_title(app)


async def test_rows_carry_badges_of_what_refers_to_them() -> None:
    app = TagtuiApp(signed_provider(), repository=SIGNED)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        catalog = main_screen(app).catalog
        badges = {name: catalog.badge(name) for name in ("latest", "v1", "v2", "v3")}
        assert badges == {"latest": "sbom", "v1": "sig sbom", "v2": "sbom", "v3": ""}
        lines = screen_text(app).splitlines()
        v1_line = next(line for line in lines if "v1 sig sbom" in line)
        assert "► v1" in v1_line  # it opens to its referrers
        assert any("► v2 sbom" in line for line in lines)
        assert not any("v3 s" in line for line in lines)
        # Hidden carriers never described do not make a sharing count uncertain ("×2+").
        v2 = catalog.tag("v2")
        assert v2 is not None and v2.digest and catalog.sharing(v2.digest) == (2, True)


async def test_lookups_only_for_the_rows_on_screen() -> None:
    provider = signed_provider(unsigned_carriers=0)
    for n in range(300):
        provider.add_image_tag(SIGNED, f"build-{n:03}", make_image(f"build-{n}"))
    app = TagtuiApp(provider, repository=SIGNED)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        asked = [subject for call, subject in provider.calls if call == "referrers"]
        # The rows on screen (at most 24 lines), and the detail of the highlighted tag.
        assert 0 < len(set(asked)) <= 24 and len(asked) <= 25


async def test_a_row_opens_to_its_referrers_and_a_referrer_shows_its_manifest() -> None:
    provider = signed_provider()
    v1 = provider.digests[(SIGNED, "v1")]
    app = TagtuiApp(provider, repository=SIGNED, tag="v1")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("right")
        await settle(pilot)
        children = [row for row in screen.tag_tree.rows if isinstance(row, ReferrerRow)]
        assert [(row.tag, row.referrer.kind) for row in children] == [
            ("v1", ReferrerKind.SIGNATURE),
            ("v1", ReferrerKind.SBOM),
        ]
        text = screen_text(app)
        assert "└─ sbom application/spdx+json" in text and "├─ sig application/vnd.dev" in text

        await pilot.press("down", "down")
        await settle(pilot)
        detail = screen.detail
        assert detail.view is not None and detail.view.referrer == children[1].referrer
        assert detail.shown_sections() == ["Summary", "Layers", "Annotations", "Extras"]
        summary = detail.section_text("Summary")
        unwrapped = "".join(summary.split())
        assert "Kind          sbom" in summary
        assert f"Artifact type {SPDX}" in summary
        assert f"Refersto{v1}(v1)" in unwrapped
        assert "application/spdx+json" in detail.section_text("Layers")
        annotations = detail.section_text("Annotations").split()
        assert annotations == [
            "Annotations",
            "org.opencontainers.image.created",
            "2024-05-01T00:00:00Z",
        ]
        # c copies the referrer's own digest reference.
        await pilot.press("c")
        assert app.clipboard == f"{provider.name}/{SIGNED}@{children[1].referrer.digest}"


async def test_the_detail_lists_the_referrers() -> None:
    provider = signed_provider()
    app = TagtuiApp(provider, repository=SIGNED, tag="v1")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        detail = main_screen(app).detail
        assert "Referrers" in detail.shown_sections()
        lines = detail.section_text("Referrers").splitlines()
        assert lines[0] == "Referrers" and lines[1].split()[0] == "kind"
        signature = provider.referrer_map[(SIGNED, provider.digests[(SIGNED, "v1")])][0]
        short = signature.digest.removeprefix("sha256:")[:12]
        assert lines[2].split()[0] == "signature" and f"{short} 557 B" in lines[2]
        assert "application/vnd.dev.co" in lines[2]
        # The artifact type folds in its column; the next referrer follows it.
        assert "signature" not in " ".join(lines[3:]) and lines[-1].split()[:2] == ["sbom", SPDX]
        await pilot.press("down")  # v2: one SBOM
        await settle(pilot)
        assert len(detail.section_text("Referrers").splitlines()) == 3
        await pilot.press("down")  # v3: nothing, one line
        await settle(pilot)
        assert detail.section_text("Referrers") == "Referrers none"


async def test_the_detail_reuses_the_lookup_the_row_badge_made() -> None:
    provider = signed_provider()
    app = TagtuiApp(provider, repository=SIGNED, tag="v1")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        await pilot.press("down", "up")  # away and back: the detail is loaded again
        await settle(pilot)
        assert main_screen(app).detail.section_text("Referrers").startswith("Referrers")
    v1 = f"{SIGNED}@{provider.digests[(SIGNED, 'v1')]}"
    # One lookup per digest: the rows' badges and the detail share it.
    assert [subject for call, subject in provider.calls if call == "referrers"].count(v1) == 1


async def test_a_failing_lookup_leaves_the_detail_standing() -> None:
    provider = signed_provider()
    provider.errors["referrers"] = BadResponse("the registry sent [bold]garbage[/]")
    app = TagtuiApp(provider, repository=SIGNED, tag="v1")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        detail = screen.detail
        assert " ".join(detail.section_text("Referrers").split()) == (
            "Referrers could not look them up: the registry sent [bold]garbage[/]"
        )
        assert "Layers" in detail.shown_sections()
        # The row keeps the badge its cosign tag gives; nothing is asked again and again.
        assert screen.catalog.badge("v1") == "sig"
        await pilot.press("down")
        await settle(pilot)
        asked = len([c for c in provider.calls if c[0] == "referrers"])
        await pilot.press("up")
        await settle(pilot)
        assert len([c for c in provider.calls if c[0] == "referrers"]) == asked


async def test_hostile_artifact_types_and_annotations_stay_literal() -> None:
    provider = signed_provider(unsigned_carriers=0)
    v3 = provider.digests[(SIGNED, "v3")]
    hostile = sbom_of(
        v3,
        "hostile-sbom",
        artifact_type=f"application/{MARKUP}{ANSI}",
        annotations=((f"key{MARKUP}", f"{OSC_TITLE}{MARKUP}"),),
    )
    provider.add_referrer(SIGNED, hostile, image=make_image("hostile-sbom"))
    provider.repos[SIGNED].append(Tag(name=carrier_tag(v3)))
    app = TagtuiApp(provider, repository=SIGNED, tag="v3")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        detail = main_screen(app).detail
        # Folded in its column: the start of the artifact type, escaped, brackets literal.
        assert "sbom application/[bold]x[/]\\x1b[" in detail.section_text("Referrers")
        await pilot.press("right")
        await settle(pilot)
        assert "└─ sbom application/[bold]x[/]\\x1b[31m" in screen_text(app)
        assert_terminal_safe(terminal_output(app))
        await pilot.press("down")
        await settle(pilot)
        annotations = "".join(detail.section_text("Annotations").split())
        assert "key[bold]x[/]" in annotations and "\\x1b]0;pwned\\x07[bold]x[/]" in annotations
        assert_terminal_safe(terminal_output(app))


async def test_a_provider_that_does_not_look_shows_no_section() -> None:
    provider = signed_provider(unsigned_carriers=0)
    provider._capabilities = provider._capabilities.__class__(digest_delete=True)
    app = TagtuiApp(provider, repository=SIGNED, tag="v1")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        assert "Referrers" not in main_screen(app).detail.shown_sections()
        assert not [c for c in provider.calls if c[0] == "referrers"]
        # The cosign tag still gives the row its badge.
        assert main_screen(app).catalog.badge("v1") == "sig"


def test_digest_of_is_stable() -> None:
    assert digest_of("x") == digest_of("x")


async def test_the_filter_searches_what_is_shown() -> None:
    app = TagtuiApp(signed_provider(), repository=SIGNED)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        tree = main_screen(app).tag_tree
        await pilot.press("slash", *"sha256", "enter")
        await settle(pilot)
        assert tree.shown_tags() == []
        await pilot.press("H")
        await settle(pilot)
        assert len(tree.shown_tags()) == CARRIERS


async def test_a_digest_is_looked_up_by_the_list_and_the_detail_at_most_once_each() -> None:
    provider = signed_provider(unsigned_carriers=0)
    app = TagtuiApp(provider, repository=SIGNED, tag="v1")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        v1 = provider.digests[(SIGNED, "v1")]
        assert main_screen(app).catalog.badge("v1") == "sig sbom"
        assert provider.calls.count(("referrers", f"{SIGNED}@{v1}")) in (1, 2)


async def test_a_repository_of_only_referrer_tags_says_so() -> None:
    provider = signed_provider(unsigned_carriers=2)
    provider.repos[SIGNED] = [t for t in provider.repos[SIGNED] if is_referrer_carrier(t.name)]
    app = TagtuiApp(provider, repository=SIGNED)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        text = " ".join(screen_text(app).replace("│", " ").split())
        assert "Only 5 referrer tags (signatures, SBOMs…): H shows them." in text
        await pilot.press("H")
        await settle(pilot)
        assert len(main_screen(app).tag_tree.shown_tags()) == 5
