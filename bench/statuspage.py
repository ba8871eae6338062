"""Status page under an incident's traffic spike: the web process and the static copy against nginx.

One run, everything on 127.0.0.1, each measurement `wrk -t2 -c64` for a few seconds:

- baseline: nginx serving byte-identical copies of `/` and `/api/v2/summary.json` (the
  bodies the web process sent, as plain files), and a 304 for the JSON;
- the web process as `make demo` starts it (`forewarn demo`: granian, 2 workers of 2 threads,
  the worker in-process, demo data in a temporary SQLite database): the cached page, the
  JSON, and the JSON's 304 (If-None-Match); the largest RSS of any web process meanwhile;
  `--servers granian,gunicorn` runs it once per server to compare them;
- the static copy (`forewarn publish` served by deploy/nginx/forewarn-static.conf), and
  `publish_s`: the time from a status change until the copy shows it. Hook:
  ``static_copy`` measures it when that configuration is in the tree, and says why not if not.

Prints a table, and as its last line one JSON object: requests/s and p99 (ms) of each, the
ratios to nginx, the RSS, `publish_s`. Needs wrk and nginx (Debian's; installed if missing and
we are root). Bounded: every wrk run has a timeout, every process is stopped at the end.
"""

import os
import sys

# This file's folder holds bench/calendar.py, which would shadow the standard library:
# drop it from the path before anything imports `calendar`.
sys.path = [
    p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))
]

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from contextlib import ExitStack, contextmanager  # noqa: E402
from email.message import Message  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
STATIC_CONF = REPO / "deploy" / "nginx" / "forewarn-static.conf"
FOREWARN = [sys.executable, "-m", "forewarn.cli"]
URLS = {"page": "/", "summary": "/api/v2/summary.json"}


def ensure(tool: str) -> str:
    if not shutil.which(tool) and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", tool], check=True, capture_output=True)
    return shutil.which(tool) or sys.exit(f"This benchmark needs {tool}: apt-get install {tool}")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, headers=None) -> tuple[int, Message, bytes]:
    """Status, headers (any case) and body."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers, answer.read()


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"{url} did not answer within {seconds:.0f} s") from None
            time.sleep(0.2)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, options, headers=()) -> dict:
    """Requests/s and 99th percentile latency (ms) of ``url`` under wrk -t2 -c<connections>."""
    args = ["wrk", "-t2", f"-c{options.connections}", f"-d{options.seconds}s", "--latency"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run(
        [*args, url], capture_output=True, text=True, timeout=options.seconds + 30, check=True
    ).stdout
    if failed := re.search(r"Non-2xx or 3xx responses: (\d+)|Socket errors: .*", out):
        raise SystemExit(f"{url}: {failed.group(0)}\n{out}")
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    return {
        "per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p99_ms": round(float(p99.group(1)) * UNITS[p99.group(2)], 2),
    }


def measure(targets: dict[str, str], options) -> dict:
    """One round: the page, the JSON and the JSON's 304 (If-None-Match with the ETag each
    target gives), each measured on every target back to back, so that the contenders of one
    comparison run seconds apart, under the same load from elsewhere on the machine."""
    etags = {who: get(base + URLS["summary"])[1]["ETag"] for who, base in targets.items()}
    found: dict[str, dict] = {who: {} for who in targets}
    for what, url, headers in (
        ("page", URLS["page"], lambda who: []),
        ("summary", URLS["summary"], lambda who: []),
        ("summary_304", URLS["summary"], lambda who: [f"If-None-Match: {etags[who]}"]),
    ):
        for who, base in targets.items():
            found[who][what] = wrk(base + url, options, headers(who))
    return found


@contextmanager
def running(argv: list[str], env=None, **popen):
    process = subprocess.Popen(argv, env=env, start_new_session=True, **popen)
    try:
        yield process
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        except ProcessLookupError:
            pass


def nginx_conf(folder: Path, body: str) -> Path:
    """A whole nginx.conf around ``body`` (what goes inside http {}), kept inside ``folder``."""
    temp = folder / "temp"
    temp.mkdir(parents=True, exist_ok=True)
    paths = " ".join(
        f"{kind}_temp_path {temp / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi")
    )
    conf = folder / "nginx.conf"
    conf.write_text(
        f"worker_processes 2; daemon off; pid {folder / 'nginx.pid'};\n"
        f"error_log {folder / 'error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        f"http {{\n access_log off; {paths} scgi_temp_path {temp / 'scgi'};\n{body}\n}}\n"
    )
    return conf


@contextmanager
def nginx_copy(folder: Path, bodies: dict[str, bytes]):
    """nginx serving the bodies as plain files: what the machine can do for these bytes."""
    root = folder / "root"
    (root / "api" / "v2").mkdir(parents=True)
    (root / "index.html").write_bytes(bodies["page"])
    (root / "api" / "v2" / "summary.json").write_bytes(bodies["summary"])
    port = free_port()
    body = (
        "types { text/html html; application/json json; }\n"
        f"server {{ listen 127.0.0.1:{port}; root {root}; location / {{ index index.html; }} }}"
    )
    with running(["nginx", "-p", str(folder), "-c", str(nginx_conf(folder, body))]):
        wait_for(f"http://127.0.0.1:{port}/", 10)
        yield f"http://127.0.0.1:{port}"


def web_processes(demo_pid: int) -> list[int]:
    """The web server's processes: the demo's children and theirs (the demo itself is the worker)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], list(children.get(demo_pid, []))
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo += children.get(pid, [])
    return found


