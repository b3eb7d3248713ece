"""What one HTTP exchange gives back: a ``Reply`` whose body was read within a size limit.

Bodies are streamed and read only up to a limit (a hostile server cannot make us buffer
gigabytes); success bodies past the limit are refused, error bodies are cut, since only their
message is read.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

KIB = 1024
MIB = 1024 * KIB
# Error bodies are only read for their message; longer ones are cut, not refused.
ERROR_LIMIT = 64 * KIB


@dataclass(frozen=True)
class Reply:
    """A finished exchange: status, headers and the (size-limited) body."""

    status: int
    headers: httpx.Headers
    body: bytes
    url: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


class TooLarge(Exception):
    """A success body (or its announced length) went past the limit; each caller says for what."""


async def read_limited(
    response: httpx.Response, limit: int, *, strict: bool, head: bool = False
) -> bytes:
    """The body up to ``limit`` bytes: past it, ``strict`` refuses (TooLarge), else cuts."""
    length = response.headers.get("content-length", "")
    # A HEAD's Content-Length describes the body a GET would send, not this (empty) one.
    if strict and not head and length.isdigit() and int(length) > limit:
        raise TooLarge
    chunks: list[bytes] = []
    total = 0
    async for chunk in response.aiter_bytes():
        total += len(chunk)
        if total > limit:
            if strict:
                raise TooLarge
            chunks.append(chunk[: len(chunk) - (total - limit)])
            break
        chunks.append(chunk)
    return b"".join(chunks)


def join_http_url(base: httpx.URL, reference: str) -> httpx.URL | None:
    """``reference`` resolved against ``base`` if it is an http(s) URL; None when unusable."""
    try:
        joined = base.join(reference)
    except (httpx.InvalidURL, ValueError):
        return None
    return joined if joined.scheme in ("http", "https") else None
