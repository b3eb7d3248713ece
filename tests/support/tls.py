"""Certificates made on the spot with ``cryptography``.

A private CA and a server certificate for 127.0.0.1 signed by it; and self-signed signing
certificates (a token issuer's JWT key, which a registry trusts as its ``rootcertbundle``).
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class KeyPair:
    """A certificate and its key, as PEM files and as objects."""

    cert_pem: Path
    key_pem: Path
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @property
    def der(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True)
class ServerTLS:
    """What a TLS registry needs (``server``) and what a client trusts (``ca.cert_pem``)."""

    ca: KeyPair
    server: KeyPair

    @property
    def ca_cert(self) -> Path:
        return self.ca.cert_pem

    @property
    def cert(self) -> Path:
        return self.server.cert_pem

    @property
    def key(self) -> Path:
        return self.server.key_pem


def _new_key() -> rsa.RSAPrivateKey:
    # 2048 bits: what registries accept, and fast enough to make per test session.
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write(directory: Path, stem: str, cert: x509.Certificate, key: rsa.RSAPrivateKey) -> KeyPair:
    directory.mkdir(parents=True, exist_ok=True)
    cert_pem = directory / f"{stem}.pem"
    key_pem = directory / f"{stem}.key"
    cert_pem.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_pem.chmod(0o600)
    return KeyPair(cert_pem, key_pem, cert, key)


def _validity(builder: x509.CertificateBuilder) -> x509.CertificateBuilder:
    now = dt.datetime.now(dt.UTC)
    return builder.not_valid_before(now - dt.timedelta(hours=1)).not_valid_after(
        now + dt.timedelta(days=2)
    )


def self_signed(directory: Path, stem: str, common_name: str, *, ca: bool = True) -> KeyPair:
    """A self-signed certificate (a CA, or a JWT signing certificate)."""
    key = _new_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name))
        .issuer_name(_name(common_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    cert = _validity(builder).sign(key, hashes.SHA256())
    return _write(directory, stem, cert, key)


def server_tls(directory: Path, host: str = "127.0.0.1") -> ServerTLS:
    """A private CA and a server certificate for ``host`` (an IP or a DNS name) signed by it."""
    ca = self_signed(directory, "ca", "tagtui test CA")
    key = _new_key()
    try:
        alt: x509.GeneralName = x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        alt = x509.DNSName(host)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(host))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.SubjectAlternativeName([alt]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
    )
    cert = _validity(builder).sign(ca.key, hashes.SHA256())
    return ServerTLS(ca=ca, server=_write(directory, "server", cert, key))
