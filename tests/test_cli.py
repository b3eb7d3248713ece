"""The command line as a user runs it: real processes against the real seeded registry."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tagtui.cli import split_command
from tests.support.cli import tagtui
from tests.support.real import free_port
from tests.support.registry import RunningRegistry, SeededRegistry
from tests.support.seed import BIG, HOSTILE, MULTI, RICH, RICH_ENV

pytestmark = pytest.mark.real


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / ".config").mkdir()
    return tmp_path


def test_ls_registry_lists_every_repository_across_catalog_pages(
    seeded_registry: SeededRegistry, home: Path
) -> None:
    result = tagtui("ls", seeded_registry.host, home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == list(seeded_registry.seed.repositories)
    assert len(result.stdout.splitlines()) > 1000  # more than one catalog page


def test_ls_repository_prints_tags_in_natural_order(
    seeded_registry: SeededRegistry, home: Path
) -> None:
    result = tagtui("ls", f"{seeded_registry.host}/{RICH}", home=home)
    assert result.returncode == 0, result.stderr
    lines = [line.split("\t") for line in result.stdout.splitlines()]
    names = [name for name, _ in lines]
    assert set(names) == set(seeded_registry.seed.tags[RICH])
    assert names.index("v2") < names.index("v10")
    for name, digest in lines:
        assert digest in ("-", seeded_registry.seed.digest(RICH, name))


def test_ls_big_repository(seeded_registry: SeededRegistry, home: Path) -> None:
    result = tagtui("ls", f"{seeded_registry.host}/{BIG}", home=home)
    assert result.returncode == 0, result.stderr
    names = [line.split("\t")[0] for line in result.stdout.splitlines()]
    assert len(names) == len(seeded_registry.seed.tags[BIG]) == 5000
    assert names.index("t2") < names.index("t10") < names.index("t100")


def test_inspect_text_shows_the_config(seeded_registry: SeededRegistry, home: Path) -> None:
    ref = f"{seeded_registry.host}/{RICH}:latest"
    result = tagtui("inspect", ref, home=home)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert seeded_registry.seed.digest(RICH, "latest") in out
    for line in RICH_ENV:
        assert line in out
    for heading in ("Command", "Environment", "Labels", "Ports", "Volumes", "Layers"):
        assert f"\n{heading}\n" in out
    assert "80/tcp" in out and "53/udp" in out


def test_inspect_json_is_stable_and_exact(seeded_registry: SeededRegistry, home: Path) -> None:
    result = tagtui("inspect", "--json", f"{seeded_registry.host}/{RICH}:staging", home=home)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["schemaVersion"] == 1
    assert data["digest"] == seeded_registry.seed.digest(RICH, "staging")
    assert data["tag"] == "staging"
    assert data["platforms"] == []
    image = data["image"]
    assert [f"{e['name']}={e['value']}" for e in image["env"]] == list(RICH_ENV)
    assert {"name": "EMPTY", "value": ""} in image["env"]
    assert {"port": 53, "protocol": "udp"} in image["ports"]
    assert len(image["layers"]) == 3
    assert all(layer["createdBy"] for layer in image["layers"])
    assert image["size"] == sum(layer["size"] for layer in image["layers"])


def test_inspect_index_and_platform(seeded_registry: SeededRegistry, home: Path) -> None:
    ref = f"{seeded_registry.host}/{MULTI}:latest"
    listing = json.loads(tagtui("inspect", "--json", ref, home=home).stdout)
    assert listing["image"] is None
    runnable = [p for p in listing["platforms"] if not p["attestation"]]
    assert sorted((p["os"], p["architecture"]) for p in runnable) == [
        ("linux", "amd64"),
        ("linux", "arm64"),
    ]
    assert any(p["attestation"] for p in listing["platforms"])

    picked = tagtui("inspect", "--json", "--platform", "linux/arm64/v8", ref, home=home)
    assert picked.returncode == 0, picked.stderr
    data = json.loads(picked.stdout)
    assert data["selectedPlatform"] == "linux/arm64/v8"
    assert data["image"]["platform"].startswith("linux/arm64")

    missing = tagtui("inspect", "--platform", "windows/amd64", ref, home=home)
    assert missing.returncode == 1
    assert "no platform windows/amd64" in missing.stderr


def test_inspect_hostile_content_stays_data(seeded_registry: SeededRegistry, home: Path) -> None:
    ref = f"{seeded_registry.host}/{HOSTILE}:latest"
    as_json = tagtui("inspect", "--json", ref, home=home)
    assert as_json.returncode == 0, as_json.stderr
    assert as_json.stdout.isascii()
    labels = json.loads(as_json.stdout)["image"]["labels"]
    assert any("\x1b" in entry["value"] for entry in labels)  # the data survives, escaped
    as_text = tagtui("inspect", ref, home=home)
    assert as_text.returncode == 0, as_text.stderr
    assert "\x1b" not in as_text.stdout and "\x07" not in as_text.stdout
    assert "[bold]x[/]" in as_text.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (("ls", "{host}/no/such"), 1, "not found"),
        (("inspect", "{host}/library/rich:nope"), 1, "not found"),
        (("inspect", "{host}/library/rich"), 2, "needs a tag"),
        (("inspect", "{host}/library/rich:latest", "--platform", "linux"), 2, "os/arch"),
        (("ls", "{host}/Bad..Name"), 2, "invalid repository name"),
        (("bogus-option-only", "--nope"), 2, "unrecognized arguments"),
    ],
)
def test_errors_are_one_line(
    seeded_registry: SeededRegistry, home: Path, args: tuple[str, ...], code: int, message: str
) -> None:
    result = tagtui(*(a.format(host=seeded_registry.host) for a in args), home=home)
    assert result.returncode == code, (result.stdout, result.stderr)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_refused_connection_is_one_line(home: Path) -> None:
    result = tagtui("ls", f"127.0.0.1:{free_port()}", home=home)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--timeout", "2", "ls", "H"], ("ls", ["--timeout", "2", "H"])),
        (["ls", "--timeout", "2", "H"], ("ls", ["--timeout", "2", "H"])),
        (
            ["--timeout=2", "--insecure", "inspect", "R"],
            ("inspect", ["--timeout=2", "--insecure", "R"]),
        ),
        (["--ca-cert", "ls", "login", "H"], ("login", ["--ca-cert", "ls", "H"])),
        (["--time", "2", "ls", "H"], ("ls", ["--time", "2", "H"])),  # argparse's prefixes
        (["--demo"], (None, ["--demo"])),
        (["H", "ls"], (None, ["H", "ls"])),  # a target first: the TUI, as before
    ],
)
def test_connection_options_may_come_before_the_command(
    argv: list[str], expected: tuple[str | None, list[str]]
) -> None:
    assert split_command(argv) == expected


FAIL_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def test_ls_needing_a_login_says_how(registry_basic_auth: RunningRegistry, home: Path) -> None:
    host = registry_basic_auth.host
    result = tagtui("ls", f"{host}/team/app", home=home, extra_env=FAIL_KEYRING)
    assert result.returncode == 1
    (line,) = result.stderr.strip().splitlines()
    assert line == (
        f"tagtui: error: authentication required at {host} — log in with "
        f"`tagtui login {host}`, or set TAGTUI_USERNAME and TAGTUI_PASSWORD"
    )


def test_ls_with_rejected_credentials_says_how(
    registry_basic_auth: RunningRegistry, home: Path
) -> None:
    host = registry_basic_auth.host
    env = {**FAIL_KEYRING, "TAGTUI_USERNAME": "alice", "TAGTUI_PASSWORD": "not-the-password"}
    result = tagtui("ls", f"{host}/team/app", home=home, extra_env=env)
    assert result.returncode == 1
    assert f"log in again with `tagtui login {host}`" in result.stderr
    assert "not-the-password" not in result.stderr
