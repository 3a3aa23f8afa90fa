"""The Docker CLI as the benchmarks use it: timed BuildKit builds, runs, stops, cleanup.

The harness lives outside the package on purpose: it measures the files
`parity init` writes, not the tool's own docker layer, so it calls the CLI directly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from .buildlog import BuildStep, parse_plain_progress


class BenchError(Exception):
    """Something the harness cannot measure around; the message says what to do."""


def docker_env() -> dict[str, str]:
    """The environment for docker: BuildKit on, whatever the caller's shell had."""
    return {**os.environ, "DOCKER_BUILDKIT": "1"}


def check_engine() -> str:
    """The engine's version, or a BenchError saying how to get a BuildKit-capable engine."""
    if shutil.which("docker") is None:
        raise BenchError('no docker on PATH: run `eval "$(../shared/tools/docker-up)"` first')
    help_text = _run(["docker", "build", "--help"], check=False).stdout
    if "--progress" not in help_text:
        raise BenchError(
            f"{shutil.which('docker')} cannot build with BuildKit: put a BuildKit-capable docker "
            'first on PATH (here: `eval "$(../shared/tools/docker-up)"`)'
        )
    result = _run(["docker", "version", "--format", "{{.Server.Version}}"], check=False)
    if result.returncode != 0:
        raise BenchError(
            f"no Docker engine answers: {result.stderr.strip() or result.stdout.strip()}"
        )
    return result.stdout.strip()


def _run(args: list[str], check: bool = True, timeout: float = 1800) -> subprocess.CompletedProcess:
    result = subprocess.run(
        args, capture_output=True, text=True, env=docker_env(), timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        tail = (result.stderr or result.stdout).strip().splitlines()[-5:]
        raise BenchError(f"`{' '.join(args[:4])} …` failed: {' | '.join(tail)}")
    return result


@dataclass
class BuildResult:
    seconds: float
    steps: list[BuildStep]
    log_path: Path


@dataclass
class Docker:
    """Runs docker and remembers every image and container it made, to remove them all."""

    log_dir: Path
    images: set[str] = field(default_factory=set)
    containers: set[str] = field(default_factory=set)

    def build(
        self,
        context: Path,
        tag: str,
        target: str | None,
        log_name: str,
        no_cache: bool = False,
        dockerfile: Path | None = None,
    ) -> BuildResult:
        """Build with BuildKit and time the whole `docker build` call, as a user waits for it."""
        args = ["docker", "build", "--progress=plain", "--network", "host", "-t", tag]
        if target:
            args += ["--target", target]
        if no_cache:
            args.append("--no-cache")
        if dockerfile:
            args += ["-f", str(dockerfile)]
        args.append(str(context))
        self.images.add(tag)
        started = time.perf_counter()
        result = _run(args, check=False)
        seconds = time.perf_counter() - started
        log_path = self.log_dir / f"{log_name}.log"
        log_path.write_text(result.stderr + result.stdout, encoding="utf-8")
        if result.returncode != 0:
            raise BenchError(f"docker build of {tag} failed; see {log_path}")
        return BuildResult(seconds, parse_plain_progress(result.stderr), log_path)

    def inspect_image(self, ref: str) -> dict:
        return json.loads(_run(["docker", "image", "inspect", ref]).stdout)[0]

    def run_detached(self, name: str, image: str, run_args: list[str], command: list[str]) -> None:
        self.containers.add(name)
        _run(
            ["docker", "run", "-d", "--name", name, "--network", "host", *run_args, image, *command]
        )

    def run_once(self, image: str, run_args: list[str], command: list[str]) -> None:
        _run(["docker", "run", "--rm", "--network", "host", *run_args, image, *command])

    def stop(self, name: str) -> tuple[float, int]:
        """Seconds `docker stop` took (its default 10 s grace period) and the exit code."""
        started = time.perf_counter()
        _run(["docker", "stop", name])
        seconds = time.perf_counter() - started
        state = json.loads(_run(["docker", "inspect", name]).stdout)[0]["State"]
        return seconds, int(state["ExitCode"])

    def cpu_seconds(self, name: str) -> float:
        """CPU time the container's processes have used so far, from its own cgroup.

        Read inside the container, where its cgroup is mounted at /sys/fs/cgroup under
        cgroup v2 (cpu.stat, microseconds) and v1 (cpuacct.usage, nanoseconds) alike.
        """
        out = _run(["docker", "exec", name, "cat", "/sys/fs/cgroup/cpu.stat"], check=False).stdout
        if match := re.search(r"^usage_usec (\d+)$", out, re.MULTILINE):
            return int(match.group(1)) / 1e6
        out = _run(["docker", "exec", name, "cat", "/sys/fs/cgroup/cpuacct/cpuacct.usage"]).stdout
        return int(out.strip()) / 1e9

    def logs(self, name: str, lines: int = 20) -> str:
        result = _run(["docker", "logs", "--tail", str(lines), name], check=False)
        return (result.stdout + result.stderr).strip()

    def remove_container(self, name: str) -> None:
        _run(["docker", "rm", "-f", name], check=False)
        self.containers.discard(name)

    def cleanup(self) -> list[str]:
        """Remove every container and image this run made; returns what could not be removed."""
        leftovers = []
        for name in sorted(self.containers):
            if _run(["docker", "rm", "-f", name], check=False).returncode != 0:
                leftovers.append(name)
        self.containers.clear()
        for tag in sorted(self.images):
            result = _run(["docker", "rmi", "-f", tag], check=False)
            if result.returncode != 0 and "No such image" not in result.stderr:
                leftovers.append(tag)
        self.images.clear()
        return leftovers
