"""The test data set, pushed through a registry's own API, and what tests may expect of it.

Everything is built deterministically in memory, so digests are the same in every run. The
builders (``rich_images()``...) need no registry; ``seed_small`` / ``seed_full`` push them and
return a ``SeedResult`` describing every repository, tag and digest.

Small set (``seed_small``):
- ``library/rich``: OCI image with a full config; ``latest``/``staging``/``prod`` share one
  digest; ``v1``, ``v2``, ``v10`` each have their own.
- ``library/docker2``: Docker schema 2 media types; ``1.0`` and ``latest`` (different digests).
- ``multi/app``: OCI index, linux/amd64 + linux/arm64/v8 and one BuildKit attestation entry per
  platform; ``latest`` and ``1.0`` share the index digest.
- ``multi/dockerlist``: Docker manifest list, linux/amd64 + linux/arm64/v8; ``latest``.
- ``hostile/labels``: markup, ANSI/OSC escapes, a 5,000-character value, wide characters in
  labels, env, author, cmd and history; ``latest``.

Full set (``seed_full``) adds ``big/tags`` (5,000 tags on four manifests) and
``many/repo-0001`` .. ``many/repo-1500`` (one tiny image each, blobs mounted).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass

from tests.support.push import (
    DOCKER_LAYER,
    Image,
    IndexEntry,
    Layer,
    Manifest,
    PushClient,
    attestation_entry,
    build_image,
    build_index,
    image_config,
    platform,
    tar_gz_layer,
)

RICH = "library/rich"
DOCKER2 = "library/docker2"
MULTI = "multi/app"
DOCKER_LIST_REPO = "multi/dockerlist"
HOSTILE = "hostile/labels"
BIG = "big/tags"
MANY_PREFIX = "many/repo-"
MANY_COUNT = 1500
BIG_TAG_COUNT = 5000

# --- library/rich -----------------------------------------------------------------------------

RICH_CREATED = "2024-03-01T10:00:00Z"
RICH_AUTHOR = "Tag Tui <tagtui@example.invalid>"
#: Env in order; values with "=" and an empty value.
RICH_ENV = (
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    "JAVA_OPTS=-Dfoo=bar -Dx=y",
    "EMPTY=",
    "LANG=C.UTF-8",
)
RICH_LABELS = {
    "org.opencontainers.image.title": "rich",
    "org.opencontainers.image.version": "1.2.3",
    "org.opencontainers.image.source": "https://example.invalid/rich",
    "maintainer": "tagtui tests",
}
RICH_PORTS = {"80/tcp": {}, "53/udp": {}}
RICH_VOLUMES = {"/data": {}, "/var/log/rich": {}}
RICH_ENTRYPOINT = ("/usr/local/bin/entrypoint.sh",)
RICH_CMD = ("serve", "--port", "80")
RICH_USER = "app:app"
RICH_WORKDIR = "/srv/rich"
#: created_by of each history entry, and its ``empty_layer`` flag (three make layers).
RICH_HISTORY = (
    ("/bin/sh -c #(nop) ADD file:0123abcd in / ", False),
    ("/bin/sh -c #(nop)  ENV LANG=C.UTF-8", True),
    ("RUN /bin/sh -c apt-get update && apt-get install -y tini # buildkit", False),
    ("EXPOSE map[53/udp:{} 80/tcp:{}]", True),
    ("COPY rich /srv/rich # buildkit", False),
    ('CMD ["serve" "--port" "80"]', True),
)
RICH_SHARED_TAGS = ("latest", "staging", "prod")
RICH_VERSION_TAGS = ("v1", "v2", "v10")


def _rich_layers() -> tuple[Layer, ...]:
    return (
        tar_gz_layer({"etc/os-release": b"NAME=tagtui-test\n", "bin/sh": b"#!sh\n" * 64}),
        tar_gz_layer({"usr/bin/tini": b"\x7fELF tini" * 128}),
        tar_gz_layer({"srv/rich/app.py": b"print('rich')\n" * 32}),
    )


def _rich_config(version: str, created: str, layers: tuple[Layer, ...]) -> dict[str, object]:
    return image_config(
        created=created,
        author=RICH_AUTHOR,
        config={
            "User": RICH_USER,
            "ExposedPorts": RICH_PORTS,
            "Env": list(RICH_ENV),
            "Entrypoint": list(RICH_ENTRYPOINT),
            "Cmd": list(RICH_CMD),
            "Volumes": RICH_VOLUMES,
            "WorkingDir": RICH_WORKDIR,
            "Labels": {**RICH_LABELS, "org.opencontainers.image.version": version},
        },
        history=[
            {
                "created": created,
                "created_by": created_by,
                **({"empty_layer": True} if empty else {}),
            }
            for created_by, empty in RICH_HISTORY
        ],
        layers=layers,
    )


def rich_images() -> dict[str, Image]:
    """Tag -> image for ``library/rich`` (the shared tags map to one image)."""
    layers = _rich_layers()
    main = build_image(_rich_config("1.2.3", RICH_CREATED, layers), layers)
    out = {tag: main for tag in RICH_SHARED_TAGS}
    for index, tag in enumerate(RICH_VERSION_TAGS):
        created = f"2024-0{index + 1}-15T08:30:00Z"
        out[tag] = build_image(_rich_config(tag.removeprefix("v"), created, layers), layers)
    return out


# --- library/docker2 --------------------------------------------------------------------------

DOCKER2_CMD = ("/bin/sh",)


def docker2_images() -> dict[str, Image]:
    out: dict[str, Image] = {}
    for tag, created in (("1.0", "2023-06-01T00:00:00Z"), ("latest", "2024-06-01T00:00:00Z")):
        layers = (
            tar_gz_layer({"bin/busybox": b"busybox" * 100}, media_type=DOCKER_LAYER),
            tar_gz_layer({"etc/version": tag.encode()}, media_type=DOCKER_LAYER),
        )
        config = image_config(
            created=created,
            config={"Cmd": list(DOCKER2_CMD), "Env": ["PATH=/bin"], "Labels": {"tag": tag}},
            history=[
                {"created": created, "created_by": "ADD busybox /bin/"},
                {"created": created, "created_by": f"COPY version-{tag} /etc/version"},
            ],
            layers=layers,
        )
        out[tag] = build_image(config, layers, docker=True)
    return out


# --- multi/app and multi/dockerlist -----------------------------------------------------------

MULTI_TAGS = ("latest", "1.0")
#: (os, architecture, variant, created) of each platform, in index order.
MULTI_PLATFORMS = (
    ("linux", "amd64", None, "2024-04-01T00:00:00Z"),
    ("linux", "arm64", "v8", "2024-04-02T00:00:00Z"),
)


def _platform_images(*, docker: bool) -> list[tuple[dict[str, str], Image]]:
    out = []
    media_type = DOCKER_LAYER if docker else None
    for os_name, arch, variant, created in MULTI_PLATFORMS:
        kwargs = {"media_type": media_type} if media_type else {}
        layer = tar_gz_layer({f"app/{arch}": f"binary for {arch}".encode() * 50}, **kwargs)
        config = image_config(
            architecture=arch,
            os=os_name,
            variant=variant,
            created=created,
            config={"Cmd": ["/app/run"], "Labels": {"arch": arch}},
            history=[{"created": created, "created_by": f"COPY app/{arch} /app/"}],
            layers=[layer],
        )
        out.append((platform(os_name, arch, variant), build_image(config, [layer], docker=docker)))
    return out


def multi_index() -> Manifest:
    """The OCI index of ``multi/app``: two platforms, then one attestation entry for each."""
    images = _platform_images(docker=False)
    entries = [IndexEntry(image, plat) for plat, image in images]
    entries += [attestation_entry(image) for _, image in images]
    return build_index(entries)


def docker_list() -> Manifest:
    """The Docker manifest list of ``multi/dockerlist``."""
    return build_index(
        [IndexEntry(image, plat) for plat, image in _platform_images(docker=True)], docker=True
    )


# --- hostile/labels ---------------------------------------------------------------------------

LONG_VALUE = ("0123456789abcdef" * 313)[:5000]
HOSTILE_LABELS = {
    "markup": "[bold]x[/]",
    "unclosed": "[/",
    "brackets": "[00]",
    "link": "[link=https://example.invalid]click[/link]",
    "ansi": "\x1b[31mred\x1b[0m",
    "osc52": "\x1b]52;c;ZXZpbA==\x07",
    "controls": "line1\nline2\r\tend\x00\x7f",
    "long": LONG_VALUE,
    "wide": "日本語のラベル 🐳🚀 ｗｉｄｅ",
    "[red]key[/red]": "markup in the key",
}
HOSTILE_ENV = (
    "MARKUP=[bold]x[/]",
    "UNCLOSED=[/",
    "ANSI=\x1b[31mred\x1b[0m",
    "OSC=\x1b]52;c;ZXZpbA==\x07",
    "WIDE=日本語🐳",
    f"LONG={LONG_VALUE}",
)
HOSTILE_AUTHOR = "[bold red]Mallory[/] \x1b[5m"


def hostile_image() -> Image:
    layer = tar_gz_layer({"[bold]x[/]": b"\x1b[31m"})
    config = image_config(
        created="2024-02-29T23:59:59Z",
        author=HOSTILE_AUTHOR,
        config={
            "Env": list(HOSTILE_ENV),
            "Labels": HOSTILE_LABELS,
            "Cmd": ["echo", "\x1b]0;title\x07[/]"],
            "Entrypoint": ["[bold]sh[/]"],
            "WorkingDir": "[/",
            "User": "日本",
            "ExposedPorts": {"8080/tcp": {}},
        },
        history=[{"created_by": "RUN echo '[bold]x[/]' \x1b[31m 日本語", "comment": "[/"}],
        layers=[layer],
    )
    return build_image(config, [layer])


# --- big/tags and many/* ----------------------------------------------------------------------

#: The non-``t<N>`` tags of ``big/tags`` (with ``t1`` .. ``t4980``, 5,000 in all).
BIG_NAMED_TAGS = (
    "latest",
    "stable",
    "edge",
    "main",
    "1.0.0",
    "1.0.0-alpha",
    "1.0.0-beta.2",
    "1.2.0",
    "1.9.3",
    "1.10.0",
    "2.0.0-rc.1",
    "2.0.0",
    "9.0.0",
    "10.0.0",
    "v0.1.0",
    "v0.9.0",
    "v0.10.0",
    "2024.01.15",
    "3.1.4_beta",
    "sha-abcdef0",
)


def big_images() -> tuple[Image, ...]:
    """The four manifests ``big/tags`` tags point at (one shared layer, distinct configs)."""
    layer = tar_gz_layer({"big": b"big tags layer"})
    return tuple(
        build_image(
            image_config(
                created=f"2024-05-0{i + 1}T00:00:00Z",
                config={"Labels": {"big": str(i)}},
                history=[{"created_by": "ADD big /"}],
                layers=[layer],
            ),
            [layer],
        )
        for i in range(4)
    )


def big_tags() -> dict[str, int]:
    """Tag -> index into ``big_images()``."""
    numbered = BIG_TAG_COUNT - len(BIG_NAMED_TAGS)
    out = {f"t{n}": n % 4 for n in range(1, numbered + 1)}
    out.update({name: i % 4 for i, name in enumerate(BIG_NAMED_TAGS)})
    return out


def many_repositories() -> tuple[str, ...]:
    return tuple(f"{MANY_PREFIX}{n:04d}" for n in range(1, MANY_COUNT + 1))


def many_image() -> Image:
    layer = tar_gz_layer({"many": b"tiny"})
    config = image_config(created="2024-01-01T00:00:00Z", layers=[layer])
    return build_image(config, [layer])


# --- what a seed returns ----------------------------------------------------------------------


@dataclass(frozen=True)
class SeedResult:
    """Every repository and tag pushed, and the manifests behind them.

    ``tags[repo][tag]`` is the digest; ``manifests[digest]`` the pushed manifest (an ``Image``
    for images, with ``config_json`` and ``layers``; a ``Manifest`` with ``children`` for
    indexes, children included here by digest too).
    """

    tags: Mapping[str, Mapping[str, str]]
    manifests: Mapping[str, Manifest]
    seconds: float = 0.0
    requests: int = 0

    @property
    def repositories(self) -> tuple[str, ...]:
        """Repository names in the catalog's (lexical) order."""
        return tuple(sorted(self.tags))

    def digest(self, repository: str, tag: str) -> str:
        return self.tags[repository][tag]

    def manifest(self, repository: str, tag: str) -> Manifest:
        return self.manifests[self.tags[repository][tag]]

    def image(self, repository: str, tag: str) -> Image:
        manifest = self.manifest(repository, tag)
        assert isinstance(manifest, Image), f"{repository}:{tag} is not an image"
        return manifest

    def tags_sharing(self, repository: str, tag: str) -> tuple[str, ...]:
        """Every tag of ``repository`` on the same digest as ``tag`` (itself included), sorted."""
        digest = self.digest(repository, tag)
        return tuple(sorted(t for t, d in self.tags[repository].items() if d == digest))


