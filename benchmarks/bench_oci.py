"""OCI provider benchmark on a real, seeded docker-registry (distribution 2.8.2).

Starts its own registry with the test suite's full data set (``tests/support``), then in one run:

(a) list the 5,000 tags of ``big/tags`` as whole processes:
    ``tagtui ls HOST/big/tags``  vs  ``skopeo list-tags --tls-verify=false docker://HOST/big/tags``
(b) fetch manifest + config for 300 tags (``many/repo-0001..0300:latest``, 300 distinct
    repositories, so no cache can skip a request):
    ``OciProvider.get_tag`` (concurrently)  vs  a loop of ``skopeo inspect --config``
    vs  a bare concurrent httpx loop making the same two GETs per tag.

Prints a table with ratios against the targets: (a) tagtui <= 1.5x skopeo; (b) >= 10x faster
than the skopeo loop and <= 1.5x the bare loop.

    .venv/bin/python benchmarks/bench_oci.py [--runs 5] [--skopeo-sample 30] [--full-skopeo]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
from processes import isolated_env, missing_tools, tagtui_command, timed_process  # noqa: E402

from tagtui.providers.oci.manifests import MANIFEST_ACCEPT  # noqa: E402
from tagtui.providers.oci.provider import OciProvider  # noqa: E402

BIG = "big/tags"
BIG_TAGS = 5000
SAMPLE_TAGS = 300


def effective_concurrency(host: str) -> int:
    """Requests in flight the provider uses for ``host`` (capped on loopback); the bare loop too."""
    return OciProvider(host).http.concurrency


@dataclass
class Row:
    case: str
    tool: str
    seconds: float
    note: str = ""


def median_process(
    argv: Sequence[str], runs: int, check: Callable[[str], None], env: dict[str, str] | None = None
) -> float:
    # One untimed run first: bytecode cache and page cache filled, as for a program in daily use.
    check(timed_process(argv, env)[1])
    times = []
    for _ in range(runs):
        elapsed, out = timed_process(argv, env)
        check(out)
        times.append(elapsed)
    return statistics.median(times)


def median_async(function: Callable[[], Awaitable[None]], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        asyncio.run(function())
        times.append(time.perf_counter() - start)
    return statistics.median(times)


# --- (a) listing 5,000 tags -----------------------------------------------------------------------


def check_tag_lines(out: str) -> None:
    lines = out.splitlines()
    assert len(lines) == BIG_TAGS and all("\t" in line for line in lines), len(lines)


def check_skopeo_tags(out: str) -> None:
    assert len(json.loads(out)["Tags"]) == BIG_TAGS


def bench_listing(host: str, runs: int, home: Path) -> list[Row]:
    env = isolated_env(home)
    tagtui = median_process([*tagtui_command(), "ls", f"{host}/{BIG}"], runs, check_tag_lines, env)
    # The standard library and site-packages keep their own __pycache__; the checkout has none.
    no_cache = {k: v for k, v in env.items() if k != "PYTHONPYCACHEPREFIX"}
    uncached = median_process(
        [*tagtui_command(), "ls", f"{host}/{BIG}"],
        runs,
        check_tag_lines,
        {**no_cache, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    skopeo = median_process(
        ["skopeo", "list-tags", "--tls-verify=false", f"docker://{host}/{BIG}"],
        runs,
        check_skopeo_tags,
        env,
    )
    provider_only = median_process(
        [
            sys.executable,
            "-c",
            "import asyncio, sys\n"
            "from tagtui.providers.oci.provider import OciProvider\n"
            "async def main():\n"
            "    async with OciProvider(sys.argv[1]) as p:\n"
            "        tags = await p.list_tags(sys.argv[2])\n"
            "    sys.stdout.write(''.join(f'{t.name}\\t-\\n' for t in tags))\n"
            "asyncio.run(main())\n",
            host,
            BIG,
        ],
        runs,
        check_tag_lines,
        {**env, "PYTHONPATH": str(ROOT)},
    )
    startup = median_process(
        [sys.executable, "-c", "import tagtui.cli, tagtui.providers.oci.provider"],
        runs,
        lambda out: None,
        {**env, "PYTHONPATH": str(ROOT)},
    )
    interpreter = median_process([sys.executable, "-c", "pass"], runs, lambda out: None, env)
    # The least any Python can do: one plain-HTTP GET, JSON, natural sort, print. No asyncio,
    # no httpx, no HTTPS probe, no checks: a floor for CPython, not a usable client.
    stdlib_only = median_process(
        [
            sys.executable,
            "-c",
            "import http.client, json, re, sys\n"
            "host, port = sys.argv[1].rsplit(':', 1)\n"
            "conn = http.client.HTTPConnection(host, int(port))\n"
            "conn.request('GET', f'/v2/{sys.argv[2]}/tags/list')\n"
            "names = json.loads(conn.getresponse().read())['tags']\n"
            "chunks = re.compile(r'(\\d+)')\n"
            "def key(name):\n"
            "    return tuple((0, int(c)) if c.isdigit() else (1, c.lower())\n"
            "                 for c in chunks.split(name) if c)\n"
            "sys.stdout.write(''.join(f'{n}\\t-\\n' for n in sorted(names, key=key)))\n",
            host,
            BIG,
        ],
        runs,
        check_tag_lines,
        env,
    )
    stack = median_process(
        [sys.executable, "-c", "import asyncio, httpx"], runs, lambda out: None, env
    )

    async def in_process() -> None:
        async with OciProvider(host) as provider:
            assert len(await provider.list_tags(BIG)) == BIG_TAGS

    warm = median_async(in_process, runs)
    return [
        Row("(a) list 5,000 tags", "tagtui ls (process)", tagtui),
        Row("(a) list 5,000 tags", "skopeo list-tags (process)", skopeo),
        Row(
            "(a) breakdown",
            "tagtui ls, no bytecode cache",
            uncached,
            "PYTHONDONTWRITEBYTECODE=1, checkout compiled every run",
        ),
        Row(
            "(a) breakdown",
            "python -c OciProvider.list_tags",
            provider_only,
            "no CLI, no credentials",
        ),
        Row("(a) breakdown", "python: import cli + provider", startup, "imports only"),
        Row("(a) breakdown", "python: import asyncio + httpx", stack, "the HTTP stack alone"),
        Row("(a) breakdown", "python -c pass", interpreter, "interpreter start"),
        Row(
            "(a) breakdown",
            "python, stdlib only",
            stdlib_only,
            "http.client GET + json + natural sort: the CPython floor",
        ),
        Row("(a) breakdown", "list_tags in a warm process", warm, "HTTP + JSON + natural sort"),
    ]


# --- (b) manifest + config for 300 tags -----------------------------------------------------------

Targets = list[tuple[str, str]]  # (repository, tag)


@dataclass(frozen=True)
class Scenario:
    key: str
    title: str
    targets: Targets


def scenarios() -> list[Scenario]:
    rows = [(BIG, f"t{n}") for n in range(1, SAMPLE_TAGS + 1)]
    repositories = [(f"many/repo-{n:04d}", "latest") for n in range(1, SAMPLE_TAGS + 1)]
    return [
        # What the tag list does for the rows on screen: one repository, 300 tags on 4 images.
        Scenario("b1", "(b1) 300 tags of big/tags", rows),
        # The worst case: 300 repositories, so every tag costs a manifest AND a config request.
        Scenario("b2", "(b2) 300 repositories", repositories),
    ]


async def provider_details(host: str, targets: Targets) -> None:
    async with OciProvider(host) as provider:
        details = await asyncio.gather(*(provider.get_tag(r, t) for r, t in targets))
    assert all(d.image is not None and d.image.config.created for d in details)


async def bare_details(host: str, targets: Targets, concurrency: int) -> None:
    """What a careful script would do: the same requests (each config once per repository),
    keep-alive, the same concurrency; no digest checks, no model."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    semaphore = asyncio.Semaphore(concurrency)
    configs: dict[tuple[str, str], asyncio.Task[dict]] = {}
    async with httpx.AsyncClient(base_url=f"http://{host}", limits=limits) as client:

        async def config(repository: str, digest: str) -> dict:
            async with semaphore:
                return (await client.get(f"/v2/{repository}/blobs/{digest}")).json()

        async def one(repository: str, tag: str) -> None:
            async with semaphore:
                manifest = await client.get(
                    f"/v2/{repository}/manifests/{tag}", headers={"Accept": MANIFEST_ACCEPT}
                )
            digest = manifest.json()["config"]["digest"]
            key = (repository, digest)
            if key not in configs:
                configs[key] = asyncio.ensure_future(config(repository, digest))
            assert (await configs[key])["created"]

        await asyncio.gather(*(one(r, t) for r, t in targets))


