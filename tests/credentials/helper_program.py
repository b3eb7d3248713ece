"""A real ``docker-credential-<name>`` executable speaking the credential-helper protocol.

``get`` answers from a JSON store next to it, ``store`` (JSON on stdin) adds to it, ``erase``
removes from it; every call is recorded (argv and stdin, a stored secret left out) so tests can
check the server URL arrived on stdin and no secret was in argv.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path

NAME = "tagtuitest"

_PROGRAM = """#!{python}
import json, pathlib, sys, time
here = pathlib.Path(__file__).resolve().parent
data = sys.stdin.read()
action = sys.argv[1:]
# The log keeps what arrived on stdin, except a stored secret (only the store file holds it).
logged = data if action != ["store"] else sorted(json.loads(data))
with open(here / "calls.jsonl", "a") as log:
    log.write(json.dumps({{"argv": sys.argv, "stdin": logged}}) + "\\n")
mode = (here / "mode").read_text() if (here / "mode").exists() else "normal"
if mode == "hang":
    time.sleep(120)
if mode == "broken":
    print("helper exploded: backend unavailable")
    sys.exit(2)
if mode == "echo":  # a careless helper: its error quotes what it was given
    print("cannot store " + data)
    sys.exit(3)
if mode == "garbage":
    print("this is not json")
    sys.exit(0)
store_path = here / "store.json"
store = json.loads(store_path.read_text())
if action == ["store"]:
    payload = json.loads(data)
    store[payload["ServerURL"]] = {{"Username": payload["Username"], "Secret": payload["Secret"]}}
    store_path.write_text(json.dumps(store))
    sys.exit(0)
if action == ["erase"]:
    if store.pop(data.strip(), None) is None:
        print("credentials not found in native keychain")
        sys.exit(1)
    store_path.write_text(json.dumps(store))
    sys.exit(0)
if action != ["get"]:
    print("unknown action")
    sys.exit(1)
entry = store.get(data.strip())
if entry is None:
    print("credentials not found in native keychain")
    sys.exit(1)
print(json.dumps({{"ServerURL": data.strip(), **entry}}))
"""


@dataclass
class CredentialHelper:
    directory: Path
    name: str = NAME

    def store(self, server_url: str, username: str, secret: str) -> None:
        path = self.directory / "store.json"
        data = json.loads(path.read_text())
        data[server_url] = {"Username": username, "Secret": secret}
        path.write_text(json.dumps(data))

    def set_mode(self, mode: str) -> None:
        (self.directory / "mode").write_text(mode)

    def stored(self) -> dict[str, dict[str, str]]:
        return dict(json.loads((self.directory / "store.json").read_text()))

    def calls(self) -> list[dict[str, object]]:
        path = self.directory / "calls.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]


def install_helper(directory: Path, name: str = NAME) -> CredentialHelper:
    directory.mkdir(parents=True, exist_ok=True)
    program = directory / f"docker-credential-{name}"
    program.write_text(_PROGRAM.format(python=sys.executable))
    program.chmod(program.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    (directory / "store.json").write_text("{}")
    return CredentialHelper(directory, name)


def path_with(directory: Path) -> str:
    return f"{directory}{os.pathsep}{os.environ.get('PATH', os.defpath)}"
