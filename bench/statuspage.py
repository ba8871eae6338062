"""Status page under an incident's traffic spike: cached page and JSON vs a bare Django request.

Starts gunicorn (WSGI, the production web process) on 127.0.0.1 with the demo
data in a temporary SQLite database, then drives it with `wrk` (Debian's
package; installed if missing and we are root) for a few seconds per URL:

- baseline: /healthz, the cheapest request Django can answer (no DB, no template);
- /  and /api/v2/summary.json served from the page cache (one indexed read);
- /api/v2/summary.json with If-None-Match: the 304 a returning client gets.

Prints requests/s for each and the ratio to the baseline, and as its last line
one JSON object. Everything targets 127.0.0.1, runs a bounded time, and stops.
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
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402

from forewarn.ops.serving import gunicorn_command  # noqa: E402

# This file's folder holds bench/calendar.py, which would shadow the standard library.
sys.path = [
    p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))
]


def ensure_wrk() -> str:
    path = shutil.which("wrk")
    if path:
        return path
    if os.geteuid() == 0:
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"], check=True, stdout=subprocess.DEVNULL
        )
        return shutil.which("wrk")
    sys.exit("This benchmark needs wrk: sudo apt-get install wrk")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk(binary: str, url: str, seconds: int, connections: int, headers=()) -> float:
    args = [binary, "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run(
        [*args, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise SystemExit(f"{url}: {non_2xx.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    options = parser.parse_args()
    binary = ensure_wrk()
    forewarn = [sys.executable, "-m", "forewarn.cli"]
    with tempfile.TemporaryDirectory() as data_dir:
        env = os.environ | {"FOREWARN_DATA_DIR": data_dir}
        env.pop("DATABASE_URL", None)
        subprocess.run([*forewarn, "migrate", "-v", "0"], env=env, check=True)
        subprocess.run([*forewarn, "load_demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        web = subprocess.Popen(
            gunicorn_command(
                f"127.0.0.1:{port}", workers=options.workers, options=("--log-level", "warning")
            ),
            env=env,
        )
        try:
            for _ in range(100):
                try:
                    urllib.request.urlopen(base + "/healthz", timeout=1).read()
                    break
                except OSError:
                    time.sleep(0.1)
            for path in ("/", "/api/v2/summary.json"):  # warm every worker's cache
                for _ in range(options.workers * 4):
                    urllib.request.urlopen(base + path, timeout=5).read()
            etag = urllib.request.urlopen(base + "/api/v2/summary.json", timeout=5).headers["ETag"]
            figures = {
                "baseline_healthz_per_s": wrk(
                    binary, base + "/healthz", options.seconds, options.connections
                ),
                "page_per_s": wrk(binary, base + "/", options.seconds, options.connections),
                "summary_json_per_s": wrk(
                    binary, base + "/api/v2/summary.json", options.seconds, options.connections
                ),
                "summary_304_per_s": wrk(
                    binary,
                    base + "/api/v2/summary.json",
                    options.seconds,
                    options.connections,
                    headers=[f"If-None-Match: {etag}"],
                ),
            }
        finally:
            web.terminate()
            web.wait(timeout=20)
    baseline = figures["baseline_healthz_per_s"]
    print(
        f"gunicorn {options.workers} sync workers, wrk 2 threads x {options.connections} connections, {options.seconds} s each"
    )
    for name, value in figures.items():
        print(f"  {name:26s} {value:10.0f} req/s   {value / baseline:6.2f} x baseline")
    figures["page_ratio"] = round(figures["page_per_s"] / baseline, 3)
    print(json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}))


if __name__ == "__main__":
    main()
