"""``HttpClient``: the keep-alive client, TLS trust, concurrency gate and retries of one host.

``RegistryHttp`` (OCI) and ``VendorHttp`` (vendor JSON APIs) are built on it; each adds how its
API is addressed, authenticated and mapped to errors.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Collection, Mapping, Sequence

import httpx

from tagtui import __version__
from tagtui.model import RateLimit
from tagtui.providers.base import ConnectionOptions
from tagtui.providers.http.exchange import ERROR_LIMIT, Reply, read_limited
from tagtui.providers.http.ratelimit import parse_rate_limit
from tagtui.providers.http.retry import Retrying
from tagtui.providers.http.transport import (
    TRANSPORT_FAILURES,
    TlsTrust,
    deadline_problem,
    transport_problem,
)

Params = Mapping[str, str] | Sequence[tuple[str, str]]


class HttpClient(Retrying):
    """One host: an ``httpx.AsyncClient`` that never follows redirects nor reads the environment.

    ``concurrency`` bounds the exchanges in flight (from send to the end of the body);
    ``limits`` sizes the connection pool (httpx's default when None).
    """

    def __init__(
        self,
        host: str,
        *,
        options: ConnectionOptions,
        retry_methods: Collection[str],
        concurrency: int,
        transport: httpx.AsyncBaseTransport | None = None,
        limits: httpx.Limits | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(retry_methods)
        self.host = host
        self.options = options
        self.trust = TlsTrust(options)
        self._semaphore = asyncio.Semaphore(concurrency)
        # The budget the host's last answer stated (Docker Hub's pulls), None until one does.
        self.rate_limit: RateLimit | None = None
        pool = {} if limits is None else {"limits": limits}
        self._client = httpx.AsyncClient(
            transport=transport,
            verify=self.trust.context,
            timeout=httpx.Timeout(options.timeout),
            headers={"User-Agent": f"tagtui/{__version__}", **(headers or {})},
            follow_redirects=False,
            trust_env=False,
            **pool,
        )

    async def aclose(self) -> None:
        await self._client.aclose()

    async def send(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        limit: int,
        params: Params | None = None,
        headers: Mapping[str, str] | None = None,
        content: bytes | None = None,
        form: Mapping[str, str] | None = None,
        auth: httpx.Auth | None = None,
        host: str | None = None,
        gated: bool = True,
        probe: bool = False,
    ) -> Reply:
        """Send one request and read its body (2xx within ``limit``, others cut to ERROR_LIMIT).

        Raises TooLarge, or TransportProblem naming ``host`` (this client's by default) when no
        HTTP answer came, or not all of it within ``options.timeout`` (headers and body).
        ``gated=False`` skips the concurrency gate (a token fetch made while a gated request
        waits for it). An HTTPS request loads the CA store first (see TlsTrust), unless it is
        the ``probe`` of a host that may speak plain HTTP.
        """
        try:
            request = self._client.build_request(
                method, url, params=params, headers=headers, content=content, data=form
            )
            if request.url.scheme == "https" and not probe:
                self.trust.load()
            response: httpx.Response | None = None
            async with self._semaphore if gated else contextlib.nullcontext():
                # httpx's timeout bounds each read; this bounds the whole exchange, so a
                # server dripping one byte at a time cannot hold a request for ever. The wait
                # at the gate above is not counted: it is ours, not the server's.
                async with asyncio.timeout(self.options.timeout):
                    response = await self._client.send(request, auth=auth, stream=True)
                    try:
                        strict = 200 <= response.status_code < 300
                        # HEAD bodies are empty, but reading the stream to its end is what
                        # lets the connection go back to the pool instead of being closed.
                        body = await read_limited(
                            response,
                            limit if strict else ERROR_LIMIT,
                            strict=strict,
                            head=method == "HEAD",
                        )
                    finally:
                        await response.aclose()
        except TimeoutError:
            # Before TRANSPORT_FAILURES: TimeoutError is an OSError.
            answered = response is not None
            raise deadline_problem(
                host or self.host, self.options.timeout, answered=answered
            ) from None
        except TRANSPORT_FAILURES as exc:
            raise transport_problem(exc, host or self.host, self.options.timeout) from None
        stated = parse_rate_limit(response.headers)
        if stated is not None:
            self.rate_limit = stated
        return Reply(response.status_code, response.headers, body, str(response.url))
