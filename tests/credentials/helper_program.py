"""A real ``docker-credential-tagtuitest`` executable speaking the credential-helper protocol.

It answers ``get`` from a JSON store next to it and records each call (argv and stdin) so tests
can check the server URL arrived on stdin and no secret was in argv.
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
server_url = sys.stdin.read()
with open(here / "calls.jsonl", "a") as log:
    log.write(json.dumps({{"argv": sys.argv, "stdin": server_url}}) + "\\n")
mode = (here / "mode").read_text() if (here / "mode").exists() else "normal"
if mode == "hang":
    time.sleep(120)
if mode == "broken":
    print("helper exploded: backend unavailable")
    sys.exit(2)
if mode == "garbage":
    print("this is not json")
    sys.exit(0)
if sys.argv[1:] != ["get"]:
    print("unknown action")
    sys.exit(1)
store = json.loads((here / "store.json").read_text())
entry = store.get(server_url.strip())
if entry is None:
    print("credentials not found in native keychain")
    sys.exit(1)
print(json.dumps({{"ServerURL": server_url.strip(), **entry}}))
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

    def calls(self) -> list[dict[str, object]]:
        path = self.directory / "calls.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]


def install_helper(directory: Path) -> CredentialHelper:
    directory.mkdir(parents=True, exist_ok=True)
    program = directory / f"docker-credential-{NAME}"
    program.write_text(_PROGRAM.format(python=sys.executable))
    program.chmod(program.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    (directory / "store.json").write_text("{}")
    return CredentialHelper(directory)


def path_with(directory: Path) -> str:
    return f"{directory}{os.pathsep}{os.environ.get('PATH', os.defpath)}"
