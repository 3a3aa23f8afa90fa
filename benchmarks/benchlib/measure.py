"""One benchmark run of one variant: build, size, start, load, stop, dev reload, rebuilds."""

from __future__ import annotations

import random
import re
import resource
import shutil
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from .buildlog import BuildStep
from .docker_cli import BenchError, Docker
from .load import run_load
from .probes import free_port, is_ok, wait_for
from .variants import Variant

BASE_IMAGE = (
    "python:3.11-slim-bookworm"  # what both the article variant and the generated one start from
)
MB = 1_000_000
START_TIMEOUT_S = 120  # bounded waits: a broken image is a failed figure, not a hung run
RELOAD_TIMEOUT_S = 30
DEV_SETTLE_S = 1.0
DEV_EDITS = 3  # per run; the run's figure is their median


FULL_FIGURES = (
    "cold_prod_s",
    "size_mb",
    "added_mb",
    "layers",
    "first_200_s",
    "stop_s",
    "stop_exit",
    "cold_dev_s",
    "dev_reload_s",
)
LOAD_FIGURES = (
    "rps",
    "p99_ms",
    "load_errors",
    "server_cores",
    "generator_cores",
    "cpu_ms_per_request",
)
REBUILD_FIGURES = ("code_rebuild_s", "req_rebuild_s")


@dataclass(frozen=True)
class LoadSettings:
    connections: int = 16
    seconds: float = 10.0
    threads: int = 2
    warmup_seconds: float = 2.0


@dataclass
class RunResult:
    figures: dict[str, float | None] = field(default_factory=dict)
    steps: dict[str, list[BuildStep]] = field(default_factory=dict)  # build kind → its steps
    problems: list[str] = field(default_factory=list)


def command_on_port(command: list[str] | None, port: int) -> list[str] | None:
    """The image's own CMD listening on `port` instead of 8000, or None if it names no port.

    Host networking shares ports between containers, so each run needs its own;
    rewriting the image's command (rather than writing a new one) keeps the
    process tree exactly what the Dockerfile makes (e.g. `/bin/sh -c` as PID 1).
    """
    if not command:
        return None
    if any(re.search(r":8000\b", part) for part in command):
        return [re.sub(r":8000\b", f":{port}", part) for part in command]
    last = command[-1]
    if last.rstrip().endswith("runserver"):  # runserver's default address is 127.0.0.1:8000
        return [*command[:-1], f"{last.rstrip()} 127.0.0.1:{port}"]
    return None


