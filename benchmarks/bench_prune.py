"""``tagtui prune --yes`` benchmark on a real docker-registry (distribution 2.8.2), issue 9.

Starts its own registry (deletion enabled, storage in RAM, access log on). Deleting consumes
what it measures, so every measured run gets a fresh repository (``prune/<tool>-<run>``) seeded
just before it with ``--tags`` tags of distinct images (seeding is not timed). Then, as whole
processes:

- ``tagtui prune --yes HOST/prune/tagtui-K``: every tag planned and deleted (one HEAD per tag
  just before its delete, by digest: each digest has one tag);
- a bare concurrent httpx loop, as its own Python process (the provider's concurrency,
  keep-alive): the tag list, then for each tag a HEAD for ``Docker-Content-Digest`` and a DELETE
  of the manifest by that digest; plus the same loop with 16 in flight, for information;
- a loop of ``skopeo delete`` (one process per tag), timed on a sample spread over the emptying
  repository (the other tags deleted untimed in between) and extrapolated.

After every run the repository's tag list is checked: a run that left tags is reported as
such. The requests of each run are counted from the registry's access log, and the registry's
own CPU time is read from /proc. Targets: >= 10x faster than the skopeo loop, <= 1.5x the bare
loop. When ``tagtui prune`` does not exist (an unknown command: exit 2), the script says so and
still measures the baselines.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_prune.py [--runs 3] [--skopeo-sample 30]
        [--tags 1000] [--concurrency N] [--prune-arg ARG]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from processes import isolated_env, missing_tools, tagtui_command, timed_run  # noqa: E402

PREFIX = "prune"
WARMUP_TAGS = 3
#: What the bare loop's HEAD accepts (the OCI and Docker manifest and index types), written out
#: here so that the bare process imports nothing of tagtui.
ACCEPT = ", ".join(
    (
        "application/vnd.oci.image.index.v1+json",
        "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json",
        "application/vnd.docker.distribution.manifest.v2+json",
    )
)
_REQUEST = re.compile(r'"(GET|HEAD|PUT|POST|PATCH|DELETE) (\S+) HTTP/[0-9.]+" (\d{3})')
_UNKNOWN_COMMAND = ("unrecognized arguments", "invalid choice", "unknown command")


# --- the data set --------------------------------------------------------------------------------


def seed(url: str, repo: str, count: int) -> float:
    """``count`` tags ``v1``..``vN`` of ``repo``, each its own image, sharing one layer."""
    from tests.support.push import PushClient, build_image, image_config, tar_gz_layer

    layer = tar_gz_layer({"hello": b"hello from the prune benchmark\n"})
    start = time.perf_counter()
    with PushClient(url, workers=8) as client:
        client.ensure_blob(repo, layer.blob)  # once, before the concurrent pushes

        def push(n: int) -> None:
            created = f"2024-01-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z"
            # The repository in the config too: no two runs share a manifest.
            env = {"Env": [f"REPO={repo}", f"N={n}"]}
            config = image_config(created=created, layers=[layer], config=env)
            client.push(repo, build_image(config, [layer]), [f"v{n}"])

        client.map(push, range(1, count + 1))
    return time.perf_counter() - start


# --- the bare loop (run as its own process: `bench_prune.py --bare HOST REPO CONCURRENCY`) -------


async def delete_tags(host: str, repo: str, tags: list[str] | None, concurrency: int) -> str:
    """HEAD + DELETE by digest for ``tags`` (None: every tag, from the tag list); a summary."""
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    semaphore = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=f"http://{host}", limits=limits) as client:
        if tags is None:
            tags = []
            page: str | None = f"/v2/{repo}/tags/list?n=1000"
            while page:
                listed = await client.get(page)
                listed.raise_for_status()
                tags += listed.json().get("tags") or []
                page = listed.links.get("next", {}).get("url")

        async def delete(tag: str) -> bool:
            async with semaphore:  # at most `concurrency` requests in flight
                head = await client.head(f"/v2/{repo}/manifests/{tag}", headers={"Accept": ACCEPT})
                head.raise_for_status()
                digest = head.headers["docker-content-digest"]
                deleted = await client.delete(f"/v2/{repo}/manifests/{digest}")
            return deleted.status_code == 202

        done = await asyncio.gather(*(delete(tag) for tag in tags))
    return f"deleted {sum(done)} of {len(tags)} tags"


# --- checks and counts ---------------------------------------------------------------------------


def remaining_tags(url: str, repo: str) -> tuple[list[str], str]:
    """The tags ``repo`` still has, and how the registry's tag list answered."""
    import httpx

    response = httpx.get(f"{url}/v2/{repo}/tags/list", timeout=30)
    if response.status_code == 404:
        codes = [error.get("code") for error in response.json().get("errors", [])]
        return [], f"404 {','.join(codes)}"
    response.raise_for_status()
    tags = response.json().get("tags")
    return list(tags or []), f"200 tags={'null' if tags is None else len(tags)}"


