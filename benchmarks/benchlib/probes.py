"""Asking a container for a page over loopback, with bounded waits."""

from __future__ import annotations

import http.client
import socket
import time


def free_port() -> int:
    """A loopback port nothing listens on now: host networking shares ports between containers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, path: str = "/", timeout: float = 5.0) -> tuple[int, str]:
    """Status and body of one GET to 127.0.0.1; (0, reason) when nothing answered."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8", "replace")
    except (OSError, http.client.HTTPException) as exc:
        return 0, str(exc)
    finally:
        connection.close()


def wait_for(
    port: int, predicate, timeout: float, started: float | None = None, interval: float = 0.02
) -> float | None:
    """Seconds from `started` (perf_counter; default now) until a GET / satisfies
    predicate(status, body); None if it never did within timeout."""
    started = time.perf_counter() if started is None else started
    while (elapsed := time.perf_counter() - started) < timeout:
        status, body = fetch(port, timeout=max(0.5, timeout - elapsed))
        if predicate(status, body):
            return time.perf_counter() - started
        time.sleep(interval)
    return None


def is_ok(status: int, body: str) -> bool:
    return status == 200
