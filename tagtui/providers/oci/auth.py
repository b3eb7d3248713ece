"""Registry authentication as an ``httpx.Auth``: the ``WWW-Authenticate`` handshakes.

- ``Bearer realm=…,service=…,scope=…``: fetch a token from the realm (anonymously, with Basic
  credentials, or with an identity token through the OAuth2 ``refresh_token`` grant), accept
  ``token`` or ``access_token``, cache it per scope and renew it before ``expires_in`` runs out.
- ``Basic realm=…``: send the credentials, and keep sending them.

Credentials may be given up front or as a resolver, asked (once, in a thread: keyrings and
helper programs block) on the registry's first challenge, so a registry that never asks never
makes tagtui open the keyring.

Tokens are only ever attached to requests for the registry's own host; the secret never
appears in an exception message or a repr.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import re
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Generator, Sequence
from dataclasses import dataclass, field

import httpx

from tagtui.credentials import Credential
from tagtui.errors import AuthenticationRequired, BadResponse
from tagtui.providers.http.exchange import join_http_url
from tagtui.providers.json_body import load_object
from tagtui.providers.oci.errormap import error_for_status

DEFAULT_EXPIRES_IN = 60.0
OAUTH_CLIENT_ID = "tagtui"


@dataclass(frozen=True)
class TokenReply:
    status: int
    body: bytes = field(repr=False)
    retry_after: str | None = None


Requester = Callable[..., Awaitable[TokenReply]]
#: Finds the credential for this registry (blocking); called at most once, on the first 401.
CredentialResolver = Callable[[], Credential | None]


@dataclass(frozen=True)
class Challenge:
    scheme: str  # lower-case: "bearer", "basic"
    params: dict[str, str]


_TOKEN68_OR_PARAM = re.compile(
    r"""\s*,?\s*(?P<key>[!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*"""
    r"""(?:"(?P<quoted>(?:[^"\\]|\\.)*)"|(?P<token>[^\s,]*))"""
)
_SCHEME = re.compile(r"\s*,?\s*(?P<scheme>[!#$%&'*+.^_`|~0-9A-Za-z-]+)(?=\s|$|,)")


def parse_www_authenticate(values: Sequence[str]) -> list[Challenge]:
    """Parse ``WWW-Authenticate`` values; quoted values may contain commas (scopes do)."""
    challenges: list[Challenge] = []
    for value in values:
        position = 0
        current: Challenge | None = None
        while position < len(value):
            param = _TOKEN68_OR_PARAM.match(value, position)
            if param and current is not None:
                quoted = param.group("quoted")
                text = (
                    re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else param.group("token")
                )
                current.params[param.group("key").lower()] = text
                position = param.end()
                continue
            scheme = _SCHEME.match(value, position)
            if not scheme:
                break
            current = Challenge(scheme.group("scheme").lower(), {})
            challenges.append(current)
            position = scheme.end()
    return challenges


_SCOPED_PATH = re.compile(r"^/v2/(?P<name>.+)/(?:manifests|blobs|tags|referrers)/")


def scope_for(method: str, path: str) -> str:
    """The token scope a request needs: ``repository:<name>:pull`` etc., "" for ``/v2/``."""
    if path.rstrip("/") == "/v2/_catalog":
        return "registry:catalog:*"
    match = _SCOPED_PATH.match(path)
    if not match:
        return ""
    if method in ("GET", "HEAD"):
        actions = "pull"
    elif method == "DELETE":
        actions = "delete"
    else:
        actions = "pull,push"
    return f"repository:{match.group('name')}:{actions}"


def basic_authorization(credential: Credential) -> str:
    raw = f"{credential.username or ''}:{credential.secret}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


@dataclass
class _Token:
    value: str = field(repr=False)
    renew_at: float


@functools.lru_cache(maxsize=64)
def _endpoint(scheme: str, registry: str) -> tuple[str, int | None] | None:
    try:
        own = httpx.URL(f"{scheme}://{registry}/")
    except httpx.InvalidURL:
        return None
    return (own.host, own.port)


def _same_endpoint(url: httpx.URL, registry: str) -> bool:
    return _endpoint(url.scheme, registry) == (url.host, url.port)


