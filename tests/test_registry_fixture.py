"""The real-registry fixtures serve what the seed pushed (checked with raw httpx, not tagtui)."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import ssl
import subprocess
from pathlib import Path

import httpx
import pytest
import yaml

from tests.support import seed as data
from tests.support.push import (
    ACCEPT_ALL,
    DOCKER_CONFIG,
    DOCKER_LAYER,
    DOCKER_LIST,
    DOCKER_MANIFEST,
    OCI_INDEX,
    OCI_MANIFEST,
    PushClient,
    PushError,
)
from tests.support.real import free_port
from tests.support.registry import (
    BasicAuthCredentials,
    RunningRegistry,
    SeededRegistry,
    ram_storage,
    start_registry,
)
from tests.support.tls import server_tls
from tests.support.token_issuer import run_token_issuer

pytestmark = pytest.mark.real


def _manifest(url: str, repository: str, reference: str) -> httpx.Response:
    response = httpx.get(
        f"{url}/v2/{repository}/manifests/{reference}", headers={"Accept": ACCEPT_ALL}
    )
    assert response.status_code == 200, response.text
    return response


def _all_pages(url: str, first: str, key: str) -> tuple[list[str], int]:
    """Follow ``Link: <...>; rel="next"`` to the end; returns the items and the page count."""
    items: list[str] = []
    pages = 0
    next_url: str | None = first
    with httpx.Client(base_url=url) as client:
        while next_url:
            response = client.get(next_url)
            assert response.status_code == 200, response.text
            items += response.json()[key] or []
            pages += 1
            link = response.headers.get("Link")
            next_url = link.split(";")[0].strip("<> ") if link else None
    return items, pages


# --- plain registries -------------------------------------------------------------------------


def test_registry_starts_empty_with_delete_enabled(registry: RunningRegistry) -> None:
    response = httpx.get(f"{registry.url}/v2/")
    assert response.status_code == 200
    assert response.headers["Docker-Distribution-Api-Version"] == "registry/2.0"
    assert httpx.get(f"{registry.url}/v2/_catalog").json() == {"repositories": []}
    config = yaml.safe_load(registry.config.read_text())
    assert config["storage"]["delete"]["enabled"] is True
    assert config["storage"]["filesystem"]["rootdirectory"] == str(registry.storage)
    assert registry.host == f"127.0.0.1:{registry.port}"


def test_delete_disabled_registry_answers_405(registry_no_delete: RunningRegistry) -> None:
    with PushClient(registry_no_delete.url) as client:
        digest = client.push("x/app", data.hostile_image(), ["latest"])
    response = httpx.delete(f"{registry_no_delete.url}/v2/x/app/manifests/{digest}")
    assert response.status_code == 405
    assert response.json()["errors"][0]["code"] == "UNSUPPORTED"
    # Still there.
    assert (
        _manifest(registry_no_delete.url, "x/app", "latest").headers["Docker-Content-Digest"]
        == digest
    )


def test_basic_auth_registry(
    registry_basic_auth: RunningRegistry, basic_auth_credentials: BasicAuthCredentials
) -> None:
    url = f"{registry_basic_auth.url}/v2/"
    anonymous = httpx.get(url)
    assert anonymous.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic ")
    assert httpx.get(url, auth=(basic_auth_credentials.username, "wrong")).status_code == 401
    assert httpx.get(url, auth=basic_auth_credentials.pair).status_code == 200
    assert basic_auth_credentials.password not in repr(basic_auth_credentials)

    with PushClient(registry_basic_auth.url, auth=basic_auth_credentials.pair) as client:
        seed = data.seed_small(client)
    catalog = httpx.get(f"{url}_catalog", auth=basic_auth_credentials.pair).json()
    assert catalog["repositories"] == list(seed.repositories)
    with PushClient(registry_basic_auth.url) as anonymous_client, pytest.raises(PushError):
        anonymous_client.push("x/denied", data.hostile_image(), ["latest"])


def test_tls_registry(tmp_path: Path) -> None:
    tls = server_tls(tmp_path / "tls")
    with start_registry(tmp_path / "registry", tls=(tls.cert, tls.key)) as running:
        assert running.url.startswith("https://127.0.0.1:")
        assert (
            httpx.get(
                f"{running.url}/v2/", verify=ssl.create_default_context(cafile=str(tls.ca_cert))
            ).status_code
            == 200
        )
        with pytest.raises(httpx.ConnectError):
            httpx.get(f"{running.url}/v2/")  # not trusted without the private CA


def test_token_auth_registry(tmp_path: Path) -> None:
    with (
        run_token_issuer(tmp_path / "issuer") as issuer,
        start_registry(tmp_path / "registry", token_auth=issuer.token_auth) as running,
    ):
        response = httpx.get(f"{running.url}/v2/")
        assert response.status_code == 401
        challenge = response.headers["WWW-Authenticate"]
        assert challenge.startswith("Bearer ")
        assert f'realm="{issuer.realm}"' in challenge


def test_push_client_follows_relative_upload_locations(tmp_path: Path) -> None:
    with start_registry(tmp_path / "registry", relative_urls=True) as running:
        started = httpx.post(f"{running.url}/v2/x/rel/blobs/uploads/")
        assert started.headers["Location"].startswith("/v2/x/rel/blobs/uploads/")
        image = data.hostile_image()
        with PushClient(running.url) as client:
            # Monolithic: distribution 2.8 opens a session instead; the client finishes it.
            client.upload_blob("x/rel", image.layers[0].blob, monolithic=True)
            assert client.blob_exists("x/rel", image.layers[0].digest)
            assert client.push("x/rel", image, ["latest"]) == image.digest
        served = _manifest(running.url, "x/rel", "latest")
        assert served.headers["Docker-Content-Digest"] == image.digest


def test_start_failure_reports_the_registry_log(tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    with (
        pytest.raises(RuntimeError, match=r"docker-registry exited at start[\s\S]*missing\.pem"),
        start_registry(tmp_path / "registry", tls=(missing, missing)),
    ):
        pass


def test_start_retries_when_the_port_is_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tests.support.registry as registry_module

    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        taken = squatter.getsockname()[1]
        ports = iter([taken, free_port()])
        monkeypatch.setattr(registry_module, "free_port", lambda: next(ports))
        with start_registry(tmp_path / "registry") as running:
            assert running.port != taken
            assert httpx.get(f"{running.url}/v2/").status_code == 200
        assert "address already in use" in (tmp_path / "registry" / "registry.log").read_text()


def test_ram_storage_is_removed_and_orphans_too(tmp_path: Path) -> None:
    shm = Path("/dev/shm")
    if not shm.is_dir():
        pytest.skip("no /dev/shm here: ram_storage falls back to the disk")
    dead = subprocess.Popen(["true"])
    dead.wait()
    orphan = shm / f"tagtui-registry-{dead.pid}-orphan"
    orphan.mkdir()
    with ram_storage(tmp_path / "fallback") as storage:
        assert storage.parent == shm
        assert storage.name.startswith(f"tagtui-registry-{os.getpid()}-")
        (storage / "blob").write_bytes(b"x")
        assert not orphan.exists()
    assert not storage.exists()


# --- the small seed ---------------------------------------------------------------------------


def test_small_seed_digests_match_registry(small_seeded_registry: SeededRegistry) -> None:
    seed = small_seeded_registry.seed
    assert seed.repositories == (
        data.HOSTILE,
        data.DOCKER2,
        data.RICH,
        data.MULTI,
        data.DOCKER_LIST_REPO,
    )
    for repository, tags in seed.tags.items():
        listed = httpx.get(f"{small_seeded_registry.url}/v2/{repository}/tags/list").json()
        assert sorted(listed["tags"]) == sorted(tags)
        for tag, digest in tags.items():
            response = _manifest(small_seeded_registry.url, repository, tag)
            assert response.headers["Docker-Content-Digest"] == digest
            assert "sha256:" + hashlib.sha256(response.content).hexdigest() == digest
            assert response.headers["Content-Type"] == seed.manifests[digest].media_type


def test_rich_tags_share_a_digest(small_seeded_registry: SeededRegistry) -> None:
    seed = small_seeded_registry.seed
    assert seed.tags_sharing(data.RICH, "latest") == ("latest", "prod", "staging")
    version_digests = {seed.digest(data.RICH, tag) for tag in data.RICH_VERSION_TAGS}
    assert len(version_digests) == 3
    assert seed.digest(data.RICH, "latest") not in version_digests


def test_rich_config_as_served(small_seeded_registry: SeededRegistry) -> None:
    url = small_seeded_registry.url
    image = small_seeded_registry.seed.image(data.RICH, "latest")
    manifest = _manifest(url, data.RICH, "latest").json()
    assert manifest["mediaType"] == OCI_MANIFEST
    assert len(manifest["layers"]) == 3
    config = httpx.get(f"{url}/v2/{data.RICH}/blobs/{manifest['config']['digest']}").json()
    assert config == image.config_json
    assert config["config"]["Env"] == list(data.RICH_ENV)
    assert "EMPTY=" in config["config"]["Env"]
    assert config["config"]["ExposedPorts"] == {"80/tcp": {}, "53/udp": {}}
    assert [h.get("empty_layer", False) for h in config["history"]].count(False) == 3
    assert config["rootfs"]["diff_ids"] == [layer.diff_id for layer in image.layers]
    for layer in manifest["layers"]:
        blob = httpx.get(f"{url}/v2/{data.RICH}/blobs/{layer['digest']}")
        assert "sha256:" + hashlib.sha256(blob.content).hexdigest() == layer["digest"]
        assert len(blob.content) == layer["size"]


def test_docker2_media_types(small_seeded_registry: SeededRegistry) -> None:
    manifest = _manifest(small_seeded_registry.url, data.DOCKER2, "1.0").json()
    assert manifest["mediaType"] == DOCKER_MANIFEST
    assert manifest["config"]["mediaType"] == DOCKER_CONFIG
    assert {layer["mediaType"] for layer in manifest["layers"]} == {DOCKER_LAYER}
    seed = small_seeded_registry.seed
    assert seed.digest(data.DOCKER2, "1.0") != seed.digest(data.DOCKER2, "latest")


def test_multi_platform_index_with_attestations(small_seeded_registry: SeededRegistry) -> None:
    url = small_seeded_registry.url
    seed = small_seeded_registry.seed
    assert seed.tags_sharing(data.MULTI, "latest") == ("1.0", "latest")
    index = _manifest(url, data.MULTI, "latest").json()
    assert index["mediaType"] == OCI_INDEX
    platforms = [
        (m["platform"]["os"], m["platform"]["architecture"], m["platform"].get("variant"))
        for m in index["manifests"]
    ]
    assert platforms == [
        ("linux", "amd64", None),
        ("linux", "arm64", "v8"),
        ("unknown", "unknown", None),
        ("unknown", "unknown", None),
    ]
    images = index["manifests"][:2]
    for entry, image in zip(index["manifests"][2:], images, strict=True):
        assert entry["annotations"] == {
            "vnd.docker.reference.digest": image["digest"],
            "vnd.docker.reference.type": "attestation-manifest",
        }
    architectures = []
    for entry in index["manifests"]:
        child = _manifest(url, data.MULTI, entry["digest"])
        assert child.headers["Docker-Content-Digest"] == entry["digest"]
        config_digest = child.json()["config"]["digest"]
        config = httpx.get(f"{url}/v2/{data.MULTI}/blobs/{config_digest}").json()
        architectures.append(config["architecture"])
    assert architectures == ["amd64", "arm64", "unknown", "unknown"]

    docker_list = _manifest(url, data.DOCKER_LIST_REPO, "latest").json()
    assert docker_list["mediaType"] == DOCKER_LIST
    assert {m["mediaType"] for m in docker_list["manifests"]} == {DOCKER_MANIFEST}


def test_hostile_values_survive_the_registry(small_seeded_registry: SeededRegistry) -> None:
    url = small_seeded_registry.url
    manifest = _manifest(url, data.HOSTILE, "latest").json()
    raw = httpx.get(f"{url}/v2/{data.HOSTILE}/blobs/{manifest['config']['digest']}").content
    config = json.loads(raw)
    assert config["config"]["Labels"] == data.HOSTILE_LABELS
    assert len(config["config"]["Labels"]["long"]) == 5000
    assert config["config"]["Env"] == list(data.HOSTILE_ENV)
    assert "\x1b]52;c;ZXZpbA==\x07" in config["config"]["Labels"].values()


def test_small_registry_deletes_a_digest(small_seeded_registry: SeededRegistry) -> None:
    url = small_seeded_registry.url
    digest = small_seeded_registry.seed.digest(data.RICH, "v1")
    assert httpx.delete(f"{url}/v2/{data.RICH}/manifests/{digest}").status_code == 202
    tags = httpx.get(f"{url}/v2/{data.RICH}/tags/list").json()["tags"]
    assert sorted(tags) == sorted(["latest", "staging", "prod", "v2", "v10"])


# --- the full seed ----------------------------------------------------------------------------


def test_catalog_pages_cover_every_repository(seeded_registry: SeededRegistry) -> None:
    seed = seeded_registry.seed
    assert len(seed.repositories) == data.MANY_COUNT + 6
    names, pages = _all_pages(seeded_registry.url, "/v2/_catalog?n=1000", "repositories")
    assert names == list(seed.repositories)
    assert pages == 2
    # distribution's default page is 100: following Link still reaches the end.
    default_names, default_pages = _all_pages(seeded_registry.url, "/v2/_catalog", "repositories")
    assert default_names == names
    assert default_pages > 2


def test_big_repository_has_5000_tags(seeded_registry: SeededRegistry) -> None:
    seed = seeded_registry.seed
    expected = seed.tags[data.BIG]
    assert len(expected) == data.BIG_TAG_COUNT
    tags, _ = _all_pages(seeded_registry.url, f"/v2/{data.BIG}/tags/list", "tags")
    assert sorted(tags) == sorted(expected)
    for tag in ("t1", "t4980", "latest", "1.10.0"):
        response = _manifest(seeded_registry.url, data.BIG, tag)
        assert response.headers["Docker-Content-Digest"] == expected[tag]
    assert len(set(expected.values())) == 4


def test_many_repositories_serve_their_tiny_image(seeded_registry: SeededRegistry) -> None:
    seed = seeded_registry.seed
    for repository in ("many/repo-0001", "many/repo-0750", "many/repo-1500"):
        response = _manifest(seeded_registry.url, repository, "latest")
        assert response.headers["Docker-Content-Digest"] == seed.digest(repository, "latest")
