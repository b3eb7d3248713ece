"""A known secret goes in through every credential source; it must come out nowhere.

Checked: every log record (all loggers, DEBUG and up, httpx included), every exception's text,
repr and formatted traceback (with causes), the reprs of credentials and providers, what the
commands print, and the argument list of every process started (an audit hook sees them all).
The screens (snapshots) are checked by the UI's own leak test.
"""

from __future__ import annotations

import base64
import io
import logging
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tagtui.commands.login import login, logout
from tagtui.credentials import Credential, keyring_store
from tagtui.credentials.sources import resolve
from tagtui.errors import CredentialError, TagtuiError
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.oci.provider import OciProvider
from tests.credentials.conftest import IsolatedEnv
from tests.support.keyring_daemon import SecretServiceSession
from tests.support.real import free_port
from tests.support.registry import RunningRegistry, start_registry
from tests.support.token_issuer import TokenIssuer, run_token_issuer

pytestmark = pytest.mark.real

SECRET = "Leak-Canary-7f3a9c-Pw"
USER = "alice"


def forms_of(secret: str) -> list[str]:
    """The secret, and the encodings it travels in (Basic header, docker's `auth`)."""
    return [
        secret,
        base64.b64encode(f"{USER}:{secret}".encode()).decode(),
        base64.b64encode(f"{USER}:{secret}".encode()).decode().rstrip("="),
    ]


# --- every process started from this test process -------------------------------------------

_spawned: list[list[str]] | None = None
_SPAWN_EVENTS = {"subprocess.Popen", "os.posix_spawn", "os.exec", "os.system"}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if _spawned is None or event not in _SPAWN_EVENTS:
        return
    if event == "os.system":
        _spawned.append([str(args[0])])
        return
    argv = args[1]
    _spawned.append([str(a) for a in argv] if isinstance(argv, list | tuple) else [str(argv)])


sys.addaudithook(_audit)  # audit hooks cannot be removed: it records only while a test asks


@pytest.fixture
def spawned() -> Iterator[list[list[str]]]:
    global _spawned
    _spawned = []
    try:
        yield _spawned
    finally:
        _spawned = None


# --- the real servers that accept the secret --------------------------------------------------


@dataclass
class Servers:
    basic: RunningRegistry
    token: RunningRegistry
    issuer: TokenIssuer
    # Same user, another password: the secret is refused here.
    refusing: RunningRegistry


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Servers]:
    workdir = tmp_path_factory.mktemp("leaks")
    with (
        start_registry(workdir / "basic", htpasswd={USER: SECRET}) as basic,
        start_registry(workdir / "refusing", htpasswd={USER: "another-password"}) as refusing,
        run_token_issuer(
            workdir / "issuer", users={USER: SECRET}, refresh_tokens={SECRET: USER}
        ) as issuer,
        start_registry(workdir / "token", token_auth=issuer.token_auth) as token,
    ):
        yield Servers(basic, token, issuer, refusing)


# --- the sources ----------------------------------------------------------------------------


@dataclass
class Scenario:
    """Puts the secret where one source finds it; ``expected`` is the source's name."""

    expected: str
    place: Callable[[IsolatedEnv, str], dict[str, str]]
    identity_token: bool = False
    needs_keyring: bool = False


def _auth_entry() -> dict[str, str]:
    return {"auth": base64.b64encode(f"{USER}:{SECRET}".encode()).decode()}


def _environment(isolated: IsolatedEnv, host: str) -> dict[str, str]:
    return {**isolated.env, "TAGTUI_USERNAME": USER, "TAGTUI_PASSWORD": SECRET}


def _keyring(isolated: IsolatedEnv, host: str) -> dict[str, str]:
    keyring_store.save(host, USER, SECRET)
    return isolated.env


def _docker_auths(isolated: IsolatedEnv, host: str) -> dict[str, str]:
    isolated.write_docker_config({"auths": {host: _auth_entry()}})
    return isolated.env


def _docker_identity_token(isolated: IsolatedEnv, host: str) -> dict[str, str]:
    isolated.write_docker_config({"auths": {host: {"identitytoken": SECRET}}})
    return isolated.env


def _helper(isolated: IsolatedEnv, host: str) -> dict[str, str]:
    isolated.helper.store(host, USER, SECRET)
    isolated.write_docker_config({"credHelpers": {host: isolated.helper.name}})
    return isolated.env


def _helper_identity_token(isolated: IsolatedEnv, host: str) -> dict[str, str]:
    isolated.helper.store(host, "<token>", SECRET)
    isolated.write_docker_config({"credsStore": isolated.helper.name})
    return isolated.env