def requests_since(log: Path, offset: int) -> tuple[Counter[str], int]:
    text = log.read_text(errors="replace")
    made: Counter[str] = Counter()
    for match in _REQUEST.finditer(text[offset:]):
        method, path, status = match.groups()
        what = (
            "tags/list"
            if "/tags/list" in path
            else "manifest"
            if "/manifests/" in path
            else "blob"
            if "/blobs/" in path
            else "/v2/"
            if path.rstrip("/") == "/v2"
            else path
        )
        made[f"{method} {what} {status}"] += 1
    return made, len(text)


def registry_pid(config: Path) -> int | None:
    """The pid of the ``docker-registry serve CONFIG`` this script started (Linux /proc)."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if argv[1:3] == [b"serve", str(config).encode()]:
                return int(entry.name)
    return None


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of ``pid`` so far (nan when unknown)."""
    if pid is None:
        return float("nan")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def describe(made: Counter[str]) -> str:
    parts = ", ".join(f"{kind} x{count}" for kind, count in sorted(made.items()))
    return f"{sum(made.values())} ({parts})"


# --- measurements --------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    note: str
    times: list[float] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    requests: Counter[str] = field(default_factory=Counter)
    answers: set[str] = field(default_factory=set)
    registry_cpu: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else float("nan")

    @property
    def valid(self) -> bool:
        return bool(self.times) and not self.problems


@dataclass
class Bench:
    args: argparse.Namespace
    host: str
    url: str
    log: Path
    env: dict[str, str]
    pid: int | None
    seeded: list[float] = field(default_factory=list)

    def fresh(self, name: str, count: int, warmup: bool = False) -> tuple[str, int]:
        """A newly seeded repository and the access log offset after seeding."""
        repo = f"{PREFIX}/{name}"
        took = seed(self.url, repo, count)
        if not warmup:  # the seeding time printed is that of the measured repositories
            self.seeded.append(took)
        return repo, requests_since(self.log, 0)[1]

    def measure(self, row: Row, name: str, delete_all: Callable[[str], tuple[float, str]]) -> None:
        """``--runs`` runs of ``delete_all(repo)`` on fresh repositories; every tag must go."""
        for run in range(1, self.args.runs + 1):
            repo, offset = self.fresh(f"{name}-{run}", self.args.tags)
            cpu = cpu_seconds(self.pid)
            elapsed, problem = delete_all(repo)
            row.registry_cpu.append(cpu_seconds(self.pid) - cpu)
            row.requests, _ = requests_since(self.log, offset)
            left, answer = remaining_tags(self.url, repo)
            row.answers.add(answer)
            if problem:
                row.problems.append(f"run {run}: {problem}")
            if left:
                row.problems.append(f"run {run}: {len(left)} of {self.args.tags} tags left")
            row.times.append(elapsed)


