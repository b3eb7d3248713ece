"""An in-memory Provider for UI tests that need faults a real store cannot produce.

Errors on demand, gates that hold a call until the test opens them (no sleeps), hostile strings,
10,000 repositories. Flows users meet are also tested on the demo store and the real registry.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Collection
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from tagtui.credentials import Credential
from tagtui.errors import AuthenticationRequired, NotFound, TagtuiError, Unsupported
from tagtui.model import (
    Capabilities,
    DeleteMethod,
    DeletePlan,
    DeleteResult,
    HistoryEntry,
    Image,
    ImageConfig,
    Layer,
    Platform,
    Port,
    Referrer,
    ReferrerKind,
    Repository,
    Tag,
    TagDetail,
)
from tagtui.natsort import natural_key
from tagtui.providers.base import Provider

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"
BASE_TIME = datetime(2024, 3, 1, 12, 0, tzinfo=UTC)


def digest_of(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def make_image(seed: str, *, created: datetime | None = None, **config: object) -> Image:
    layers = tuple(
        Layer(
            digest=digest_of(f"{seed}-layer-{n}"),
            media_type="application/vnd.oci.image.layer.v1.tar+gzip",
            size=1000 * (n + 1) + 24,
            created_by=f"RUN step {n} of {seed}",
        )
        for n in range(3)
    )
    base = ImageConfig(
        created=created or BASE_TIME,
        os="linux",
        architecture="amd64",
        history=tuple(HistoryEntry(created_by=layer.created_by) for layer in layers),
    )
    return Image(
        digest=digest_of(seed),
        media_type=MANIFEST,
        config=replace(base, **config),  # type: ignore[arg-type]
        layers=layers,
    )


@dataclass
class Gate:
    """Holds every call of one kind until ``open()`` (a test's way to see loading states)."""

    event: asyncio.Event = field(default_factory=asyncio.Event)

    def open(self) -> None:
        self.event.set()

    async def wait(self) -> None:
        await self.event.wait()


class FakeProvider(Provider):
    kind = "fake"

    def __init__(
        self,
        *,
        name: str = "fake.example:5000",
        page_size: int = 100,
        catalog: bool = True,
        capabilities: Capabilities | None = None,
        password: str | None = None,
    ) -> None:
        self.name = name
        self.page_size = page_size
        self.catalog = catalog
        self._capabilities = capabilities or Capabilities(digest_delete=True)
        self.repos: dict[str, list[Tag]] = {}
        self.images: dict[tuple[str, str], Image] = {}
        self.indexes: dict[tuple[str, str], tuple[Platform, ...]] = {}
        self.errors: dict[str, TagtuiError] = {}
        self.gates: dict[str, Gate] = {}
        self.calls: list[tuple[str, str]] = []
        self.password = password
        self.credential: Credential | None = None
        self.closed = False
        self.deleted: list[DeletePlan] = []
        self.sorts_asked: list[str | None] = []
        # The real digest of every tag, also for tags listed without one (as most registries do).
        self.digests: dict[tuple[str, str], str] = {}
        # What refers to each (repository, digest), as ``referrers`` returns it.
        self.referrer_map: dict[tuple[str, str], list[Referrer]] = {}

    # --- building data ------------------------------------------------------------------------

    def add_repo(self, name: str, tags: list[Tag] | None = None) -> None:
        self.repos[name] = list(tags or [])

    def add_image_tag(self, repo: str, tag: str, image: Image, *, listed: bool = True) -> None:
        assert image.digest
        self.images[(repo, image.digest)] = image
        self.digests[(repo, tag)] = image.digest
        self.repos.setdefault(repo, []).append(
            Tag(name=tag, digest=image.digest if listed else None)
        )

    def add_index_tag(self, repo: str, tag: str, platforms: list[tuple[Platform, Image]]) -> None:
        digest = digest_of(f"{repo}:{tag}:index")
        entries = []
        for platform, image in platforms:
            if image.digest:
                self.images[(repo, image.digest)] = image
            entries.append(platform)
        self.indexes[(repo, digest)] = tuple(entries)
        self.digests[(repo, tag)] = digest
        self.repos.setdefault(repo, []).append(Tag(name=tag, digest=digest, media_type=INDEX))

    def add_referrer(
        self, repo: str, referrer: Referrer, *, image: Image | None = None, tag: str | None = None
    ) -> None:
        """``referrer`` of ``referrer.subject``; ``image``: its manifest (get_image); ``tag``:
        the carrier tag it is listed under (cosign's ``sha256-<hex>.sig``, the fallback tag)."""
        assert referrer.subject
        self.referrer_map.setdefault((repo, referrer.subject), []).append(referrer)
        if image is not None:
            self.images[(repo, referrer.digest)] = image
        if tag is not None:
            self.digests[(repo, tag)] = referrer.digest
            self.images.setdefault((repo, referrer.digest), image or make_image(tag))
            self.repos.setdefault(repo, []).append(Tag(name=tag))

    # --- fault injection ------------------------------------------------------------------------

    async def _enter(self, call: str, subject: str) -> None:
        self.calls.append((call, subject))
        gate = self.gates.get(call)
        if gate is not None:
            await gate.wait()
        if self.password is not None and (
            self.credential is None or self.credential.secret != self.password
        ):
            raise AuthenticationRequired(f"{self.name}: authentication required")
        error = self.errors.get(call)
        if error is not None:
            raise error

    # --- Provider -------------------------------------------------------------------------------

    @property
    def display_name(self) -> str:
        return self.name

    @property
    def capabilities(self) -> Capabilities:
        return self._capabilities

    @property
    def credential_source(self) -> str:
        return self.credential.source if self.credential else "anonymous"

    @property
    def credential_key(self) -> str | None:
        return self.name if self.password is not None else None

    def set_credential(self, credential: Credential) -> None:
        if self.password is None:
            raise Unsupported("no credentials here")
        self.credential = credential

    async def list_repositories(self) -> AsyncIterator[list[Repository]]:
        await self._enter("list_repositories", "")
        if not self.catalog:
            from tagtui.errors import CatalogUnavailable

            raise CatalogUnavailable(f"{self.name} does not list its repositories")
        names = sorted(self.repos)
        for start in range(0, len(names), self.page_size):
            if start:
                page_gate = self.gates.get("next_page")
                if page_gate is not None:
                    await page_gate.wait()
            yield [Repository(name) for name in names[start : start + self.page_size]]

    async def list_tags(self, repository: str, *, sort: str | None = None) -> list[Tag]:
        await self._enter("list_tags", repository)
        self.sorts_asked.append(sort)
        if repository not in self.repos:
            raise NotFound(f"repository {repository} not found")
        tags = sorted(self.repos[repository], key=lambda t: natural_key(t.name))
        if sort == "newest":
            # What a vendor API does: it knows every tag's date, the UI does not.
            def created(tag: Tag) -> float:
                image = self.images.get((repository, self.digests[(repository, tag.name)]))
                moment = image.config.created if image else None
                return moment.timestamp() if moment else 0.0

            tags.sort(key=created, reverse=True)
        return tags

    def _tag(self, repository: str, name: str) -> Tag:
        for tag in self.repos.get(repository, []):
            if tag.name == name:
                return tag
        raise NotFound(f"{repository}:{name} not found")

    async def get_tag(self, repository: str, tag: str) -> TagDetail:
        await self._enter("get_tag", f"{repository}:{tag}")
        self._tag(repository, tag)
        digest = self.digests[(repository, tag)]
        reference = f"{self.name}/{repository}:{tag}"
        platforms = self.indexes.get((repository, digest))
        if platforms is not None:
            return TagDetail(reference, repository, tag, digest, INDEX, platforms=platforms)
        image = self.images[(repository, digest)]
        return TagDetail(reference, repository, tag, digest, MANIFEST, image=image)

    async def get_image(self, repository: str, digest: str) -> Image:
        await self._enter("get_image", f"{repository}@{digest}")
        try:
            return self.images[(repository, digest)]
        except KeyError:
            raise NotFound(f"{repository}@{digest} not found") from None

    async def referrers(
        self,
        repository: str,
        digest: str,
        *,
        artifact_type: str | None = None,
        tags: Collection[str] | None = None,
        in_index: str | None = None,
    ) -> tuple[Referrer, ...]:
        await self._enter("referrers", f"{repository}@{digest}")
        found = self.referrer_map.get((repository, digest), [])
        return tuple(r for r in found if artifact_type in (None, r.artifact_type))

    async def describe_tag(self, repository: str, tag: Tag) -> Tag:
        await self._enter("describe_tag", f"{repository}:{tag.name}")
        return await super().describe_tag(repository, tag)

    async def plan_delete(
        self, repository: str, tag: str, *, whole_digest: bool = False
    ) -> DeletePlan:
        await self._enter("plan_delete", f"{repository}:{tag}")
        self._tag(repository, tag)
        digest = self.digests[(repository, tag)]
        sharing = sorted(
            (
                t.name
                for t in self.repos[repository]
                if self.digests[(repository, t.name)] == digest
            ),
            key=natural_key,
        )
        others = tuple(n for n in sharing if n != tag)
        if whole_digest:
            return DeletePlan(
                repository,
                tag,
                digest,
                DeleteMethod.DIGEST_DELETE,
                removes=tuple(sharing),
                summary=f"Digest and every tag on it go: {', '.join(sharing)}.",
                whole_digest=True,
                shared_tags=tuple(sharing),
            )
        stay = f"{', '.join(others)} stay" if others else "no other tag points at it"
        return DeletePlan(
            repository,
            tag,
            digest,
            DeleteMethod.REGISTRY_TAG_DELETE,
            removes=(tag,),
            summary=f"Only {tag} is removed; {stay}.",
            shared_tags=tuple(sharing),
        )

    async def delete(self, plan: DeletePlan) -> DeleteResult:
        await self._enter("delete", f"{plan.repository}:{plan.tag}")
        self.deleted.append(plan)
        self.repos[plan.repository] = [
            t for t in self.repos[plan.repository] if t.name not in plan.removes
        ]
        return DeleteResult(removed=plan.removes)

    def pull_reference(
        self, repository: str, tag: str | None = None, digest: str | None = None
    ) -> str:
        name = f"{self.name}/{repository}"
        if digest:
            return f"{name}@{digest}"
        return f"{name}:{tag}" if tag else name

    async def aclose(self) -> None:
        self.closed = True


def sample_provider(**kwargs: object) -> FakeProvider:
    """A small, fixed data set: shared digests, a two-platform index with an attestation."""
    provider = FakeProvider(**kwargs)  # type: ignore[arg-type]
    full = make_image(
        "web-1",
        author="Web Team <web@example.com>",
        entrypoint=("/docker-entrypoint.sh",),
        cmd=("nginx", "-g", "daemon off;"),
        env=(("PATH", "/usr/local/bin:/usr/bin"), ("NGINX_VERSION", "1.25.3")),
        labels=(("org.opencontainers.image.title", "web"), ("maintainer", "web team")),
        ports=(Port(80), Port(443), Port(53, "udp")),
        volumes=("/var/cache/nginx",),
        user="nginx",
        working_dir="/srv",
    )
    for name in ("1.0", "latest", "stable"):
        provider.add_image_tag("app/web", name, full)
    for n in (2, 10, 9):
        provider.add_image_tag(
            "app/web", f"1.{n}", make_image(f"web-{n}", created=BASE_TIME + timedelta(days=n))
        )
    amd = make_image("alpine-amd64")
    arm = make_image("alpine-arm64", architecture="arm64", variant="v8")
    provider.add_index_tag(
        "library/alpine",
        "3.19",
        [
            (Platform("linux", "amd64", amd.digest or "", size=3_400_000), amd),
            (Platform("linux", "arm64", arm.digest or "", variant="v8", size=3_300_000), arm),
            (
                Platform(
                    "unknown",
                    "unknown",
                    digest_of("att"),
                    is_attestation=True,
                    attests=amd.digest,
                    size=840,
                ),
                make_image("att"),
            ),
        ],
    )
    provider.add_repo("empty/repo")
    for n in range(1, 6):
        provider.add_repo(f"team/service-{n}")
        provider.add_image_tag(f"team/service-{n}", "v1", make_image(f"svc-{n}"))
    return provider


# Registry data that tries to be markup or terminal control (tests/ui/test_hostile.py).
MARKUP = "[bold]x[/]"
OPEN_CLOSE = "[/"
NUMERIC = "[00]"
ANSI = "\x1b[31mred\x1b[0m"
CLEAR = "\x1b[2J\x1b[H"
OSC_TITLE = "\x1b]0;pwned\x07"
OSC_CLIPBOARD = "\x1b]52;c;ZXZpbA==\x07"
C1_CSI = "\x9b31m"
WIDE = "漢字テスト🚀"
LONG = "L" * 5000
REPO = "evil/[bold]repo[/]"
TAG = f"{MARKUP}{ANSI}{WIDE}"


def hostile_provider() -> FakeProvider:
    provider = FakeProvider(name=f"reg{OPEN_CLOSE}{NUMERIC}")
    image = make_image(
        "hostile",
        author=f"{MARKUP} {OSC_TITLE}",
        entrypoint=(OSC_CLIPBOARD, MARKUP),
        cmd=(CLEAR, LONG),
        env=(
            ("MARKUP", MARKUP),
            ("OPEN", OPEN_CLOSE),
            ("NUMERIC", NUMERIC),
            ("ANSI", ANSI),
            ("OSC", OSC_TITLE),
            ("C1", C1_CSI),
            ("WIDE", WIDE),
            ("LONG", LONG),
            (f"KEY{MARKUP}", "v"),
        ),
        labels=(
            ("org.example.markup", MARKUP),
            (f"label{OPEN_CLOSE}", f"{OSC_CLIPBOARD}{CLEAR}"),
            ("multi\nline", "a\r\nb\tc"),
            ("long", LONG),
        ),
        ports=(Port(80, f"tcp{MARKUP}"),),
        volumes=(f"/data/{ANSI}",),
        user=MARKUP,
        working_dir=OPEN_CLOSE,
    )
    provider.add_image_tag(REPO, TAG, image)
    provider.add_image_tag(REPO, "twin", image)
    provider.add_image_tag(REPO, f"{LONG}-tag", image)
    provider.add_image_tag(REPO, OPEN_CLOSE.replace("[", "[[") + NUMERIC, image)
    return provider


# --- signed images: cosign signatures, SBOMs, attestations (tests/ui/test_referrers.py) ---------

SIMPLESIGNING = "application/vnd.dev.cosign.simplesigning.v1+json"
SPDX = "application/spdx+json"
SIGNED = "acme/signed"


def carrier_tag(digest: str, suffix: str | None = None) -> str:
    """cosign's ``sha256-<hex>.sig`` (``suffix``), or the OCI fallback tag ``sha256-<hex>``."""
    base = digest.replace(":", "-", 1)
    return f"{base}.{suffix}" if suffix else base


def artifact(seed: str, artifact_type: str | None, layer_type: str, size: int) -> Image:
    """A signature's or SBOM's manifest: one payload layer of ``layer_type``."""
    layer = Layer(digest=digest_of(f"{seed}-payload"), media_type=layer_type, size=size)
    return Image(
        digest=digest_of(seed),
        media_type=MANIFEST,
        config=ImageConfig(),
        layers=(layer,),
        artifact_type=artifact_type,
    )


def signature_of(subject: str, seed: str) -> tuple[Referrer, Image]:
    image = artifact(seed, None, SIMPLESIGNING, 245)
    referrer = Referrer(
        digest=image.digest or "",
        media_type=MANIFEST,
        artifact_type=SIMPLESIGNING,
        kind=ReferrerKind.SIGNATURE,
        size=557,
        annotations=(("dev.cosignproject.cosign/signature", "MEUCIQC0test"),),
        subject=subject,
        tag=carrier_tag(subject, "sig"),
    )
    return referrer, image


def sbom_of(
    subject: str,
    seed: str,
    *,
    artifact_type: str = SPDX,
    annotations: tuple[tuple[str, str], ...] = (
        ("org.opencontainers.image.created", "2024-05-01T00:00:00Z"),
    ),
) -> Referrer:
    return Referrer(
        digest=digest_of(seed),
        media_type=MANIFEST,
        artifact_type=artifact_type,
        kind=ReferrerKind.SBOM,
        size=712,
        annotations=annotations,
        subject=subject,
    )


def signed_provider(*, unsigned_carriers: int = 40) -> FakeProvider:
    """``acme/signed``: v1 signed (a cosign ``.sig`` tag) with an SBOM found through its
    fallback tag, v2 / latest with an SBOM only, v3 with nothing; and ``unsigned_carriers``
    more carrier tags of images no longer tagged, which the list hides."""
    provider = FakeProvider(capabilities=Capabilities(digest_delete=True, referrers=True))
    repo = SIGNED
    v1 = make_image("signed-v1")
    v2 = make_image("signed-v2", created=BASE_TIME + timedelta(days=2))
    provider.add_image_tag(repo, "v1", v1)
    provider.add_image_tag(repo, "v2", v2)
    provider.add_image_tag(repo, "latest", v2)
    provider.add_image_tag(repo, "v3", make_image("signed-v3"))
    assert v1.digest and v2.digest
    signature, signature_image = signature_of(v1.digest, "signed-v1-sig")
    provider.add_referrer(repo, signature, image=signature_image, tag=signature.tag)
    sbom = sbom_of(v1.digest, "signed-v1-sbom")
    provider.add_referrer(
        repo, sbom, image=artifact("signed-v1-sbom", SPDX, SPDX, 18_204), tag=carrier_tag(v1.digest)
    )
    sbom2 = sbom_of(v2.digest, "signed-v2-sbom")
    provider.add_referrer(
        repo,
        sbom2,
        image=artifact("signed-v2-sbom", SPDX, SPDX, 19_001),
        tag=carrier_tag(v2.digest),
    )
    for n in range(unsigned_carriers):
        gone, gone_image = signature_of(digest_of(f"gone-{n}"), f"gone-sig-{n}")
        provider.add_referrer(repo, gone, image=gone_image, tag=gone.tag)
    return provider
