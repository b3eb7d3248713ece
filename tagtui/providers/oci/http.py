"""The HTTP side of a registry: one client, scheme choice, retries, size limits, error mapping.

Everything above this module sees ``Reply`` objects or ``tagtui.errors`` exceptions, never an
httpx exception. Only idempotent requests (GET, HEAD) are retried.
"""

from __future__ import annotations

import asyncio
import importlib.util
import os
import random
import re
import socket
import ssl
import sys
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass

import httpx

from tagtui import __version__
from tagtui.credentials import Credential
from tagtui.errors import (
    BadResponse,
    ConfigError,
    ConnectionFailed,
    RegistryTimeout,
    TagtuiError,
    TLSError,
)
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.oci.auth import CredentialResolver, RegistryAuth, TokenReply
from tagtui.providers.oci.errormap import Subject, error_for_status, parse_retry_after
from tagtui.reference import is_loopback_host

if importlib.util.find_spec("sniffio") is None:
    # httpcore runs `import sniffio` on every lock it takes; when sniffio is not installed each
    # failed import searches sys.path again (~5 s of CPU per 5,000 requests). A None entry makes
    # the same ImportError immediate. (Installing sniffio is the other cure.)
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]

KIB = 1024
MIB = 1024 * KIB
# The spec asks registries to accept manifests of at least 4 MB; we refuse anything larger.
MANIFEST_LIMIT = 4 * MIB
CONFIG_LIMIT = 16 * MIB
# A tags/list or catalog page: 100,000 tags of 100 bytes fit comfortably.
LIST_LIMIT = 32 * MIB
TOKEN_LIMIT = 1 * MIB
# Error bodies are only read for their message; longer ones are cut, not refused.
ERROR_LIMIT = 64 * KIB

