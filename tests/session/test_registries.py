"""The registries of a session: what the switcher lists (config.toml, docker's and podman's auth
files, this session's) and opening one, or finding it already open."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from tagtui.cli import build_open_parser, switcher_name
from tagtui.errors import CredentialError, UsageError
from tagtui.providers.base import ConnectionOptions, ProviderOptions
from tagtui.providers.layout import LayoutProvider
from tagtui.providers.oci.provider import OciProvider
from tagtui.session.registries import (
    CONFIG,
    DOCKER,
    PODMAN,
    THIS_SESSION,
    RegistryChoice,
    SessionRegistries,
)
from tagtui.targets import Location

HOST = "127.0.0.1:5000"
SECRETS = ("docker-secret", "podman-secret", "helper-secret")


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def write_json(path: Path, document: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME, XDG dirs and nothing else: no ambient config, credentials or vendor variables."""
    home = tmp_path / "home"
    for name, sub in (("HOME", ""), ("XDG_CONFIG_HOME", ".config"), ("XDG_RUNTIME_DIR", "run")):
        (home / sub).mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(home / sub))
    for name in ("DOCKER_CONFIG", "REGISTRY_AUTH_FILE", "TAGTUI_USERNAME", "TAGTUI_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    for name in ("SCW_SECRET_KEY", "SCW_DEFAULT_REGION", "SCW_API_URL", "SCW_CONFIG_PATH"):
        monkeypatch.delenv(name, raising=False)
    return home


def write_config(home: Path, text: str) -> None:
    path = home / ".config" / "tagtui" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def write_everything(home: Path) -> None:
    write_config(
        home,
        '[registries.work]\ntarget = "registry.work.example"\n'
        '[registries.scw]\nprovider = "scaleway"\nregion = "nl-ams"\n'
        f'[registries.local]\ntarget = "{HOST}"\n',
    )
    write_json(
        home / ".docker" / "config.json",
        {
            "auths": {
                "https://index.docker.io/v1/": {"auth": b64("bob:docker-secret")},
                "ghcr.io": {},
                "registry.work.example": {"auth": b64("carol:docker-secret")},
            },
            "credHelpers": {"123456789012.dkr.ecr.eu-west-1.amazonaws.com": "ecr-login"},
            "credsStore": "desktop",
        },
    )
    # Podman's runtime file, then its config-dir file (containers-auth.json(5) order).
    write_json(
        home / "run" / "containers" / "auth.json",
        {"auths": {"quay.io": {"auth": b64("dave:podman-secret")}, "ghcr.io": {}}},
    )
    write_json(
        home / ".config" / "containers" / "auth.json",
        {"auths": {"https://podman.example/v2/": {"auth": b64("erin:podman-secret")}}},
    )


def rows(registries: SessionRegistries) -> list[tuple[str, tuple[str, ...], str, bool]]:
    return [(c.name, c.origins, c.about, c.current) for c in registries.choices().choices]


def started(key: str = HOST) -> SessionRegistries:
    registries = SessionRegistries()
    registries.add(key, OciProvider(HOST))
    return registries


def test_the_list_names_config_entries_and_the_hosts_of_docker_and_podman_files(
    home: Path,
) -> None:
    write_everything(home)
    registries = started()
    choices = registries.choices()
    assert rows(registries) == [
        (HOST, (THIS_SESSION,), "", True),
        ("work", (CONFIG,), "registry.work.example", False),
        ("scw", (CONFIG,), "scaleway nl-ams", False),
        ("local", (CONFIG,), HOST, False),
        ("docker.io", (DOCKER,), "", False),
        ("ghcr.io", (DOCKER, PODMAN), "", False),
        ("registry.work.example", (DOCKER,), "", False),
        ("123456789012.dkr.ecr.eu-west-1.amazonaws.com", (DOCKER,), "", False),
        ("quay.io", (PODMAN,), "", False),
        ("podman.example", (PODMAN,), "", False),
    ]
    assert choices.problem is None
    # Host names only: nothing of an entry, and no user name either.
    shown = repr(choices)
    assert not any(word in shown for word in (*SECRETS, "bob", "carol", "dave", "erin"))


def test_nothing_configured_lists_only_the_registry_open(home: Path) -> None:
    assert rows(started()) == [(HOST, (THIS_SESSION,), "", True)]


async def test_opened_registries_come_first_most_recent_first_and_stand_for_their_source(
    home: Path,
) -> None:
    write_everything(home)
    registries = started()
    work = await registries.open("work")
    assert (work.key, work.new, work.provider.display_name) == (
        "work",
        True,
        "registry.work.example",
    )
    registries.use(work.key)
    ghcr = await registries.open("ghcr.io")
    assert (ghcr.key, ghcr.new) == ("ghcr.io", True)
    registries.use(ghcr.key)
    listed = rows(registries)
    assert listed[:3] == [
        ("ghcr.io", (THIS_SESSION,), "", True),
        ("work", (THIS_SESSION, CONFIG), "registry.work.example", False),
        (HOST, (THIS_SESSION,), "", False),
    ]
    # What an opened registry stands for is not offered a second time.
    names = [name for name, *_ in listed]
    assert names.count("ghcr.io") == 1 and names.count("work") == 1
    assert "registry.work.example" not in names[3:] and "local" in names
    registries.use(HOST)
    assert registries.keys() == [HOST, "ghcr.io", "work"]
    await registries.aclose()


async def test_a_registry_open_already_is_found_not_opened_twice(home: Path) -> None:
    write_everything(home)
    registries = started()
    first = registries.provider(HOST)
    again = await registries.open(HOST)
    assert (again.key, again.new, again.provider) == (HOST, False, first)
    # A reference into it: the same registry, at that repository and tag.
    inside = await registries.open(f"{HOST}/team/app:v1")
    assert (inside.key, inside.new, inside.provider) == (HOST, False, first)
    assert inside.location == Location("team/app", "v1")
    # A config entry naming the same host is the same registry too.
    local = await registries.open("local")
    assert (local.key, local.new) == (HOST, False)
    assert registries.keys() == [HOST]
    await registries.aclose()


async def test_what_cannot_be_opened_says_why_and_changes_nothing(home: Path) -> None:
    write_everything(home)
    registries = started()
    with pytest.raises(UsageError, match="invalid repository name"):
        await registries.open("nope host!!")
    with pytest.raises(UsageError, match="name a registry"):
        await registries.open("  ")
    with pytest.raises(UsageError, match="no such file"):
        await registries.open(str(home / "missing-store"))
    # A vendor entry without its credentials: the vendor's own words, no secret.
    with pytest.raises(CredentialError, match="SCW_SECRET_KEY"):
        await registries.open("scw")
    assert registries.keys() == [HOST]
    assert rows(registries)[0] == (HOST, (THIS_SESSION,), "", True)


def test_a_broken_config_is_said_and_the_credential_files_still_listed(home: Path) -> None:
    write_everything(home)
    write_config(home, "[registries.work\n")
    choices = started().choices()
    assert choices.problem is not None and "config.toml is not valid TOML" in choices.problem
    assert [c.name for c in choices.choices][:3] == [HOST, "docker.io", "ghcr.io"]


async def test_closing_the_session_closes_every_provider(home: Path, tmp_path: Path) -> None:
    closed: list[str] = []

    class Store(LayoutProvider):
        async def aclose(self) -> None:
            closed.append(self.display_name)

    registries = SessionRegistries()
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        registries.add(name, Store(tmp_path / name, display_name=name))
    await registries.aclose()
    assert sorted(closed) == ["a", "b"] and registries.keys() == []


def test_a_choice_knows_whether_it_is_open() -> None:
    assert RegistryChoice("x", (THIS_SESSION, CONFIG)).opened
    assert not RegistryChoice("x", (DOCKER,)).opened


async def test_tls_and_vendor_options_of_the_command_line_stay_with_the_first_registry(
    home: Path,
) -> None:
    write_everything(home)
    given = ConnectionOptions(insecure=True, ca_cert=home / "ca.pem", timeout=5, cache=True)
    registries = SessionRegistries(ProviderOptions(region="fr-par", connection=given))
    opened = (await registries.open("ghcr.io")).provider
    assert isinstance(opened, OciProvider)
    assert opened.options == ConnectionOptions(timeout=5, cache=True)
    # A config entry brings its own.
    write_config(home, '[registries.lab]\ntarget = "lab.example"\ninsecure = true\n')
    lab = (await registries.open("lab")).provider
    assert isinstance(lab, OciProvider) and lab.options.insecure and lab.options.timeout == 5
    await registries.aclose()


def test_the_first_registry_is_called_by_its_config_name_when_opened_by_one(home: Path) -> None:
    write_everything(home)
    parser = build_open_parser()
    for argv, expected in (
        (["local/team/app:v1"], "local"),
        (["local"], "local"),
        ([HOST], HOST),
        (["--provider", "oci", "local"], HOST),
    ):
        args = parser.parse_args(argv)
        assert switcher_name(args, OciProvider(HOST)) == expected, argv
    # Opened again from the switcher by that name: the same registry, not a second one.
    registries = SessionRegistries()
    registries.add(
        switcher_name(parser.parse_args(["local"]), OciProvider(HOST)), OciProvider(HOST)
    )
    assert rows(registries)[0] == ("local", (THIS_SESSION, CONFIG), HOST, True)
    assert "local" not in [name for name, *_ in rows(registries)[1:]]
