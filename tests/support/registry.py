"""Debian's real ``docker-registry`` (distribution 2.8) on 127.0.0.1, as functions and fixtures.

``start_registry`` works outside pytest too (the benchmarks use it). The fixtures:

- ``registry``: empty, deletion enabled (function scope);
- ``registry_no_delete``: empty, deletion disabled (the registry's own default);
- ``registry_basic_auth``: htpasswd Basic auth for ``basic_auth_credentials`` (alice);
- ``small_seeded_registry``: deletion enabled, seeded with ``seed_small`` (function scope, for
  tests that change content), as a ``SeededRegistry``;
- ``seeded_registry``: the full data set (session scope, read-only for tests).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from tests.support.push import PushClient
from tests.support.real import free_port, need_binary
from tests.support.seed import SeedResult, seed_full, seed_small

#: Basic auth user of ``registry_basic_auth``.
BASIC_AUTH_USER = "alice"
BASIC_AUTH_PASSWORD = "s3cret-Alice-pw"

_START_DEADLINE = 30.0
_BIND_ATTEMPTS = 3


@dataclass(frozen=True)
class RunningRegistry:
    """Where a started registry listens and keeps its files."""

    host: str
    port: int
    url: str
    storage: Path
    config: Path


@dataclass(frozen=True)
class BasicAuthCredentials:
    username: str
    password: str

    def __repr__(self) -> str:
        # Even test secrets stay out of reprs (assertion rewriting prints fixtures).
        return f"BasicAuthCredentials(username={self.username!r}, password=<hidden>)"

    @property
    def pair(self) -> tuple[str, str]:
        return (self.username, self.password)


def htpasswd_lines(users: dict[str, str]) -> str:
    """bcrypt htpasswd entries, the only kind distribution's htpasswd auth accepts."""
    import bcrypt  # test extra: only needed for the Basic auth variant

    # Cost 4 (bcrypt's minimum): the registry checks the hash on every request.
    return "".join(
        f"{user}:{bcrypt.hashpw(password.encode(), bcrypt.gensalt(4)).decode()}\n"
        for user, password in users.items()
    )


def registry_config(
    workdir: Path,
    port: int,
    *,
    delete_enabled: bool = True,
    htpasswd: dict[str, str] | None = None,
    token_auth: dict[str, Any] | None = None,
    tls: tuple[Path, Path] | None = None,
    storage: Path | None = None,
    relative_urls: bool = False,
    access_log: bool = False,
) -> dict[str, Any]:
    """The registry's YAML config as a dict (written by ``start_registry``)."""
    storage = storage if storage is not None else workdir / "storage"
    # A fixed secret silences the "no HTTP secret" warning; one process, so nothing to share.
    http: dict[str, Any] = {"addr": f"127.0.0.1:{port}", "secret": "tagtui-test-http-secret"}
    if relative_urls:
        # Location headers become relative ("/v2/..."), as other registries send them.
        http["relativeurls"] = True
    if tls is not None:
        certificate, key = tls
        http["tls"] = {"certificate": str(certificate), "key": str(key)}
    config: dict[str, Any] = {
        "version": 0.1,
        # The access log (one line per request, in registry.log) lets a test count requests.
        "log": {"level": "warn", "accesslog": {"disabled": not access_log}},
        "storage": {
            "filesystem": {"rootdirectory": str(storage)},
            "delete": {"enabled": delete_enabled},
            # The in-memory descriptor cache spares repeated stats while seeding.
            "cache": {"blobdescriptor": "inmemory"},
            # No background upload purger walking the tree during tests.
            "maintenance": {"uploadpurging": {"enabled": False}},
        },
        "http": http,
    }
    if htpasswd is not None and token_auth is not None:
        raise ValueError("choose htpasswd or token auth, not both")
    if htpasswd is not None:
        path = workdir / "htpasswd"
        path.write_text(htpasswd_lines(htpasswd))
        path.chmod(0o600)
        config["auth"] = {"htpasswd": {"realm": "tagtui-test", "path": str(path)}}
    if token_auth is not None:
        config["auth"] = {"token": dict(token_auth)}
    return config


def _answers(url: str) -> bool:
    """True once ``GET /v2/`` gets any HTTP answer (200, or 401 when auth is on)."""
    try:
        # Not verifying: this only asks whether the server is up, never sends anything secret.
        response = httpx.get(f"{url}/v2/", verify=False, timeout=0.5)
    except httpx.TransportError:
        return False
    return response.status_code in (200, 401)