class RegistryAuth(httpx.Auth):
    """Bearer/Basic handshakes for one registry host; tokens cached per scope."""

    def __init__(
        self,
        registry: str,
        credential: Credential | None,
        requester: Requester,
        *,
        resolver: CredentialResolver | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.registry = registry
        self._credential = credential
        # A credential given up front wins; otherwise the resolver is asked on the first 401.
        self._resolver = resolver if credential is None else None
        self._resolution: asyncio.Future[Credential | None] | None = None
        self._requester = requester
        self._clock = clock
        self._tokens: dict[str, _Token] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        # What the registry asked for last: lets later requests fetch a token before sending.
        self._bearer: dict[str, str] | None = None
        self._basic: str | None = None
        self.token_fetches = 0

    def __repr__(self) -> str:
        return f"RegistryAuth({self.registry!r}, user={self.username!r})"

    @property
    def username(self) -> str | None:
        return self._credential.username if self._credential else None

    @property
    def credential(self) -> Credential | None:
        return self._credential

    @property
    def resolved(self) -> bool:
        """False while a resolver has yet to be asked (or is being asked)."""
        return self._resolver is None and self._resolution is None

    def set_credential(self, credential: Credential | None) -> None:
        self._credential = credential
        # An explicit credential replaces whatever the resolver would (or will) find.
        self._resolver = None
        self._resolution = None
        self._tokens.clear()
        self._basic = None

    async def resolve_credential(self) -> Credential | None:
        """Ask the resolver, once, off the event loop; concurrent callers share the answer.

        The lookup runs as its own task: a caller cancelled while the keyring is slow does
        not cancel it for the others. If it fails, its callers get the error and the registry
        is used anonymously from then on.
        """
        task = self._resolution
        if task is None:
            resolver = self._resolver
            if resolver is None:
                return self._credential
            self._resolver = None
            task = self._resolution = asyncio.ensure_future(asyncio.to_thread(resolver))
            # Retrieve a failure even if every caller was cancelled (no "never retrieved").
            task.add_done_callback(lambda done: done.cancelled() or done.exception())
        try:
            found = await asyncio.shield(task)
        except BaseException:
            if self._resolution is task and task.done():
                self._resolution = None
            raise
        if self._resolution is task:  # not replaced by set_credential meanwhile
            self._resolution = None
            self._credential = found
        return self._credential

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise RuntimeError("RegistryAuth is async only")

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if not _same_endpoint(request.url, self.registry):
            yield request
            return
        scope = scope_for(request.method, request.url.path)
        sent: str | None = None
        if self._basic is not None:
            request.headers["Authorization"] = self._basic
        elif self._bearer is not None:
            sent = await self._token(scope, self._bearer, request.url, stale=None, wanted=scope)
            request.headers["Authorization"] = f"Bearer {sent}"

        response = yield request
        if response.status_code != 401:
            return
        # Finish the 401 first: its connection goes back to the pool before the token fetch
        # needs one (httpx would read this small body anyway).
        await response.aread()
        # The registry wants authentication: now is the time to look for credentials.
        await self.resolve_credential()

        challenges = parse_www_authenticate(response.headers.get_list("www-authenticate"))
        bearer = next((c for c in challenges if c.scheme == "bearer"), None)
        if bearer is not None:
            # Remember where tokens come from, not what this one request was challenged for.
            self._bearer = {k: v for k, v in bearer.params.items() if k in ("realm", "service")}
            # The challenge's own scope is what the registry wants here (it may ask for more).
            wanted = bearer.params.get("scope") or scope
            token = await self._token(scope, bearer.params, request.url, stale=sent, wanted=wanted)
            if token == sent:
                return
            request.headers["Authorization"] = f"Bearer {token}"
            yield request
            return
        basic = next((c for c in challenges if c.scheme == "basic"), None)
        if basic is not None and self._credential is not None and self._basic is None:
            self._basic = basic_authorization(self._credential)
            request.headers["Authorization"] = self._basic
            yield request

    async def _token(
        self,
        scope: str,
        challenge: dict[str, str],
        url: httpx.URL,
        *,
        stale: str | None,
        wanted: str,
    ) -> str:
        """A fresh token for ``scope``; one fetch at a time per scope, shared by waiters."""
        lock = self._locks.setdefault(scope, asyncio.Lock())
        async with lock:
            cached = self._tokens.get(scope)
            if cached is not None and self._clock() < cached.renew_at and cached.value != stale:
                return cached.value
            token = await self._fetch(challenge, wanted, url)
            self._tokens[scope] = token
            return token.value

    async def _fetch(self, challenge: dict[str, str], scope: str, url: httpx.URL) -> _Token:
        realm = challenge.get("realm")
        if not realm:
            raise BadResponse(f"{self.registry} asked for a token without saying where to get one")
        realm_url = join_http_url(url, realm)
        if realm_url is None:
            raise BadResponse(f"{self.registry} named an unusable token service")
        realm_host = realm_url.netloc.decode("ascii", "replace") or self.registry
        service = challenge.get("service")
        scopes = [s for s in scope.split(" ") if s]
        credential = self._credential
        self.token_fetches += 1

        if credential is not None and credential.identity_token:
            # docker's way with an identity token: the OAuth2 refresh_token grant.
            form = {
                "grant_type": "refresh_token",
                "refresh_token": credential.secret,
                "client_id": OAUTH_CLIENT_ID,
            }
            if service:
                form["service"] = service
            if scopes:
                form["scope"] = " ".join(scopes)
            reply = await self._requester(
                "POST", str(realm_url), params=(), form=form, authorization=None
            )
        else:
            params: list[tuple[str, str]] = []
            if service:
                params.append(("service", service))
            params.extend(("scope", s) for s in scopes)
            authorization = (
                basic_authorization(credential)
                if credential is not None and credential.secret
                else None
            )
            reply = await self._requester(
                "GET", str(realm_url), params=params, form=None, authorization=authorization
            )

        if reply.status in (401, 403):
            if credential is not None and credential.username:
                message = f"authentication failed for {credential.username} at {self.registry}"
            elif credential is not None:
                message = f"authentication failed at {self.registry} (token refused)"
            else:
                message = f"authentication required at {self.registry}"
            raise AuthenticationRequired(message, username=self.username)
        if reply.status != 200:
            raise error_for_status(
                reply.status,
                reply.body,
                host=realm_host,
                username=self.username,
                retry_after=reply.retry_after,
            )
        return self._parse_token(reply.body, realm_host)

    def _parse_token(self, body: bytes, realm_host: str) -> _Token:
        document = load_object(
            body,
            f"the token service at {realm_host} sent invalid JSON",
            f"the token service at {realm_host} sent an unexpected answer",
        )
        value = document.get("token") or document.get("access_token")
        if not isinstance(value, str) or not value or any(c in value for c in "\r\n"):
            raise BadResponse(f"the token service at {realm_host} answered without a token")
        expires_in = document.get("expires_in")
        if isinstance(expires_in, bool) or not isinstance(expires_in, int | float):
            expires_in = DEFAULT_EXPIRES_IN
        # docker treats anything under 60 s as 60 s; renew a little before the end.
        lifetime = max(float(expires_in), DEFAULT_EXPIRES_IN)
        margin = min(10.0, lifetime * 0.2)
        return _Token(value=value, renew_at=self._clock() + lifetime - margin)