def _podman(isolated: IsolatedEnv, host: str) -> dict[str, str]:
    # A broken docker config holding the secret too: its warning must not quote it.
    isolated.docker_config.parent.mkdir(parents=True, exist_ok=True)
    isolated.docker_config.write_text('{"auths": {"' + host + '": {"auth": "' + SECRET + '"')
    isolated.write_podman({"auths": {host: _auth_entry()}})
    return isolated.env


SCENARIOS = {
    "environment": Scenario("environment", _environment),
    "keyring": Scenario("keyring", _keyring, needs_keyring=True),
    "docker config": Scenario("docker config", _docker_auths),
    "docker identity token": Scenario("docker config", _docker_identity_token, True),
    "helper": Scenario("docker-credential-tagtuitest", _helper),
    "helper identity token": Scenario("docker-credential-tagtuitest", _helper_identity_token, True),
    "podman": Scenario("podman", _podman),
}


# --- the checks -----------------------------------------------------------------------------


@dataclass
class Evidence:
    texts: list[str] = field(default_factory=list)

    def add(self, *items: object) -> None:
        self.texts.extend(str(item) for item in items)

    def add_error(self, err: BaseException) -> None:
        self.add(str(err), repr(err), "".join(traceback.format_exception(err)))


def assert_no_secret(
    evidence: Evidence, caplog: pytest.LogCaptureFixture, spawned: list[list[str]]
) -> None:
    records = [f"{r.name} {r.getMessage()} {r.args!r} {r.exc_text or ''}" for r in caplog.records]
    argv = [" ".join(a) for a in spawned]
    for form in forms_of(SECRET):
        for where, texts in (("log", records), ("output", evidence.texts), ("argv", argv)):
            leaked = [t for t in texts if form in t]
            assert leaked == [], f"secret found in {where}"


async def exercise(
    credential: Credential, host: str, evidence: Evidence, options: ConnectionOptions
) -> None:
    evidence.add(repr(credential), str(credential))
    async with OciProvider(host, credential=credential, options=options) as provider:
        await provider.check()
        try:
            await provider.list_tags("team/app")
        except TagtuiError as err:  # an empty registry: NotFound, with the secret in play
            evidence.add_error(err)
        evidence.add(repr(provider), repr(provider.http), repr(provider.http.auth))
        evidence.add(provider.credential_source, provider.display_name)


@pytest.mark.parametrize("name", list(SCENARIOS))
async def test_secret_never_leaks(
    name: str,
    servers: Servers,
    isolated: IsolatedEnv,
    caplog: pytest.LogCaptureFixture,
    spawned: list[list[str]],
    request: pytest.FixtureRequest,
) -> None:
    caplog.set_level(logging.DEBUG)
    scenario = SCENARIOS[name]
    if scenario.needs_keyring:
        request.getfixturevalue("secret_service")
    evidence = Evidence()
    registries = [servers.token] if scenario.identity_token else [servers.basic, servers.token]

    for registry in registries:
        env = scenario.place(isolated, registry.host)
        credential = resolve(registry.host, env=env)
        assert credential is not None
        assert credential.source == scenario.expected
        assert credential.secret == SECRET
        assert credential.identity_token is scenario.identity_token
        await exercise(credential, registry.host, evidence, ConnectionOptions())

        # Refused: the error travels with the secret in play.
        if not scenario.identity_token:
            refused = Credential(credential.username, credential.secret, credential.source)
            with pytest.raises(TagtuiError) as caught:
                await exercise(refused, servers.refusing.host, evidence, ConnectionOptions())
            evidence.add_error(caught.value)

    if scenario.expected.startswith("docker-credential-"):
        calls = isolated.helper.calls()
        assert calls, "the helper was asked"
        assert {c["stdin"] for c in calls} <= {r.host for r in registries}
    assert_no_secret(evidence, caplog, spawned)
    assert any(a[0].endswith("docker-credential-tagtuitest") for a in spawned) == (
        scenario.expected.startswith("docker-credential-")
    )


async def test_session_credential_and_login_never_leak(
    servers: Servers,
    secret_service: SecretServiceSession,
    caplog: pytest.LogCaptureFixture,
    spawned: list[list[str]],
) -> None:
    caplog.set_level(logging.DEBUG)
    evidence = Evidence()
    session = Credential(USER, SECRET, source="session")
    for registry in (servers.basic, servers.token):
        await exercise(session, registry.host, evidence, ConnectionOptions())

        stderr = io.StringIO()
        code = await login(
            registry.host, USER, True, ConnectionOptions(), stdin=io.StringIO(SECRET), stderr=stderr
        )
        assert code == 0
        evidence.add(stderr.getvalue())

    # Unreachable (once: the provider retries refused connections with backoff).
    with pytest.raises(TagtuiError) as caught:
        await exercise(session, f"127.0.0.1:{free_port()}", evidence, ConnectionOptions())
    evidence.add_error(caught.value)

    stderr = io.StringIO()
    with pytest.raises(TagtuiError) as caught:
        await login(
            servers.refusing.host,
            USER,
            True,
            ConnectionOptions(),
            stdin=io.StringIO(SECRET),
            stderr=stderr,
        )
    evidence.add_error(caught.value)
    evidence.add(stderr.getvalue())
    assert_no_secret(evidence, caplog, spawned)


