"""``tagtui ls`` / ``inspect`` against a slow, looping and hostile registry, as real processes.

The registry is ``tests.support.hostile`` on 127.0.0.1. Each slow or looping case runs with a
wall-clock bound: the subprocess timeout fails the test if the command hangs (it is a safety
limit, nothing waits on it), and the measured time must stay well under what a hang would take.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.support.cli import tagtui
from tests.support.hostile import BIDI_SPOOF, HOSTILE_TAGS, HostileRegistry

# `--timeout 2` plus process start-up, far below the minutes a dripping body held it before.
WALL_CLOCK_BOUND = 15.0
INVISIBLE = "\u202e\u200b\u2028\u2067\u2069"


@pytest.mark.parametrize("before_command", [False, True], ids=["after", "before"])
def test_a_dripping_answer_ends_at_the_timeout(
    hostile_registry: HostileRegistry, tmp_path: Path, before_command: bool
) -> None:
    target = f"{hostile_registry.address}/drip"
    args = ("--timeout", "2", "ls", target) if before_command else ("ls", "--timeout", "2", target)
    started = time.monotonic()
    result = tagtui(*args, home=tmp_path, timeout=60)
    elapsed = time.monotonic() - started
    assert result.returncode == 1, result.stderr
    assert elapsed < WALL_CLOCK_BOUND
    assert result.stderr.count("\n") == 1
    assert hostile_registry.address in result.stderr
    assert "within 2 s" in result.stderr


def test_connection_options_go_on_either_side_of_every_command(
    hostile_registry: HostileRegistry, tmp_path: Path
) -> None:
    ref = f"{hostile_registry.address}/hostile:latest"
    before = tagtui("--timeout=5", "--insecure", "inspect", "--json", ref, home=tmp_path)
    after = tagtui("inspect", "--json", ref, "--timeout", "5", home=tmp_path)
    assert before.returncode == after.returncode == 0, before.stderr + after.stderr
    assert before.stdout == after.stdout


def test_a_catalog_whose_cursor_moves_while_names_repeat_stops(
    hostile_registry: HostileRegistry, tmp_path: Path
) -> None:
    started = time.monotonic()
    result = tagtui("ls", hostile_registry.address, home=tmp_path, timeout=60)
    assert time.monotonic() - started < WALL_CLOCK_BOUND
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["drip", "hostile", "loop"]
    assert "pagination does not progress" in result.stderr
    assert hostile_registry.requests["/v2/_catalog"] == 2


def test_tags_whose_cursor_moves_while_names_repeat_stop(
    hostile_registry: HostileRegistry, tmp_path: Path
) -> None:
    result = tagtui("ls", f"{hostile_registry.address}/loop", home=tmp_path, timeout=60)
    assert result.returncode == 1
    assert "tags of loop with nothing new: pagination does not progress" in result.stderr
    assert hostile_registry.requests["/v2/loop/tags/list"] == 2


def test_ls_prints_one_line_per_tag_and_shows_what_would_spoof(
    hostile_registry: HostileRegistry, tmp_path: Path
) -> None:
    result = tagtui("ls", f"{hostile_registry.address}/hostile", home=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == len(HOSTILE_TAGS)
    assert all(line.count("\t") == 1 for line in lines)
    names = {line.split("\t")[0] for line in lines}
    assert {"v\ufffd1", "invoice<U+202E>gnp.exe", "zero<U+200B>width", "esc\\x1b[2Jx"} <= names
    assert "two lines" in names
    assert not any(char in result.stdout for char in INVISIBLE + "\x1b")


def test_inspect_text_shows_invisible_characters_and_no_surrogate(
    hostile_registry: HostileRegistry, tmp_path: Path
) -> None:
    result = tagtui("inspect", f"{hostile_registry.address}/hostile:latest", home=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "spoof=invoice<U+202E>gnp.exe" in result.stdout
    assert "isolate=a<U+2067>b<U+2069>c" in result.stdout
    assert "SEP=a<U+2028>b" in result.stdout
    assert "SURROGATE=a\ufffdb" in result.stdout
    assert not any(char in result.stdout for char in INVISIBLE)


def test_inspect_json_is_strict_and_keeps_the_exact_strings(
    hostile_registry: HostileRegistry, tmp_path: Path
) -> None:
    # tagtui() runs the strict JSON check (no lone surrogate, all UTF-8) on --json output.
    result = tagtui(
        "inspect", "--json", f"{hostile_registry.address}/hostile:latest", home=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "\\ud800" not in result.stdout.lower()

    image = json.loads(result.stdout)["image"]
    labels = {label["name"]: label["value"] for label in image["labels"]}
    assert labels["spoof"] == BIDI_SPOOF
    assert labels["isolate"] == "a\u2067b\u2069c"
    assert labels["key\ufffd"] == "value\ufffd\ufffd"
    assert {"name": "SEP", "value": "a\u2028b"} in image["env"]


@pytest.mark.parametrize("command", [(), ("ls",), ("inspect",)])
def test_credentials_typed_into_a_reference_are_refused_without_echo(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    result = tagtui(*command, "alice:s3cr3t-pw@registry.example/app:1", home=tmp_path)
    assert result.returncode == 2
    assert "tagtui login registry.example" in result.stderr
    assert "s3cr3t" not in result.stderr + result.stdout
