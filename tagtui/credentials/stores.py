"""Where ``tagtui login`` keeps a credential, and where ``tagtui logout`` removes it from.

In this order (README "Credentials"), as docker and podman would:

1. the OS keyring, when a usable backend exists;
2. the credential helper docker's config names for the host (``credHelpers``) or for all
   (``credsStore``), through the helper protocol, as ``docker login`` does;
3. podman's auth file: ``$REGISTRY_AUTH_FILE``, else ``$XDG_RUNTIME_DIR/containers/auth.json``
   (gone when the user's last session ends), as ``podman login`` does;
4. nowhere: login refuses and names the three ways out.

Everything here blocks (keyring, helper processes, files): async callers use
``asyncio.to_thread``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from tagtui.credentials import Credential, docker_config, keyring_store, podman
from tagtui.credentials.authfile_store import load_entry, remove_entry, save_entry
from tagtui.credentials.docker_config import config_path, configured_helper, server_url
from tagtui.credentials.helpers import (
    erase_from_helper,
    find_helper,
    get_from_helper,
    helper_source,
    store_in_helper,
)
from tagtui.credentials.sources import resolve
from tagtui.errors import CredentialError, UsageError
from tagtui.text import sanitize

KEYRING = "keyring"
HELPER = "helper"
AUTH_FILE = "auth-file"
#: The values of ``--store``, in the order login tries them.
KINDS = (KEYRING, HELPER, AUTH_FILE)

BASE64_WARNING = (
    "{path} holds the password in base64, which is not encryption (as docker's config.json does)"
)


@dataclass(frozen=True)
class Place:
    """One place a credential can be kept, described for people."""

    kind: str
    #: Short, for a choice in a list: "OS keyring", "docker-credential-pass", "Podman auth file".
    label: str
    #: Where exactly: "the OS keyring (keyring.backends.SecretService.Keyring)", a file's path...
    where: str
    #: How long it stays there, without the ``tagtui logout`` that always ends it.
    lasts: str | None = None
    #: What tagtui's header says when it reads the credential back from here.
    source: str = KEYRING
    helper: str | None = None
    path: Path | None = None
    #: Said once after storing (an auth file given with --auth-file holds a base64 password).
    warning: str | None = None

    def stored(self, host: str) -> str:
        """``stored in …, until …``: the line login prints."""
        logout = f"`tagtui logout {host}`"
        until = f"{self.lasts} (or {logout})" if self.lasts else logout
        return f"stored in {self.where}, until {until}"


@dataclass(frozen=True)
class Option:
    """A kind of place: usable here (``place``), or why not."""

    kind: str
    place: Place | None
    why_not: str = ""


@dataclass(frozen=True)
class Choices:
    """The three kinds of place, in order; the first usable one is the default."""

    options: tuple[Option, ...]

    @property
    def default(self) -> Place | None:
        return next((o.place for o in self.options if o.place is not None), None)

    def option(self, kind: str) -> Option:
        return next(o for o in self.options if o.kind == kind)


def choices(host: str, env: Mapping[str, str]) -> Choices:
    return Choices((_keyring_option(), _helper_option(host, env), _auth_file_option(env)))


def choose(
    host: str,
    env: Mapping[str, str],
    kind: str | None = None,
    auth_file: Path | None = None,
) -> Place:
    """The place a login goes: ``kind`` (``--store``) or ``auth_file`` if given, else the first
    usable one. Raises ``CredentialError`` saying why there is none, ``UsageError`` for flags
    that contradict each other."""
    if auth_file is not None:
        if kind not in (None, AUTH_FILE):
            raise UsageError(f"--auth-file goes with --store {AUTH_FILE}, not --store {kind}")
        return auth_file_place(auth_file, env)
    found = choices(host, env)
    if kind is None:
        if found.default is None:
            raise CredentialError(refusal(found, env), limit=1200)
        return found.default
    option = found.option(kind)
    if option.place is None:
        raise CredentialError(option.why_not)
    return option.place


def refusal(found: Choices, env: Mapping[str, str]) -> str:
    """Why no place is usable, and the three ways out."""
    keyring_howto = found.option(KEYRING).why_not
    return (
        f"nowhere to keep the credential. 1) {keyring_howto} "
        f'2) Or name a docker credential helper ("credsStore": "pass", say, in '
        f"{sanitize(str(config_path(env)))}), as docker login uses; "
        f"now {found.option(HELPER).why_not}. "
        "3) Or keep it in a file: --auth-file PATH (the password in base64), or set "
        f"XDG_RUNTIME_DIR for podman's runtime auth file; now {found.option(AUTH_FILE).why_not}."
    )


def _keyring_option() -> Option:
    usable, howto = keyring_store.keyring_usable()
    if not usable:
        return Option(KEYRING, None, howto or "no usable OS keyring")
    backend = keyring_store.backend_description()
    return Option(KEYRING, Place(KEYRING, "OS keyring", f"the OS keyring ({backend})"))


def _helper_option(host: str, env: Mapping[str, str]) -> Option:
    configured = configured_helper(host, env)
    if configured is None:
        shown = sanitize(str(config_path(env)))
        return Option(HELPER, None, f"no credential helper is named in {shown}")
    name, setting = configured
    program = helper_source(sanitize(name))
    if find_helper(name, env) is None:
        return Option(HELPER, None, f"{program} ({sanitize(setting)}) is not on PATH")
    place = Place(
        HELPER,
        program,
        f"{program} ({sanitize(setting)})",
        source=helper_source(name),
        helper=name,
    )
    return Option(HELPER, place)


def _auth_file_option(env: Mapping[str, str]) -> Option:
    found = podman.write_path(env)
    if found is None:
        return Option(AUTH_FILE, None, "there is no $XDG_RUNTIME_DIR (nor $REGISTRY_AUTH_FILE)")
    path, runtime = found
    if runtime:
        place = Place(
            AUTH_FILE,
            "Podman auth file",
            f"{sanitize(str(path))} (podman's runtime auth file)",
            lasts="your last session on this machine ends",
            source=podman.SOURCE,
            path=path,
        )
        return Option(AUTH_FILE, place)
    return Option(AUTH_FILE, auth_file_place(path, env))


def auth_file_place(path: Path, env: Mapping[str, str]) -> Place:
    """A file chosen by the user (``--auth-file``, ``$REGISTRY_AUTH_FILE``): it persists."""
    path = Path(os.path.expanduser(path))
    shown = sanitize(str(path))
    if _same_file(path, podman.auth_paths(env)):
        source = podman.SOURCE
    elif _same_file(path, [config_path(env)]):
        source = docker_config.SOURCE
    else:
        source = "auth file"  # read only once REGISTRY_AUTH_FILE names it (login says so)
    return Place(
        AUTH_FILE,
        "Auth file",
        shown,
        source=source,
        path=path,
        warning=BASE64_WARNING.format(path=shown),
    )


def _same_file(path: Path, candidates: list[Path]) -> bool:
    wanted = os.path.realpath(path)
    return any(os.path.realpath(c) == wanted for c in candidates)


def load(place: Place, host: str, env: Mapping[str, str]) -> Credential | None:
    """What ``place`` holds for ``host`` (to reuse its username)."""
    if place.kind == KEYRING:
        return keyring_store.load(host)
    if place.kind == HELPER and place.helper is not None:
        return get_from_helper(place.helper, server_url(host), env)
    if place.path is not None:
        return load_entry(place.path, host, source=place.source)
    return None


def save(place: Place, host: str, username: str, secret: str, env: Mapping[str, str]) -> None:
    """Keep ``username``/``secret`` for ``host`` in ``place``. Raises ``CredentialError``."""
    if place.kind == KEYRING:
        keyring_store.save(host, username, secret)
    elif place.kind == HELPER and place.helper is not None:
        store_in_helper(place.helper, server_url(host), username, secret, env)
    elif place.path is not None:
        save_entry(place.path, host, username, secret)
    else:
        raise CredentialError(f"cannot store credentials in {place.where}")


def shadowed(host: str, secret: str, env: Mapping[str, str]) -> str | None:
    """After a save: a sentence if tagtui's own lookup will not find this secret first."""
    found = resolve(host, env=env)
    if found is None:
        return f"tagtui will not find it by itself: set REGISTRY_AUTH_FILE to that file for {host}"
    if found.secret != secret:
        return f"another credential for {host} comes first ({found.source}): tagtui will use that"
    return None


