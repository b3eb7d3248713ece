"""Bearer token auth against the real registry (``auth: token``) and a local token issuer.

The registry verifies every JWT against the issuer's certificate, so a token the provider
mishandles is refused for real.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tagtui.commands.login import login
from tagtui.credentials import Credential, keyring_store
from tagtui.errors import AuthenticationRequired, TagtuiError
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.oci.provider import OciProvider
from tests.support.keyring_daemon import SecretServiceSession
from tests.support.registry import RunningRegistry, start_registry
from tests.support.token_issuer import REFRESH_TOKENS, USERS, TokenIssuer, run_token_issuer

pytestmark = pytest.mark.real

APP = "team/app"
OTHER = "team/other"
PULL_APP = f"repository:{APP}:pull"
PULL_OTHER = f"repository:{OTHER}:pull"
PASSWORD = USERS["alice"]


class Clock:
    """The provider's monotonic clock, moved by hand: token expiry without waiting."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def push_image(registry: RunningRegistry, token: str, repository: str, tag: str) -> None:
    """Push a one-layer OCI image with a token straight from the issuer."""
    config = json.dumps(
        {"architecture": "amd64", "os": "linux", "rootfs": {"type": "layers", "diff_ids": []}}
    ).encode()
    layer = f"layer of {repository}".encode()
    with httpx.Client(
        base_url=registry.url, headers={"Authorization": f"Bearer {token}"}, verify=False
    ) as client:
        for blob in (config, layer):
            start = client.post(f"/v2/{repository}/blobs/uploads/")
            start.raise_for_status()
            upload = httpx.URL(start.headers["location"]).copy_merge_params(
                {"digest": _digest(blob)}
            )
            client.put(str(upload), content=blob).raise_for_status()
        manifest = {
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": {
                "mediaType": "application/vnd.oci.image.config.v1+json",
                "digest": _digest(config),
                "size": len(config),
            },
            "layers": [
                {
                    "mediaType": "application/vnd.oci.image.layer.v1.tar+gzip",
                    "digest": _digest(layer),
                    "size": len(layer),
                }
            ],
        }
        client.put(
            f"/v2/{repository}/manifests/{tag}",
            content=json.dumps(manifest).encode(),
            headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"},
        ).raise_for_status()


@pytest.fixture(scope="module")
def token_setup(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[TokenIssuer, RunningRegistry]]:
    workdir: Path = tmp_path_factory.mktemp("token-auth")
    with (
        run_token_issuer(workdir / "issuer") as issuer,
        start_registry(workdir / "registry", token_auth=issuer.token_auth) as registry,
    ):
        for repository in (APP, OTHER):
            token = issuer.mint("alice", (f"repository:{repository}:pull,push",))
            push_image(registry, token, repository, "1.0")
        yield issuer, registry


@pytest.fixture
def issuer(token_setup: tuple[TokenIssuer, RunningRegistry]) -> Iterator[TokenIssuer]:
    issuer = token_setup[0]
    issuer.requests.clear()
    issuer.expire_next(0)
    yield issuer


@pytest.fixture
def host(token_setup: tuple[TokenIssuer, RunningRegistry]) -> str:
    return token_setup[1].host


async def test_anonymous_pull_token(issuer: TokenIssuer, host: str) -> None:
    async with OciProvider(host) as provider:
        tags = await provider.list_tags(APP)

    assert [t.name for t in tags] == ["1.0"]
    assert issuer.fetches(scope=PULL_APP, user=None) == 1
    assert issuer.fetches(user="alice") == 0


async def test_anonymous_may_not_list_the_catalog(issuer: TokenIssuer, host: str) -> None:
    async with OciProvider(host) as provider:
        # The issuer grants anonymous callers nothing on the catalog: a message, not a traceback.
        with pytest.raises(TagtuiError):
            async for _ in provider.list_repositories():
                pass


async def test_authenticated_token(issuer: TokenIssuer, host: str) -> None:
    async with OciProvider(host, credential=Credential("alice", PASSWORD)) as provider:
        names = [repo.name async for page in provider.list_repositories() for repo in page]
        tags = await provider.list_tags(APP)

    assert names == [APP, OTHER]
    assert [t.name for t in tags] == ["1.0"]
    assert issuer.fetches(scope="registry:catalog:*", user="alice") == 1
    assert issuer.fetches(scope=PULL_APP, user="alice") == 1
    assert issuer.fetches(user=None) == 0


async def test_identity_token_uses_the_refresh_grant(issuer: TokenIssuer, host: str) -> None:
    (refresh_token,) = REFRESH_TOKENS
    credential = Credential(None, refresh_token, source="docker config", identity_token=True)
    async with OciProvider(host, credential=credential) as provider:
        tags = await provider.list_tags(APP)

    assert [t.name for t in tags] == ["1.0"]
    assert [(r.method, r.grant_type, r.user) for r in issuer.requests if PULL_APP in r.scopes] == [
        ("POST", "refresh_token", "alice")
    ]


async def test_token_cached_per_scope(issuer: TokenIssuer, host: str) -> None:
    async with OciProvider(host, credential=Credential("alice", PASSWORD)) as provider:
        for _ in range(3):
            await provider.list_tags(APP)
            await provider.get_tag(APP, "1.0")
        await provider.list_tags(OTHER)
        await provider.list_tags(OTHER)

    assert issuer.fetches(scope=PULL_APP) == 1
    assert issuer.fetches(scope=PULL_OTHER) == 1


async def test_token_renewed_after_expiry(
    issuer: TokenIssuer, host: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = Clock()
    async with OciProvider(host, credential=Credential("alice", PASSWORD)) as provider:
        monkeypatch.setattr(provider.http.auth, "_clock", clock)
        await provider.list_tags(APP)
        clock.advance(issuer.expires_in / 2)
        await provider.list_tags(APP)
        assert issuer.fetches(scope=PULL_APP) == 1

        clock.advance(issuer.expires_in)
        await provider.list_tags(APP)

    assert issuer.fetches(scope=PULL_APP) == 2


async def test_token_the_registry_refuses_is_replaced(issuer: TokenIssuer, host: str) -> None:
    async with OciProvider(host, credential=Credential("alice", PASSWORD)) as provider:
        await provider.check()  # learns the registry wants bearer tokens
        # The next token is already expired for the registry although the provider's clock
        # says it is fresh (clock skew, a lying expires_in): the 401 must bring a new one.
        issuer.expire_next(1)
        tags = await provider.list_tags(APP)

    assert [t.name for t in tags] == ["1.0"]
    assert issuer.fetches(scope=PULL_APP) == 2


async def test_wrong_password(issuer: TokenIssuer, host: str) -> None:
    async with OciProvider(host, credential=Credential("alice", "not-the-password")) as provider:
        with pytest.raises(AuthenticationRequired) as caught:
            await provider.list_tags(APP)

    assert str(caught.value) == f"authentication failed for alice at {host}"
    assert "not-the-password" not in repr(caught.value)
    assert issuer.refusals() >= 1


async def test_login_against_token_registry(
    issuer: TokenIssuer, host: str, secret_service: SecretServiceSession
) -> None:
    with pytest.raises(AuthenticationRequired, match=f"authentication failed for alice at {host}"):
        await login(
            host, "alice", True, ConnectionOptions(), stdin=io.StringIO("bad"), stderr=io.StringIO()
        )
    assert keyring_store.load(host) is None

    code = await login(
        host, "alice", True, ConnectionOptions(), stdin=io.StringIO(PASSWORD), stderr=io.StringIO()
    )

    assert code == 0
    stored = keyring_store.load(host)
    assert stored is not None and stored.username == "alice"
