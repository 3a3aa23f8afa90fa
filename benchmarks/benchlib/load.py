"""A fixed concurrent load for a fixed time: Debian's wrk when installed, else a small
load generator here (threads with keep-alive connections; slower, so compare only
figures measured with the same tool)."""

from __future__ import annotations

import http.client
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class LoadResult:
    requests_per_second: float
    p99_ms: float
    errors: int  # failed connections, timeouts and non-2xx/3xx answers
    tool: str


def run_load(port: int, connections: int, seconds: float, threads: int = 2) -> LoadResult:
    if shutil.which("wrk"):
        return _wrk(port, connections, seconds, threads)
    return _threads(port, connections, seconds)


_UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _wrk(port: int, connections: int, seconds: float, threads: int) -> LoadResult:
    args = [
        "wrk",
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        f"http://127.0.0.1:{port}/",
    ]
    out = subprocess.run(
        args, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.MULTILINE)
    if not rps or not p99:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(match.group(1))
    if match := re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    ):
        errors += sum(int(g) for g in match.groups())
    return LoadResult(
        float(rps.group(1)), float(p99.group(1)) * _UNITS_MS[p99.group(2)], errors, "wrk"
    )


def _threads(port: int, connections: int, seconds: float) -> LoadResult:
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def client() -> None:
        mine: list[float] = []
        failed = 0
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", "/")
                response = connection.getresponse()
                response.read()
                if response.status >= 400:
                    failed += 1
                mine.append(time.perf_counter() - started)
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                failed += 1
                connection.close()
        connection.close()
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    workers = [threading.Thread(target=client) for _ in range(connections)]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else 0.0
    return LoadResult(len(latencies) / elapsed, p99 * 1000, errors[0], "python threads")


def load_tool_name() -> str:
    return (
        "wrk" if shutil.which("wrk") else "python threads (install Debian's wrk for lower overhead)"
    )