class _Recorder:
    """Collects tags and manifests while pushing."""

    def __init__(self) -> None:
        self.tags: dict[str, dict[str, str]] = {}
        self.manifests: dict[str, Manifest] = {}

    def note(self, repository: str, manifest: Manifest, tags: tuple[str, ...]) -> None:
        self._keep(manifest)
        repo_tags = self.tags.setdefault(repository, {})
        for tag in tags:
            repo_tags[tag] = manifest.digest

    def _keep(self, manifest: Manifest) -> None:
        self.manifests[manifest.digest] = manifest
        for child in manifest.children:
            self._keep(child)


def _small_plan() -> list[tuple[str, Manifest, tuple[str, ...]]]:
    plan: list[tuple[str, Manifest, tuple[str, ...]]] = []
    by_digest: dict[str, list[str]] = {}
    rich = rich_images()
    for tag, image in rich.items():
        by_digest.setdefault(image.digest, []).append(tag)
    images_by_digest = {image.digest: image for image in rich.values()}
    for digest, tags in by_digest.items():
        plan.append((RICH, images_by_digest[digest], tuple(tags)))
    for tag, image in docker2_images().items():
        plan.append((DOCKER2, image, (tag,)))
    plan.append((MULTI, multi_index(), MULTI_TAGS))
    plan.append((DOCKER_LIST_REPO, docker_list(), ("latest",)))
    plan.append((HOSTILE, hostile_image(), ("latest",)))
    return plan