RETRY_STATUSES = frozenset({429, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
IDEMPOTENT = frozenset({"GET", "HEAD"})
NO_SUBJECT = Subject()
MAX_REDIRECTS = 5


@dataclass(frozen=True)
class Reply:
    """A finished exchange: status, headers and the (size-limited) body."""

    status: int
    headers: httpx.Headers
    body: bytes
    url: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


class _TransportProblem(Exception):
    """A failed exchange (no HTTP answer), already mapped to the error a user would see."""

    def __init__(
        self,
        error: TagtuiError,
        *,
        retryable: bool,
        plain_http_may_work: bool,
        untrusted: bool = False,
    ) -> None:
        super().__init__(str(error))
        self.error = error
        self.retryable = retryable
        self.plain_http_may_work = plain_http_may_work
        # The peer speaks TLS but its certificate was not verified.
        self.untrusted = untrusted


class _TooLarge(Exception):
    pass


def context_without_store() -> ssl.SSLContext:
    """What ``ssl.create_default_context()`` builds, minus the CA store it loads.

    The same steps as the standard library for ``Purpose.SERVER_AUTH`` (a test compares the
    two): ``PROTOCOL_TLS_CLIENT``, ``CERT_REQUIRED``, host name checks, the 3.13+ strict and
    partial-chain flags, ``SSLKEYLOGFILE``.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.verify_mode = ssl.CERT_REQUIRED
    context.check_hostname = True
    if sys.version_info >= (3, 13):
        context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN | ssl.VERIFY_X509_STRICT
    keylog = os.environ.get("SSLKEYLOGFILE")
    if keylog and not sys.flags.ignore_environment:
        context.keylog_filename = keylog
    return context


class TlsTrust:
    """The client's SSL context, whose CA store is loaded only when a verified handshake is due.

    Loading the system store costs ~30 ms of CPU. A loopback registry is first probed over HTTPS
    with the store still empty: a plain-HTTP registry fails that handshake before any
    certificate is looked at (and is then used over HTTP, as before), while a TLS registry fails
    verification, and the probe is repeated with the store loaded. An empty store trusts
    nothing, so no handshake ever succeeds without the full verification.
    """

    def __init__(self, options: ConnectionOptions) -> None:
        self.context: ssl.SSLContext | bool
        self.loaded = True
        if options.insecure:
            self.context = False
        elif options.ca_cert is not None:
            # Loaded now, so a bad bundle is a configuration error before any request.
            context = ssl.create_default_context()
            try:
                context.load_verify_locations(cafile=str(options.ca_cert))
            except (OSError, ssl.SSLError) as err:
                raise ConfigError(f"cannot use CA bundle {options.ca_cert}: {err}") from None
            self.context = context
        else:
            self.context = context_without_store()
            self.loaded = False

    def load(self) -> None:
        """Load the system CA store (before any handshake whose verification counts)."""
        if not self.loaded and isinstance(self.context, ssl.SSLContext):
            self.context.load_default_certs(ssl.Purpose.SERVER_AUTH)
        self.loaded = True


def _causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _ssl_reason(exc: BaseException) -> str:
    reason = getattr(exc, "verify_message", None) or getattr(exc, "reason", None) or str(exc)
    return str(reason)


def transport_problem(exc: Exception, host: str, timeout: float) -> _TransportProblem:
    """Map an httpx/ssl/OS failure to the user's error, and whether retrying may help."""
    if isinstance(exc, httpx.TimeoutException):
        connect = isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
        return _TransportProblem(
            RegistryTimeout(f"{host} did not answer within {timeout:g} s"),
            retryable=connect,
            plain_http_may_work=False,
        )
    chain = _causes(exc)
    for cause in chain:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return _TransportProblem(
                TLSError(
                    f"certificate of {host} not trusted ({_ssl_reason(cause)}); "
                    "use --ca-cert FILE to trust its CA (or --insecure)"
                ),
                retryable=False,
                plain_http_may_work=False,
                untrusted=True,
            )
    for cause in chain:
        if isinstance(cause, ssl.SSLError):
            return _TransportProblem(
                TLSError(
                    f"TLS handshake with {host} failed ({_ssl_reason(cause)}); "
                    "if it speaks plain HTTP, use --insecure"
                ),
                retryable=False,
                plain_http_may_work=True,
            )
    if isinstance(exc, httpx.ConnectError):
        reason = "connection refused"
        for cause in chain:
            if isinstance(cause, socket.gaierror):
                reason = "host name not found"
                break
            if isinstance(cause, ConnectionRefusedError):
                break
        else:
            reason = str(exc) or type(exc).__name__
        return _TransportProblem(
            ConnectionFailed(f"cannot connect to {host}: {reason}"),
            retryable=True,
            plain_http_may_work=True,
        )
    if isinstance(exc, httpx.DecodingError):
        return _TransportProblem(
            BadResponse(f"{host} sent a body that cannot be decoded"),
            retryable=False,
            plain_http_may_work=False,
        )
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        return _TransportProblem(
            ConnectionFailed(f"connection to {host} broke: {exc or type(exc).__name__}"),
            retryable=True,
            plain_http_may_work=False,
        )
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return _TransportProblem(
            BadResponse(f"{host} sent an unusable URL"),
            retryable=False,
            plain_http_may_work=False,
        )
    return _TransportProblem(
        ConnectionFailed(f"talking to {host} failed: {exc or type(exc).__name__}"),
        retryable=False,
        plain_http_may_work=False,
    )


_LINK = re.compile(r"<([^>]*)>\s*((?:;\s*[^;,]*)*)")
_REL_NEXT = re.compile(r"""rel\s*=\s*"?([^";]*)"?""", re.IGNORECASE)


def parse_next_link(header: str | None) -> str | None:
    """The ``rel="next"`` target of a ``Link`` header, as given (maybe relative)."""
    if not header:
        return None
    for match in _LINK.finditer(header):
        rel = _REL_NEXT.search(match.group(2) or "")
        if rel and "next" in rel.group(1).split():
            return match.group(1).strip()
    return None


async def _read_limited(
    response: httpx.Response, limit: int, *, strict: bool, head: bool = False
) -> bytes:
    length = response.headers.get("content-length", "")
    # A HEAD's Content-Length describes the body a GET would send, not this (empty) one.
    if strict and not head and length.isdigit() and int(length) > limit:
        raise _TooLarge
    chunks: list[bytes] = []
    total = 0
    async for chunk in response.aiter_bytes():
        total += len(chunk)
        if total > limit:
            if strict:
                raise _TooLarge
            chunks.append(chunk[: len(chunk) - (total - limit)])
            break
        chunks.append(chunk)
    return b"".join(chunks)


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


class RegistryHttp:
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
        self.host = registry
        self.options = options
        self._loopback = is_loopback_host(registry)
        # HTTPS first; loopback (as docker allows) and --insecure hosts may fall back to HTTP.
        self._may_fall_back = self._loopback or options.insecure
        self._scheme: str | None = None if self._may_fall_back else "https"
        self._scheme_lock = asyncio.Lock()
        self.concurrency = max(1, options.concurrency)
        if self._loopback:
            # No network latency to hide on loopback, and the registry shares our CPUs: a few
            # connections keep it busy, more only add pool overhead (see below).
            self.concurrency = min(self.concurrency, max(4, os.cpu_count() or 4))
        self._semaphore = asyncio.Semaphore(self.concurrency)
        # No more connections than requests in flight: httpcore's pool checks every connection
        # on each request, so spare ones only cost CPU.
        limits = httpx.Limits(
            max_connections=self.concurrency, max_keepalive_connections=self.concurrency
        )
        self.trust = TlsTrust(options)
        self._client = httpx.AsyncClient(
            transport=transport,
            verify=self.trust.context,
            timeout=httpx.Timeout(options.timeout),
            limits=limits,
            headers={"User-Agent": f"tagtui/{__version__}"},
            follow_redirects=False,
            trust_env=False,
        )
        self.auth = RegistryAuth(
            registry, credential, self._token_request, resolver=credential_resolver
        )
        # Retry policy; tests shorten these.
        self.max_retries = 3
        self.backoff = 0.25
        self.max_retry_after = 60.0
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    @property
    def scheme(self) -> str | None:
        return self._scheme

    @property
    def username(self) -> str | None:
        return self.auth.username

    async def aclose(self) -> None:
        await self._client.aclose()

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
    ) -> Reply:
        """Send ``method target`` (a ``/v2/...`` path or a same-registry URL).

        Returns the reply when its status is in ``ok`` or ``passthrough``; raises the mapped
        ``TagtuiError`` otherwise. GET and HEAD are retried on 429/502/503/504 and lost
        connections, with backoff and ``Retry-After``.
        """
        attempt = 0
        while True:
            try:
                reply = await self._exchange(method, target, params, headers, content, limit)
            except _TransportProblem as problem:
                if problem.retryable and method in IDEMPOTENT and attempt < self.max_retries:
                    await self.sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise problem.error from None
            except _TooLarge:
                raise BadResponse(
                    f"{self.host} sent more than {limit // MIB or 1} MiB"
                    f"{self._about(subject)}; refusing it"
                ) from None
            retry = reply.status in RETRY_STATUSES and method in IDEMPOTENT
            if retry and attempt < self.max_retries:
                delay = self._retry_delay(reply, attempt)
                if delay is not None:
                    await self.sleep(delay)
                    attempt += 1
                    continue
            break
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

    @staticmethod
    def _about(subject: Subject) -> str:
        what = subject.reference or subject.repository
        return f" for {what}" if what else ""

    def _backoff(self, attempt: int) -> float:
        base = self.backoff * (2**attempt)
        return base + random.uniform(0, self.backoff / 2) if base else 0.0

    def _retry_delay(self, reply: Reply, attempt: int) -> float | None:
        """Seconds to wait before retrying, or None when waiting is not worth it."""
        retry_after = parse_retry_after(reply.header("retry-after"))
        if retry_after is None:
            return self._backoff(attempt)
        if retry_after > self.max_retry_after:
            return None
        return retry_after

    async def _exchange(
        self,
        method: str,
        target: str,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        content: bytes | None,
        limit: int,
    ) -> Reply:
        if target.startswith("/") and self._scheme is None:
            async with self._scheme_lock:
                if self._scheme is None:
                    return await self._first_contact(
                        method, target, params, headers, content, limit
                    )
        url = httpx.URL(
            f"{self._scheme}://{self.host}{target}" if target.startswith("/") else target
        )
        return await self._follow(method, url, params, headers, content, limit)

    async def _first_contact(
        self,
        method: str,
        target: str,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        content: bytes | None,
        limit: int,
    ) -> Reply:
        """Try HTTPS; on a loopback or --insecure host fall back to HTTP if TLS is not spoken."""
        https = httpx.URL(f"https://{self.host}{target}")
        try:
            # Probed before the CA store is loaded (see TlsTrust): HTTP servers fail it anyway.
            reply = await self._follow(method, https, params, headers, content, limit, probe=True)
        except _TransportProblem as problem:
            if problem.untrusted and not self.trust.loaded:
                # TLS is spoken: now verify for real (with the store), as the only attempt.
                self.trust.load()
                reply = await self._follow(method, https, params, headers, content, limit)
                self._scheme = "https"
                return reply
            if not problem.plain_http_may_work:
                raise
            reply = await self._follow(
                method, httpx.URL(f"http://{self.host}{target}"), params, headers, content, limit
            )
            self._scheme = "http"
            return reply
        self._scheme = "https"
        return reply

    async def _follow(
        self,
        method: str,
        url: httpx.URL,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        content: bytes | None,
        limit: int,
        *,
        probe: bool = False,
    ) -> Reply:
        """Send, following redirects for GET/HEAD; the registry's credentials never leave it.

        ``probe``: the first hop is the loopback HTTPS probe (see TlsTrust); later hops verify.
        """
        registry_origin = _origin(url)
        authorize = True
        for _ in range(MAX_REDIRECTS + 1):
            reply = await self._send(
                method, url, params, headers, content, limit, authorize=authorize, probe=probe
            )
            probe = False
            location = reply.header("location")
            if reply.status not in REDIRECT_STATUSES or method not in IDEMPOTENT or not location:
                return reply
            try:
                next_url = url.join(location)
            except (httpx.InvalidURL, ValueError):
                raise BadResponse(f"{self.host} redirected to an unusable URL") from None
            if next_url.scheme not in ("http", "https"):
                raise BadResponse(f"{self.host} redirected to an unusable URL")
            if url.scheme == "https" and next_url.scheme == "http" and not self._may_fall_back:
                raise BadResponse(f"{self.host} redirected from HTTPS to plain HTTP; refusing")
            if _origin(next_url) != registry_origin:
                # Object storage (S3, GCS...) gets a signed URL, never our Authorization header.
                authorize = False
            url, params = next_url, None
        raise BadResponse(f"{self.host} redirected more than {MAX_REDIRECTS} times")

    async def _send(
        self,
        method: str,
        url: httpx.URL,
        params: Mapping[str, str] | None,
        headers: Mapping[str, str] | None,
        content: bytes | None,
        limit: int,
        *,
        authorize: bool,
        probe: bool = False,
    ) -> Reply:
        if url.scheme == "https" and not probe:
            self.trust.load()
        try:
            request = self._client.build_request(
                method, url, params=params, headers=headers, content=content
            )
            async with self._semaphore:
                response = await self._client.send(
                    request, auth=self.auth if authorize else None, stream=True
                )
                try:
                    strict = 200 <= response.status_code < 300
                    # HEAD bodies are empty, but reading the stream to its end is what lets
                    # the connection go back to the pool instead of being closed.
                    body = await _read_limited(
                        response,
                        limit if strict else ERROR_LIMIT,
                        strict=strict,
                        head=method == "HEAD",
                    )
                finally:
                    await response.aclose()
        except (TagtuiError, _TooLarge):
            raise
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError) as exc:
            raise transport_problem(exc, self.host, self.options.timeout) from None
        return Reply(response.status_code, response.headers, body, str(response.url))

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
        if url.startswith("https:"):
            self.trust.load()
        try:
            request = self._client.build_request(
                method, url, params=params or None, headers=headers, data=form
            )
            response = await self._client.send(request, auth=None, stream=True)
            try:
                strict = 200 <= response.status_code < 300
                body = await _read_limited(
                    response, TOKEN_LIMIT if strict else ERROR_LIMIT, strict=strict
                )
            finally:
                await response.aclose()
        except _TooLarge:
            raise BadResponse(
                f"the token service of {self.host} sent an oversized answer"
            ) from None
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError) as exc:
            problem = transport_problem(
                exc, httpx.URL(url).netloc.decode() or self.host, self.options.timeout
            )
            raise problem.error from None
        return TokenReply(
            status=response.status_code,
            body=body,
            retry_after=response.headers.get("retry-after"),
        )
