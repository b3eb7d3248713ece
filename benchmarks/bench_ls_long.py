"""``tagtui ls -l`` benchmark on a real docker-registry (distribution 2.8.2), issue 11 §2 §3.

Starts its own registry (storage in RAM, access log on), pushes 1,000 tags of distinct images
to ``long/tags``, then times, as whole processes:

- ``tagtui ls -l --no-cache HOST/long/tags``: the tag list, one HEAD per tag, one manifest +
  one config per distinct digest, concurrently;
- ``tagtui ls -l`` with the cache: cold (an empty cache each run) and warm (the second run);
- a bare concurrent httpx loop making the same requests (a Python process too: same
  concurrency, keep-alive, no digest checks, no model), printing the same four columns;
- a loop of ``skopeo inspect`` (digest, created and layers of one tag per process), timed on a
  sample and extrapolated to 1,000, plus the ``skopeo list-tags`` it needs first.

and counts the requests each tagtui run makes from the registry's access log (cold vs warm).
Targets: >= 10x faster than the skopeo loop, <= 1.5x the bare loop.

    .venv/bin/python benchmarks/bench_ls_long.py [--runs 5] [--skopeo-sample 30] [--tags 1000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from processes import isolated_env, missing_tools, tagtui_command, timed_process  # noqa: E402

REPO = "long/tags"
_REQUEST = re.compile(r'"(GET|HEAD|PUT|POST|PATCH|DELETE) (\S+) HTTP/')


# --- the data set --------------------------------------------------------------------------------


def seed(url: str, count: int) -> float:
    """``count`` tags, each its own image (own config: its own date), sharing one layer."""
    from tests.support.push import PushClient, build_image, image_config, tar_gz_layer

    layer = tar_gz_layer({"hello": b"hello from the benchmark\n"})
    start = time.perf_counter()
    with PushClient(url, workers=8) as client:
        client.ensure_blob(REPO, layer.blob)  # once, before the concurrent pushes

        def push(n: int) -> None:
            created = f"2024-01-{1 + n % 28:02d}T{n % 24:02d}:{n % 60:02d}:00Z"
            config = image_config(created=created, layers=[layer], config={"Env": [f"N={n}"]})
            client.push(REPO, build_image(config, [layer]), [f"v{n}"])

        client.map(push, range(1, count + 1))
    return time.perf_counter() - start


# --- the bare loop (run as its own process: `bench_ls_long.py --bare HOST CONCURRENCY`) ----------


async def bare_loop(host: str, concurrency: int) -> None:
    import httpx

    from tagtui.providers.oci.manifests import MANIFEST_ACCEPT

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    semaphore = asyncio.Semaphore(concurrency)
    once: dict[str, asyncio.Task[dict]] = {}
    async with httpx.AsyncClient(base_url=f"http://{host}", limits=limits) as client:

        async def get(path: str, **kwargs: object) -> dict:
            async with semaphore:
                return (await client.get(path, **kwargs)).json()  # type: ignore[arg-type]

        def fetch(path: str, **kwargs: object) -> asyncio.Task[dict]:
            if path not in once:
                once[path] = asyncio.ensure_future(get(path, **kwargs))
            return once[path]

        async def row(tag: str) -> str:
            async with semaphore:
                head = await client.head(
                    f"/v2/{REPO}/manifests/{tag}", headers={"Accept": MANIFEST_ACCEPT}
                )
            digest = head.headers["docker-content-digest"]
            accept = {"Accept": MANIFEST_ACCEPT}
            manifest = await fetch(f"/v2/{REPO}/manifests/{digest}", headers=accept)
            config = await fetch(f"/v2/{REPO}/blobs/{manifest['config']['digest']}")
            size = sum(layer["size"] for layer in manifest["layers"])
            return f"{tag}  {digest}  {config.get('created', '-')}  {size}\n"

        tags = (await client.get(f"/v2/{REPO}/tags/list", params={"n": "1000"})).json()["tags"]
        lines = await asyncio.gather(*(row(tag) for tag in sorted(tags)))
    sys.stdout.write("".join(lines))


# --- measurements -------------------------------------------------------------------------------


def requests_since(log: Path, offset: int) -> tuple[Counter[str], int]:
    text = log.read_text(errors="replace")
    made = Counter()
    for match in _REQUEST.finditer(text[offset:]):
        method, path = match.groups()
        kind = (
            "tag list"
            if "/tags/list" in path
            else "HEAD manifest"
            if method == "HEAD"
            else "GET manifest"
            if "/manifests/" in path
            else "GET blob"
            if "/blobs/" in path
            else f"{method} other"
        )
        made[kind] += 1
    return made, len(text)


def run(args: argparse.Namespace, host: str, log: Path, work: Path, seeded_in: float) -> None:
    from tagtui.providers.oci.provider import OciProvider

    tags = args.tags
    concurrency = OciProvider(host).http.concurrency
    home = work / "home"
    home.mkdir()
    cache = work / "cache"
    target = f"{host}/{REPO}"
    ls_long = [*tagtui_command(), "ls", "-l", target]

    def check(out: str) -> None:
        lines = out.splitlines()
        assert len(lines) == tags and all(line.split()[2] != "-" for line in lines), lines[:3]

    def median(argv: list[str], fresh_cache: bool = False) -> float:
        times = []
        for run in range(args.runs + 1):  # the first run is untimed: bytecode, page cache
            if fresh_cache:
                shutil.rmtree(cache, ignore_errors=True)
            elapsed, out = timed_process(argv, isolated_env(home, cache))
            check(out)
            if run:
                times.append(elapsed)
        return statistics.median(times)

    rows: list[tuple[str, float, str]] = []
    no_cache = median([*ls_long, "--no-cache"])
    rows.append(("tagtui ls -l --no-cache", no_cache, f"{concurrency} in flight"))
    cold = median(ls_long, fresh_cache=True)
    rows.append(("tagtui ls -l, cold cache", cold, "an empty cache each run"))
    warm = median(ls_long)
    rows.append(("tagtui ls -l, warm cache", warm, "the run before filled it"))
    bare_argv = [sys.executable, str(Path(__file__).resolve()), "--bare", host, str(concurrency)]
    bare = median(bare_argv)
    rows.append(("bare httpx loop (process)", bare, f"same requests, {concurrency} in flight"))

    env = isolated_env(home, cache)
    listed, _ = timed_process(
        ["skopeo", "list-tags", "--tls-verify=false", f"docker://{target}"], env
    )
    sample = min(args.skopeo_sample, tags)
    start = time.perf_counter()
    for n in range(1, sample + 1):
        _, out = timed_process(
            ["skopeo", "inspect", "--tls-verify=false", f"docker://{target}:v{n}"], env
        )
        assert json.loads(out)["Created"]
    measured = time.perf_counter() - start
    skopeo = listed + measured * tags / sample
    rows.append(
        (
            "skopeo list-tags + inspect loop",
            skopeo,
            f"{sample} inspects timed ({measured:.2f} s), extrapolated to {tags}",
        )
    )

    # Requests: one cold run and one warm run, counted from the access log.
    shutil.rmtree(cache, ignore_errors=True)
    _, offset = requests_since(log, 0)
    timed_process(ls_long, isolated_env(home, cache))
    cold_requests, offset = requests_since(log, offset)
    timed_process(ls_long, isolated_env(home, cache))
    warm_requests, _ = requests_since(log, offset)

    print(
        f"\nregistry: docker-registry 2.8.2, {tags} tags of {REPO} (distinct images) seeded in "
        f"{seeded_in:.1f} s; {os.cpu_count()} CPUs; medians of {args.runs} runs\n"
    )
    width = max(len(row[0]) for row in rows)
    print(f"{'tool':<{width}}  {'seconds':>8}  note")
    for name, seconds, note in rows:
        print(f"{name:<{width}}  {seconds:>8.3f}  {note}")
    print("\nrequests per tagtui ls -l run (registry access log)")
    for label, made in (("cold", cold_requests), ("warm", warm_requests)):
        parts = ", ".join(f"{kind} {count}" for kind, count in sorted(made.items()))
        print(f"  {label}: {sum(made.values())} ({parts})")
    speedup, overhead = skopeo / no_cache, no_cache / bare
    print("\nratios")
    for label, value, target_text, ok in (
        ("skopeo loop / tagtui ls -l --no-cache", speedup, ">= 10x", speedup >= 10),
        ("tagtui ls -l --no-cache / bare loop", overhead, "<= 1.5x", overhead <= 1.5),
        ("tagtui ls -l cold cache / bare loop", cold / bare, "<= 1.5x", cold / bare <= 1.5),
        ("tagtui ls -l warm / cold cache", warm / cold, "(information)", True),
    ):
        print(f"  {label:<40} {value:7.2f}x  target {target_text:<13} {'PASS' if ok else 'MISS'}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="repetitions per measurement (median)")
    parser.add_argument("--skopeo-sample", type=int, default=30, help="skopeo inspect runs to time")
    parser.add_argument("--tags", type=int, default=1000, help="tags of distinct images to push")
    parser.add_argument("--bare", nargs=2, metavar=("HOST", "CONCURRENCY"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare:
        asyncio.run(bare_loop(args.bare[0], int(args.bare[1])))
        return 0
    if missing_tools("bench_ls_long"):
        return 2
    from tests.support.registry import ram_storage, start_registry

    with tempfile.TemporaryDirectory(prefix="tagtui-bench-long-") as tmp:
        work = Path(tmp)
        with (
            ram_storage(work / "storage") as storage,
            start_registry(work / "registry", storage=storage, access_log=True) as running,
        ):
            print(f"pushing {args.tags} images to {running.host}/{REPO}...")
            seeded_in = seed(running.url, args.tags)
            run(args, running.host, work / "registry" / "registry.log", work, seeded_in)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
