"""Manifests and configs fetched by digest, kept on disk: they never change.

``$XDG_CACHE_HOME/tagtui/`` (usually ``~/.cache/tagtui``), one file per registry host + digest.
What goes in is only ever a body whose digest was verified, plus its media type; never a
secret, a header or a tag name (tag -> digest is resolved against the registry every time).
Every read re-hashes the body: a corrupt or truncated file is deleted and reads as a miss.
Writes go to a temporary file renamed into place, so a concurrent reader sees a whole entry or
none. The total size is capped; the least recently used entries (by mtime, touched on a hit)
go first.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_LIMIT = 200 * 1024 * 1024
# Entry: MAGIC, the media type, a newline, then the exact bytes the digest covers.
MAGIC = b"tagtui-cache 1\n"
_DIGEST = re.compile(r"^(sha256|sha512):([a-f0-9]{64}|[a-f0-9]{128})$")
_TRUE = ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Entry:
    body: bytes
    media_type: str | None


@dataclass(frozen=True)
class CacheInfo:
    path: Path
    entries: int
    size: int
    limit: int


def cache_root(environ: Mapping[str, str] = os.environ) -> Path:
    base = environ.get("XDG_CACHE_HOME") or ""
    # A relative XDG path is invalid per the spec: use the default then.
    root = Path(base) if base and os.path.isabs(base) else Path.home() / ".cache"
    return root / "tagtui"


def cache_disabled(environ: Mapping[str, str] = os.environ) -> bool:
    return environ.get("TAGTUI_NO_CACHE", "").strip().lower() in _TRUE


def cache_limit(environ: Mapping[str, str] = os.environ) -> int:
    """``TAGTUI_CACHE_MB`` (megabytes), else 200 MB."""
    text = environ.get("TAGTUI_CACHE_MB", "").strip()
    try:
        return max(0, int(float(text) * 1024 * 1024)) if text else DEFAULT_LIMIT
    except ValueError:
        return DEFAULT_LIMIT


def _host_dir(host: str) -> str:
    # Hosts may hold ':' (ports) and anything a config names: a hash is always a safe name.
    readable = re.sub(r"[^A-Za-z0-9.-]", "_", host)[:60]
    return f"{readable}-{hashlib.sha256(host.encode()).hexdigest()[:12]}"


def _hash(digest: str, body: bytes) -> str:
    algorithm = digest.split(":", 1)[0]
    return f"{algorithm}:{hashlib.new(algorithm, body).hexdigest()}"


class ContentCache:
    """Bodies by (registry host, digest). Every failure to use the disk is a miss, never an
    error: the cache only ever saves requests."""

    def __init__(self, root: Path, *, limit: int = DEFAULT_LIMIT) -> None:
        self.root = root
        self.limit = limit
        # Bytes on disk, counted on the first write (None until then).
        self._size: int | None = None
        # Host directories known to exist with mode 0700 (checked once per process).
        self._dirs: set[Path] = set()
        # Writes may run on a thread of their own (cache/writer.py) while reads drop damaged
        # entries on the event loop: the size count and the directories are shared.
        self._lock = threading.Lock()

    def _path(self, host: str, digest: str) -> Path | None:
        match = _DIGEST.match(digest)
        if match is None:
            return None
        return self.root / _host_dir(host) / f"{match.group(1)}-{match.group(2)}"

    def get(self, host: str, digest: str) -> Entry | None:
        path = self._path(host, digest)
        if path is None:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
        entry = self._decode(digest, data)
        if entry is None:
            self._drop(path)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # most recently used
        return entry

    @staticmethod
    def _decode(digest: str, data: bytes) -> Entry | None:
        if not data.startswith(MAGIC):
            return None
        media, newline, body = data[len(MAGIC) :].partition(b"\n")
        if not newline or _hash(digest, body) != digest:
            return None
        text = media.decode("ascii", "replace")
        return Entry(body, text or None)

    def _drop(self, path: Path) -> None:
        try:
            size = path.stat().st_size
            path.unlink()
        except OSError:
            return
        with self._lock:
            if self._size is not None:
                self._size -= size

    def put(self, host: str, digest: str, body: bytes, media_type: str | None = None) -> None:
        """Keep ``body`` (already verified by the caller; checked again here) under ``digest``."""
        path = self._path(host, digest)
        if path is None or _hash(digest, body) != digest or len(body) > self.limit:
            return
        media = (media_type or "").encode("ascii", "replace")
        if b"\n" in media or b"\r" in media:
            media = b""
        data = MAGIC + media + b"\n" + body
        with self._lock:
            self._write(path, data)

    def _write(self, path: Path, data: bytes) -> None:
        try:
            self._ensure_dir(path.parent)
            if path.exists():
                return
            # mkstemp creates the file 0600; rename is atomic within one directory.
            fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(fd, "wb") as file:
                    file.write(data)
                os.replace(temp, path)
            except BaseException:
                Path(temp).unlink(missing_ok=True)
                raise
        except OSError:
            return
        if self._size is None:
            self._size = self._scan_size()
        else:
            self._size += len(data)
        if self._size > self.limit:
            self._trim()

    def _ensure_dir(self, directory: Path) -> None:
        if directory in self._dirs:
            return
        for folder in (self.root, directory):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if folder.stat().st_mode & 0o077:
                folder.chmod(0o700)  # made by someone else, or under a lax umask
        self._dirs.add(directory)

    def _files(self) -> list[tuple[float, int, Path]]:
        found: list[tuple[float, int, Path]] = []
        try:
            hosts = list(self.root.iterdir())
        except OSError:
            return found
        for host in hosts:
            try:
                for path in host.iterdir():
                    stat = path.stat()
                    found.append((stat.st_mtime, stat.st_size, path))
            except OSError:
                continue
        return found

    def _scan_size(self) -> int:
        return sum(size for _, size, _ in self._files())

    def trim(self) -> None:
        """Remove least recently used entries until the total is within the limit."""
        with self._lock:
            self._trim()

    def _trim(self) -> None:
        files = sorted(self._files(), key=lambda item: item[0])
        total = sum(size for _, size, _ in files)
        for _, size, path in files:
            if total <= self.limit:
                break
            try:
                path.unlink()
                total -= size
            except OSError:
                continue
        self._size = total

    def info(self) -> CacheInfo:
        files = self._files()
        entries = sum(1 for _, _, path in files if not path.name.startswith(".tmp-"))
        return CacheInfo(self.root, entries, sum(size for _, size, _ in files), self.limit)

    def clear(self) -> int:
        """Delete every entry; returns how many files were removed."""
        removed = 0
        for _, _, path in self._files():
            try:
                path.unlink()
                removed += 1
            except OSError:
                continue
        for host in self.root.iterdir() if self.root.is_dir() else ():
            try:
                host.rmdir()
            except OSError:
                continue
        self._size = 0
        self._dirs.clear()
        return removed


def default_cache(
    environ: Mapping[str, str] = os.environ, *, enabled: bool = True
) -> ContentCache | None:
    """The user's cache, or None when ``--no-cache`` or ``TAGTUI_NO_CACHE`` turns it off."""
    if not enabled or cache_disabled(environ):
        return None
    return ContentCache(cache_root(environ), limit=cache_limit(environ))
