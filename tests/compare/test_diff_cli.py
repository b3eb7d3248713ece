"""``tagtui diff`` against a real registry: config, layers and history of two tags, across
repositories, multi-platform pairs, identical images, and the errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tagtui.cli import main
from tests.compare.conftest import APP, HOSTILE_VALUE, MULTI, OTHER, CompareRegistry
from tests.support.cli import tagtui
from tests.support.real import free_port

pytestmark = pytest.mark.real

SIDE_KEYS = {
    "reference",
    "digest",
    "mediaType",
    "imageDigest",
    "platform",
    "platforms",
    "created",
    "size",
    "layerCount",
}
LAYER_KEYS = {"digest", "mediaType", "size", "createdBy"}


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / ".config").mkdir()
    return tmp_path


def _diff(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``tagtui diff ARGS`` in this process."""
    code = main(["diff", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code, out, err = _diff(capsys, "--json", *args)
    assert code == 0, err
    return json.loads(out)


def _check_schema(data: dict[str, Any]) -> None:
    assert set(data) == {
        "schemaVersion",
        "identical",
        "a",
        "b",
        "equal",
        "config",
        "layers",
        "history",
    }
    assert data["schemaVersion"] == 1
    assert set(data["a"]) == set(data["b"]) == SIDE_KEYS
    assert set(data["equal"]) == {"config", "layers", "history"}
    for change in data["config"]:
        assert set(change) == {"field", "name", "a", "b"}  # always all four, null if none
    layers = data["layers"]
    assert set(layers) == {
        "shared",
        "onlyInA",
        "onlyInB",
        "sharedBase",
        "sharedSize",
        "onlyInASize",
        "onlyInBSize",
    }
    for key in ("shared", "onlyInA", "onlyInB"):
        assert all(set(layer) == LAYER_KEYS for layer in layers[key])
    assert set(data["history"]) == {"shared", "onlyInA", "onlyInB"}


def test_json_between_two_versions(compare_registry: CompareRegistry, home: Path) -> None:
    a, b = compare_registry.ref(f"{APP}:v1"), compare_registry.ref(f"{APP}:v2")
    result = tagtui("diff", "--json", a, b, home=home)  # a real process; strict JSON checked
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    _check_schema(data)
    assert result.stdout.isascii()
    assert data["identical"] is False
    assert data["a"]["reference"] == a and data["b"]["reference"] == b
    assert data["a"]["digest"] == compare_registry.digests[f"{APP}:v1"]
    assert data["b"]["digest"] == compare_registry.digests[f"{APP}:v2"]
    assert data["a"]["platform"] == "linux/amd64" and data["a"]["platforms"] == []
    assert data["a"]["created"] == "2024-01-01T00:00:00+00:00"

    changes = {(c["field"], c["name"]): (c["a"], c["b"]) for c in data["config"]}
    assert changes == {
        ("entrypoint", None): (["/bin/app"], ["/bin/app2", "--verbose"]),
        ("user", None): ("app", None),
        ("env", "MODE"): ("dev", "prod"),
        ("env", "OLD"): ("1", None),
        ("env", "HOSTILE"): (HOSTILE_VALUE, None),
        ("env", "NEW"): (None, "a=b"),
        ("labels", "version"): ("1", "2"),
        ("labels", "hostile"): (HOSTILE_VALUE, None),
        ("ports", "53/udp"): ("53/udp", None),
        ("ports", "8080/tcp"): (None, "8080/tcp"),
        ("volumes", "/data"): ("/data", None),
        ("volumes", "/cache"): (None, "/cache"),
    }
    assert data["equal"] == {"config": False, "layers": False, "history": False}

    layers = data["layers"]
    assert layers["sharedBase"] == len(layers["shared"]) == 2
    assert [layer["createdBy"] for layer in layers["shared"]] == [
        "ADD rootfs.tar /",
        "COPY libapp.so /usr/lib/",
    ]
    assert [layer["createdBy"] for layer in layers["onlyInA"]] == ["COPY layer-0 /srv/"]
    assert [layer["createdBy"] for layer in layers["onlyInB"]] == [
        "COPY layer-0 /srv/",
        "COPY layer-1 /srv/",
    ]
    assert layers["onlyInBSize"] == sum(layer["size"] for layer in layers["onlyInB"]) > 0
    assert data["a"]["size"] == layers["sharedSize"] + layers["onlyInASize"]
    assert data["b"]["size"] == layers["sharedSize"] + layers["onlyInBSize"]

    history = data["history"]
    assert history["shared"] == 2
    assert [e["createdBy"] for e in history["onlyInA"]] == ["ENV VERSION=1", "COPY layer-0 /srv/"]
    assert history["onlyInB"][0] == {
        "created": "2024-02-01T00:00:00+00:00",
        "createdBy": "ENV VERSION=2",
        "comment": None,
        "emptyLayer": True,
    }


def test_text_between_two_versions(compare_registry: CompareRegistry, home: Path) -> None:
    a = compare_registry.ref(f"{APP}:v1")
    result = tagtui("diff", a, ":v2", home=home)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    lines = out.splitlines()
    assert lines[0] == f"A  {a}"
    assert f"   digest    {compare_registry.digests[f'{APP}:v1']}" in lines
    assert lines[5] == f"B  {compare_registry.ref(f'{APP}:v2')}"
    assert "   platform  linux/amd64" in lines
    assert "   created   2024-02-01T00:00:00+00:00" in lines
    assert "Config: 12 differences" in lines
    for expected in (
        '  ~ entrypoint   ["/bin/app"] -> ["/bin/app2", "--verbose"]',
        "  - user         app",
        "  ~ env          MODE: dev -> prod",
        "  - env          OLD=1",
        "  + env          NEW=a=b",
        "  ~ labels       version: 1 -> 2",
        "  - ports        53/udp",
        "  + ports        8080/tcp",
        "  - volumes      /data",
        "  + volumes      /cache",
    ):
        assert expected in lines
    (layers,) = [line for line in lines if line.startswith("Layers: ")]
    assert (
        layers.startswith("Layers: 2 shared (") and " B, the common base), 1 only in A (" in layers
    )
    assert "), 2 only in B (" in layers
    assert sum(line.startswith("  + sha256:") for line in lines) == 2
    assert any(line.endswith("COPY layer-1 /srv/") for line in lines)
    assert "History: 2 entries in common, then 2 only in A, 3 only in B" in lines
    assert any("ENV VERSION=2  (no layer)" in line for line in lines)


def test_hostile_values_never_reach_the_terminal(
    compare_registry: CompareRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _diff(capsys, compare_registry.ref(f"{APP}:v1"), ":v2")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    shown = "\\x1b[2J\\x1b]0;pwned\\x07red<U+202E>evil"
    assert f"  - env          HOSTILE={shown}" in out.splitlines()
    assert f"  - labels       hostile={shown}" in out.splitlines()
    data = _json(capsys, compare_registry.ref(f"{APP}:v1"), ":v2")
    assert {"field": "env", "name": "HOSTILE", "a": HOSTILE_VALUE, "b": None} in data["config"]


def test_identical_images_say_so(
    compare_registry: CompareRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    a = compare_registry.ref(f"{APP}:v1")
    code, out, _ = _diff(capsys, a, ":v1-again")
    assert code == 0
    digest = compare_registry.digests[f"{APP}:v1"]
    assert out.splitlines()[-1] == f"Identical: A and B are the same image ({digest})"
    data = _json(capsys, a, f"@{digest}")
    _check_schema(data)
    assert data["identical"] is True
    assert data["config"] == [] and data["layers"]["onlyInA"] == data["layers"]["onlyInB"] == []
    assert data["equal"] == {"config": True, "layers": True, "history": True}
    assert data["b"]["reference"] == f"{compare_registry.ref(APP)}@{digest}"


def test_across_repositories_of_one_registry(
    compare_registry: CompareRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = compare_registry.ref(f"{APP}:v1"), compare_registry.ref(f"{OTHER}:v2")
    data = _json(capsys, a, b)
    assert data["b"]["reference"] == b
    assert data["b"]["digest"] == compare_registry.digests[f"{APP}:v2"]
    assert len(data["layers"]["onlyInB"]) == 2
    same = _json(capsys, compare_registry.ref(f"{APP}:v2"), b)
    assert same["identical"] is True


def test_a_multi_platform_pair_compares_the_preferred_platform(
    compare_registry: CompareRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    a = compare_registry.ref(f"{MULTI}:1")
    data = _json(capsys, a, ":2")
    _check_schema(data)
    for side, tag in (("a", "1"), ("b", "2")):
        assert data[side]["digest"] == compare_registry.digests[f"{MULTI}:{tag}"]
        assert data[side]["mediaType"] == "application/vnd.oci.image.index.v1+json"
        assert data[side]["platform"] == "linux/amd64"
        assert data[side]["platforms"] == ["linux/amd64", "linux/arm64/v8"]
        assert data[side]["imageDigest"] != data[side]["digest"]
    assert data["config"] == [{"field": "env", "name": "RELEASE", "a": "1", "b": "2"}]
    assert data["layers"]["sharedBase"] == 0
    assert [layer["createdBy"] for layer in data["layers"]["onlyInA"]] == ["COPY app/amd64 /app/"]

    code, out, _ = _diff(capsys, a, ":2")
    assert code == 0
    lines = out.splitlines()
    assert "   platform  linux/amd64  (of linux/amd64, linux/arm64/v8)" in lines
    assert f"   image     {data['a']['imageDigest']}" in lines
    assert "  ~ env          RELEASE: 1 -> 2" in out.splitlines()


def test_platform_chooses_another_platform_of_both(
    compare_registry: CompareRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    a = compare_registry.ref(f"{MULTI}:1")
    data = _json(capsys, "--platform", "linux/arm64", a, ":2")
    assert data["a"]["platform"] == data["b"]["platform"] == "linux/arm64/v8"
    assert [layer["createdBy"] for layer in data["layers"]["onlyInB"]] == ["COPY app/arm64 /app/"]
    assert {"field": "architecture", "name": None, "a": "amd64", "b": "arm64"} not in data["config"]


def test_the_preferred_platform_follows_what_the_other_side_has(
    compare_registry: CompareRegistry, capsys: pytest.CaptureFixture[str]
) -> None:
    # arm-only has no linux/amd64: it compares its own (only) platform against A's preferred...
    data = _json(capsys, compare_registry.ref(f"{MULTI}:1"), ":arm-only")
    assert (data["a"]["platform"], data["b"]["platform"]) == ("linux/amd64", "linux/arm64/v8")
    assert {"field": "architecture", "name": None, "a": "amd64", "b": "arm64"} in data["config"]
    # ...and A, which has arm64, follows B's platform when B comes first.
    data = _json(capsys, compare_registry.ref(f"{MULTI}:arm-only"), ":1")
    assert (data["a"]["platform"], data["b"]["platform"]) == ("linux/arm64/v8", "linux/arm64/v8")


def test_a_platform_the_index_lacks_is_a_usage_error_listing_its_platforms(
    compare_registry: CompareRegistry, home: Path
) -> None:
    a = compare_registry.ref(f"{MULTI}:1")
    result = tagtui("diff", "--platform", "linux/amd64", a, ":arm-only", home=home)
    assert result.returncode == 2, result
    assert result.stderr.strip() == (
        f"tagtui: {compare_registry.ref(f'{MULTI}:arm-only')} has no platform linux/amd64 "
        "(available: linux/arm64/v8)"
    )


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("{host}/diff/app:v1", ":nope"), 1, "not found"),
        (("{host}/diff/app", ":v2"), 2, "needs a tag or digest for ref_a"),
        (("{host}/diff/app:v1", "{host}/diff/app"), 2, "needs a tag or digest for ref_b"),
        (("{host}/diff/app:v1", ":"), 2, "names no tag or digest"),
        (("{host}/diff/app:v1", "127.0.0.1:{port}/diff/app:v2"), 2, "on one registry"),
        (("--platform", "linux", "{host}/diff/app:v1", ":v2"), 2, "os/arch"),
        (("--platform", "linux/arm64", "{host}/diff/app:v1", ":v2"), 2, "single linux/amd64"),
        (("{host}/diff/app:v1",), 2, "ref_b"),
    ],
)
def test_errors_are_one_line(
    compare_registry: CompareRegistry, home: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    port = free_port()  # nothing listens: refused before any request is made
    argv = [arg.format(host=compare_registry.host, port=port) for arg in args]
    result = tagtui("diff", *argv, home=home)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr.lower()
    assert result.stdout == ""


def test_help_names_the_command() -> None:
    result = tagtui("--help")
    assert "tagtui diff REF_A REF_B [--platform P] [--json]" in result.stdout
    result = tagtui("diff", "--help")
    assert result.returncode == 0
    assert "REF_A" in result.stdout and "--platform" in result.stdout
