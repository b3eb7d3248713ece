"""References are parsed as docker parses them; tags sort naturally."""

from __future__ import annotations

import pytest

from tagtui.errors import UsageError
from tagtui.natsort import natural_key, natural_sorted
from tagtui.reference import (
    DOCKER_HUB_API_HOST,
    Reference,
    docker_config_keys,
    is_loopback_host,
    parse_reference,
)

DIGEST = "sha256:" + "ab" * 32


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("localhost:5000/a/b:tag", Reference("localhost:5000", "a/b", "tag")),
        ("localhost/a", Reference("localhost", "a")),
        (f"ghcr.io/o/r@{DIGEST}", Reference("ghcr.io", "o/r", None, DIGEST)),
        (f"ghcr.io/o/r:1.0@{DIGEST}", Reference("ghcr.io", "o/r", "1.0", DIGEST)),
        ("nginx", Reference(DOCKER_HUB_API_HOST, "library/nginx")),
        ("nginx:1.25", Reference(DOCKER_HUB_API_HOST, "library/nginx", "1.25")),
        ("bitnami/redis", Reference(DOCKER_HUB_API_HOST, "bitnami/redis")),
        ("docker.io/x", Reference(DOCKER_HUB_API_HOST, "library/x")),
        (
            "docker.io/library/nginx:latest",
            Reference(DOCKER_HUB_API_HOST, "library/nginx", "latest"),
        ),
        ("index.docker.io/o/r", Reference(DOCKER_HUB_API_HOST, "o/r")),
        ("127.0.0.1:5000/team/api:v1.2", Reference("127.0.0.1:5000", "team/api", "v1.2")),
        ("[::1]:5000/a", Reference("[::1]:5000", "a")),
        ("https://registry.example.com/a/b", Reference("registry.example.com", "a/b")),
        ("registry.example.com/", Reference("registry.example.com")),
    ],
)
def test_parse_reference_like_docker(text: str, expected: Reference) -> None:
    assert parse_reference(text) == expected


@pytest.mark.parametrize("text", ["localhost:5000", "ghcr.io", "127.0.0.1:5000", "localhost"])
def test_a_bare_host_is_a_registry(text: str) -> None:
    reference = parse_reference(text)
    assert reference.registry == text
    assert reference.repository is None


def test_docker_hub_is_the_api_host_and_prints_back() -> None:
    reference = parse_reference("docker.io/library/nginx:latest")
    assert reference.is_docker_hub
    assert str(reference) == "registry-1.docker.io/library/nginx:latest"
    assert str(parse_reference(f"ghcr.io/o/r@{DIGEST}")) == f"ghcr.io/o/r@{DIGEST}"


@pytest.mark.parametrize(
    "text",
    ["", "  ", "UPPER/case", "ghcr.io/o/r:bad tag", "ghcr.io/o/r@sha256", "a//b", "ghcr.io/o/r:-x"],
)
def test_invalid_references_are_usage_errors(text: str) -> None:
    with pytest.raises(UsageError):
        parse_reference(text)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("localhost:5000", True),
        ("127.0.0.1", True),
        ("127.1.2.3:443", True),
        ("[::1]:5000", True),
        ("::1", True),
        ("10.0.0.1:5000", False),
        ("ghcr.io", False),
        ("localhost.example.com", False),
    ],
)
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_docker_config_keys_for_hub_and_others() -> None:
    assert docker_config_keys(DOCKER_HUB_API_HOST)[0] == "https://index.docker.io/v1/"
    assert docker_config_keys("ghcr.io") == ("ghcr.io", "https://ghcr.io", "http://ghcr.io")


def test_natural_order() -> None:
    names = ["t10", "t2", "t1", "v1.10", "v1.9", "latest", "V1.2", "1.0", "10.0", "2.0"]
    assert natural_sorted(names) == [
        "1.0",
        "2.0",
        "10.0",
        "latest",
        "t1",
        "t2",
        "t10",
        "V1.2",
        "v1.9",
        "v1.10",
    ]


def test_natural_key_compares_numbers_and_text() -> None:
    assert natural_key("a2") < natural_key("a10")
    assert natural_key("1") < natural_key("a")
    # mixed kinds at the same position must not raise
    assert sorted(["a", "1", "b2", "b"], key=natural_key) == ["1", "a", "b", "b2"]


@pytest.mark.parametrize(
    ("text", "host", "then"),
    [
        ("alice:s3cr3t-pw@registry.example/app", "registry.example", "registry.example/app"),
        ("https://alice:s3cr3t-pw@localhost:5000", "localhost:5000", "localhost:5000"),
        ("alice:s3cr3t/pw@x@ghcr.io/o/r:1", "ghcr.io", "ghcr.io/o/r:1"),
        ("alice:s3cr3t-pw@docker.io/library/nginx", "docker.io", "docker.io/library/nginx"),
        # A digest after the credentials: the password used to come back in "invalid digest".
        ("alice:s3cr3t-pw@reg.example/app@" + DIGEST, "reg.example", "reg.example/app@" + DIGEST),
        (
            "alice:s3cr3t-pw@reg.example/app:1@" + DIGEST,
            "reg.example",
            "reg.example/app:1@" + DIGEST,
        ),
    ],
)
def test_credentials_in_a_reference_are_refused_without_the_password(
    text: str, host: str, then: str
) -> None:
    with pytest.raises(UsageError) as caught:
        parse_reference(text)
    message = str(caught.value)
    assert f"run `tagtui login {host}` as alice" in message
    assert message.endswith(f"then open {then}")
    assert "s3cr3t" not in message


@pytest.mark.parametrize(
    "text", [f"nginx@{DIGEST}", f"nginx:1.25@{DIGEST}", f"ghcr.io/o/r@{DIGEST}"]
)
def test_a_digest_after_at_is_still_a_digest(text: str) -> None:
    assert parse_reference(text).digest == DIGEST


@pytest.mark.parametrize("text", ["alice:s3cr3t-pw@nginx", "app:s3cr3t-pw!"])
def test_a_bad_reference_never_quotes_itself_whole(text: str) -> None:
    # Only the part that failed is named: the input may hold a password.
    with pytest.raises(UsageError) as caught:
        parse_reference(text)
    assert text not in str(caught.value)
