"""Startup benchmark (issue 11 §1): from starting the process to the first repository name on
screen, as a person sees it — a real terminal (tmux), the real registry.

Three programs, alternating, each run ``--runs`` times:

- ``tagtui HOST``;
- a bare Textual app: the catalog fetched with urllib in ``compose`` and shown in an
  ``OptionList`` — the floor any Textual registry browser stands on (the issue's reference);
- the same bare app fetching with an ``httpx.AsyncClient`` in ``on_mount``: the floor of
  tagtui's own stack (Textual + httpx), so the ratio to it is what tagtui itself adds.

The screen is read with ``tmux capture-pane`` every few milliseconds until the first repository
name appears (the polling costs both sides the same). Prints the medians and their ratio
(goal: ≤ 1.3).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_startup.py [--runs 7] [--repos 5]
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.processes import isolated_env, missing_tools, tagtui_command  # noqa: E402
from tests.support.push import PushClient, build_image, image_config, tar_gz_layer  # noqa: E402
from tests.support.registry import start_registry  # noqa: E402

BARE_APP = """
import json, sys, urllib.request
from textual.app import App
from textual.widgets import OptionList

class Bare(App):
    def compose(self):
        with urllib.request.urlopen(sys.argv[1] + "/v2/_catalog") as reply:
            names = json.load(reply)["repositories"]
        yield OptionList(*names)

Bare().run()
"""

BARE_HTTPX_APP = """
import sys
import httpx
from textual.app import App
from textual.widgets import OptionList

class Bare(App):
    def compose(self):
        yield OptionList()

    async def on_mount(self):
        async with httpx.AsyncClient() as client:
            reply = await client.get(sys.argv[1] + "/v2/_catalog")
        self.query_one(OptionList).add_options(reply.json()["repositories"])

Bare().run()
"""

POLL_SECONDS = 0.02
DEADLINE_SECONDS = 20.0
SESSION = "tagtui-bench-startup"


def seed(url: str, repos: int) -> list[str]:
    names = [f"bench/startup-{n:02d}" for n in range(repos)]
    with PushClient(url) as client:
        for name in names:
            layer = tar_gz_layer({"f": name.encode()})
            client.push(name, build_image(image_config(layers=[layer]), [layer]), ["latest"])
    return names


def tmux(*args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["tmux", "-L", SESSION, *args], capture_output=True, text=True, check=False, env=env
    ).stdout


def first_paint(argv: list[str], env: dict[str, str], marker: str) -> float:
    """Seconds from starting ``argv`` in an 80x24 tmux window to ``marker`` on its screen."""
    tmux("kill-server")
    command = " ".join(shlex.quote(part) for part in argv)
    env_prefix = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items() if k in PASSED_ENV)
    start = time.perf_counter()
    # The tmux server takes its environment from this client: started with ``env``, not ours,
    # so nothing of the caller's (PYTHONDONTWRITEBYTECODE: every run would compile every
    # module again, adding ~0.6 s to both sides) reaches the programs measured.
    subprocess.run(
        [
            "tmux", "-L", SESSION, "new-session", "-d", "-x", "80", "-y", "24",
            f"env {env_prefix} {command}",
        ],
        check=True,
        env=env,
    )  # fmt: skip
    try:
        while time.perf_counter() - start < DEADLINE_SECONDS:
            if marker in tmux("capture-pane", "-p"):
                return time.perf_counter() - start
            time.sleep(POLL_SECONDS)
        raise SystemExit(f"bench_startup: {marker!r} never showed:\n{tmux('capture-pane', '-p')}")
    finally:
        tmux("kill-server")


PASSED_ENV = (
    "HOME",
    "XDG_CONFIG_HOME",
    "XDG_RUNTIME_DIR",
    "XDG_CACHE_HOME",
    "PYTHONPYCACHEPREFIX",
    "PATH",
    "PYTHONPATH",
    "TERM",
    "LANG",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--repos", type=int, default=5)
    args = parser.parse_args()
    if missing_tools("bench_startup", ("docker-registry", "tmux")):
        return 2
    with tempfile.TemporaryDirectory(prefix="tagtui-bench-") as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        env = isolated_env(home)
        env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color", LANG="C.UTF-8")
        bare = Path(tmp) / "bare.py"
        bare.write_text(BARE_APP)
        bare_httpx = Path(tmp) / "bare_httpx.py"
        bare_httpx.write_text(BARE_HTTPX_APP)
        with start_registry(Path(tmp) / "registry") as registry:
            names = seed(registry.url, args.repos)
            marker = names[0]
            programs = {
                "tagtui": [*tagtui_command(), registry.host],
                "bare Textual app": [sys.executable, str(bare), registry.url],
                "bare app + httpx": [sys.executable, str(bare_httpx), registry.url],
            }
            # One untimed run each: bytecode compiled, files in the page cache.
            for argv in programs.values():
                first_paint(argv, env, marker)
            times: dict[str, list[float]] = {name: [] for name in programs}
            for _ in range(args.runs):
                for name, argv in programs.items():
                    times[name].append(first_paint(argv, env, marker))
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"startup to the first repository on screen (80x24 tmux, {args.runs} runs each)")
    for name, values in times.items():
        spread = f"{min(values):.3f}–{max(values):.3f}"
        print(f"  {name:<18} median {medians[name]:.3f} s   ({spread} s)")
    ratio = medians["tagtui"] / medians["bare Textual app"]
    floor = medians["bare app + httpx"] / medians["bare Textual app"]
    own = medians["tagtui"] / medians["bare app + httpx"]
    print(f"  ratio tagtui / bare: {ratio:.2f}x (goal ≤ 1.3x)")
    print(f"  ratio bare + httpx / bare: {floor:.2f}x (the stack alone, before any tagtui code)")
    print(f"  ratio tagtui / bare + httpx: {own:.2f}x (what tagtui adds to its stack)")
    print(f"  load average: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
