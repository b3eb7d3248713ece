"""Credentials are looked up only when the registry asks: on its first 401, once, in a thread.

Real registries (distribution 2.8.2): an open one never makes tagtui look (so no keyring, no
unlock prompt); an htpasswd one makes it look exactly once, whatever the concurrency.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tagtui.credentials import Credential
from tagtui.errors import AuthenticationRequired
from tagtui.providers.oci.provider import OciProvider
from tests.oci.realservers import Pusher
from tests.support.registry import BasicAuthCredentials, RunningRegistry

pytestmark = pytest.mark.real

CONFIG = {
    "created": "2024-05-01T12:00:00Z",
    "os": "linux",
    "architecture": "amd64",
    "config": {"Env": ["A=1"]},
    "history": [{"created_by": "ADD layer /"}],
}
TAGS = ["1.0", "1.1", "latest"]


class CountingResolver:
    """A resolver that counts its calls and notes the thread it ran on."""

    def __init__(self, answer: Callable[[], Credential | None]) -> None:
        self.answer = answer
        self.calls = 0
        self.threads: list[int] = []

    def __call__(self) -> Credential | None:
        self.calls += 1
        self.threads.append(threading.get_ident())
        return self.answer()


def push(registry: RunningRegistry, auth: tuple[str, str] | None = None) -> str:
    with Pusher(registry.url) as pusher:
        if auth is not None:
            pusher.client.auth = auth
        digest, _ = pusher.image("team/app", TAGS, CONFIG)
    return digest


async def everything(provider: OciProvider, digest: str) -> None:
    """Every kind of read, several at once."""
    await provider.check()
    pages = [page async for page in provider.list_repositories()]
    assert [repo.name for page in pages for repo in page] == ["team/app"]
    tags, *details = await asyncio.gather(
        provider.list_tags("team/app"), *(provider.get_tag("team/app", tag) for tag in TAGS)
    )
    assert [tag.name for tag in tags] == TAGS
    assert {detail.digest for detail in details} == {digest}


async def test_an_open_registry_never_asks_for_credentials(registry: RunningRegistry) -> None:
    digest = push(registry)
    resolver = CountingResolver(lambda: Credential("alice", "never-used", source="keyring"))

    async with OciProvider(registry.host, credential_resolver=resolver) as provider:
        await everything(provider, digest)
        assert provider.credential_source == "anonymous"
        assert not provider.http.auth.resolved  # still waiting for a challenge that never came

    assert resolver.calls == 0


async def test_a_basic_auth_registry_asks_once_off_the_event_loop(
    registry_basic_auth: RunningRegistry, basic_auth_credentials: BasicAuthCredentials
) -> None:
    digest = push(registry_basic_auth, basic_auth_credentials.pair)
    user, password = basic_auth_credentials.pair
    resolver = CountingResolver(lambda: Credential(user, password, source="keyring"))

    async with OciProvider(registry_basic_auth.host, credential_resolver=resolver) as provider:
        assert provider.credential_source == "anonymous"  # nothing asked yet
        # Several requests meet the first 401 together: they share one lookup.
        await asyncio.gather(*(provider.get_tag("team/app", tag) for tag in TAGS))
        await everything(provider, digest)
        assert provider.credential_source == "keyring"
        assert provider.http.auth.resolved

    assert resolver.calls == 1
    assert resolver.threads != [threading.get_ident()]  # ran in a worker thread


async def test_finding_nothing_means_anonymous_and_is_not_asked_again(
    registry_basic_auth: RunningRegistry, basic_auth_credentials: BasicAuthCredentials
) -> None:
    push(registry_basic_auth, basic_auth_credentials.pair)
    resolver = CountingResolver(lambda: None)

    async with OciProvider(registry_basic_auth.host, credential_resolver=resolver) as provider:
        for _ in range(2):
            with pytest.raises(AuthenticationRequired) as caught:
                await provider.list_tags("team/app")
            assert str(caught.value) == f"authentication required at {registry_basic_auth.host}"
        assert provider.credential_source == "anonymous"

    assert resolver.calls == 1


async def test_a_given_credential_wins_over_the_resolver(
    registry_basic_auth: RunningRegistry, basic_auth_credentials: BasicAuthCredentials
) -> None:
    push(registry_basic_auth, basic_auth_credentials.pair)
    user, password = basic_auth_credentials.pair
    resolver = CountingResolver(lambda: Credential(user, "wrong", source="keyring"))
    given = Credential(user, password, source="environment")

    async with OciProvider(
        registry_basic_auth.host, credential=given, credential_resolver=resolver
    ) as provider:
        assert provider.credential_source == "environment"
        await provider.list_tags("team/app")
    async with OciProvider(registry_basic_auth.host, credential_resolver=resolver) as provider:
        provider.set_credential(given)  # the TUI's login modal, before any challenge
        await provider.list_tags("team/app")
        assert provider.credential_source == "environment"

    assert resolver.calls == 0


async def test_a_cancelled_caller_does_not_lose_the_lookup(
    registry_basic_auth: RunningRegistry, basic_auth_credentials: BasicAuthCredentials
) -> None:
    push(registry_basic_auth, basic_auth_credentials.pair)
    user, password = basic_auth_credentials.pair
    started, release = threading.Event(), threading.Event()

    def slow_keyring() -> Credential:
        started.set()
        # A keyring waiting on an unlock prompt; bounded so a broken test cannot hang.
        assert release.wait(30)
        return Credential(user, password, source="keyring")

    resolver = CountingResolver(slow_keyring)
    async with OciProvider(registry_basic_auth.host, credential_resolver=resolver) as provider:
        first = asyncio.create_task(provider.list_tags("team/app"))
        assert await asyncio.to_thread(started.wait, 30)
        first.cancel()  # the user moved on while the keyring was still answering
        with pytest.raises(asyncio.CancelledError):
            await first
        release.set()
        assert [tag.name for tag in await provider.list_tags("team/app")] == TAGS
        assert provider.credential_source == "keyring"

    assert resolver.calls == 1


def run_ls(target: str, home: Path, extra_env: dict[str, str] | None = None) -> dict[str, object]:
    """``tagtui ls TARGET`` in a fresh interpreter; its output and what it imported."""
    code = (
        "import contextlib, io, json, sys\n"
        "from tagtui.cli import main\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        "    code = main(['ls', sys.argv[1]])\n"
        "print(json.dumps({'code': code, 'out': out.getvalue(), 'modules': sorted(sys.modules)}))\n"
    )
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DBUS_", "TAGTUI_", "DOCKER_", "REGISTRY_AUTH"))
    }
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / "config"), **(extra_env or {}))
    done = subprocess.run(
        [sys.executable, "-c", code, target],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_ls_on_an_open_registry_loads_no_keyring(registry: RunningRegistry, tmp_path: Path) -> None:
    push(registry)

    result = run_ls(f"{registry.host}/team/app", tmp_path)

    assert result["code"] == 0
    assert result["out"] == "".join(f"{tag}\t-\n" for tag in TAGS)
    modules = result["modules"]
    assert isinstance(modules, list)
    # No credential lookup at all, and nothing only deleting needs.
    assert not [m for m in modules if m.startswith(("keyring", "tagtui.credentials."))]
    assert "tagtui.providers.oci.delete" not in modules


def test_ls_finds_environment_credentials_when_challenged(
    registry_basic_auth: RunningRegistry,
    basic_auth_credentials: BasicAuthCredentials,
    tmp_path: Path,
) -> None:
    push(registry_basic_auth, basic_auth_credentials.pair)
    user, password = basic_auth_credentials.pair

    result = run_ls(
        f"{registry_basic_auth.host}/team/app",
        tmp_path,
        {"TAGTUI_USERNAME": user, "TAGTUI_PASSWORD": password},
    )

    assert result["code"] == 0
    assert result["out"] == "".join(f"{tag}\t-\n" for tag in TAGS)
    modules = result["modules"]
    assert isinstance(modules, list)
    assert "tagtui.credentials.sources" in modules  # looked up, on the registry's 401...
    assert not [m for m in modules if m.startswith("keyring")]  # ...and the environment sufficed
