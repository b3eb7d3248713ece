"""Auth handshakes against a real registry with token auth, TLS against a real TLS registry.

The token registry is Debian's docker-registry configured with ``auth.token``: it verifies the
JWTs our local token service signs, so a wrong scope or a missing token really fails. Its blob
downloads redirect (``redirect`` storage middleware) to a second local server, which must never
see the registry's Authorization header. Edge cases real servers can't produce (relative realms,
clock-driven renewal) use httpx.MockTransport.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from tagtui.credentials import Credential
from tagtui.errors import AuthenticationRequired, CatalogUnavailable, TLSError
from tagtui.model import DeleteMethod
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.oci.auth import RegistryAuth, parse_www_authenticate, scope_for
from tagtui.providers.oci.provider import OciProvider
from tests.oci.conftest import CONFIG, TokenRegistry
from tests.oci.fakes import HOST, FakeRegistry, error
from tests.oci.realservers import RunningRegistry, push_image

pytestmark = pytest.mark.real

ALICE = Credential("alice", "wonderland", source="keyring")


def token_provider(setup: TokenRegistry, credential: Credential | None = None) -> OciProvider:
    return OciProvider(setup.host, credential=credential)


# --- real token registry ------------------------------------------------------------------------


async def test_anonymous_token_for_a_public_repository(token_setup: TokenRegistry) -> None:
    async with token_provider(token_setup) as provider:
        await provider.check()
        detail = await provider.get_tag("public/app", "latest")
    assert detail.digest == token_setup.digests["public/app"]
    assert detail.image is not None
    assert detail.image.config.labels == (("who", "token-test"),)
    fetched = [r for r in token_setup.tokens.requests if r.scopes]
    assert fetched and all(r.user is None for r in fetched)
    assert fetched[0].scopes == ["repository:public/app:pull"]
    assert fetched[0].service == "tagtui-test-registry"


async def test_config_redirect_to_another_host_carries_no_authorization(
    token_setup: TokenRegistry,
) -> None:
    async with token_provider(token_setup, ALICE) as provider:
        detail = await provider.get_tag("private/app", "latest")
    assert detail.image is not None and detail.image.config.env == (("A", "1"),)
    blob_downloads = [r for r in token_setup.storage.requests if r.path.endswith("/data")]
    assert blob_downloads, "the registry did not redirect the config download"
    assert all("authorization" not in r.headers for r in blob_downloads)


async def test_anonymous_on_a_private_repository_is_told_to_authenticate(
    token_setup: TokenRegistry,
) -> None:
    async with token_provider(token_setup) as provider:
        with pytest.raises(AuthenticationRequired) as caught:
            await provider.get_tag("private/app", "latest")
    assert f"authentication required at {token_setup.host}" in str(caught.value)


async def test_bearer_with_credentials(token_setup: TokenRegistry) -> None:
    async with token_provider(token_setup, ALICE) as provider:
        detail = await provider.get_tag("private/app", "latest")
        assert provider.credential_source == "keyring"
    assert detail.digest == token_setup.digests["private/app"]
    assert {r.user for r in token_setup.tokens.requests} == {"alice"}


async def test_wrong_password_names_the_user_and_host(token_setup: TokenRegistry) -> None:
    wrong = Credential("alice", "not-the-password")
    async with token_provider(token_setup, wrong) as provider:
        with pytest.raises(AuthenticationRequired) as caught:
            await provider.get_tag("private/app", "latest")
    message = str(caught.value)
    assert message == f"authentication failed for alice at {token_setup.host}"
    assert "not-the-password" not in message and "not-the-password" not in repr(caught.value)
    assert caught.value.username == "alice"


async def test_tokens_are_cached_per_scope(token_setup: TokenRegistry) -> None:
    async with token_provider(token_setup, ALICE) as provider:
        await provider.get_tag("private/app", "latest")
        await provider.get_tag("private/app", "latest")
        await provider.list_tags("private/app")
        await provider.get_tag("public/app", "latest")
    scopes = [tuple(r.scopes) for r in token_setup.tokens.requests]
    assert scopes.count(("repository:private/app:pull",)) == 1
    assert scopes.count(("repository:public/app:pull",)) == 1


async def test_access_token_field_and_default_lifetime(token_setup: TokenRegistry) -> None:
    token_setup.tokens.field_name = "access_token"
    token_setup.tokens.expires_in = None
    async with token_provider(token_setup, ALICE) as provider:
        assert [t.name for t in await provider.list_tags("private/app")] == ["latest"]


async def test_identity_token_uses_the_oauth2_refresh_grant(token_setup: TokenRegistry) -> None:
    identity = Credential("<token>", "alice-refresh", source="docker config", identity_token=True)
    async with token_provider(token_setup, identity) as provider:
        await provider.get_tag("private/app", "latest")
    posts = [r for r in token_setup.tokens.requests if r.method == "POST"]
    assert posts and posts[0].grant_type == "refresh_token" and posts[0].user == "alice"
    assert all(r.method == "POST" for r in token_setup.tokens.requests)


async def test_catalog_refused_anonymously_then_listed_after_login(
    token_setup: TokenRegistry,
) -> None:
    async with token_provider(token_setup) as provider:
        with pytest.raises(CatalogUnavailable):
            async for _ in provider.list_repositories():
                pass
        assert not provider.capabilities.catalog
        provider.set_credential(ALICE)
        names = [repo.name async for page in provider.list_repositories() for repo in page]
        assert provider.capabilities.catalog
    assert {"private/app", "public/app"} <= set(names)


async def test_set_credential_drops_cached_tokens(token_setup: TokenRegistry) -> None:
    async with token_provider(token_setup) as provider:
        with pytest.raises(AuthenticationRequired):
            await provider.get_tag("private/app", "latest")
        provider.set_credential(ALICE)
        assert (await provider.get_tag("private/app", "latest")).digest
        assert provider.credential_source == "keyring"


async def test_safe_delete_through_token_auth(token_setup: TokenRegistry) -> None:
    token = token_setup.tokens.mint("alice", ["repository:private/del:pull,push"])
    push_image(
        f"http://{token_setup.host}",
        "private/del",
        ["latest", "staging"],
        CONFIG,
        authorization=f"Bearer {token}",
    )
    async with token_provider(token_setup, ALICE) as provider:
        plan = await provider.plan_delete("private/del", "latest")
        assert plan.method is DeleteMethod.THROWAWAY_MANIFEST
        result = await provider.delete(plan)
        assert result.removed == ("latest",) and not result.leftovers
        assert [t.name for t in await provider.list_tags("private/del")] == ["staging"]
    scopes = {s for r in token_setup.tokens.requests for s in r.scopes}
    assert "repository:private/del:delete" in scopes
    assert "repository:private/del:pull,push" in scopes


# --- TLS ------------------------------------------------------------------------------------------


async def test_untrusted_certificate_on_loopback_says_use_ca_cert(
    tls_registry: RunningRegistry,
) -> None:
    async with OciProvider(tls_registry.host) as provider:
        with pytest.raises(TLSError) as caught:
            await provider.check()
    assert "--ca-cert" in str(caught.value)
    assert tls_registry.host in str(caught.value)


async def test_ca_cert_makes_it_trusted(tls_registry: RunningRegistry, certificate) -> None:
    options = ConnectionOptions(ca_cert=certificate.cert_pem)
    async with OciProvider(tls_registry.host, options=options) as provider:
        assert [t.name for t in await provider.list_tags("tls/app")] == ["latest"]
        assert provider.http.scheme == "https"


async def test_insecure_skips_verification(tls_registry: RunningRegistry) -> None:
    options = ConnectionOptions(insecure=True)
    async with OciProvider(tls_registry.host, options=options) as provider:
        assert (await provider.get_tag("tls/app", "latest")).image is not None
        assert provider.http.scheme == "https"


async def test_localhost_name_also_falls_back_to_http(token_setup: TokenRegistry) -> None:
    port = token_setup.host.rsplit(":", 1)[1]
    async with OciProvider(f"localhost:{port}") as provider:
        await provider.get_tag("public/app", "latest")
        assert provider.http.scheme == "http"


# --- edge cases on MockTransport ------------------------------------------------------------------


def test_www_authenticate_parsing_keeps_commas_in_quotes() -> None:
    header = (
        'Bearer realm="https://auth.example.com/token",service="registry.example.com",'
        'scope="repository:a/b:pull,push",error="insufficient_scope"'
    )
    [challenge] = parse_www_authenticate([header])
    assert challenge.scheme == "bearer"
    assert challenge.params["scope"] == "repository:a/b:pull,push"
    assert challenge.params["realm"] == "https://auth.example.com/token"
    both = parse_www_authenticate(['Basic realm="x", Bearer realm="y",service=s'])
    assert [(c.scheme, c.params.get("realm")) for c in both] == [("basic", "x"), ("bearer", "y")]


@pytest.mark.parametrize(
    ("method", "path", "scope"),
    [
        ("GET", "/v2/", ""),
        ("GET", "/v2/_catalog", "registry:catalog:*"),
        ("HEAD", "/v2/a/b/manifests/latest", "repository:a/b:pull"),
        ("GET", "/v2/a/manifests/x/tags/list", "repository:a/manifests/x:pull"),
        ("PUT", "/v2/a/b/manifests/latest", "repository:a/b:pull,push"),
        ("POST", "/v2/a/b/blobs/uploads/", "repository:a/b:pull,push"),
        ("DELETE", "/v2/a/b/manifests/sha256:00", "repository:a/b:delete"),
    ],
)
def test_scope_for_requests(method: str, path: str, scope: str) -> None:
    assert scope_for(method, path) == scope


def _token_fake(fetches: list[httpx.Request], *, realm: str, expires_in: int = 60) -> FakeRegistry:
    fake = FakeRegistry()
    fake.add_image("a/b", "latest")

    def fault(request: httpx.Request) -> httpx.Response | None:
        if request.url.path == "/token":
            fetches.append(request)
            number = len(fetches)
            return httpx.Response(200, json={"token": f"t{number}", "expires_in": expires_in})
        if not request.headers.get("authorization", "").startswith("Bearer t"):
            challenge = f'Bearer realm="{realm}",service="svc"'
            return error(401, "UNAUTHORIZED", **{"WWW-Authenticate": challenge})
        return None

    fake.fault = fault
    return fake


async def test_relative_realm_is_resolved_against_the_registry() -> None:
    fetches: list[httpx.Request] = []
    fake = _token_fake(fetches, realm="/token")
    async with fake.provider() as provider:
        await provider.list_tags("a/b")
    assert [str(r.url) for r in fetches] == [
        f"https://{HOST}/token?service=svc&scope=repository%3Aa%2Fb%3Apull"
    ]


async def test_tokens_are_renewed_before_they_expire() -> None:
    fetches: list[httpx.Request] = []
    fake = _token_fake(fetches, realm="https://auth.test/token", expires_in=60)
    now = [1000.0]
    provider = fake.provider()
    provider.http.auth._clock = lambda: now[0]
    async with provider:
        await provider.list_tags("a/b")
        now[0] += 45  # well inside the lifetime: reused
        await provider.list_tags("a/b")
        assert len(fetches) == 1
        now[0] += 10  # 55 s: within the renewal margin, fetched again before sending
        await provider.list_tags("a/b")
        assert len(fetches) == 2
    bearer = [r.headers.get("authorization") for r in fake.requests if r.url.host == HOST]
    assert bearer[-1] == "Bearer t2"
    # After the first challenge, later requests never needed another 401 round trip.
    challenged = [
        r for r in fake.requests if r.url.host == HOST and "authorization" not in r.headers
    ]
    assert len(challenged) == 1


async def test_basic_challenge_sends_credentials_then_keeps_sending_them() -> None:
    fake = FakeRegistry()
    fake.add_image("a/b", "latest")
    expected = httpx.BasicAuth("bob", "s3cret")._auth_header

    def fault(request: httpx.Request) -> httpx.Response | None:
        if request.headers.get("authorization") != expected:
            return error(401, "UNAUTHORIZED", **{"WWW-Authenticate": 'Basic realm="registry"'})
        return None

    fake.fault = fault
    provider = fake.provider()
    provider.set_credential(Credential("bob", "s3cret"))
    async with provider:
        await provider.get_tag("a/b", "latest")
        await provider.list_tags("a/b")
    unauthenticated = [r for r in fake.requests if "authorization" not in r.headers]
    assert len(unauthenticated) == 1
    assert "s3cret" not in repr(provider.http.auth)


async def test_basic_with_wrong_password_fails_once_with_the_user() -> None:
    fake = FakeRegistry()
    fake.fault = lambda r: error(401, "UNAUTHORIZED", **{"WWW-Authenticate": 'Basic realm="r"'})
    provider = fake.provider()
    provider.set_credential(Credential("bob", "wrong"))
    async with provider:
        with pytest.raises(AuthenticationRequired) as caught:
            await provider.check()
    assert str(caught.value) == f"authentication failed for bob at {HOST}"
    assert len(fake.requests) == 2


async def test_token_is_never_attached_to_another_host() -> None:
    auth = RegistryAuth(HOST, None, requester=None)  # type: ignore[arg-type]
    auth._basic = "Basic abc"
    flow = auth.async_auth_flow(httpx.Request("GET", "https://storage.test/blob"))
    request = await flow.__anext__()
    assert "authorization" not in request.headers


@pytest.mark.timeout(20)
async def test_token_fetch_never_waits_for_a_connection_the_challenge_holds(
    token_setup: TokenRegistry,
) -> None:
    # One connection in all: the 401 must give it back before the token service needs it.
    options = ConnectionOptions(concurrency=1, timeout=5)
    async with OciProvider(token_setup.host, credential=ALICE, options=options) as provider:
        details = await asyncio.gather(
            provider.get_tag("private/app", "latest"), provider.list_tags("public/app")
        )
    assert details[0].digest == token_setup.digests["private/app"]
