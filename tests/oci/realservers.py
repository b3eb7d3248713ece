"""Real servers on 127.0.0.1 for the auth, TLS and redirect tests.

- ``run_registry``: Debian's docker-registry (distribution 2.8) with any config;
- ``TokenServer``: a docker-style token service issuing RS256 JWTs that the real registry
  verifies (``auth.token`` with an ``x5c`` certificate chain), recording what it was asked;
- ``StorageServer``: the "other host" that distribution's ``redirect`` storage middleware
  sends blob downloads to, recording the headers it receives;
- ``self_signed``: a certificate for 127.0.0.1 (TLS registry, JWT signing).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import ipaddress
import json
import secrets
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from tests.support.real import free_port

SERVICE = "tagtui-test-registry"
ISSUER = "tagtui-test-issuer"


# --- certificates -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Certificate:
    cert_pem: Path
    key_pem: Path
    key: rsa.RSAPrivateKey
    der: bytes


def self_signed(directory: Path, name: str = "cert") -> Certificate:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_pem = directory / f"{name}.pem"
    key_pem = directory / f"{name}.key"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return Certificate(cert_pem, key_pem, key, cert.public_bytes(serialization.Encoding.DER))


# --- the registry process -----------------------------------------------------------------------


@dataclass
class RunningRegistry:
    host: str
    storage: Path
    process: subprocess.Popen[bytes]


@contextmanager
def run_registry(
    binary: str,
    directory: Path,
    extra: dict[str, Any] | None = None,
    *,
    tls: Certificate | None = None,
) -> Iterator[RunningRegistry]:
    """Start docker-registry with ``extra`` merged into a minimal config; stop it afterwards."""
    port = free_port()
    storage = directory / "storage"
    storage.mkdir(parents=True, exist_ok=True)
    config: dict[str, Any] = {
        "version": 0.1,
        "log": {"level": "info", "accesslog": {"disabled": True}},
        "storage": {"filesystem": {"rootdirectory": str(storage)}, "delete": {"enabled": True}},
        "http": {"addr": f"127.0.0.1:{port}"},
    }
    for key, value in (extra or {}).items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    if tls is not None:
        config["http"]["tls"] = {"certificate": str(tls.cert_pem), "key": str(tls.key_pem)}
    config_path = directory / "config.yml"
    config_path.write_text(yaml.safe_dump(config))
    process = subprocess.Popen(
        [binary, "serve", str(config_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    listening = threading.Event()
    lines: list[str] = []

    def drain() -> None:
        assert process.stdout is not None
        for raw in process.stdout:
            line = raw.decode("utf-8", "replace")
            lines.append(line)
            if "listening on" in line:
                listening.set()
        listening.set()

    threading.Thread(target=drain, daemon=True).start()
    try:
        if not listening.wait(20) or process.poll() is not None:
            raise RuntimeError("docker-registry did not start:\n" + "".join(lines[-20:]))
        yield RunningRegistry(f"127.0.0.1:{port}", storage, process)
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# --- a docker-style token service ---------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclass
class TokenRequest:
    method: str
    user: str | None
    scopes: list[str]
    grant_type: str | None
    service: str | None


@dataclass
class TokenServer:
    """Grants: anonymous may pull ``public/*``; known users may do anything, catalog included."""

    signing: Certificate
    users: dict[str, str] = field(default_factory=lambda: {"alice": "wonderland"})
    refresh_tokens: dict[str, str] = field(default_factory=lambda: {"alice-refresh": "alice"})
    # Answer with "access_token" instead of "token"; leave expires_in out when None.
    field_name: str = "token"
    expires_in: int | None = 300
    requests: list[TokenRequest] = field(default_factory=list)
    port: int = 0

    @property
    def realm(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    def grant(self, user: str | None, scope: str) -> dict[str, Any] | None:
        kind, _, rest = scope.partition(":")
        name, _, actions = rest.rpartition(":")
        if kind == "registry" and name == "catalog":
            return {"type": kind, "name": name, "actions": ["*"]} if user else None
        if kind != "repository" or not name:
            return None
        wanted = [a for a in actions.split(",") if a]
        allowed = (
            wanted if user else [a for a in wanted if a == "pull" and name.startswith("public/")]
        )
        return {"type": kind, "name": name, "actions": allowed}

    def mint(self, user: str | None, scopes: list[str]) -> str:
        now = int(time.time())
        header = {
            "typ": "JWT",
            "alg": "RS256",
            "x5c": [base64.b64encode(self.signing.der).decode()],
        }
        access = [grant for scope in scopes if (grant := self.grant(user, scope))]
        claims = {
            "iss": ISSUER,
            "sub": user or "",
            "aud": SERVICE,
            "exp": now + 600,
            "nbf": now - 60,
            "iat": now,
            "jti": secrets.token_hex(8),
            "access": access,
        }
        signing_input = (
            f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        )
        signature = self.signing.key.sign(
            signing_input.encode(), padding.PKCS1v15(), hashes.SHA256()
        )
        return f"{signing_input}.{_b64url(signature)}"

    def registry_config(self) -> dict[str, Any]:
        return {
            "auth": {
                "token": {
                    "realm": self.realm,
                    "service": SERVICE,
                    "issuer": ISSUER,
                    "rootcertbundle": str(self.signing.cert_pem),
                }
            }
        }

    def handle(self, method: str, path: str, headers: Any, body: bytes) -> tuple[int, bytes]:
        parts = urlsplit(path)
        if parts.path != "/token":
            return 404, b"{}"
        if method == "POST":
            form = parse_qs(body.decode())
            grant_type = form.get("grant_type", [""])[0]
            user = self.refresh_tokens.get(form.get("refresh_token", [""])[0])
            scopes = " ".join(form.get("scope", [])).split()
            self.requests.append(
                TokenRequest("POST", user, scopes, grant_type, form.get("service", [None])[0])
            )
            if grant_type != "refresh_token" or user is None:
                return 401, b'{"error": "invalid_grant"}'
        else:
            query = parse_qs(parts.query)
            scopes = query.get("scope", [])
            user = None
            authorization = headers.get("Authorization", "")
            if authorization.startswith("Basic "):
                name, _, password = base64.b64decode(authorization[6:]).decode().partition(":")
                if self.users.get(name) != password:
                    self.requests.append(TokenRequest("GET", name, scopes, None, None))
                    return 401, b'{"details": "incorrect username or password"}'
                user = name
            self.requests.append(
                TokenRequest("GET", user, scopes, None, query.get("service", [None])[0])
            )
        answer: dict[str, Any] = {self.field_name: self.mint(user, scopes)}
        if self.expires_in is not None:
            answer["expires_in"] = self.expires_in
        return 200, json.dumps(answer).encode()


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]


class StorageServer:
    """Serves a registry's filesystem storage as the redirect middleware's "other host"."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.requests: list[RecordedRequest] = []


@contextmanager
def serve(handler_of: Any) -> Iterator[int]:
    """Run ``handler_of(method, path, headers, body)`` on a free port. It returns ``(status,
    body)`` (a JSON answer) or ``(status, headers, body)``."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            answer = handler_of(self.command, self.path, self.headers, body)
            if len(answer) == 2:
                status, payload = answer
                headers = {"Content-Type": "application/json"}
            else:
                status, headers, payload = answer
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(payload)

        do_GET = do_POST = do_HEAD = _answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


def storage_handler(storage: StorageServer) -> Any:
    def handle(method: str, path: str, headers: Any, body: bytes) -> tuple[int, bytes]:
        clean = urlsplit(path).path
        storage.requests.append(
            RecordedRequest(method, clean, {k.lower(): v for k, v in headers.items()})
        )
        target = (storage.root / clean.lstrip("/")).resolve()
        if not target.is_relative_to(storage.root.resolve()) or not target.is_file():
            return 404, b""
        return 200, target.read_bytes()

    return handle


# --- pushing test content through the registry API ---------------------------------------------

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Pusher:
    """Blob uploads and manifest PUTs, the way docker push does them (sync, for fixtures)."""

    def __init__(self, base_url: str, authorization: str | None = None) -> None:
        headers = {"Authorization": authorization} if authorization else {}
        self.client = httpx.Client(base_url=base_url, headers=headers, verify=False)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Pusher:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def blob(self, repository: str, data: bytes, media_type: str) -> dict[str, Any]:
        start = self.client.post(f"/v2/{repository}/blobs/uploads/")
        start.raise_for_status()
        url = httpx.URL(start.headers["location"]).copy_merge_params({"digest": sha256(data)})
        self.client.put(str(url), content=data).raise_for_status()
        return {"mediaType": media_type, "digest": sha256(data), "size": len(data)}

    def manifest(self, repository: str, reference: str, body: bytes, media_type: str) -> str:
        response = self.client.put(
            f"/v2/{repository}/manifests/{reference}",
            content=body,
            headers={"Content-Type": media_type},
        )
        response.raise_for_status()
        return sha256(body)

    def image(
        self,
        repository: str,
        tags: list[str],
        config: dict[str, Any],
        *,
        docker: bool = False,
        layers: list[bytes] | None = None,
    ) -> tuple[str, int]:
        """Push a single image; returns (digest, manifest size)."""
        media_type = DOCKER_MANIFEST if docker else OCI_MANIFEST
        config_type = (
            "application/vnd.docker.container.image.v1+json"
            if docker
            else "application/vnd.oci.image.config.v1+json"
        )
        layer_type = (
            "application/vnd.docker.image.rootfs.diff.tar.gzip"
            if docker
            else "application/vnd.oci.image.layer.v1.tar+gzip"
        )
        layer_blobs = layers if layers is not None else [f"layer of {repository}".encode()]
        body = json.dumps(
            {
                "schemaVersion": 2,
                "mediaType": media_type,
                "config": self.blob(repository, json.dumps(config).encode(), config_type),
                "layers": [self.blob(repository, data, layer_type) for data in layer_blobs],
            }
        ).encode()
        digest = sha256(body)
        for tag in tags or [digest]:
            self.manifest(repository, tag, body, media_type)
        return digest, len(body)

    def index(
        self,
        repository: str,
        tags: list[str],
        entries: list[dict[str, Any]],
        *,
        docker: bool = False,
    ) -> str:
        media_type = DOCKER_LIST if docker else OCI_INDEX
        body = json.dumps(
            {"schemaVersion": 2, "mediaType": media_type, "manifests": entries}
        ).encode()
        for tag in tags:
            self.manifest(repository, tag, body, media_type)
        return sha256(body)


def push_image(
    base_url: str,
    repository: str,
    tags: list[str],
    config: dict[str, Any],
    *,
    authorization: str | None = None,
) -> str:
    """Push a one-layer OCI image; returns the manifest digest."""
    with Pusher(base_url, authorization) as pusher:
        return pusher.image(repository, tags, config)[0]
