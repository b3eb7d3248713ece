"""The HTTP side of a registry: scheme choice, the auth dance, redirects, OCI limits.

Built on the shared layer (``tagtui.providers.http``: TLS, bounded reads, retries). Everything
above this module sees ``Reply`` objects or ``tagtui.errors`` exceptions, never an httpx
exception. Only idempotent requests (GET, HEAD) are retried.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

import httpx

from tagtui.credentials import Credential
from tagtui.errors import BadResponse, TagtuiError
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.http.client import HttpClient
from tagtui.providers.http.errors import about
from tagtui.providers.http.exchange import ERROR_LIMIT, MIB, Reply, TooLarge, join_http_url
from tagtui.providers.http.transport import TransportProblem
from tagtui.providers.oci.auth import CredentialResolver, RegistryAuth, TokenReply
from tagtui.providers.oci.errormap import Subject, error_for_status
from tagtui.reference import is_loopback_host

# A tags/list or catalog page: 100,000 tags of 100 bytes fit comfortably.
LIST_LIMIT = 32 * MIB
TOKEN_LIMIT = 1 * MIB

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
IDEMPOTENT = frozenset({"GET", "HEAD"})
NO_SUBJECT = Subject()
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class _Ask:
    """One request as the caller made it, carried unchanged through scheme choice and redirects."""

    method: str
    params: Mapping[str, str] | None
    headers: Mapping[str, str] | None
    content: bytes | None
    limit: int


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def _concurrency(registry: str, options: ConnectionOptions) -> int:
    concurrency = max(1, options.concurrency)
    if is_loopback_host(registry):
        # No network latency to hide on loopback, and the registry shares our CPUs: a few
        # connections keep it busy, more only add pool overhead (see RegistryHttp).
        concurrency = min(concurrency, max(4, os.cpu_count() or 4))
    return concurrency


class RegistryHttp(HttpClient):
    """One registry host: keep-alive client, bounded concurrency, auth, retries, mapping."""

    def __init__(
        self,
        registry: str,
        *,
        credential: Credential | None,
        options: ConnectionOptions,
        transport: httpx.AsyncBaseTransport | None = None,
        credential_resolver: CredentialResolver | None = None,
    ) -> None:
        self.concurrency = _concurrency(registry, options)
        # No more connections than requests in flight: httpcore's pool checks every connection
        # on each request, so spare ones only cost CPU.
        super().__init__(
            registry,
            options=options,
            retry_methods=IDEMPOTENT,
            concurrency=self.concurrency,
            transport=transport,
            limits=httpx.Limits(
                max_connections=self.concurrency, max_keepalive_connections=self.concurrency
            ),
        )
        # HTTPS first; loopback (as docker allows) and --insecure hosts may fall back to HTTP.
        self._may_fall_back = is_loopback_host(registry) or options.insecure
        self._scheme: str | None = None if self._may_fall_back else "https"
        self._scheme_lock = asyncio.Lock()
        self.auth = RegistryAuth(
            registry, credential, self._token_request, resolver=credential_resolver
        )

    @property
    def scheme(self) -> str | None:
        return self._scheme

    @property
    def username(self) -> str | None:
        return self.auth.username

    def base_url(self) -> str:
        return f"{self._scheme or 'https'}://{self.host}"

    # --- public -----------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        target: str,
        *,
        params: Mapping[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        limit: int = ERROR_LIMIT,
        ok: Collection[int] = (200,),
        passthrough: Collection[int] = (),
        subject: Subject = NO_SUBJECT,
        too_large: str = "",
    ) -> Reply:
        """Send ``method target`` (a ``/v2/...`` path or a same-registry URL).

        Returns the reply when its status is in ``ok`` or ``passthrough``; raises the mapped
        ``TagtuiError`` otherwise. GET and HEAD are retried on 429/502/503/504 and lost
        connections, with backoff and ``Retry-After``. ``too_large`` is added to the message
        when the body goes past ``limit`` (what would raise it).
        """
        ask = _Ask(method, params, headers, content, limit)
        try:
            reply = await self.with_retries(method, lambda: self._exchange(ask, target))
        except TooLarge:
            raise BadResponse(
                f"{self.host} sent more than {limit // MIB or 1} MiB"
                f"{about(subject.reference or subject.repository)}; refusing it{too_large}"
            ) from None
        if reply.status in ok or reply.status in passthrough:
            return reply
        raise self.error(reply, subject)

    def error(self, reply: Reply, subject: Subject = NO_SUBJECT) -> TagtuiError:
        return error_for_status(
            reply.status,
            reply.body,
            host=self.host,
            username=self.username,
            subject=subject,
            retry_after=reply.header("retry-after"),
            challenge=reply.header("www-authenticate"),
        )

    # --- internals ----------------------------------------------------------------------------

    async def _exchange(self, ask: _Ask, target: str) -> Reply:
        if target.startswith("/") and self._scheme is None:
            async with self._scheme_lock:
                if self._scheme is None:
                    return await self._first_contact(ask, target)
        url = httpx.URL(
            f"{self._scheme}://{self.host}{target}" if target.startswith("/") else target
        )
        return await self._follow(ask, url)

    async def _first_contact(self, ask: _Ask, target: str) -> Reply:
        """Try HTTPS; on a loopback or --insecure host fall back to HTTP if TLS is not spoken."""
        https = httpx.URL(f"https://{self.host}{target}")
        try:
            # Probed before the CA store is loaded (see TlsTrust): HTTP servers fail it anyway.
            reply = await self._follow(ask, https, probe=True)
        except TransportProblem as problem:
            if problem.untrusted and not self.trust.loaded:
                # TLS is spoken: now verify for real (with the store), as the only attempt.
                reply = await self._follow(ask, https)
                self._scheme = "https"
                return reply
            if not problem.plain_http_may_work:
                raise
            reply = await self._follow(ask, httpx.URL(f"http://{self.host}{target}"))
            self._scheme = "http"
            return reply
        self._scheme = "https"
        return reply

    async def _follow(self, ask: _Ask, url: httpx.URL, *, probe: bool = False) -> Reply:
        """Send, following redirects for GET/HEAD; the registry's credentials never leave it.

        ``probe``: the first hop is the loopback HTTPS probe (see TlsTrust); later hops verify.
        """
        registry_origin = _origin(url)
        authorize = True
        for _ in range(MAX_REDIRECTS + 1):
            reply = await self.send(
                ask.method,
                url,
                limit=ask.limit,
                params=ask.params,
                headers=ask.headers,
                content=ask.content,
                auth=self.auth if authorize else None,
                probe=probe,
            )
            probe = False
            location = reply.header("location")
            if (
                reply.status not in REDIRECT_STATUSES
                or ask.method not in IDEMPOTENT
                or not location
            ):
                return reply
            next_url = join_http_url(url, location)
            if next_url is None:
                raise BadResponse(f"{self.host} redirected to an unusable URL")
            if url.scheme == "https" and next_url.scheme == "http" and not self._may_fall_back:
                raise BadResponse(f"{self.host} redirected from HTTPS to plain HTTP; refusing")
            if _origin(next_url) != registry_origin:
                # Object storage (S3, GCS...) gets a signed URL, never our Authorization header.
                authorize = False
            url, ask = next_url, replace(ask, params=None)
        raise BadResponse(f"{self.host} redirected more than {MAX_REDIRECTS} times")

    async def _token_request(
        self,
        method: str,
        url: str,
        *,
        params: Sequence[tuple[str, str]],
        form: Mapping[str, str] | None,
        authorization: str | None,
    ) -> TokenReply:
        """One request to a token endpoint (may be another host), outside the auth flow."""
        headers = {"Accept": "application/json"}
        if authorization:
            headers["Authorization"] = authorization
        try:
            # Not gated: the request waiting for this token already holds a place.
            reply = await self.send(
                method,
                url,
                limit=TOKEN_LIMIT,
                params=params or None,
                headers=headers,
                form=form,
                host=httpx.URL(url).netloc.decode() or self.host,
                gated=False,
            )
        except TooLarge:
            raise BadResponse(
                f"the token service of {self.host} sent an oversized answer"
            ) from None
        except TransportProblem as problem:
            raise problem.error from None
        return TokenReply(
            status=reply.status, body=reply.body, retry_after=reply.header("retry-after")
        )
