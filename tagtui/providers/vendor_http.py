"""The HTTP side of a vendor's JSON API (Scaleway, NCR, OpenShift, Tutum): one job, done once.

What a provider gets from ``VendorHttp``:

- one keep-alive ``httpx.AsyncClient`` with an explicit timeout, TLS from ``ConnectionOptions``
  (``--insecure``, ``--ca-cert``) and bounded concurrency;
- URLs sent exactly as built: ``path`` is the raw, already percent-encoded path (``%2F`` stays
  ``%2F``) and ``params`` are encoded here in the order given, so a request signer sees byte for
  byte what goes on the wire (``request.url.raw_path``);
- an ``auth`` hook called for every attempt with ``(METHOD, raw path + query)`` that returns the
  headers to add (a token header, ``Authorization``, or a fresh signature with a new timestamp);
- failures as ``tagtui.errors`` with one-line messages, never an httpx/json exception:
  401 -> AuthenticationRequired, 403 -> PermissionDenied, 404 -> NotFound, 409 -> Conflict,
  429 -> RateLimited (with ``Retry-After``), 5xx -> ServerError, other 4xx -> RequestRejected,
  timeouts -> RegistryTimeout, refused -> ConnectionFailed, certificates -> TLSError, bodies
  that are not JSON (or too large) -> BadResponse. The vendor's own message is quoted from the
  usual error shapes (``message``, ``error.message``, Kubernetes ``Status``, ``detail``...);
- bounded retries for GET only (429/502/503/504, lost connections), honouring ``Retry-After``;
- ``PageGuard`` for pagination loops: a page that repeats, a cursor that comes back, or an
  absurd page count ends with BadResponse instead of a hang;
- small readers for untrusted JSON fields (``text``, ``integer``, ``timestamp``...).

Example::

    http = VendorHttp("Scaleway", "https://api.scaleway.com/registry/v1/regions/fr-par",
                      options=options.connection,
                      auth=lambda method, target: {"X-Auth-Token": key})
    page = await http.get_json("/images", params=[("page", "1"), ("page_size", "100")],
                               subject="images")
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import ssl
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx

from tagtui import __version__
from tagtui.errors import (
    AuthenticationRequired,
    BadResponse,
    ConfigError,
    Conflict,
    NotFound,
    PermissionDenied,
    RateLimited,
    ServerError,
    TagtuiError,
)
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.oci.errormap import RequestRejected, parse_retry_after
from tagtui.providers.oci.http import transport_problem
from tagtui.text import human_size, sanitize

__all__ = [
    "JSON_LIMIT",
    "BadResponse",
    "PageGuard",
    "RequestRejected",
    "VendorHttp",
    "VendorReply",
    "boolean",
    "encode_segment",
    "integer",
    "mapping",
    "sequence",
    "text",
    "timestamp",
    "vendor_message",
]

KIB = 1024
MIB = 1024 * KIB
# One page of a vendor listing; far above any real page of 100 items.
JSON_LIMIT = 32 * MIB
# Error bodies are only read for their message; longer ones are cut, not refused.
ERROR_LIMIT = 64 * KIB
RETRY_STATUSES = frozenset({429, 502, 503, 504})

#: ``auth(method, raw_target)`` -> headers for this attempt. ``raw_target`` is the path plus
#: ``?query`` exactly as sent, e.g. ``/ncr/api/v2/repositories/r/hello%2Fworld/tags?page=1``.
AuthHook = Callable[[str, str], Mapping[str, str]]


def encode_segment(value: str) -> str:
    """One path segment, fully percent-encoded: ``hello/world`` -> ``hello%2Fworld``."""
    return quote(value, safe="")


def encode_query(params: Sequence[tuple[str, str]]) -> str:
    """``a=1&b=x%2Fy`` in the order given (signatures depend on it); spaces as ``%20``."""
    return "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in params)


@dataclass(frozen=True)
class VendorReply:
    """A finished exchange: status, headers, the (size-limited) body, and what was asked."""

    status: int
    headers: httpx.Headers
    body: bytes
    method: str
    target: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


# --- vendor error messages ----------------------------------------------------------------------


def vendor_message(body: bytes) -> str | None:
    """The human part of a vendor's error body, short and sanitised; None when there is none.

    Shapes understood: ``{"message"}`` (Scaleway, Kubernetes Status), ``{"error": {"message",
    "errorCode", "details"}}`` (NCP gateway), ``{"error": "..."}``, ``{"error_message"}``,
    ``{"detail"}`` / ``{"details"}`` (Tastypie). A short plain-text body is quoted as is; HTML is
    not (it is a proxy's error page, not the API speaking).
    """
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return _plain_text(body)
    found = _message_in(document)
    return sanitize(found, limit=200) if found else None


def _message_in(document: Any) -> str | None:
    if isinstance(document, str):
        return document.strip() or None
    if not isinstance(document, dict):
        return None
    error = document.get("error")
    if isinstance(error, dict):
        message = error.get("message") or error.get("details")
        code = error.get("errorCode") or error.get("code")
        if isinstance(message, str) and message.strip():
            return f"{code}: {message.strip()}" if isinstance(code, str | int) else message.strip()
        if isinstance(code, str | int):
            return str(code)
    for key in ("message", "error_message", "error", "detail", "details", "reason"):
        value = document.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _plain_text(body: bytes) -> str | None:
    try:
        text_body = body.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    if not text_body or text_body.startswith("<") or len(text_body) > 300:
        return None
    return sanitize(text_body, limit=200)


# --- pagination guard ----------------------------------------------------------------------------


class PageGuard:
    """Stops pagination loops that never end: repeated pages, returning cursors, endless pages.

    Call ``check(cursor, body)`` once per page fetched. ``cursor`` is what asked for the page (a
    page number, a continue token, a next URL); ``body`` the raw page. A cursor seen before, or a
    non-empty page whose items already came (same body), raises BadResponse.
    """

    def __init__(self, service: str, what: str, *, max_pages: int = 10_000) -> None:
        self.service = service
        self.what = what
        self.max_pages = max_pages
        self.pages = 0
        self._cursors: set[str] = set()
        self._bodies: set[bytes] = set()

    def check(self, cursor: object, body: bytes | None = None) -> None:
        self.pages += 1
        key = repr(cursor)
        if key in self._cursors:
            raise BadResponse(
                f"{self.service} pointed back to a page of {self.what} it already sent "
                f"({sanitize(str(cursor), limit=60)}); stopping instead of looping"
            )
        self._cursors.add(key)
        if body is not None:
            fingerprint = hashlib.sha256(body).digest()
            if fingerprint in self._bodies:
                raise BadResponse(
                    f"{self.service} sent the same page of {self.what} again (page {self.pages}); "
                    "stopping instead of looping"
                )
            self._bodies.add(fingerprint)
        if self.pages > self.max_pages:
            raise BadResponse(
                f"{self.service} sent more than {self.max_pages} pages of {self.what}; stopping"
            )

    def check_items(self, keys: Sequence[str]) -> None:
        """A page whose every item was already seen (by id) repeats an earlier page."""
        fingerprint = hashlib.sha256("\0".join(keys).encode()).digest()
        if keys and fingerprint in self._bodies:
            raise BadResponse(
                f"{self.service} sent the same page of {self.what} again (page {self.pages}); "
                "stopping instead of looping"
            )
        self._bodies.add(fingerprint)


# --- the client ----------------------------------------------------------------------------------


def _ssl_context(options: ConnectionOptions) -> ssl.SSLContext | bool:
    if options.insecure:
        return False
    context = ssl.create_default_context()
    if options.ca_cert is not None:
        try:
            context.load_verify_locations(cafile=str(options.ca_cert))
        except (OSError, ssl.SSLError) as err:
            raise ConfigError(f"cannot use CA bundle {options.ca_cert}: {err}") from None
    return context


class _TooLarge(Exception):
    pass


class VendorHttp:
    """One vendor API base URL: keep-alive client, auth hook, GET retries, error mapping.

    ``service`` names the API in messages ("Scaleway API", "NCR"); ``base_url`` is scheme, host
    and any fixed path prefix (``https://ncr.apigw.ntruss.com/ncr/api/v2``), without a trailing
    slash. ``username`` (if known) is only used to say who was refused.
    """

    def __init__(
        self,
        service: str,
        base_url: str,
        *,
        options: ConnectionOptions,
        auth: AuthHook | None = None,
        headers: Mapping[str, str] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        try:
            parsed = httpx.URL(base_url)
        except (httpx.InvalidURL, TypeError, ValueError):
            raise ConfigError(f"invalid endpoint URL {sanitize(base_url)!r}") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ConfigError(f"endpoint must be an http(s) URL with a host, not {base_url!r}")
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.host = parsed.netloc.decode("ascii", "replace")
        self.options = options
        self.auth = auth
        self.username: str | None = None
        self._semaphore = asyncio.Semaphore(max(1, options.concurrency))
        self._client = httpx.AsyncClient(
            transport=transport,
            verify=_ssl_context(options),
            timeout=httpx.Timeout(options.timeout),
            headers={
                "User-Agent": f"tagtui/{__version__}",
                "Accept": "application/json",
                **(headers or {}),
            },
            follow_redirects=False,
            trust_env=False,
        )
        # Retry policy (GET only); tests shorten these.
        self.max_retries = 3
        self.backoff = 0.25
        self.max_retry_after = 60.0
        self.sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    async def aclose(self) -> None:
        await self._client.aclose()

    def url_for(self, path: str, params: Sequence[tuple[str, str]] | None = None) -> httpx.URL:
        """The full URL for a raw ``path`` (starting with ``/``) and query, unchanged by httpx."""
        query = encode_query(params) if params else ""
        return httpx.URL(f"{self.base_url}{path}{'?' + query if query else ''}")

    # --- requests ---------------------------------------------------------------------------

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Sequence[tuple[str, str]] | None = None,
        json_body: Any = None,
        ok: Collection[int] = (200,),
        passthrough: Collection[int] = (),
        subject: str | None = None,
        limit: int = JSON_LIMIT,
    ) -> VendorReply:
        """Send ``method path?params``; return the reply if its status is in ``ok``/``passthrough``.

        Anything else raises the mapped ``TagtuiError``; ``subject`` ("tag ns/img:latest") makes
        messages specific. Only GET is retried.
        """
        url = self.url_for(path, params)
        content = None if json_body is None else json.dumps(json_body).encode()
        attempt = 0
        while True:
            try:
                reply = await self._send(method, url, content, limit)
            except _TooLarge:
                raise BadResponse(
                    f"{self.service} sent more than {human_size(limit)}{_about(subject)}; "
                    "refusing it"
                ) from None
            except _Retryable as problem:
                if method == "GET" and attempt < self.max_retries:
                    await self.sleep(self._backoff(attempt))
                    attempt += 1
                    continue
                raise problem.error from None
            if reply.status in RETRY_STATUSES and method == "GET" and attempt < self.max_retries:
                delay = self._retry_delay(reply, attempt)
                if delay is not None:
                    await self.sleep(delay)
                    attempt += 1
                    continue
            break
        if reply.status in ok or reply.status in passthrough:
            return reply
        raise self.error(reply, subject)

    async def get_json(
        self,
        path: str,
        *,
        params: Sequence[tuple[str, str]] | None = None,
        subject: str | None = None,
    ) -> Any:
        """GET and decode a JSON document (BadResponse when the body is not JSON)."""
        reply = await self.request("GET", path, params=params, subject=subject)
        return self.decode(reply, subject)

    def decode(self, reply: VendorReply, subject: str | None = None) -> Any:
        """The reply's body as JSON, or BadResponse naming what came instead."""
        if not reply.body.strip():
            raise BadResponse(f"{self.service} sent an empty answer{_about(subject)}")
        try:
            return json.loads(reply.body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            kind = (reply.header("content-type") or "no content type").split(";")[0].strip()
            raise BadResponse(
                f"{self.service} sent a body that is not valid JSON ({sanitize(kind, limit=60)})"
                f"{_about(subject)}"
            ) from None

    # --- errors -----------------------------------------------------------------------------

    def error(self, reply: VendorReply, subject: str | None = None) -> TagtuiError:
        """The ``tagtui.errors`` exception for a non-success reply, quoting the vendor."""
        status = reply.status
        said = vendor_message(reply.body)
        quoted = f": {said}" if said else ""
        about = _about(subject)
        where = f"{self.service} ({self.host})"
        if status == 401:
            who = f" for {self.username}" if self.username else ""
            return AuthenticationRequired(
                f"{where} rejected the credentials{who}{quoted}",
                registry=self.host,
                username=self.username,
            )
        if status == 403:
            return PermissionDenied(f"{where} denied access{about}{quoted}", registry=self.host)
        if status == 404:
            what = subject or "the resource"
            return NotFound(f"{what} not found at {where}{quoted}")
        if status == 409:
            return Conflict(f"{where} refused{about} (conflict){quoted}")
        if status == 429:
            seconds = parse_retry_after(reply.header("retry-after"))
            later = f"; retry after {seconds:g} s" if seconds is not None else "; try again later"
            return RateLimited(
                f"rate limited by {where}{about}{f' ({said})' if said else ''}{later}",
                retry_after=seconds,
            )
        if status >= 500:
            return ServerError(f"{where} answered HTTP {status}{about}{quoted}")
        if 300 <= status < 400:
            return BadResponse(f"{where} redirected{about} (HTTP {status}); not following")
        return RequestRejected(f"{where} refused the request{about}: HTTP {status}{quoted}")

    # --- internals --------------------------------------------------------------------------

    def _backoff(self, attempt: int) -> float:
        base = self.backoff * (2**attempt)
        return base + random.uniform(0, self.backoff / 2) if base else 0.0

    def _retry_delay(self, reply: VendorReply, attempt: int) -> float | None:
        retry_after = parse_retry_after(reply.header("retry-after"))
        if retry_after is None:
            return self._backoff(attempt)
        if retry_after > self.max_retry_after:
            return None  # not worth waiting: say so now
        return retry_after

    async def _send(
        self, method: str, url: httpx.URL, content: bytes | None, limit: int
    ) -> VendorReply:
        raw = url.raw_path.decode("ascii")
        headers = dict(self.auth(method, raw)) if self.auth is not None else {}
        if content is not None:
            headers["Content-Type"] = "application/json"
        try:
            request = self._client.build_request(method, url, headers=headers, content=content)
            async with self._semaphore:
                response = await self._client.send(request, stream=True)
                try:
                    success = 200 <= response.status_code < 300
                    body = await _read_limited(response, limit if success else ERROR_LIMIT, success)
                finally:
                    await response.aclose()
        except (TagtuiError, _TooLarge):
            raise
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError) as exc:
            problem = transport_problem(exc, self.host, self.options.timeout)
            if problem.retryable:
                raise _Retryable(problem.error) from None
            raise problem.error from None
        return VendorReply(response.status_code, response.headers, body, method, raw)


class _Retryable(Exception):
    def __init__(self, error: TagtuiError) -> None:
        super().__init__(str(error))
        self.error = error


async def _read_limited(response: httpx.Response, limit: int, strict: bool) -> bytes:
    length = response.headers.get("content-length", "")
    if strict and length.isdigit() and int(length) > limit:
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


def _about(subject: str | None) -> str:
    return f" for {subject}" if subject else ""


# --- reading untrusted JSON ----------------------------------------------------------------------


def mapping(value: Any, service: str, what: str) -> dict[str, Any]:
    """``value`` if it is a JSON object, else BadResponse("<service> sent ... <what>")."""
    if not isinstance(value, dict):
        raise BadResponse(f"{service} sent {_kind(value)} where {what} should be an object")
    return value


def sequence(value: Any, service: str, what: str, *, missing_ok: bool = False) -> list[Any]:
    """``value`` if it is a JSON array (None -> [] when ``missing_ok``), else BadResponse."""
    if value is None and missing_ok:
        return []
    if not isinstance(value, list):
        raise BadResponse(f"{service} sent {_kind(value)} where {what} should be a list")
    return value


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number"
    )


def text(value: Any) -> str | None:
    """A non-empty string, or None (null, empty, or another type: shown as absent)."""
    if isinstance(value, str) and value != "":
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def integer(value: Any) -> int | None:
    """An integer from a number or a digit string; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def boolean(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


# Epoch values above this are milliseconds (1e12 s would be the year 33658).
_MILLISECONDS = 1e12


def timestamp(value: Any) -> datetime | None:
    """A UTC datetime from RFC 3339 text or an epoch number (ms when > 1e12, else s).

    0, null, and anything unparseable are absent (None), never "1970-01-01".
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return None
        if stripped.lstrip("-").replace(".", "", 1).isdigit():
            return timestamp(float(stripped))
        try:
            parsed = datetime.fromisoformat(stripped.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return _rfc3339_nanos(stripped)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    if isinstance(value, int | float):
        if value <= 0 or value != value:
            return None
        seconds = value / 1000 if value > _MILLISECONDS else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    return None


def _rfc3339_nanos(value: str) -> datetime | None:
    """RFC 3339 with more than 6 fractional digits (Go writes nanoseconds)."""
    head, dot, rest = value.partition(".")
    if not dot:
        return None
    digits = len(rest) - len(rest.lstrip("0123456789"))
    trimmed = f"{head}.{rest[: min(digits, 6)]}{rest[digits:]}"
    try:
        parsed = datetime.fromisoformat(trimmed.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