@contextmanager
def start_registry(
    workdir: Path,
    *,
    delete_enabled: bool = True,
    htpasswd: dict[str, str] | None = None,
    token_auth: dict[str, Any] | None = None,
    tls: tuple[Path, Path] | None = None,
    storage: Path | None = None,
    relative_urls: bool = False,
    access_log: bool = False,
) -> Iterator[RunningRegistry]:
    """Run ``docker-registry serve`` on a free loopback port until the block ends.

    ``tls`` is (certificate, key); clients must then trust that certificate's CA.
    ``storage`` is the registry's root directory (default: ``workdir/storage``).
    ``relative_urls`` makes upload ``Location`` headers relative (``http.relativeurls``).
    """
    binary = need_binary("docker-registry")
    workdir.mkdir(parents=True, exist_ok=True)
    settings: dict[str, Any] = {
        "delete_enabled": delete_enabled,
        "htpasswd": htpasswd,
        "token_auth": token_auth,
        "tls": tls,
        "storage": storage,
        "relative_urls": relative_urls,
        "access_log": access_log,
    }
    running, process, log_path = _started(binary, workdir, settings)
    try:
        yield running
        if process.poll() is not None:
            raise RuntimeError(
                f"docker-registry exited early ({process.returncode}):\n{_tail(log_path)}"
            )
    finally:
        _stop(process)


class _PortTaken(RuntimeError):
    pass


def _started(
    binary: str, workdir: Path, settings: dict[str, Any]
) -> tuple[RunningRegistry, subprocess.Popen[bytes], Path]:
    # A free port can be taken by another test process before the registry binds it: retry.
    for attempt in range(_BIND_ATTEMPTS):
        running, process, log_path = _launch(binary, workdir, settings)
        try:
            _wait_ready(running, process, log_path)
        except _PortTaken:
            if attempt + 1 == _BIND_ATTEMPTS:
                raise
            continue
        except BaseException:
            _stop(process)
            raise
        return running, process, log_path
    raise AssertionError("unreachable")


class StoppableRegistry:
    """A registry a test stops and starts again, on the same port with the same storage: the
    network failing and coming back, with the real server on both sides."""

    def __init__(
        self, binary: str, running: RunningRegistry, process: subprocess.Popen[bytes], log: Path
    ) -> None:
        self.registry = running
        self._binary, self._process, self._log = binary, process, log

    @property
    def host(self) -> str:
        return self.registry.host

    def stop(self) -> None:
        _stop(self._process)

    def start(self) -> None:
        self._process = _serve(self._binary, self.registry.config, self._log)
        _wait_ready(self.registry, self._process, self._log)

    def close(self) -> None:
        _stop(self._process)


@contextmanager
def stoppable_registry(workdir: Path) -> Iterator[StoppableRegistry]:
    """A registry seeded with ``seed_small`` that the test may stop and start again."""
    binary = need_binary("docker-registry")
    workdir.mkdir(parents=True, exist_ok=True)
    settings: dict[str, Any] = {
        "delete_enabled": True,
        "htpasswd": None,
        "token_auth": None,
        "tls": None,
        "storage": None,
        "relative_urls": False,
        "access_log": False,
    }
    stoppable = StoppableRegistry(binary, *_started(binary, workdir, settings))
    try:
        with PushClient(stoppable.registry.url, workers=6) as client:
            seed_small(client)
        yield stoppable
    finally:
        stoppable.close()


def _launch(
    binary: str, workdir: Path, settings: dict[str, Any]
) -> tuple[RunningRegistry, subprocess.Popen[bytes], Path]:
    port = free_port()
    config = registry_config(workdir, port, **settings)
    storage = Path(config["storage"]["filesystem"]["rootdirectory"])
    storage.mkdir(parents=True, exist_ok=True)
    config_path = workdir / "config.yml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    scheme = "https" if settings["tls"] is not None else "http"
    running = RunningRegistry(
        host=f"127.0.0.1:{port}",
        port=port,
        url=f"{scheme}://127.0.0.1:{port}",
        storage=storage,
        config=config_path,
    )
    # Output to a file, not a pipe: nobody has to drain it, and it is there to read on failure
    # (appended: a retry keeps what the failed attempt said).
    log_path = workdir / "registry.log"
    return running, _serve(binary, config_path, log_path), log_path


