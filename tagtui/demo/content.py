"""What the demo store holds: a handful of realistic repositories and one with 2,000+ tags.

Sizes are small (a few KiB per layer) because every blob is real and checked against its
digest; what matters for the demo is the shape: shared digests, platforms, attestations,
rich configs, history with empty layers, an artifact, an empty repository, a signed image with
an SBOM (library/postgres:16.1).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tagtui.demo.writer import (
    OCI_CONFIG,
    OCI_INDEX,
    OCI_MANIFEST,
    Descriptor,
    ImageSpec,
    LayerSpec,
    LayoutWriter,
    Step,
    encode,
)
from tagtui.referrers import COSIGN_SIMPLESIGNING, fallback_tag

PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SPDX_JSON = "application/spdx+json"
EMPTY_CONFIG = "application/vnd.oci.empty.v1+json"


def when(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def debian_base(release: str) -> tuple[Step, ...]:
    return (
        Step(
            "/bin/sh -c #(nop) ADD file:4b1be1de1a1e5aaa6d3d8b1d1b8e6d2a0b31e4e8 in / ",
            LayerSpec(f"debian-{release}", 12_288, "usr/lib/os-release"),
        ),
        Step('/bin/sh -c #(nop)  CMD ["bash"]'),
    )


# --- library/nginx: a two-platform index with an attestation, tags sharing its digest ---------


def nginx_image(
    version: str, created: datetime, architecture: str, variant: str | None
) -> ImageSpec:
    arch = architecture + (variant or "")
    return ImageSpec(
        created=created,
        author=None,
        architecture=architecture,
        variant=variant,
        steps=(
            *debian_base(f"bookworm-{arch}"),
            Step('LABEL maintainer="NGINX Docker Maintainers <docker-maint@nginx.com>"'),
            Step(f"ENV NGINX_VERSION={version}"),
            Step("ENV NJS_VERSION=0.8.2"),
            Step("ENV PKG_RELEASE=1~bookworm"),
            Step(
                "RUN /bin/sh -c set -x && groupadd --system --gid 101 nginx && useradd "
                "--system --gid nginx --no-create-home --home /nonexistent --shell /bin/false "
                "--uid 101 nginx && apt-get update && apt-get install --no-install-recommends "
                "--no-install-suggests -y gnupg1 ca-certificates && apt-get install "
                f"--no-install-recommends --no-install-suggests -y nginx={version}-1~bookworm "
                "&& rm -rf /var/lib/apt/lists/* # buildkit",
                LayerSpec(f"nginx-{version}-{arch}", 22_528, "usr/sbin/nginx"),
            ),
            Step(
                "COPY docker-entrypoint.sh / # buildkit",
                LayerSpec("nginx-entrypoint", 1_536, "docker-entrypoint.sh"),
            ),
            Step(
                "COPY 10-listen-on-ipv6-by-default.sh /docker-entrypoint.d # buildkit",
                LayerSpec("nginx-ipv6", 1_024, "docker-entrypoint.d/10-listen-on-ipv6.sh"),
            ),
            Step('ENTRYPOINT ["/docker-entrypoint.sh"]'),
            Step("EXPOSE map[80/tcp:{}]"),
            Step("STOPSIGNAL SIGQUIT"),
            Step('CMD ["nginx" "-g" "daemon off;"]'),
        ),
        env=(PATH_ENV, f"NGINX_VERSION={version}", "NJS_VERSION=0.8.2", "PKG_RELEASE=1~bookworm"),
        labels=(("maintainer", "NGINX Docker Maintainers <docker-maint@nginx.com>"),),
        ports=("80/tcp",),
        entrypoint=("/docker-entrypoint.sh",),
        cmd=("nginx", "-g", "daemon off;"),
        stop_signal="SIGQUIT",
    )


def attestation(writer: LayoutWriter, subject: Descriptor, created: datetime) -> Descriptor:
    """A BuildKit provenance attestation for ``subject``: an index entry, not a platform."""
    statement = {
        "_type": "https://in-toto.io/Statement/v0.1",
        "predicateType": "https://slsa.dev/provenance/v0.2",
        "subject": [{"name": "_", "digest": {"sha256": subject["digest"].split(":", 1)[1]}}],
        "predicate": {
            "builder": {"id": "https://github.com/docker/buildx"},
            "buildType": "https://mobyproject.org/buildkit@v1",
            "metadata": {"buildStartedOn": created.strftime("%Y-%m-%dT%H:%M:%SZ")},
        },
    }
    body = encode(statement)
    config = {
        "architecture": "unknown",
        "os": "unknown",
        "config": {},
        "rootfs": {"type": "layers", "diff_ids": ["sha256:" + hashlib.sha256(body).hexdigest()]},
    }
    manifest = writer.artifact(OCI_CONFIG, encode(config), [("application/vnd.in-toto+json", body)])
    manifest["platform"] = {"architecture": "unknown", "os": "unknown"}
    manifest["annotations"] = {
        "vnd.docker.reference.digest": subject["digest"],
        "vnd.docker.reference.type": "attestation-manifest",
    }
    return manifest


def write_nginx(root: Path) -> None:
    writer = LayoutWriter(root / "library" / "nginx")
    for version, created, tags, attest in (
        ("1.25.3", when("2023-11-02T14:08:51"), ("1.25.3", "1.25", "1", "stable", "latest"), True),
        ("1.24.0", when("2023-04-12T09:30:05"), ("1.24.0", "1.24"), False),
    ):
        amd64 = writer.image(nginx_image(version, created, "amd64", None))
        arm64 = writer.image(nginx_image(version, created, "arm64", "v8"))
        entries = [amd64, arm64]
        if attest:
            entries.append(attestation(writer, amd64, created))
        writer.tag(writer.index(entries), *tags)
    alpine = replace(
        nginx_image("1.23.4", when("2023-03-29T17:45:12"), "amd64", None),
        steps=(
            Step(
                "/bin/sh -c #(nop) ADD file:7625ddfd589fb824ee39f1b1eb387b98f3676420 in / ",
                LayerSpec("alpine-3.17", 6_144, "etc/alpine-release"),
            ),
            Step('/bin/sh -c #(nop)  CMD ["/bin/sh"]'),
            Step("ENV NGINX_VERSION=1.23.4"),
            Step(
                "RUN /bin/sh -c apk add --no-cache nginx=1.23.4-r0 # buildkit",
                LayerSpec("nginx-alpine-1.23.4", 9_216, "usr/sbin/nginx"),
            ),
            Step('CMD ["nginx" "-g" "daemon off;"]'),
        ),
        entrypoint=None,
    )
    writer.tag(writer.image(alpine), "1.23.4-alpine", "alpine")
    writer.close()


# --- library/postgres: Docker schema 2 media types, volumes ----------------------------------


def write_postgres(root: Path) -> None:
    writer = LayoutWriter(root / "library" / "postgres")
    for version, created, tags in (
        ("16.1", when("2023-11-21T02:11:40"), ("16.1", "16", "latest")),
        ("15.5", when("2023-11-21T01:58:02"), ("15.5", "15")),
        ("14.10", when("2023-11-20T23:40:19"), ("14.10", "14")),
    ):
        major = version.split(".", 1)[0]
        spec = ImageSpec(
            created=created,
            steps=(
                *debian_base("bookworm-amd64"),
                Step(
                    "RUN /bin/sh -c set -eux; groupadd -r postgres --gid=999; useradd -r "
                    "-g postgres --uid=999 --home-dir=/var/lib/postgresql --shell=/bin/bash "
                    "postgres; mkdir -p /var/lib/postgresql; chown -R postgres:postgres "
                    "/var/lib/postgresql # buildkit",
                    LayerSpec("postgres-user", 2_048, "etc/passwd"),
                ),
                Step("ENV GOSU_VERSION=1.16"),
                Step("ENV LANG=en_US.utf8"),
                Step(f"ENV PG_MAJOR={major}"),
                Step(f"ENV PG_VERSION={version}-1.pgdg120+1"),
                Step(
                    "RUN /bin/sh -c set -ex; apt-get update; apt-get install -y --no-install-"
                    f'recommends "postgresql-{major}=$PG_VERSION"; rm -rf /var/lib/apt/lists/* '
                    "# buildkit",
                    LayerSpec(
                        f"postgres-{version}", 30_720, f"usr/lib/postgresql/{major}/bin/postgres"
                    ),
                ),
                Step("ENV PGDATA=/var/lib/postgresql/data"),
                Step("VOLUME [/var/lib/postgresql/data]"),
                Step(
                    "COPY docker-entrypoint.sh /usr/local/bin/ # buildkit",
                    LayerSpec("postgres-entrypoint", 4_096, "usr/local/bin/docker-entrypoint.sh"),
                ),
                Step('ENTRYPOINT ["docker-entrypoint.sh"]'),
                Step("STOPSIGNAL SIGINT"),
                Step("EXPOSE map[5432/tcp:{}]"),
                Step('CMD ["postgres"]'),
            ),
            env=(
                PATH_ENV.replace("PATH=", f"PATH=/usr/lib/postgresql/{major}/bin:"),
                "GOSU_VERSION=1.16",
                "LANG=en_US.utf8",
                f"PG_MAJOR={major}",
                f"PG_VERSION={version}-1.pgdg120+1",
                "PGDATA=/var/lib/postgresql/data",
            ),
            ports=("5432/tcp",),
            volumes=("/var/lib/postgresql/data",),
            entrypoint=("docker-entrypoint.sh",),
            cmd=("postgres",),
            stop_signal="SIGINT",
        )
        image = writer.image(spec)
        writer.tag(image, *tags)
        if version == "16.1":
            sign_and_attach_sbom(writer, image, created)
    writer.close()


def sign_and_attach_sbom(writer: LayoutWriter, subject: Descriptor, created: datetime) -> None:
    """What ``cosign sign`` and ``oras attach --artifact-type application/spdx+json`` leave
    in a registry without the referrers API: a signature under ``sha256-<hex>.sig``, and an
    SBOM listed by the OCI fallback tag ``sha256-<hex>``."""
    digest = subject["digest"]
    carrier = fallback_tag(digest)
    pointer = {key: subject[key] for key in ("mediaType", "digest", "size")}
    payload = {
        "critical": {
            "identity": {"docker-reference": "index.docker.io/library/postgres"},
            "image": {"docker-manifest-digest": digest},
            "type": "cosign container image signature",
        },
        "optional": None,
    }
    signature_layer = writer.blob(encode(payload), COSIGN_SIMPLESIGNING)
    signature_layer["annotations"] = {"dev.cosignproject.cosign/signature": "MEUCIQDdemo"}
    signature = {
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": writer.blob(encode({"architecture": "", "os": "", "config": {}}), OCI_CONFIG),
        "layers": [signature_layer],
    }
    writer.tag(writer.blob(encode(signature), OCI_MANIFEST), f"{carrier}.sig")
    stamp = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    document = {
        "spdxVersion": "SPDX-2.3",
        "SPDXID": "SPDXRef-DOCUMENT",
        "name": "postgres:16.1",
        "creationInfo": {"created": stamp, "creators": ["Tool: syft-1.4.1"]},
        "packages": [{"name": "postgresql-16", "versionInfo": "16.1-1.pgdg120+1"}],
    }
    annotations = {"org.opencontainers.image.created": stamp}
    sbom = writer.artifact(
        EMPTY_CONFIG,
        b"{}",
        [(SPDX_JSON, encode(document))],
        artifactType=SPDX_JSON,
        subject=pointer,
        annotations=annotations,
    )
    listed = {**sbom, "artifactType": SPDX_JSON, "annotations": annotations}
    fallback = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": [listed]}
    writer.tag(writer.blob(encode(fallback), OCI_INDEX), carrier)


# --- acme/api: rich labels, env values with "=" and empty, user, workdir, shared tags --------


def api_image(version: str, revision: str, created: datetime) -> ImageSpec:
    return ImageSpec(
        created=created,
        author="Acme Platform Team <platform@acme.example>",
        steps=(
            Step(
                "/bin/sh -c #(nop) ADD file:a0b0c0d0e0f00112233445566778899aabbccdd in / ",
                LayerSpec("distroless-static", 8_192, "etc/passwd"),
            ),
            Step("ARG VERSION"),
            Step(f"LABEL org.opencontainers.image.version={version}"),
            Step(
                "COPY --from=build /out/api /app/api # buildkit",
                LayerSpec(f"api-binary-{version}", 18_432, "app/api"),
            ),
            Step(
                "COPY migrations/ /app/migrations/ # buildkit",
                LayerSpec(
                    f"api-migrations-{version.rsplit('.', 1)[0]}", 3_072, "app/migrations/001.sql"
                ),
            ),
            Step("ENV TZ=UTC"),
            Step("USER 10001:10001"),
            Step("WORKDIR /app"),
            Step("EXPOSE map[8080/tcp:{} 9090/tcp:{}]"),
            Step('ENTRYPOINT ["/app/api"]'),
            Step('CMD ["serve" "--port=8080"]'),
        ),
        env=(
            "PATH=/usr/local/bin:/usr/bin:/bin",
            "TZ=UTC",
            "DATABASE_URL=postgres://api@db:5432/api?sslmode=require&pool_max=10",
            "JAVA_TOOL_OPTIONS=-Dfile.encoding=UTF-8 -Duser.timezone=UTC",
            "FEATURE_FLAGS=search=on,billing=off",
            "SENTRY_DSN=",
            "GREETING=hello world",
        ),
        labels=(
            ("org.opencontainers.image.title", "acme-api"),
            ("org.opencontainers.image.description", "Acme public API: orders, billing, search"),
            ("org.opencontainers.image.version", version),
            ("org.opencontainers.image.revision", revision),
            ("org.opencontainers.image.source", "https://git.acme.example/platform/api"),
            ("org.opencontainers.image.created", created.strftime("%Y-%m-%dT%H:%M:%SZ")),
            ("org.opencontainers.image.licenses", "Apache-2.0"),
            ("org.opencontainers.image.vendor", "Acme Corp"),
            ("com.acme.team", "platform"),
            ("com.acme.oncall", "#platform-oncall"),
        ),
        ports=("8080/tcp", "9090/tcp"),
        entrypoint=("/app/api",),
        cmd=("serve", "--port=8080"),
        user="10001:10001",
        working_dir="/app",
        annotations=(("org.opencontainers.image.revision", revision),),
    )


def write_api(root: Path) -> None:
    writer = LayoutWriter(root / "acme" / "api")
    for version, revision, created, tags in (
        ("1.0.0", "1f0e2d3c", when("2024-01-15T10:00:00"), ("v1.0.0",)),
        ("1.1.0", "5a6b7c8d", when("2024-03-04T16:20:00"), ("v1.1.0",)),
        ("1.2.0", "9e8d7c6b", when("2024-05-14T09:21:33"), ("v1.2.0", "latest", "staging", "prod")),
        ("1.3.0-rc.1", "3f9c2ab7", when("2024-06-02T18:45:10"), ("main-3f9c2ab", "v1.3.0-rc.1")),
    ):
        writer.tag(writer.image(api_image(version, revision, created)), *tags)
    writer.close()


# --- acme/web: ports with protocols, volume ----------------------------------------------------


def write_web(root: Path) -> None:
    writer = LayoutWriter(root / "acme" / "web")
    releases = (
        ("2024.05.01", when("2024-05-01T08:00:00"), ()),
        ("2024.06.12", when("2024-06-12T08:00:00"), ("latest",)),
        ("2024.06.19", when("2024-06-19T21:13:00"), ("canary",)),
    )
    for release, created, extra_tags in releases:
        spec = ImageSpec(
            created=created,
            steps=(
                *debian_base("bookworm-slim-amd64"),
                Step("ENV NODE_VERSION=20.14.0"),
                Step(
                    "RUN /bin/sh -c curl -fsSLO https://nodejs.org/dist/v$NODE_VERSION/node-"
                    "v$NODE_VERSION-linux-x64.tar.xz && tar -xJf node-*.tar.xz -C /usr/local "
                    "--strip-components=1 && rm node-*.tar.xz # buildkit",
                    LayerSpec("node-20.14.0", 26_624, "usr/local/bin/node"),
                ),
                Step("WORKDIR /srv/web"),
                Step(
                    "COPY package.json package-lock.json ./ # buildkit",
                    LayerSpec("web-package-json", 2_048, "srv/web/package.json"),
                ),
                Step(
                    "RUN /bin/sh -c npm ci --omit=dev # buildkit",
                    LayerSpec(
                        "web-node-modules", 20_480, "srv/web/node_modules/.package-lock.json"
                    ),
                ),
                Step(
                    "COPY . . # buildkit",
                    LayerSpec(f"web-src-{release}", 6_144, "srv/web/server.js"),
                ),
                Step("ENV NODE_ENV=production"),
                Step("VOLUME [/srv/web/.cache]"),
                Step("EXPOSE map[3000/tcp:{} 5353/udp:{} 9229/tcp:{}]"),
                Step("USER node"),
                Step('CMD ["node" "server.js"]'),
            ),
            env=(
                PATH_ENV,
                "NODE_VERSION=20.14.0",
                "NODE_ENV=production",
                f"WEB_RELEASE={release}",
                "NODE_OPTIONS=--max-old-space-size=512 --enable-source-maps",
            ),
            labels=(
                ("org.opencontainers.image.title", "acme-web"),
                ("org.opencontainers.image.version", release),
            ),
            ports=("3000/tcp", "5353/udp", "9229/tcp"),
            volumes=("/srv/web/.cache",),
            cmd=("node", "server.js"),
            user="node",
            working_dir="/srv/web",
        )
        writer.tag(writer.image(spec), release, *extra_tags)
    writer.close()


# --- acme/charts: an OCI artifact (a Helm chart), not an image --------------------------------


def write_charts(root: Path) -> None:
    writer = LayoutWriter(root / "acme" / "charts")
    for version in ("0.1.0", "0.2.0"):
        chart = {"name": "api", "version": version, "apiVersion": "v2", "appVersion": "1.2.0"}
        manifest = writer.artifact(
            "application/vnd.cncf.helm.config.v1+json",
            encode(chart),
            [("application/vnd.cncf.helm.chart.content.v1.tar+gzip", encode(chart) * 20)],
            annotations={
                "org.opencontainers.image.title": "api",
                "org.opencontainers.image.version": version,
            },
        )
        writer.tag(manifest, version)
    writer.close()


# --- tools/debug: minimal config (no labels, no ports, no user) ------------------------------


def write_debug(root: Path) -> None:
    writer = LayoutWriter(root / "tools" / "debug")
    spec = ImageSpec(
        created=when("2024-01-17T21:49:12"),
        steps=(
            Step(
                "/bin/sh -c #(nop) ADD file:bd2c1a3bb6b1a7f9f4f04c0a1c1a0d2f7e2c9f5b in / ",
                LayerSpec("busybox-1.36.1", 4_608, "bin/busybox"),
            ),
            Step('/bin/sh -c #(nop)  CMD ["sh"]'),
        ),
        env=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",),
        cmd=("sh",),
    )
    writer.tag(writer.image(spec), "1.36.1", "1.36", "latest", "musl")
    writer.close()


# --- big/tags: 2,000+ tags over 60 images, dated so newest-first means something -------------

BIG_IMAGES = 60


def big_tag_names() -> list[tuple[str, int]]:
    """(tag, image number) pairs: each family walks through the images in date order."""
    families: list[list[str]] = [
        [f"t{n}" for n in range(1, 1201)],
        [
            f"{major}.{minor}.{patch}"
            for major in range(4)
            for minor in range(15)
            for patch in range(10)
        ],
        [(datetime(2022, 1, 3) + timedelta(days=3 * n)).strftime("%Y.%m.%d") for n in range(240)],
    ]
    pairs: list[tuple[str, int]] = []
    for family in families:
        pairs.extend((name, i * BIG_IMAGES // len(family)) for i, name in enumerate(family))
    last = BIG_IMAGES - 1
    pairs.extend([("latest", last), ("stable", last - 2), ("edge", last), ("nightly", last)])
    return pairs


def write_big(root: Path) -> None:
    writer = LayoutWriter(root / "big" / "tags")
    start = when("2022-01-03T06:00:00")
    images: list[Descriptor] = []
    for number in range(BIG_IMAGES):
        created = start + timedelta(days=12 * number, minutes=37 * number)
        spec = ImageSpec(
            created=created,
            steps=(
                Step(
                    "/bin/sh -c #(nop) ADD file:5d1c2b8e9f0a in / ",
                    LayerSpec(f"big-base-{number // 20}", 3_072, "etc/os-release"),
                ),
                Step(f"ENV BUILD_NUMBER={number + 1}"),
                Step(
                    "COPY app /usr/local/bin/app # buildkit",
                    LayerSpec(f"big-app-{number % 6}", 2_048, "usr/local/bin/app"),
                ),
                Step('CMD ["app"]'),
            ),
            env=(PATH_ENV, f"BUILD_NUMBER={number + 1}"),
            labels=(("org.opencontainers.image.version", f"build-{number + 1}"),),
            cmd=("app",),
        )
        images.append(writer.image(spec))
    for name, number in big_tag_names():
        writer.tag(images[number], name)
    writer.close()


# --- sandbox/empty: a layout with no tags at all ----------------------------------------------


def write_empty(root: Path) -> None:
    LayoutWriter(root / "sandbox" / "empty").close()


WRITERS = (
    write_nginx,
    write_postgres,
    write_api,
    write_web,
    write_charts,
    write_debug,
    write_big,
    write_empty,
)
