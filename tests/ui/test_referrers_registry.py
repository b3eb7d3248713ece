"""Referrers in the TUI on the real distribution 2.8.2 (no referrers API): an image with a
cosign ``.sig`` tag and an OCI 1.1 SBOM pushed with its fallback tag, and a BuildKit index whose
attestations describe its platform — hidden from the list, folded under the image, listed in the
detail with the right kinds."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tagtui.model import ReferrerKind
from tagtui.providers.oci.provider import OciProvider
from tagtui.ui.app import TagtuiApp
from tagtui.ui.widgets.tag_tree import PlatformRow, ReferrerRow, TagRow
from tests.support.push import PushClient
from tests.support.referrer_content import SPDX_JSON, SignedSet, push_signed, signed_set
from tests.support.registry import RunningRegistry, start_registry
from tests.ui.conftest import settle
from tests.ui.helpers import main_screen, row_names
from tests.ui.screen import screen_text

pytestmark = pytest.mark.real

REPO = "signed/app"


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningRegistry, SignedSet]]:
    content = signed_set()
    with start_registry(tmp_path_factory.mktemp("signed-ui") / "registry") as registry:
        with PushClient(registry.url) as client:
            push_signed(client, REPO, content)
        yield registry, content


async def test_carriers_hidden_referrers_folded_under_the_image_and_in_the_detail(
    signed: tuple[RunningRegistry, SignedSet],
) -> None:
    registry, content = signed
    app = TagtuiApp(OciProvider(registry.host), repository=REPO, tag="latest")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        tree, detail = screen.tag_tree, screen.detail
        # The .sig tag and the fallback tag sha256-<hex> are hidden, and counted.
        assert row_names(tree.rows) == ["latest", "multi"]
        assert "Tags · signed/app 2 · 2 referrer tags hidden" in str(screen.tags_pane.border_title)
        assert screen.catalog.badge("latest") == "sig sbom"
        assert "latest sig sbom" in screen_text(app)

        # The detail of the image lists both, with their kinds.
        referrers = detail.view.referrers if detail.view else None
        assert referrers is not None
        assert {(r.digest, r.kind) for r in referrers} == {
            (content.signature.digest, ReferrerKind.SIGNATURE),
            (content.sbom.digest, ReferrerKind.SBOM),
        }
        listed = detail.section_text("Referrers")
        assert "signature" in listed and f"sbom      {SPDX_JSON}" in listed

        # Folded under the image: opening it shows them; the SBOM shows its manifest facts.
        await pilot.press("right")
        await settle(pilot)
        children = [row for row in tree.rows if isinstance(row, ReferrerRow)]
        assert sorted(row.referrer.kind for row in children) == [
            ReferrerKind.SBOM,
            ReferrerKind.SIGNATURE,
        ]
        sbom_row = next(row for row in children if row.referrer.kind is ReferrerKind.SBOM)
        assert tree.move_to(sbom_row)
        await settle(pilot)
        view = detail.view
        assert view is not None and view.referrer == sbom_row.referrer
        assert view.image is not None and view.image.artifact_type == SPDX_JSON
        summary = "".join(detail.section_text("Summary").split())
        assert f"Refersto{content.image.digest}(latest)" in summary
        assert f"Artifacttype{SPDX_JSON}" in summary
        assert SPDX_JSON in detail.section_text("Layers")
        annotations = detail.section_text("Annotations").split()
        assert annotations[1:] == ["org.opencontainers.image.created", "2024-05-01T00:00:00Z"]

        # H shows the carrier tags again.
        await pilot.press("H")
        await settle(pilot)
        assert len([row for row in tree.rows if isinstance(row, TagRow)]) == 4


async def test_a_platform_lists_the_buildkit_attestations_of_its_index(
    signed: tuple[RunningRegistry, SignedSet],
) -> None:
    registry, content = signed
    app = TagtuiApp(OciProvider(registry.host), repository=REPO, tag="multi")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("right", "down")
        await settle(pilot)
        row = screen.tag_tree.highlighted_row
        assert isinstance(row, PlatformRow) and row.platform.digest == content.platform_image.digest
        view = screen.detail.view
        assert view is not None and view.referrers is not None
        assert [(r.digest, r.kind) for r in view.referrers] == [
            (content.attestations[0].digest, ReferrerKind.SBOM),
            (content.attestations[1].digest, ReferrerKind.ATTESTATION),
        ]
        # The index row carries the attestations' badge once its platforms are known.
        assert screen.catalog.badge("multi") == "att"
