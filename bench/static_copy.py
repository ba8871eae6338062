"""The static copy under an incident's traffic spike, and how soon it follows a change.

Loads the demo data into a temporary SQLite database, starts `forewarn web`, runs
`forewarn publish`, and serves the copy with Debian's nginx and the shipped
configuration (deploy/nginx/forewarn-static.conf). In the same run, a second nginx
serves the same files with nothing added (a plain file server): the baseline. `wrk`
drives each for a few seconds per URL (/, /api/v2/summary.json, and that JSON's 304).
The two take turns, round after round; each figure is the median of its rounds, the
ratio the median of the rounds' ratios.
Then a real `forewarn worker` keeps the copy current while component statuses change:
``publish_s`` is the time from a change's commit until nginx serves it.

Everything targets 127.0.0.1, runs a bounded time, and stops. ``measure()`` returns the
figures (bench/statuspage.py may call it); run as a script, the last line is one JSON
object. Target: the copy at >= 90 % of the plain file server.
"""

import os
import sys

# This file's folder holds bench/calendar.py, which would shadow the standard library:
# drop it from the path, and put the repository's root there (for tests.statuspage.servers).
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
sys.path.insert(0, os.path.dirname(HERE))

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

from tests.statuspage.servers import (  # noqa: E402
    NGINX,
    Platform,
    free_port,
    nginx,
    plain_config,
    site_config,
)

URLS = {"page": "/", "summary_json": "/api/v2/summary.json"}
# One process makes every change (Django starts once, outside the timed window): for each
# status read on its input, it sets the first public component to it and prints the
# component's id and the time the change committed.
CHANGER = """
import sys, time
from forewarn.catalog import services
from forewarn.catalog.models import Component
c = Component.objects.filter(visibility="public").order_by("pk").first()
for line in sys.stdin:
    services.set_status(c, line.strip(), actor="bench")
    print(c.public_id, time.time(), flush=True)
"""


def wrk(url: str, seconds: int, connections: int, headers=()) -> tuple[float, float]:
    """(requests/s, 99th-percentile latency in ms) of `wrk -t2` against ``url``."""
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run(
        [*args, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    if re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        raise SystemExit(f"{url}: error responses\n{out}")
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[p99.group(2)]
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), float(p99.group(1)) * scale


def _get(url: str, headers=None):
    return urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10)


def _compare(copy: str, plain: str, seconds: int, connections: int, rounds: int) -> dict:
    """Per URL: (copy req/s, copy p99 ms, plain req/s, copy/plain), medians over ``rounds``.

    In each round the two servers run one after the other (which goes first alternates) and
    the round's ratio is taken between those two runs, so that other work on the machine
    weighs on both alike.
    """
    etag = _get(copy + URLS["summary_json"]).headers["ETag"]
    cases = {name: (path, ()) for name, path in URLS.items()}
    cases["summary_304"] = (URLS["summary_json"], (f"If-None-Match: {etag}",))
    figures = {}
    for name, (path, headers) in cases.items():
        runs = []
        for round_ in range(rounds):
            order = (copy, plain) if round_ % 2 == 0 else (plain, copy)
            found = {base: wrk(base + path, seconds, connections, headers) for base in order}
            runs.append((*found[copy], found[plain][0], found[copy][0] / found[plain][0]))
        figures[name] = tuple(statistics.median(run[i] for run in runs) for i in range(4))
    return figures


def publish_seconds(platform: Platform, front: str, changes: int) -> list[float]:
    """Seconds from each status change's commit until the copy served by nginx shows it."""
    found = []
    changer = subprocess.Popen(
        [sys.executable, "-m", "forewarn.cli", "shell", "-v", "0", "-c", CHANGER],
        env=platform.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        before = os.readlink(platform.site)
        with platform.worker():
            deadline = time.monotonic() + 60
            while os.readlink(platform.site) == before:  # the worker's first publish
                if time.monotonic() > deadline:
                    raise SystemExit("the worker never published")
                time.sleep(0.05)
            time.sleep(1)
            for status in (["major_outage", "operational"] * changes)[:changes]:
                changer.stdin.write(status + "\n")
                changer.stdin.flush()
                public_id, committed = changer.stdout.readline().split()
                deadline = time.monotonic() + 60
                while _status_served(front, public_id) != status:
                    if time.monotonic() > deadline:
                        raise SystemExit(f"the copy never showed {status}")
                    time.sleep(0.01)
                found.append(round(time.time() - float(committed), 3))
                time.sleep(1)
    finally:
        changer.stdin.close()
        changer.wait(timeout=30)
    return found


def _status_served(front: str, public_id: str) -> str | None:
    components = json.load(_get(front + "/api/v2/components.json"))["components"]
    return next((c["status"] for c in components if c["id"] == public_id), None)


def measure(
    seconds: int = 5, connections: int = 64, workers: int = 2, changes: int = 4, rounds: int = 3
) -> dict:
    """Run the whole measurement; the figures as one flat dict."""
    if not NGINX.exists() or not shutil.which("wrk"):
        raise SystemExit("This benchmark needs Debian's nginx and wrk: apt-get install nginx wrk")
    with tempfile.TemporaryDirectory(prefix="forewarn-bench-") as folder:
        front_port, plain_port, web_port = free_port(), free_port(), free_port()
        front = f"http://127.0.0.1:{front_port}"
        platform = Platform(Path(folder) / "data", front)
        platform.env["FOREWARN_LOG_LEVEL"] = "ERROR"
        platform.folder.mkdir()
        platform.load_demo()
        with platform.web(web_port, workers=2):
            platform.run("publish")
            plain = Path(folder) / "plain"
            shutil.copytree(platform.site, plain)  # the same bytes, as ordinary files
            upstream = f"127.0.0.1:{web_port}"
            http = site_config(platform.site, front_port, upstream) + plain_config(
                plain, plain_port
            )
            with nginx(http, Path(folder) / "nginx", front_port, workers=workers):
                plain_url = f"http://127.0.0.1:{plain_port}"
                figures = _compare(front, plain_url, seconds, connections, rounds)
                delays = publish_seconds(platform, front, changes)
    result = {}
    for name, (copy_per_s, copy_p99, plain_per_s, ratio) in figures.items():
        result[f"static_{name}_per_s"] = round(copy_per_s)
        result[f"static_{name}_p99_ms"] = round(copy_p99, 2)
        result[f"plain_nginx_{name}_per_s"] = round(plain_per_s)
        result[f"static_{name}_ratio"] = round(ratio, 3)
    result["publish_s"] = max(delays)
    result["publish_s_median"] = statistics.median(delays)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2, help="nginx worker processes")
    parser.add_argument("--changes", type=int, default=4, help="status changes timed")
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per server and URL")
    options = parser.parse_args()
    result = measure(
        options.seconds, options.connections, options.workers, options.changes, options.rounds
    )
    print(
        f"nginx {options.workers} workers, wrk 2 threads x {options.connections} connections, "
        f"{options.seconds} s each, medians of {options.rounds} rounds; the copy (shipped "
        "configuration) vs the same files served plainly"
    )
    for name in ("page", "summary_json", "summary_304"):
        print(
            f"  {name:14s} copy {result[f'static_{name}_per_s']:9,d} req/s "
            f"(p99 {result[f'static_{name}_p99_ms']:.2f} ms)   plain "
            f"{result[f'plain_nginx_{name}_per_s']:9,d} req/s   "
            f"ratio {result[f'static_{name}_ratio']:.3f}"
        )
    print(
        f"  publish_s      {result['publish_s']:.2f} s at most, {result['publish_s_median']:.2f} s median (change -> nginx serves it)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
