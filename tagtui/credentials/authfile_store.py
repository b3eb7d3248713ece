"""Writing one ``auths`` entry of an auth.json / config.json, the way podman and docker do.

Same format (``{"auths": {HOST: {"auth": base64(user:password)}}}``); every other entry and every
unknown key is kept. The file is written atomically (temp file in the same directory, then
rename) with mode 0600, under an exclusive ``flock`` on ``<file>.lock``, so two logins at once
never lose an entry. Errors name the file, never its contents.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import tempfile
from collections.abc import Callable, Iterator, MutableMapping
from pathlib import Path
from typing import Any

from tagtui.credentials import Credential
from tagtui.credentials.authfile import credential_from_entry, matching_key, read_json_object
from tagtui.errors import CredentialError
from tagtui.reference import DOCKER_HUB_API_HOST
from tagtui.text import sanitize

FILE_MODE = 0o600
DIR_MODE = 0o700


def entry_key(host: str) -> str:
    """The key podman writes: the host, and ``docker.io`` for Docker Hub."""
    return "docker.io" if host == DOCKER_HUB_API_HOST else host


def load_entry(path: Path, host: str, *, source: str) -> Credential | None:
    """The credential in ``path``'s ``auths`` for ``host`` (no helpers asked)."""
    document = read_json_object(path)
    auths = document.get("auths") if document is not None else None
    if not isinstance(auths, dict):
        return None
    key = matching_key(auths, host)
    if key is None:
        return None
    return credential_from_entry(auths[key], source=source, host=host, path=path)


def save_entry(path: Path, host: str, username: str, secret: str) -> None:
    """Put ``username``/``secret`` for ``host`` into ``path``, replacing that host's entry."""
    encoded = base64.b64encode(f"{username}:{secret}".encode()).decode("ascii")

    def change(auths: MutableMapping[str, Any]) -> bool:
        # An existing entry keeps its key (a URL form, say); its other fields go: an old
        # identity token would otherwise win over the new password.
        auths[matching_key(auths, host) or entry_key(host)] = {"auth": encoded}
        return True

    _update(path, change)


def remove_entry(path: Path, host: str) -> bool:
    """Remove ``host``'s entries (every key naming it) from ``path``; True if one was there."""
    if not path.exists():
        return False

    def change(auths: MutableMapping[str, Any]) -> bool:
        removed = False
        while (key := matching_key(auths, host)) is not None:
            del auths[key]
            removed = True
        return removed

    return _update(path, change)


def _update(path: Path, change: Callable[[MutableMapping[str, Any]], bool]) -> bool:
    # Through a symlink, the file it points to is what podman and docker read.
    target = Path(os.path.realpath(path))
    shown = sanitize(str(path))
    try:
        _make_directories(target.parent)
        with _locked(target):
            document = _read_for_update(target, shown)
            auths = document.setdefault("auths", {})
            if not isinstance(auths, dict):
                raise CredentialError(f'cannot update {shown}: "auths" is not a JSON object')
            if not change(auths):
                return False
            _write_atomically(target, document)
    except OSError as err:
        raise CredentialError(
            f"cannot write {shown}: {err.strerror or type(err).__name__}"
        ) from None
    return True


def _make_directories(directory: Path) -> None:
    """Create what is missing with mode 0700; an existing directory is left as its owner set it."""
    missing: list[Path] = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir(mode=DIR_MODE)
        path.chmod(DIR_MODE)  # mkdir's mode is filtered by the umask


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[None]:
    lock = os.open(target.with_name(target.name + ".lock"), os.O_RDWR | os.O_CREAT, FILE_MODE)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield
    finally:
        os.close(lock)  # closing releases the lock


def _read_for_update(target: Path, shown: str) -> dict[str, Any]:
    """The document to change; a file that cannot be parsed is an error, never overwritten."""
    try:
        text = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except UnicodeDecodeError:
        raise CredentialError(f"cannot update {shown}: not UTF-8 text") from None
    except OSError as err:
        raise CredentialError(
            f"cannot read {shown}: {err.strerror or type(err).__name__}"
        ) from None
    if not text.strip():
        return {}
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        # Only the position: the message must not quote the file (it holds secrets).
        raise CredentialError(
            f"cannot update {shown}: not valid JSON (line {err.lineno} column {err.colno}); "
            "fix or remove it"
        ) from None
    except RecursionError:
        raise CredentialError(f"cannot update {shown}: JSON nested too deeply") from None
    if not isinstance(document, dict):
        raise CredentialError(f"cannot update {shown}: expected a JSON object")
    return document


def _write_atomically(target: Path, document: dict[str, Any]) -> None:
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), FILE_MODE)
            # Tab-indented, as podman writes it.
            json.dump(document, out, indent="\t")
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