class RssWatch(threading.Thread):
    """The largest resident set size of any one web process, sampled every 0.2 s."""

    def __init__(self, demo_pid: int):
        super().__init__(daemon=True)
        self.demo_pid, self.largest_mb, self.done = demo_pid, 0.0, threading.Event()

    def run(self):
        while not self.done.wait(0.2):
            for pid in web_processes(self.demo_pid):
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                if found := re.search(r"VmRSS:\s+(\d+) kB", status):
                    self.largest_mb = max(self.largest_mb, int(found.group(1)) / 1024)


@contextmanager
def demo(data_dir: Path, server: str):
    """`forewarn demo` as `make demo` runs it, on a free port, with its own data folder."""
    port = free_port()
    env = os.environ | {
        "FOREWARN_DATA_DIR": str(data_dir),
        "FOREWARN_WEB_SERVER": server,
        "FOREWARN_STATIC_DIR": str(data_dir / "site"),
    }
    env.pop("DATABASE_URL", None)
    argv = [*FOREWARN, "demo", "--port", str(port)]
    with running(argv, env=env, stdout=subprocess.DEVNULL) as process:
        wait_for(f"http://127.0.0.1:{port}/healthz", 180)
        yield f"http://127.0.0.1:{port}", process, env


def warm(base: str) -> dict[str, bytes]:
    """Every worker's cache and fast path hold the answers; their bodies."""
    for _ in range(12):
        bodies = {name: get(base + path)[2] for name, path in URLS.items()}
    return bodies


@contextmanager
def static_copy(base: str, env: dict, folder: Path):
    """Hook for the static copy: served when deploy/nginx/forewarn-static.conf is in the tree.

    Publishes the demo's site with `forewarn publish`, serves it with that configuration (its
    SET lines pointed here) and yields its address, or None, saying why, without it.
    """
    if not STATIC_CONF.exists():
        print(f"static copy: not measured ({STATIC_CONF.relative_to(REPO)} is not in this tree)")
        yield None
        return
    site = Path(env["FOREWARN_STATIC_DIR"])
    subprocess.run(
        [*FOREWARN, "publish", "--dir", str(site)], env=env, check=True, stdout=subprocess.DEVNULL
    )
    port = free_port()
    conf = STATIC_CONF.read_text()
    conf = re.sub(r"server 127\.0\.0\.1:\d+;", f"server {base.removeprefix('http://')};", conf)
    conf = re.sub(r"listen 80;", f"listen 127.0.0.1:{port};", conf)
    conf = re.sub(r"root /\S+;", f"root {site};", conf)
    with running(["nginx", "-p", str(folder), "-c", str(nginx_conf(folder, conf))]):
        wait_for(f"http://127.0.0.1:{port}/", 10)
        yield f"http://127.0.0.1:{port}"


CHANGE = """
import django, time; django.setup()
from forewarn.catalog.models import Component
from forewarn.catalog.services import set_status
component = Component.objects.filter(visibility="public").order_by("pk").first()
set_status(component, "major_outage" if component.status == "operational" else "operational")
print(component.public_id, Component.objects.get(pk=component.pk).status, time.time())
"""