def run(args: argparse.Namespace, host: str, url: str, log: Path, work: Path, config: Path) -> None:
    from tagtui.providers.oci.provider import OciProvider

    concurrency = args.concurrency or OciProvider(host).http.concurrency
    home = work / "home"
    home.mkdir()
    bench = Bench(args, host, url, log, isolated_env(home), registry_pid(config))
    tags = args.tags

    # --- tagtui prune ---
    def prune(repo: str) -> tuple[float, str]:
        argv = [*tagtui_command(), "prune", "--yes", *args.prune_arg, f"{host}/{repo}"]
        elapsed, done = timed_run(argv, bench.env)
        return elapsed, "" if done.returncode == 0 else f"exit {done.returncode}: {done.stderr}"

    rows: list[Row] = []
    warmup, _ = bench.fresh("warmup-tagtui", WARMUP_TAGS, warmup=True)
    _, problem = prune(warmup)  # untimed: bytecode, page cache; and is the command there?
    unavailable = problem.startswith("exit 2") and any(w in problem for w in _UNKNOWN_COMMAND)
    tagtui_row: Row | None = None
    if unavailable:
        message = problem.strip().splitlines()[-1][:200]
        print(f"tagtui prune not available ({message}); measuring the baselines only")
    else:
        if problem:
            print(f"warning: tagtui prune warm-up failed: {problem.strip()[:300]}")
        tagtui_row = Row("tagtui prune --yes", f"{concurrency} in flight (provider default)")
        bench.measure(tagtui_row, "tagtui", prune)
        rows.append(tagtui_row)

    # --- bare httpx loops ---
    def bare(in_flight: int) -> Callable[[str], tuple[float, str]]:
        def delete_all(repo: str) -> tuple[float, str]:
            script = str(Path(__file__).resolve())
            argv = [sys.executable, script, "--bare", host, repo, str(in_flight)]
            elapsed, done = timed_run(argv, bench.env)
            if done.returncode != 0:
                return elapsed, f"exit {done.returncode}: {done.stderr.strip()[-300:]}"
            expected = f"deleted {tags} of {tags} tags"
            return elapsed, "" if done.stdout.strip() == expected else done.stdout.strip()

        return delete_all

    warmup, _ = bench.fresh("warmup-bare", WARMUP_TAGS, warmup=True)
    bare(concurrency)(warmup)
    bare_row = Row("bare httpx loop (process)", f"HEAD + DELETE by digest, {concurrency} in flight")
    bench.measure(bare_row, "bare", bare(concurrency))
    rows.append(bare_row)
    if concurrency != 16:
        bare16 = Row("bare httpx loop, 16 in flight", "the same with 16 in flight (information)")
        bench.measure(bare16, "bare16", bare(16))
        rows.append(bare16)

    # --- skopeo delete loop: a sample, extrapolated ---
    # On distribution 2.8 a DELETE by digest walks every tag of the repository (to untag the
    # ones pointing at it), so a delete costs more in a full repository than in an almost empty
    # one. The sample is spread over the shrinking repository: between two timed skopeo deletes
    # the tags a full loop would have deleted meanwhile go untimed (HEAD + DELETE, in-process).
    sample = min(args.skopeo_sample, tags)
    order = [f"v{n}" for n in range(1, tags + 1)]
    positions = sorted({int((k + 0.5) * tags / sample) for k in range(sample)})

    def skopeo_delete(repo: str, tag: str) -> tuple[float, str]:
        argv = ["skopeo", "delete", "--tls-verify=false", f"docker://{host}/{repo}:{tag}"]
        elapsed, done = timed_run(argv, bench.env)
        return elapsed, "" if done.returncode == 0 else f"{tag}: {done.stderr.strip()[:200]}"

    def fill(repo: str, some: list[str]) -> None:
        if some:
            summary = asyncio.run(delete_tags(host, repo, some, concurrency))
            if summary != f"deleted {len(some)} of {len(some)} tags":
                raise SystemExit(f"bench_prune: untimed deletes between skopeo runs: {summary}")

    warmup, _ = bench.fresh("warmup-skopeo", WARMUP_TAGS, warmup=True)
    skopeo_delete(warmup, "v1")
    skopeo_row = Row("skopeo delete loop", "")
    skopeo_samples: list[float] = []
    for run_number in range(1, args.runs + 1):
        repo, _ = bench.fresh(f"skopeo-{run_number}", tags)
        made: Counter[str] = Counter()
        measured, cpu_used, done_up_to, failures = 0.0, 0.0, 0, []
        for position in positions:
            fill(repo, order[done_up_to:position])
            offset, cpu = requests_since(log, 0)[1], cpu_seconds(bench.pid)
            elapsed, failure = skopeo_delete(repo, order[position])
            made += requests_since(log, offset)[0]
            cpu_used += cpu_seconds(bench.pid) - cpu
            measured += elapsed
            failures += [failure] if failure else []
            done_up_to = position + 1
        fill(repo, order[done_up_to:])
        skopeo_samples.append(measured)
        skopeo_row.requests = made
        left, answer = remaining_tags(url, repo)
        skopeo_row.answers.add(answer)
        if failures:
            skopeo_row.problems.append(f"run {run_number}: {len(failures)} failed: {failures[0]}")
        if left:
            skopeo_row.problems.append(f"run {run_number}: {len(left)} of {tags} tags left")
        skopeo_row.times.append(measured * tags / len(positions))
        skopeo_row.registry_cpu.append(cpu_used * tags / len(positions))
    skopeo_row.note = (
        f"{len(positions)} deletes timed ({statistics.median(skopeo_samples):.2f} s), spread over "
        f"the emptying repository, extrapolated to {tags}"
    )
    rows.append(skopeo_row)

    # --- the table ---
    print(
        f"\nregistry: docker-registry 2.8.2 (deletion enabled), {tags} tags of distinct images per "
        f"run, each run on a fresh repository (seeded in {statistics.median(bench.seeded):.1f} s, "
        f"not timed); {os.cpu_count()} CPUs; medians of {args.runs} runs\n"
    )
    if unavailable:
        print("tagtui prune: not available in this checkout (unknown command)\n")
    width = max(len(row.name) for row in rows)
    print(f"{'tool':<{width}}  {'seconds':>8}  {'registry CPU s':>14}  note")
    for row in rows:
        flag = "" if row.valid else "  INCOMPLETE: " + "; ".join(row.problems)[:300]
        cpu = statistics.median(row.registry_cpu) if row.registry_cpu else float("nan")
        print(f"{row.name:<{width}}  {row.median:>8.3f}  {cpu:>14.2f}  {row.note}{flag}")

    print("\nrequests per run (registry access log, the last run; skopeo: its timed sample only)")
    for row in rows:
        print(f"  {row.name}: {describe(row.requests)}")
    print("\ntag list after the runs")
    for row in rows:
        print(f"  {row.name}: {' / '.join(sorted(row.answers))}")

    print("\nratios")
    checks: list[tuple[str, Row | None, Row | None, str, Callable[[float], bool] | None]] = [
        ("skopeo loop / tagtui prune", skopeo_row, tagtui_row, ">= 10x", lambda v: v >= 10),
        ("tagtui prune / bare loop", tagtui_row, bare_row, "<= 1.5x", lambda v: v <= 1.5),
        ("skopeo loop / bare loop", skopeo_row, bare_row, "(information)", None),
    ]
    for label, numerator, denominator, target_text, ok in checks:
        if numerator is None or denominator is None:
            absent = "(tagtui prune not available)"
            print(f"  {label:<28} {'n/a':>8}  target {target_text:<13} {absent}")
            continue
        value = numerator.median / denominator.median
        valid = numerator.valid and denominator.valid
        verdict = "PASS" if ok is not None and ok(value) else "MISS" if ok is not None else ""
        if not valid:
            verdict = "INVALID (a run left tags)"
        print(f"  {label:<28} {value:7.2f}x  target {target_text:<13} {verdict}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3, help="measured runs per tool (median)")
    parser.add_argument("--skopeo-sample", type=int, default=30, help="skopeo deletes to time")
    parser.add_argument("--tags", type=int, default=1000, help="tags of distinct images per run")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=0,
        help="the bare loop's requests in flight (default: what tagtui uses for the host)",
    )
    parser.add_argument(
        "--prune-arg",
        action="append",
        default=[],
        metavar="ARG",
        help="an extra argument for tagtui prune (repeatable), e.g. --prune-arg=--json",
    )
    parser.add_argument("--bare", nargs=3, metavar=("HOST", "REPO", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare:
        print(asyncio.run(delete_tags(args.bare[0], args.bare[1], None, int(args.bare[2]))))
        return 0
    if missing_tools("bench_prune"):
        return 2
    from tests.support.registry import ram_storage, start_registry

    with tempfile.TemporaryDirectory(prefix="tagtui-bench-prune-") as tmp:
        work = Path(tmp)
        with (
            ram_storage(work / "storage") as storage,
            start_registry(
                work / "registry", storage=storage, access_log=True, delete_enabled=True
            ) as running,
        ):
            print(f"registry on {running.host}, deletion enabled; {args.tags} tags per run")
            log = work / "registry" / "registry.log"
            run(args, running.host, running.url, log, work, running.config)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
