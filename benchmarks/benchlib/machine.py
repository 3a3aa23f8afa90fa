"""The machine a run was measured on: figures only compare within one machine and run."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path


def _first_line_with(path: str, prefix: str) -> str | None:
    try:
        for line in Path(path).read_text(encoding="utf-8").splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def machine_info(docker_version: str, load_tool: str) -> dict:
    memory_kb = _first_line_with("/proc/meminfo", "MemTotal")
    memory_gb = round(int(memory_kb.split()[0]) / 1024 / 1024, 1) if memory_kb else None
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {
        "cores": os.cpu_count(),
        "cpu": _first_line_with("/proc/cpuinfo", "model name") or platform.processor() or None,
        "memory_gb": memory_gb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "docker": docker_version,
        "load_tool": load_tool,
        "load_average_at_start": [round(x, 2) for x in load] if load else None,
        "commit": _git_commit(),
    }


def _git_commit() -> str | None:
    if not shutil.which("git"):
        return None
    result = subprocess.run(
        ["git", "-C", str(Path(__file__).resolve().parent), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return result.stdout.strip() or None