def _serve(binary: str, config_path: Path, log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [binary, "serve", str(config_path)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(log_path: Path, lines: int = 20) -> str:
    try:
        text = log_path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def _wait_ready(running: RunningRegistry, process: subprocess.Popen[bytes], log_path: Path) -> None:
    # Polls a readiness condition (the API answering), bounded by a deadline.
    deadline = time.monotonic() + _START_DEADLINE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = _tail(log_path)
            error = _PortTaken if "address already in use" in log else RuntimeError
            raise error(f"docker-registry exited at start ({process.returncode}):\n{log}")
        # Answering is not enough (another process may hold the port): ours must still run.
        if _answers(running.url) and process.poll() is None:
            return
        time.sleep(0.02)  # poll interval, not synchronisation
    raise RuntimeError(
        f"docker-registry did not answer on {running.url} in {_START_DEADLINE:.0f} s:\n"
        f"{_tail(log_path)}"
    )


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[RunningRegistry]:
    """An empty registry with deletion enabled."""
    with start_registry(tmp_path / "registry") as running:
        yield running


@pytest.fixture
def registry_no_delete(tmp_path: Path) -> Iterator[RunningRegistry]:
    """An empty registry with deletion disabled (``storage.delete.enabled: false``)."""
    with start_registry(tmp_path / "registry-no-delete", delete_enabled=False) as running:
        yield running


@pytest.fixture
def basic_auth_credentials() -> BasicAuthCredentials:
    return BasicAuthCredentials(BASIC_AUTH_USER, BASIC_AUTH_PASSWORD)


@pytest.fixture
def registry_basic_auth(
    tmp_path: Path, basic_auth_credentials: BasicAuthCredentials
) -> Iterator[RunningRegistry]:
    """An empty registry behind htpasswd Basic auth (``basic_auth_credentials``)."""
    users = {basic_auth_credentials.username: basic_auth_credentials.password}
    with start_registry(tmp_path / "registry-basic", htpasswd=users) as running:
        yield running


@dataclass(frozen=True)
class SeededRegistry:
    """A running registry and what was pushed into it."""

    registry: RunningRegistry
    seed: SeedResult

    @property
    def host(self) -> str:
        return self.registry.host

    @property
    def url(self) -> str:
        return self.registry.url


_RAM_PREFIX = "tagtui-registry-"


@contextmanager
def ram_storage(fallback: Path) -> Iterator[Path]:
    """A directory in RAM (/dev/shm) when there is one, removed afterwards; else ``fallback``.

    The full seed writes ~65,000 small files (~70 MB in blocks): on a journaling disk the
    kernel time for that is several times what the registry itself spends.
    """
    shm = Path("/dev/shm")
    _remove_orphans(shm)
    try:
        # The pid in the name lets a later run remove it if this process is killed.
        directory = Path(tempfile.mkdtemp(prefix=f"{_RAM_PREFIX}{os.getpid()}-", dir=shm))
    except OSError:
        fallback.mkdir(parents=True, exist_ok=True)
        yield fallback
        return
    try:
        yield directory
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def _remove_orphans(shm: Path) -> None:
    """Remove RAM storage left by test processes that were killed before cleaning up."""
    try:
        candidates = list(shm.glob(f"{_RAM_PREFIX}*-*"))
    except OSError:
        return
    for directory in candidates:
        pid = directory.name.removeprefix(_RAM_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(directory, ignore_errors=True)


@contextmanager
def start_seeded_registry(
    workdir: Path, *, full: bool, delete_enabled: bool = True
) -> Iterator[SeededRegistry]:
    """A registry seeded with ``seed_full`` (``full=True``, storage in RAM) or ``seed_small``."""
    with ExitStack() as stack:
        storage = stack.enter_context(ram_storage(workdir / "storage")) if full else None
        running = stack.enter_context(
            start_registry(workdir, delete_enabled=delete_enabled, storage=storage)
        )
        with PushClient(running.url, workers=8 if full else 6) as client:
            seed = seed_full(client) if full else seed_small(client)
        yield SeededRegistry(running, seed)


@pytest.fixture
def small_seeded_registry(tmp_path: Path) -> Iterator[SeededRegistry]:
    """Deletion enabled, seeded with the small set; tests may change it."""
    with start_seeded_registry(tmp_path / "registry-small", full=False) as seeded:
        yield seeded


@pytest.fixture(scope="session")
def seeded_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeededRegistry]:
    """The full data set (1,506 repositories, 5,000 tags in big/tags). Read-only for tests."""
    with start_seeded_registry(tmp_path_factory.mktemp("registry-full"), full=True) as seeded:
        yield seeded