def skopeo_loop(host: str, targets: Targets, env: dict[str, str]) -> float:
    start = time.perf_counter()
    for repository, tag in targets:
        _, out = timed_process(
            [
                "skopeo",
                "inspect",
                "--config",
                "--tls-verify=false",
                f"docker://{host}/{repository}:{tag}",
            ],
            env,
        )
        assert json.loads(out)["created"]
    return time.perf_counter() - start


def bench_details(host: str, runs: int, sample: int, home: Path) -> list[Row]:
    concurrency = effective_concurrency(host)
    rows = []
    for scenario in scenarios():
        targets = scenario.targets
        provider = median_async(lambda t=targets: provider_details(host, t), runs)
        bare = median_async(lambda t=targets: bare_details(host, t, concurrency), runs)
        sampled = targets[: min(sample, len(targets))]
        measured = skopeo_loop(host, sampled, isolated_env(home))
        skopeo = measured * len(targets) / len(sampled)
        note = (
            "full loop"
            if len(sampled) == len(targets)
            else f"{len(sampled)} runs timed ({measured:.2f} s), extrapolated to {len(targets)}"
        )
        rows += [
            Row(
                scenario.title,
                f"provider.get_tag [{scenario.key}]",
                provider,
                f"{concurrency} in flight, digests verified",
            ),
            Row(
                scenario.title,
                f"bare httpx loop [{scenario.key}]",
                bare,
                f"{concurrency} in flight",
            ),
            Row(scenario.title, f"skopeo inspect --config loop [{scenario.key}]", skopeo, note),
        ]
    return rows


