"""TLS trust and failed exchanges: what every network provider's client shares below HTTP.

``TlsTrust`` builds the client's SSL context from ``ConnectionOptions``; ``transport_problem``
turns an httpx/ssl/OS failure (no HTTP answer at all) into the error a user should see, and says
whether trying again, or trying plain HTTP, may help.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import ssl
import sys

import httpx

from tagtui.errors import (
    BadResponse,
    ConfigError,
    ConnectionFailed,
    RegistryTimeout,
    TagtuiError,
    TLSError,
)
from tagtui.providers.base import ConnectionOptions

if importlib.util.find_spec("sniffio") is None:
    # httpcore runs `import sniffio` on every lock it takes; when sniffio is not installed each
    # failed import searches sys.path again (~5 s of CPU per 5,000 requests). A None entry makes
    # the same ImportError immediate. (Installing sniffio is the other cure.)
    sys.modules.setdefault("sniffio", None)  # type: ignore[arg-type]


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


class TransportProblem(Exception):
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


# What a failed send or body read raises, all mapped by ``transport_problem``.
TRANSPORT_FAILURES = (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError)


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


def deadline_problem(host: str, timeout: float, *, answered: bool) -> TransportProblem:
    """The whole exchange outlived its deadline (see HttpClient.send): a stalled or dripping host.

    Not retried: a host that drips would hold every retry as long again.
    """
    said = "send its whole answer" if answered else "answer"
    return TransportProblem(
        RegistryTimeout(f"{host} did not {said} within {timeout:g} s (the --timeout limit)"),
        retryable=False,
        plain_http_may_work=False,
    )


def transport_problem(exc: Exception, host: str, timeout: float) -> TransportProblem:
    """Map an httpx/ssl/OS failure to the user's error, and whether retrying may help."""
    if isinstance(exc, httpx.TimeoutException):
        connect = isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
        return TransportProblem(
            RegistryTimeout(f"{host} did not answer within {timeout:g} s"),
            retryable=connect,
            plain_http_may_work=False,
        )
    chain = _causes(exc)
    for cause in chain:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return TransportProblem(
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
            return TransportProblem(
                TLSError(
                    f"TLS handshake with {host} failed ({_ssl_reason(cause)}); "
                    "if it speaks plain HTTP, use --insecure"
                ),
                retryable=False,
                plain_http_may_work=True,
            )
    error, retryable, plain_http_may_work = _plain_failure(exc, chain, host)
    return TransportProblem(error, retryable=retryable, plain_http_may_work=plain_http_may_work)


def _connect_reason(exc: Exception, chain: list[BaseException]) -> str:
    for cause in chain:
        if isinstance(cause, socket.gaierror):
            return "host name not found"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
    return str(exc) or type(exc).__name__


def _plain_failure(
    exc: Exception, chain: list[BaseException], host: str
) -> tuple[TagtuiError, bool, bool]:
    """A failure below TLS: (error, retryable, plain HTTP may work)."""
    if isinstance(exc, httpx.ConnectError):
        reason = _connect_reason(exc, chain)
        return ConnectionFailed(f"cannot connect to {host}: {reason}"), True, True
    if isinstance(exc, httpx.DecodingError):
        return BadResponse(f"{host} sent a body that cannot be decoded"), False, False
    if isinstance(exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError):
        broke = f"connection to {host} broke: {exc or type(exc).__name__}"
        return ConnectionFailed(broke), True, False
    if isinstance(exc, httpx.LocalProtocolError):
        # Our own request was refused before it left: its text quotes the offending header
        # value, which may be a token or an Authorization header.
        refused = (
            f"cannot send the request to {host}: a header value is not valid HTTP "
            "(a credential with a line break or control character?)"
        )
        return ConnectionFailed(refused), False, False
    if isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL):
        return BadResponse(f"{host} sent an unusable URL"), False, False
    return ConnectionFailed(f"talking to {host} failed: {exc or type(exc).__name__}"), False, False