@pytest.mark.parametrize("store", ["helper", "auth-file"])
async def test_login_and_logout_without_a_keyring_never_leak(
    store: str,
    servers: Servers,
    isolated: IsolatedEnv,
    no_keyring: object,
    caplog: pytest.LogCaptureFixture,
    spawned: list[list[str]],
    tmp_path: Path,
) -> None:
    caplog.set_level(logging.DEBUG)
    evidence = Evidence()
    if store == "helper":
        isolated.write_docker_config({"credsStore": isolated.helper.name})
        chosen = isolated.helper.directory / "store.json"
    else:
        chosen = Path(isolated.env["XDG_RUNTIME_DIR"]) / "containers" / "auth.json"

    async def log_in(host: str) -> int:
        stderr = io.StringIO()
        try:
            return await login(
                host,
                USER,
                True,
                ConnectionOptions(),
                env=isolated.env,
                stdin=io.StringIO(SECRET),
                stderr=stderr,
            )
        finally:
            evidence.add(stderr.getvalue())

    for registry in (servers.basic, servers.token):
        assert await log_in(registry.host) == 0
    with pytest.raises(TagtuiError) as caught:
        await log_in(servers.refusing.host)
    evidence.add_error(caught.value)
    if store == "helper":
        # A helper whose failure message quotes the secret it was sent.
        isolated.helper.set_mode("echo")
        with pytest.raises(CredentialError) as caught:
            await log_in(servers.basic.host)
        evidence.add_error(caught.value)
        isolated.helper.set_mode("normal")

    # Only the place chosen holds the secret, in any form.
    holders = [
        path
        for path in tmp_path.rglob("*")
        if path.is_file() and any(form.encode() in path.read_bytes() for form in forms_of(SECRET))
    ]
    assert holders == [chosen]
    stderr = io.StringIO()
    assert logout(servers.basic.host, env=isolated.env, stderr=stderr) == 0
    evidence.add(stderr.getvalue())
    assert_no_secret(evidence, caplog, spawned)


async def test_keyring_failures_never_leak(
    secret_service: SecretServiceSession,
    caplog: pytest.LogCaptureFixture,
    spawned: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os
    import signal

    import secretstorage

    caplog.set_level(logging.DEBUG)
    evidence = Evidence()
    keyring_store.save("127.0.0.1:1", USER, SECRET)

    connection = secretstorage.dbus_init()
    try:
        secretstorage.get_default_collection(connection).lock()
    finally:
        connection.close()
    with pytest.raises(CredentialError) as caught:
        keyring_store.save("127.0.0.1:1", USER, SECRET)
    evidence.add_error(caught.value)
    evidence.add(repr(keyring_store.load("127.0.0.1:1")))

    monkeypatch.setattr(keyring_store, "TIMEOUT", 0.3)
    os.kill(secret_service.keyring_pid, signal.SIGSTOP)
    try:
        with pytest.raises(CredentialError) as caught:
            keyring_store.save("127.0.0.1:1", USER, SECRET)
        evidence.add_error(caught.value)
    finally:
        os.kill(secret_service.keyring_pid, signal.SIGCONT)
    assert_no_secret(evidence, caplog, spawned)


def test_the_checks_can_fail(caplog: pytest.LogCaptureFixture, spawned: list[list[str]]) -> None:
    """The detector itself: a secret in a log record, an argv or a text is caught."""
    logging.getLogger("tagtui.test").warning("password is %s", SECRET)
    with pytest.raises(AssertionError, match="secret found in log"):
        assert_no_secret(Evidence(), caplog, [])
    caplog.clear()
    with pytest.raises(AssertionError, match="secret found in argv"):
        assert_no_secret(Evidence(), caplog, [["tool", f"--password={SECRET}"]])
    header = base64.b64encode(f"{USER}:{SECRET}".encode()).decode()
    with pytest.raises(AssertionError, match="secret found in output"):
        assert_no_secret(Evidence([f"Authorization: Basic {header}"]), caplog, [])