@dataclass(frozen=True)
class Forgotten:
    """What logout did: where it removed a credential, where it looked, what failed."""

    removed: tuple[str, ...]
    looked: tuple[str, ...]
    failed: tuple[str, ...]


def forget(host: str, env: Mapping[str, str], auth_file: Path | None = None) -> Forgotten:
    """Remove ``host``'s credential from every place tagtui reads (only ``auth_file`` if given):
    the keyring, the helper docker's config names (``erase``), each auth file's entry."""
    removed: list[str] = []
    looked: list[str] = []
    failed: list[str] = []
    for shown, remove in _places_holding(host, env, auth_file):
        looked.append(shown)
        try:
            if remove():
                removed.append(shown)
        except CredentialError as err:
            failed.append(str(err))
    return Forgotten(tuple(removed), tuple(looked), tuple(failed))


def _places_holding(
    host: str, env: Mapping[str, str], auth_file: Path | None
) -> Iterator[tuple[str, Callable[[], bool]]]:
    """Each place to remove ``host``'s credential from, shown, and how (True: one was there)."""
    if auth_file is None:
        usable, _ = keyring_store.keyring_usable()
        if usable:
            yield "the OS keyring", partial(keyring_store.delete, host)
        configured = configured_helper(host, env)
        if configured is not None and find_helper(configured[0], env) is not None:
            name = configured[0]
            yield helper_source(sanitize(name)), partial(_erase_from_helper, name, host, env)
        files = [*podman.auth_paths(env), config_path(env)]
    else:
        files = [Path(os.path.expanduser(auth_file))]
    seen: set[str] = set()
    for path in files:
        real = os.path.realpath(path)
        if real in seen or not path.exists():
            continue
        seen.add(real)
        yield sanitize(str(path)), partial(remove_entry, path, host)


def _erase_from_helper(name: str, host: str, env: Mapping[str, str]) -> bool:
    # Asked first, so "removed" is only said of a credential that was there.
    if get_from_helper(name, server_url(host), env) is None:
        return False
    erase_from_helper(name, server_url(host), env)
    return True