# --- report ---------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(rows: list[Row], seeded_in: float | None) -> None:
    by_tool = {row.tool: row.seconds for row in rows}
    width = max(len(row.tool) for row in rows)
    case_width = max(len(row.case) for row in rows)
    seeded = f", seeded in {seeded_in:.1f} s" if seeded_in is not None else ""
    cpus = os.cpu_count()
    print(f"\nregistry: docker-registry 2.8.2{seeded}; {cpus} CPUs; medians of repeated runs\n")
    print(f"{'case':<{case_width}}  {'tool':<{width}} {'seconds':>9}  note")
    for row in rows:
        print(f"{row.case:<{case_width}}  {row.tool:<{width}} {row.seconds:>9.3f}  {row.note}")

    ls_ratio = by_tool["tagtui ls (process)"] / by_tool["skopeo list-tags (process)"]
    checks = [("(a) tagtui ls / skopeo list-tags", ls_ratio, "<= 1.5x", ls_ratio <= 1.5)]
    for scenario in scenarios():
        if f"provider.get_tag [{scenario.key}]" not in by_tool:
            continue  # --listing-only
        provider = by_tool[f"provider.get_tag [{scenario.key}]"]
        speedup = by_tool[f"skopeo inspect --config loop [{scenario.key}]"] / provider
        overhead = provider / by_tool[f"bare httpx loop [{scenario.key}]"]
        checks += [
            (f"({scenario.key}) skopeo loop / provider", speedup, ">= 10x", speedup >= 10),
            (f"({scenario.key}) provider / bare httpx loop", overhead, "<= 1.5x", overhead <= 1.5),
        ]
    print("\nratios")
    for label, value, target, ok in checks:
        print(f"  {label:<36} {value:7.2f}x  target {target:<8} {verdict(ok)}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="repetitions per measurement (median)")
    parser.add_argument("--skopeo-sample", type=int, default=30, help="skopeo inspect runs to time")
    parser.add_argument("--full-skopeo", action="store_true", help="time all 300 skopeo runs")
    parser.add_argument(
        "--host", help="use this already seeded registry (HOST:PORT) instead of starting one"
    )
    parser.add_argument("--listing-only", action="store_true", help="run (a) only, not (b)")
    args = parser.parse_args(argv)
    if missing_tools("bench_oci"):
        return 2

    with tempfile.TemporaryDirectory(prefix="tagtui-bench-") as tmp:
        workdir = Path(tmp)
        home = workdir / "home"
        home.mkdir()
        if args.host:
            run(args, args.host, home, seeded_in=None)
            return 0
        from tests.support.registry import start_seeded_registry

        print("seeding a registry with the full data set (5,000 tags, 1,500 repositories)...")
        with start_seeded_registry(workdir / "registry", full=True) as seeded:
            run(args, seeded.host, home, seeded_in=seeded.seed.seconds)
    return 0


def run(args: argparse.Namespace, host: str, home: Path, seeded_in: float | None) -> None:
    rows = bench_listing(host, args.runs, home)
    if not args.listing_only:
        sample = SAMPLE_TAGS if args.full_skopeo else args.skopeo_sample
        rows += bench_details(host, max(3, args.runs // 2 + 1), sample, home)
    report(rows, seeded_in)


if __name__ == "__main__":
    raise SystemExit(main())
