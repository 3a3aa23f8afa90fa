"""The benchmark harness's --quick run on a real Docker engine, so the harness cannot rot.

No timing is asserted: the figures are read by people against the issue's targets.
This checks that every figure could be taken, the results are written, and
nothing the run made is left behind.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
RUN = REPO / "benchmarks" / "run.py"
FULL_VARIANTS = ("article", "generated-uv", "generated-pip")
FULL_FIGURES = (
    "cold_prod_s",
    "cold_dev_s",
    "code_rebuild_s",
    "req_rebuild_s",
    "size_mb",
    "added_mb",
    "layers",
    "first_200_s",
    "stop_s",
    "stop_exit",
    "dev_reload_s",
)


def _engine_or_skip() -> None:
    problem = None
    if shutil.which("docker") is None:
        problem = "no docker on PATH"
    elif subprocess.run(["docker", "info"], capture_output=True, check=False).returncode != 0:
        problem = "no Docker engine answers"
    if problem:
        if os.environ.get("PARITY_E2E") == "required":
            pytest.fail(f"{problem}, and PARITY_E2E=required")
        pytest.skip(f"{problem} (run ../shared/tools/docker-up)")


def _docker_lines(*args: str) -> list[str]:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, check=True)
    return [line for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory):
    _engine_or_skip()
    prefix = f"pt-bench-{secrets.token_hex(3)}"
    results = tmp_path_factory.mktemp("bench-results")
    try:
        completed = subprocess.run(
            [
                sys.executable,
                str(RUN),
                "--quick",
                "--results-dir",
                str(results),
                "--prefix",
                prefix,
            ],
            capture_output=True,
            text=True,
            timeout=1800,
            check=False,
        )
        left_images = _docker_lines("images", "--format", "{{.Repository}}:{{.Tag}}")
        left_containers = _docker_lines("ps", "-a", "--format", "{{.Names}}")
    finally:
        # Belt and braces: a failed run must not leave images behind for the next test.
        for name in _docker_lines("ps", "-aq", "--filter", f"name={prefix}"):
            subprocess.run(["docker", "rm", "-f", name], capture_output=True, check=False)
        for image in _docker_lines("images", "--format", "{{.Repository}}:{{.Tag}}"):
            if image.startswith(prefix):
                subprocess.run(["docker", "rmi", "-f", image], capture_output=True, check=False)
    return {
        "completed": completed,
        "results": results,
        "prefix": prefix,
        "left": [n for n in left_images + left_containers if n.startswith(prefix)],
    }


def test_quick_run_succeeds_and_prints_the_table(quick_run):
    completed = quick_run["completed"]
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "| figure | article | generated (uv) | generated (pip) | floor |" in completed.stdout
    assert "Machine: " in completed.stdout


def test_quick_run_removes_every_image_and_container_it_made(quick_run):
    assert quick_run["left"] == []


def test_quick_run_takes_every_figure_but_the_load_test(quick_run):
    data = json.loads((quick_run["results"] / "latest-quick.json").read_text())
    assert data["mode"] == "quick" and data["runs"] == 1 and data["warmup_runs"] == 0
    assert data["problems"] == []
    for variant in FULL_VARIANTS:
        figures = data["metrics"][variant]
        for figure in FULL_FIGURES:
            assert figures[figure]["failures"] == 0, (variant, figure)
            assert len(figures[figure]["values"]) == 1, (variant, figure)
        assert "rps" not in figures, "--quick runs no load test"
    floor = data["metrics"]["floor"]
    assert set(floor) == {"code_rebuild_s", "req_rebuild_s"}
    tool = data["metrics"]["parity"]
    assert tool["scan_init_s"]["failures"] == 0
    assert data["machine"]["cores"] >= 1 and data["machine"]["docker"]


def test_quick_run_reads_every_target_against_its_figure(quick_run):
    data = json.loads((quick_run["results"] / "latest-quick.json").read_text())
    judged = {(t["metric"], t["variant"]) for t in data["targets"] if t["met"] is not None}
    for variant in ("generated-uv", "generated-pip"):
        for metric in ("cold_prod_s", "code_rebuild_s", "req_rebuild_s", "added_mb", "first_200_s"):
            assert (metric, variant) in judged
    assert ("scan_init_s", "parity") in judged
    markdown = (quick_run["results"] / "latest-quick.md").read_text()
    assert markdown.startswith("Quick run: 1 measured run(s)")
