"""``VendorHttp``: the client for a vendor's JSON API (Scaleway, NCR, OpenShift, Tutum).

What a provider gets from it:

- one keep-alive ``httpx.AsyncClient`` with an explicit timeout, TLS from ``ConnectionOptions``
  (``--insecure``, ``--ca-cert``) and bounded concurrency;
- URLs sent exactly as built: ``path`` is the raw, already percent-encoded path (``%2F`` stays
  ``%2F``) and ``params`` are encoded here in the order given, so a request signer sees byte for
  byte what goes on the wire (``request.url.raw_path``);
- an ``auth`` hook called for every attempt with ``(METHOD, raw path + query)`` that returns the
  headers to add (a token header, ``Authorization``, or a fresh signature with a new timestamp);
- failures as ``tagtui.errors`` with one-line messages, never an httpx/json exception (see
  ``errors.vendor_error``): timeouts, refused connections, certificates, bodies that are not
  JSON (or too large) included;
- bounded retries for GET only (429/502/503/504, lost connections), honouring ``Retry-After``.

Example::

    http = VendorHttp("Scaleway", "https://api.scaleway.com/registry/v1/regions/fr-par",
                      options=options.connection,
                      auth=lambda method, target: {"X-Auth-Token": key})
    page = await http.get_json("/images", params=[("page", "1"), ("page_size", "100")],
                               subject="images")
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from tagtui.errors import BadResponse, ConfigError, TagtuiError
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.http.client import HttpClient
from tagtui.providers.http.errors import about, vendor_error
from tagtui.providers.http.exchange import MIB, Reply, TooLarge
from tagtui.providers.json_body import load_json
from tagtui.text import human_size, sanitize

# One page of a vendor listing; far above any real page of 100 items.
JSON_LIMIT = 32 * MIB

#: ``auth(method, raw_target)`` -> headers for this attempt. ``raw_target`` is the path plus
#: ``?query`` exactly as sent, e.g. ``/ncr/api/v2/repositories/r/hello%2Fworld/tags?page=1``.
AuthHook = Callable[[str, str], Mapping[str, str]]


def encode_segment(value: str) -> str:
    """One path segment, fully percent-encoded: ``hello/world`` -> ``hello%2Fworld``."""
    return quote(value, safe="")


def encode_query(params: Sequence[tuple[str, str]]) -> str:
    """``a=1&b=x%2Fy`` in the order given (signatures depend on it); spaces as ``%20``."""
    return "&".join(f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in params)


def http_url(value: str, *, invalid: str, not_http: str) -> httpx.URL:
    """``value`` as an http(s) URL with a host; ConfigError(``invalid`` / ``not_http``) if not."""
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise ConfigError(invalid) from None
    if url.scheme not in ("http", "https") or not url.host:
        raise ConfigError(not_http)
    return url


@dataclass(frozen=True)
class VendorReply(Reply):
    """A finished exchange, and what was asked: ``method`` and the raw ``target`` sent."""

    method: str
    target: str


class VendorHttp(HttpClient):
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
        parsed = http_url(
            base_url,
            invalid=f"invalid endpoint URL {sanitize(base_url)!r}",
            not_http=f"endpoint must be an http(s) URL with a host, not {base_url!r}",
        )
        super().__init__(
            parsed.netloc.decode("ascii", "replace"),
            options=options,
            retry_methods={"GET"},
            concurrency=max(1, options.concurrency),
            transport=transport,
            headers={"Accept": "application/json", **(headers or {})},
        )
        self.service = service
        self.base_url = base_url.rstrip("/")
        self.auth = auth
        self.username: str | None = None

    def url_for(self, path: str, params: Sequence[tuple[str, str]] | None = None) -> httpx.URL:
        """The full URL for a raw ``path`` (starting with ``/``) and query, unchanged by httpx."""
        query = encode_query(params) if params else ""
        return httpx.URL(f"{self.base_url}{path}{'?' + query if query else ''}")

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
        try:
            reply = await self.with_retries(
                method, lambda: self._attempt(method, url, content, limit)
            )
        except TooLarge:
            raise BadResponse(
                f"{self.service} sent more than {human_size(limit)}{about(subject)}; refusing it"
            ) from None
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
            raise BadResponse(f"{self.service} sent an empty answer{about(subject)}")
        try:
            return load_json(reply.body, "")
        except BadResponse:
            kind = (reply.header("content-type") or "no content type").split(";")[0].strip()
            raise BadResponse(
                f"{self.service} sent a body that is not valid JSON ({sanitize(kind, limit=60)})"
                f"{about(subject)}"
            ) from None

    def error(self, reply: VendorReply, subject: str | None = None) -> TagtuiError:
        """The ``tagtui.errors`` exception for a non-success reply, quoting the vendor."""
        return vendor_error(
            reply.status,
            reply.body,
            service=self.service,
            host=self.host,
            username=self.username,
            subject=subject,
            retry_after=reply.header("retry-after"),
        )

    async def _attempt(
        self, method: str, url: httpx.URL, content: bytes | None, limit: int
    ) -> VendorReply:
        raw = url.raw_path.decode("ascii")
        headers = dict(self.auth(method, raw)) if self.auth is not None else {}
        if content is not None:
            headers["Content-Type"] = "application/json"
        reply = await self.send(method, url, limit=limit, headers=headers, content=content)
        return VendorReply(reply.status, reply.headers, reply.body, reply.url, method, raw)
