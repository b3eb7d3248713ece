"""A docker-style token service for the real registry's ``auth: token`` mode.

It signs RS256 JWTs whose header carries ``x5c`` with a self-signed certificate; the registry
trusts that certificate as its ``rootcertbundle``, so the registry verifies every token for real.

- ``GET /token?service=&scope=`` with optional Basic credentials (the docker way);
- ``POST /token`` with ``grant_type=password`` or ``grant_type=refresh_token`` (OAuth2 variant,
  used with identity tokens).

Grants: known users get what they ask for (pull, push, delete, the catalog); anonymous callers
get ``pull`` only. Every request is recorded so tests can count fetches per scope and user.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from tests.support.tls import KeyPair, self_signed

SERVICE = "tagtui-registry"
ISSUER = "tagtui-token-issuer"
USERS = {"alice": "wonderland"}
REFRESH_TOKENS = {"alice-identity-token": "alice"}


@dataclass(frozen=True)
class TokenRequest:
    """One request the issuer answered: who (None: anonymous), for what, and the outcome."""

    method: str
    user: str | None
    scopes: tuple[str, ...]
    service: str | None
    grant_type: str | None
    status: int


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass
class TokenIssuer:
    signing: KeyPair
    users: Mapping[str, str] = field(default_factory=lambda: dict(USERS))
    refresh_tokens: Mapping[str, str] = field(default_factory=lambda: dict(REFRESH_TOKENS))
    #: What the answer says in ``expires_in``.
    expires_in: int = 300
    #: The issuer's clock, for the JWT's iat/nbf/exp (the registry checks them for real).
    clock: Callable[[], float] = time.time
    port: int = 0
    requests: list[TokenRequest] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _expire_next: int = 0

    # --- what the registry's config needs ---------------------------------------------------

    @property
    def realm(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    @property
    def token_auth(self) -> dict[str, str]:
        """The ``auth.token`` section of the registry's config."""
        return {
            "realm": self.realm,
            "service": SERVICE,
            "issuer": ISSUER,
            "rootcertbundle": str(self.signing.cert_pem),
        }

    # --- what tests ask ---------------------------------------------------------------------

    def fetches(self, *, scope: str | None = None, user: str | bool | None = False) -> int:
        """Successful grants, optionally only for ``scope`` and/or ``user`` (None: anonymous)."""
        with self._lock:
            return sum(
                1
                for r in self.requests
                if r.status == 200
                and (scope is None or scope in r.scopes)
                and (user is False or r.user == user)
            )

    def refusals(self) -> int:
        with self._lock:
            return sum(1 for r in self.requests if r.status != 200)

    def expire_next(self, count: int = 1) -> None:
        """Issue the next ``count`` tokens already expired, as if they had aged on the client."""
        with self._lock:
            self._expire_next = count

    # --- granting ---------------------------------------------------------------------------

    @staticmethod
    def grant(user: str | None, scope: str) -> dict[str, Any] | None:
        kind, _, rest = scope.partition(":")
        name, _, actions = rest.rpartition(":")
        wanted = [a for a in actions.split(",") if a]
        if kind == "registry" and name == "catalog":
            return {"type": kind, "name": name, "actions": wanted} if user else None
        if kind != "repository" or not name:
            return None
        allowed = wanted if user else [a for a in wanted if a == "pull"]
        return {"type": kind, "name": name, "actions": allowed}

    def mint(self, user: str | None, scopes: tuple[str, ...]) -> str:
        now = int(self.clock())
        with self._lock:
            expired = self._expire_next > 0
            self._expire_next = max(self._expire_next - 1, 0)
        # Beyond distribution's 60 s leeway when expired on purpose.
        expiry = now - 600 if expired else now + max(self.expires_in, 60) + 60
        header = {
            "typ": "JWT",
            "alg": "RS256",
            "x5c": [base64.b64encode(self.signing.der).decode("ascii")],
        }
        claims = {
            "iss": ISSUER,
            "sub": user or "",
            "aud": SERVICE,
            "exp": expiry,
            "nbf": now - 10 if not expired else now - 1200,
            "iat": now if not expired else now - 1200,
            "jti": secrets.token_hex(8),
            "access": [g for s in scopes if (g := self.grant(user, s)) is not None],
        }
        signing_input = (
            f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        )
        signature = self.signing.key.sign(
            signing_input.encode("ascii"), padding.PKCS1v15(), hashes.SHA256()
        )
        return f"{signing_input}.{_b64url(signature)}"

    def answer(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> tuple[int, bytes]:
        parts = urlsplit(target)
        if parts.path != "/token":
            return 404, b'{"error": "not found"}'
        if method == "POST":
            form = parse_qs(body.decode("utf-8", "replace"))
            grant_type = form.get("grant_type", [""])[0]
            scopes = tuple(" ".join(form.get("scope", [])).split())
            service = form.get("service", [None])[0]
            if grant_type == "refresh_token":
                user = self.refresh_tokens.get(form.get("refresh_token", [""])[0])
            elif grant_type == "password":
                name = form.get("username", [""])[0]
                user = name if self.users.get(name) == form.get("password", [None])[0] else None
            else:
                user = None
            if user is None:
                return self._record(
                    method, None, scopes, service, grant_type, 401, b'{"error": "invalid_grant"}'
                )
            reply = {"access_token": self.mint(user, scopes), "expires_in": self.expires_in}
            if grant_type == "password":
                reply["refresh_token"] = next(
                    (t for t, u in self.refresh_tokens.items() if u == user), ""
                )
            return self._record(
                method, user, scopes, service, grant_type, 200, json.dumps(reply).encode()
            )

        query = parse_qs(parts.query)
        scopes = tuple(query.get("scope", []))
        service = query.get("service", [None])[0]
        user = None
        authorization = headers.get("Authorization") or ""
        if authorization.startswith("Basic "):
            try:
                decoded = base64.b64decode(authorization[6:], validate=True).decode()
            except ValueError:
                decoded = ""
            name, _, password = decoded.partition(":")
            if not name or self.users.get(name) != password:
                return self._record(
                    method,
                    name or None,
                    scopes,
                    service,
                    None,
                    401,
                    b'{"details": "incorrect username or password"}',
                )
            user = name
        reply = {
            "token": self.mint(user, scopes),
            "expires_in": self.expires_in,
            "issued_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.clock())),
        }
        return self._record(method, user, scopes, service, None, 200, json.dumps(reply).encode())

    def _record(
        self,
        method: str,
        user: str | None,
        scopes: tuple[str, ...],
        service: str | None,
        grant_type: str | None,
        status: int,
        body: bytes,
    ) -> tuple[int, bytes]:
        with self._lock:
            self.requests.append(TokenRequest(method, user, scopes, service, grant_type, status))
        return status, body


@contextmanager
def run_token_issuer(directory: Path, **settings: Any) -> Iterator[TokenIssuer]:
    """A token issuer on 127.0.0.1 with a free port, its signing certificate in ``directory``."""
    signing = self_signed(directory, "token-signing", ISSUER, ca=False)
    issuer = TokenIssuer(signing=signing, **settings)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, payload = issuer.answer(self.command, self.path, self.headers, body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            # Quiet: request lines would only clutter test output.
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    issuer.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, name="token-issuer", daemon=True)
    thread.start()
    try:
        yield issuer
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