def publish_delay(static: str, env: dict) -> float:
    """Seconds from a status change (committed by another process) until the copy shows it."""
    env = env | {"DJANGO_SETTINGS_MODULE": "forewarn.settings"}
    said = subprocess.run(
        [sys.executable, "-c", CHANGE], env=env, capture_output=True, text=True, check=True
    ).stdout.split()
    public_id, status, committed_at = said[0], said[1], float(said[2])
    while time.time() - committed_at < 30:
        components = json.loads(get(static + "/api/v2/components.json")[2])["components"]
        if any(c["id"] == public_id and c["status"] == status for c in components):
            return round(time.time() - committed_at, 2)
        time.sleep(0.05)
    raise SystemExit("The static copy did not show the change within 30 s.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=4, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="medians over this many rounds")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--servers", default="granian", help="comma-separated: granian,gunicorn")
    options = parser.parse_args()
    ensure("wrk")
    ensure("nginx")
    with tempfile.TemporaryDirectory(prefix="forewarn-bench-") as temp, ExitStack() as stack:
        temp = Path(temp)
        temp.chmod(0o755)  # nginx's workers (nobody) read the copies
        webs, watches, envs = {}, {}, {}
        for server in options.servers.split(","):
            webs[server], process, envs[server] = stack.enter_context(demo(temp / server, server))
            watches[server] = RssWatch(process.pid)
        first = next(iter(webs))
        bodies = {server: warm(base) for server, base in webs.items()}[first]
        targets = {"nginx": stack.enter_context(nginx_copy(temp / "nginx", bodies)), **webs}
        static = stack.enter_context(static_copy(webs[first], envs[first], temp / "static"))
        if static:
            targets["static"] = static
        for watch in watches.values():
            watch.start()
        # Rounds that take turns, so that a burst of load from elsewhere on the machine falls
        # on every contender alike; the medians are reported.
        rounds = [measure(targets, options) for _ in range(options.rounds)]
        for watch in watches.values():
            watch.done.set()
        publish_s = publish_delay(static, envs[first]) if static else None
    figures = {
        who: {
            what: {
                key: round(statistics.median(r[who][what][key] for r in rounds), 2)
                for key in ("per_s", "p99_ms")
            }
            for what in rounds[0][who]
        }
        for who in targets
    }
    # Each round's ratio is of two measurements seconds apart; the median of those.
    ratios = {
        who: {
            what: statistics.median(
                r[who][what]["per_s"] / r["nginx"][what]["per_s"] for r in rounds
            )
            for what in rounds[0][who]
        }
        for who in targets
    }
    rss = {server: round(watch.largest_mb, 1) for server, watch in watches.items()}
    print(json.dumps(report(figures, ratios, rss, publish_s, options)))


def report(figures: dict, ratios: dict, rss: dict, publish_s: float | None, options) -> dict:
    """Print the table; return the figures flat, with the ratios to nginx."""
    print(
        f"wrk -t2 -c{options.connections}, {options.seconds} s each, medians of {options.rounds}"
        " rounds; ratio = requests/s over nginx's for the same bytes, measured back to back in"
        " each round (median of the rounds' ratios)"
    )
    flat: dict[str, object] = {}
    for who, measured in figures.items():
        for what, value in measured.items():
            ratio = ratios[who][what]
            print(
                f"  {who:9s} {what:12s} {value['per_s']:9.0f} req/s  p99 {value['p99_ms']:7.2f} ms"
                f"  {ratio:6.1%} of nginx"
            )
            flat[f"{who}_{what}_per_s"] = round(value["per_s"])
            flat[f"{who}_{what}_p99_ms"] = value["p99_ms"]
            if who != "nginx":
                flat[f"{who}_{what}_ratio"] = round(ratio, 3)
    for server, largest in rss.items():
        print(f"  {server:9s} largest web process RSS {largest:.0f} MB")
        flat[f"{server}_rss_mb"] = largest
    print(f"  publish_s {publish_s if publish_s is not None else 'not measured'}")
    return flat | {"publish_s": publish_s}


if __name__ == "__main__":
    main()