def _push_small(client: PushClient, recorder: _Recorder) -> None:
    plan = _small_plan()
    # One thread per repository: a repository's pushes stay in order (blobs before manifests).
    by_repo: dict[str, list[tuple[Manifest, tuple[str, ...]]]] = {}
    for repository, manifest, tags in plan:
        by_repo.setdefault(repository, []).append((manifest, tags))
        recorder.note(repository, manifest, tags)

    def push_repo(item: tuple[str, list[tuple[Manifest, tuple[str, ...]]]]) -> None:
        repository, pushes = item
        for manifest, tags in pushes:
            client.push(repository, manifest, tags)

    client.map(push_repo, list(by_repo.items()))


def seed_small(client: PushClient) -> SeedResult:
    """Push the small set (no ``big/tags``, no ``many/*``): quick enough per test."""
    start = time.monotonic()
    before = client.requests
    recorder = _Recorder()
    _push_small(client, recorder)
    return SeedResult(
        tags=recorder.tags,
        manifests=recorder.manifests,
        seconds=time.monotonic() - start,
        requests=client.requests - before,
    )


def seed_full(client: PushClient) -> SeedResult:
    """Push the small set, ``big/tags`` (5,000 tags) and ``many/*`` (1,500 repositories)."""
    start = time.monotonic()
    before = client.requests
    recorder = _Recorder()
    _push_small(client, recorder)

    images = big_images()
    for image in images:
        client.push(BIG, image)  # by digest: blobs and manifests in place before tagging
    tags = big_tags()
    client.map(lambda tag: client.put_manifest(BIG, tag, images[tags[tag]]), list(tags))
    for i, image in enumerate(images):
        recorder.note(BIG, image, tuple(t for t, j in tags.items() if j == i))

    tiny = many_image()
    repositories = many_repositories()
    client.push(repositories[0], tiny, ["latest"])
    client.map(
        lambda repo: client.push(repo, tiny, ["latest"], mount_from=repositories[0]),
        repositories[1:],
    )
    for repository in repositories:
        recorder.note(repository, tiny, ("latest",))
    return SeedResult(
        tags=recorder.tags,
        manifests=recorder.manifests,
        seconds=time.monotonic() - start,
        requests=client.requests - before,
    )
