"""Scale ceiling (issue 11 §4): one repository of 100,000 tags behind a local registry-like server.

The server (a separate process, so it does not share this one's CPU time) speaks the part of the
distribution API the tag list needs: ``/v2/``, the catalog, ``tags/list`` in pages of 1,000 with
``Link`` headers, and one small image for every tag (HEAD / GET manifest, config blob). The real
app runs headless at 160x48 with the real OCI provider. Printed, from one run:

- first tag rows painted, and every tag listed, after opening the repository;
- the same list fetched by a bare httpx loop over the pages (the floor) and by
  ``skopeo list-tags`` (a peer), with the ratios;
- filter keystroke cost on the 100,000-row tree (handler + repaint; key press to painted rows);
- peak RSS of the process (the app with every tag listed).

Goals: first rows well before the last page; filter keystroke < 50 ms; < 300 MB RSS.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_scale.py [--tags 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")

from benchmarks.bench_ui import PaintClock, _filter_figures, _rss_mb, until  # noqa: E402

REPOSITORY = "big/tags"
PAGE = 1000

SERVER = r"""
import hashlib, json, sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

TAGS = int(sys.argv[1])
PAGE = int(sys.argv[2])
REPO = sys.argv[3]
NAMES = sorted(f"1.{n // 100}.{n % 100}" for n in range(TAGS))  # lexical, as distribution sends
CONFIG = json.dumps({"architecture": "amd64", "os": "linux",
                     "created": "2024-01-01T00:00:00Z",
                     "rootfs": {"type": "layers", "diff_ids": []}}).encode()
CONFIG_DIGEST = "sha256:" + hashlib.sha256(CONFIG).hexdigest()
MANIFEST = json.dumps({"schemaVersion": 2,
                       "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json",
                                  "digest": CONFIG_DIGEST, "size": len(CONFIG)},
                       "layers": []}).encode()
MANIFEST_DIGEST = "sha256:" + hashlib.sha256(MANIFEST).hexdigest()
INDEX = {name: i for i, name in enumerate(NAMES)}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes: without this, Nagle's algorithm and the client's
    # delayed ACK hold every answer ~40 ms.
    disable_nagle_algorithm = True

    def send(self, status, body=b"", kind="application/json", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        for key, value in headers:
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        path = url.path
        if path == "/v2/":
            return self.send(200, b"{}")
        if path == "/v2/_catalog":
            return self.send(200, json.dumps({"repositories": [REPO]}).encode())
        if path == f"/v2/{REPO}/tags/list":
            n = int(query.get("n", [PAGE])[0])
            last = query.get("last", [None])[0]
            start = INDEX[last] + 1 if last in INDEX else 0
            page = NAMES[start : start + n]
            headers = []
            if start + n < len(NAMES):
                link = f"/v2/{REPO}/tags/list?n={n}&last={page[-1]}"
                headers.append(("Link", f'<{link}>; rel="next"'))
            body = json.dumps({"name": REPO, "tags": page}).encode()
            return self.send(200, body, headers=headers)
        if path.startswith(f"/v2/{REPO}/manifests/"):
            return self.send(200, MANIFEST, "application/vnd.oci.image.manifest.v1+json",
                             [("Docker-Content-Digest", MANIFEST_DIGEST)])
        if path == f"/v2/{REPO}/blobs/{CONFIG_DIGEST}":
            return self.send(200, CONFIG, "application/octet-stream")
        return self.send(404, b'{"errors":[{"code":"NOT_FOUND"}]}')

    do_HEAD = do_GET

    def log_message(self, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""


def start_server(tags: int) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(tags), str(PAGE), REPOSITORY],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    port = process.stdout.readline().strip()
    return process, f"127.0.0.1:{port}"


def bare_pages(host: str) -> tuple[float, int]:
    """Every page with one keep-alive httpx client: the floor for listing."""
    import httpx

    start = time.perf_counter()
    names = 0
    with httpx.Client(base_url=f"http://{host}") as client:
        target: str | None = f"/v2/{REPOSITORY}/tags/list?n={PAGE}"
        while target:
            reply = client.get(target)
            names += len(reply.json()["tags"])
            link = reply.headers.get("link")
            target = link.split(";")[0].strip("<> ") if link else None
    return time.perf_counter() - start, names


def skopeo_list(host: str) -> tuple[float, int] | None:
    if shutil.which("skopeo") is None:
        return None
    start = time.perf_counter()
    done = subprocess.run(
        ["skopeo", "list-tags", "--tls-verify=false", f"docker://{host}/{REPOSITORY}"],
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - start, len(json.loads(done.stdout)["Tags"])


async def run_app(host: str, tags: int) -> dict[str, float]:
    from tagtui.providers.base import ConnectionOptions
    from tagtui.providers.oci.provider import OciProvider
    from tagtui.ui.app import TagtuiApp
    from tagtui.ui.widgets.tag_tree import TagTree

    paint = PaintClock()
    paint.install(TagTree)
    provider = OciProvider(host, options=ConnectionOptions(cache=False))
    app = TagtuiApp(provider)
    figures: dict[str, float] = {}
    async with app.run_test(size=(160, 48)) as pilot:
        screen = app.screen
        await until(lambda: screen.repo_list.total == 1, pilot)  # type: ignore[attr-defined]
        await app.workers.wait_for_complete()
        opened = time.perf_counter()
        screen.open_repository(REPOSITORY)  # type: ignore[attr-defined]
        await until(lambda: paint.first_after(opened) is not None, pilot, limit=120)
        first = paint.first_after(opened)
        assert first is not None
        await until(
            lambda: not screen.tags_loading and len(screen.catalog) == tags,  # type: ignore[attr-defined]
            pilot,
            limit=300,
        )
        listed = time.perf_counter()
        figures["first tag rows painted (s)"] = first - opened
        figures["every tag listed (s)"] = listed - opened
        await app.workers.wait_for_complete()
        await pilot.pause()
        figures.update(await _filter_figures(pilot, screen, "tag-pane", "1.999.9", paint))
    figures["peak RSS (MB)"] = _rss_mb()
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tags", type=int, default=100_000)
    args = parser.parse_args()
    process, host = start_server(args.tags)
    try:
        bare, bare_count = bare_pages(host)
        assert bare_count == args.tags, bare_count
        peer = skopeo_list(host)
        figures = asyncio.run(run_app(host, args.tags))
    finally:
        process.terminate()
        process.wait()
    print(f"tagtui scale benchmark: {args.tags:,} tags in pages of {PAGE:,} (local server, 160x48)")
    width = max(len(name) for name in figures) + 2
    for name, value in figures.items():
        print(f"  {name:<{width}} {value:10.3f}")
    print(f"  {'bare httpx loop over the pages (s)':<{width}} {bare:10.3f}")
    if peer is not None:
        print(f"  {'skopeo list-tags (s)':<{width}} {peer[0]:10.3f}")
    first, every = figures["first tag rows painted (s)"], figures["every tag listed (s)"]
    print(f"  ratio first rows / bare loop: {first / bare:.2f}x")
    print(f"  ratio every tag listed / bare loop: {every / bare:.2f}x")
    if peer is not None:
        print(f"  ratio every tag listed / skopeo: {every / peer[0]:.2f}x")
    print(f"  load average: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