class Measurer:
    def __init__(self, docker: Docker, prefix: str, load: LoadSettings | None):
        self.docker = docker
        self.prefix = prefix
        self.load = load  # None: no load test (--quick)
        self.base_size = docker.inspect_image(BASE_IMAGE)["Size"]

    def measure(self, variant: Variant, run_name: str, nonce: str) -> RunResult:
        """Every figure of one run; a step that fails (a broken build, a daemon restart)
        fails the figures not yet taken, not the whole benchmark."""
        result = RunResult()
        baseline = variant.baseline()
        try:
            self._measure(variant, run_name, nonce, result)
        except BenchError as exc:
            result.problems.append(f"{variant.key}: {exc}")
        finally:
            variant.restore(baseline)
            clean_local_state(variant.context)
        for key in self.figure_keys(variant):
            result.figures.setdefault(key, None)
        return result

    def figure_keys(self, variant: Variant) -> tuple[str, ...]:
        if not variant.full:
            return REBUILD_FIGURES
        return FULL_FIGURES + (LOAD_FIGURES if self.load else ()) + REBUILD_FIGURES

    def _measure(self, variant: Variant, run_name: str, nonce: str, result: RunResult) -> None:
        baseline = variant.baseline()
        try:
            if variant.full:
                self._prod(variant, run_name, result)
                self._dev(variant, run_name, nonce, result)
                variant.restore(baseline)
                clean_local_state(variant.context)
            self._rebuilds(variant, run_name, nonce, result)
        finally:
            variant.restore(baseline)
            clean_local_state(variant.context)

    def _tag(self, variant: Variant, target: str) -> str:
        return f"{self.prefix}-{variant.key}:{target}"

    def _build(
        self, variant: Variant, target: str, kind: str, run_name: str, result, no_cache=False
    ):
        built = self.docker.build(
            variant.context,
            self._tag(variant, target),
            target,
            log_name=f"{run_name}-{variant.key}-{kind}",
            no_cache=no_cache,
        )
        result.steps[kind] = built.steps
        return built.seconds

    def _prod(self, variant: Variant, run_name: str, result: RunResult) -> None:
        figures = result.figures
        tag = self._tag(variant, "prod")
        figures["cold_prod_s"] = self._build(variant, "prod", "cold-prod", run_name, result, True)

        image = self.docker.inspect_image(tag)
        figures["size_mb"] = image["Size"] / MB
        figures["added_mb"] = (image["Size"] - self.base_size) / MB
        figures["layers"] = len(image["RootFS"]["Layers"])

        port = free_port()
        name = f"{self.prefix}-{variant.key}-prod-{run_name}"
        command = command_on_port(image["Config"].get("Cmd"), port) or []
        started = time.perf_counter()
        self.docker.run_detached(name, tag, ["-e", f"PORT={port}"], command)
        try:
            figures["first_200_s"] = wait_for(port, is_ok, START_TIMEOUT_S, started=started)
            if figures["first_200_s"] is None:
                result.problems.append(
                    f"{variant.key} prod never answered 200 on /: {self.docker.logs(name)}"
                )
            elif self.load:
                self._load(name, port, figures)
            figures["stop_s"], figures["stop_exit"] = self.docker.stop(name)
        finally:
            self.docker.remove_container(name)

    def _load(self, name: str, port: int, figures: dict) -> None:
        load = self.load
        run_load(
            port, load.connections, load.warmup_seconds, load.threads
        )  # workers warm, imports done
        # CPU accounting says whether a throughput figure is bound by the machine's cores:
        # what the server used (its container's cgroup) and what the load generator used.
        server_before = self.docker.cpu_seconds(name)
        generator_before = _generator_cpu_seconds()
        started = time.perf_counter()
        measured = run_load(port, load.connections, load.seconds, load.threads)
        elapsed = time.perf_counter() - started
        generator_cpu = _generator_cpu_seconds() - generator_before  # before the next docker call
        server_cpu = self.docker.cpu_seconds(name) - server_before
        figures["rps"] = measured.requests_per_second
        figures["p99_ms"] = measured.p99_ms
        figures["load_errors"] = measured.errors
        figures["server_cores"] = server_cpu / elapsed
        figures["generator_cores"] = generator_cpu / elapsed
        requests = measured.requests_per_second * load.seconds
        figures["cpu_ms_per_request"] = 1000 * server_cpu / requests if requests else None

    def _dev(self, variant: Variant, run_name: str, nonce: str, result: RunResult) -> None:
        figures = result.figures
        tag = self._tag(variant, "dev")
        figures["cold_dev_s"] = self._build(variant, "dev", "cold-dev", run_name, result, True)

        port = free_port()
        name = f"{self.prefix}-{variant.key}-dev-{run_name}"
        # The article's dev stage has the same contract: source from the host, DEBUG on.
        run_args = [
            "-v",
            f"{variant.context / 'app'}:/app",
            "-e",
            "DJANGO_DEBUG=1",
            "-e",
            f"PORT={port}",
        ]
        command = self.docker.inspect_image(tag)["Config"].get("Cmd") or []
        self.docker.run_once(tag, run_args, ["python", "manage.py", "migrate", "--noinput"])
        self.docker.run_detached(name, tag, run_args, command_on_port(command, port) or [])
        try:
            if wait_for(port, is_ok, START_TIMEOUT_S) is None:
                result.problems.append(
                    f"{variant.key} dev never answered 200 on /: {self.docker.logs(name)}"
                )
                figures["dev_reload_s"] = None
                return
            reloads = []
            for edit in range(1, DEV_EDITS + 1):
                # An edit lands anywhere in the autoreloader's polling cycle (StatReloader
                # looks once a second), and never while it is still starting up.
                time.sleep(DEV_SETTLE_S + random.random())
                marker = f"Reloaded {nonce}-{edit}"
                variant.set_heading(marker)
                saved = time.perf_counter()
                seconds = wait_for(port, _serves(marker), RELOAD_TIMEOUT_S, saved)
                if seconds is None:
                    result.problems.append(
                        f"{variant.key} dev did not serve an edited view in {RELOAD_TIMEOUT_S} s"
                    )
                    break
                reloads.append(seconds)
            figures["dev_reload_s"] = (
                statistics.median(reloads) if len(reloads) == DEV_EDITS else None
            )
        finally:
            self.docker.remove_container(name)

    def _rebuilds(self, variant: Variant, run_name: str, nonce: str, result: RunResult) -> None:
        figures = result.figures
        # Untimed: the cache now holds the unchanged source, as after any earlier build.
        self._build(variant, "prod", "warm-prod", run_name, result)

        variant.set_heading(f"Notes {nonce}")
        figures["code_rebuild_s"] = self._build(variant, "prod", "code-rebuild", run_name, result)

        variant.add_requirement(nonce)
        figures["req_rebuild_s"] = self._build(variant, "prod", "req-rebuild", run_name, result)


def _generator_cpu_seconds() -> float:
    """User + system CPU of this process and its finished children: wrk runs as a child,
    the fallback generator as threads here; the harness itself idles during the load."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    )


def _serves(marker: str):
    return lambda status, body: status == 200 and marker in body


def clean_local_state(context: Path) -> None:
    """Remove what a dev container leaves in the bind-mounted source: runs start from one tree."""
    app = context / "app"
    for leftover in ("db.sqlite3", "staticfiles"):
        path = app / leftover
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    for cache in app.rglob("__pycache__"):
        shutil.rmtree(cache, ignore_errors=True)
