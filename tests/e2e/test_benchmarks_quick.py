"""The benchmark harness's --quick run on a real Docker engine, so the harness cannot rot.

No timing is asserted: the figures are read by people against the issue's targets.
This checks that every figure could be taken, the results are written, and
nothing the run made is left behind; plus, without Docker, the pieces of the
harness that decide what is built and run (the floor Dockerfile, the port rewrite).
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

REPO = Path(__file__).resolve().parents[2]
RUN = REPO / "benchmarks" / "run.py"
sys.path.insert(0, str(REPO / "benchmarks"))

from benchlib.buildlog import parse_plain_progress  # noqa: E402
from benchlib.docker_cli import BenchError  # noqa: E402
from benchlib.measure import command_on_port  # noqa: E402
from benchlib.variants import floor_dockerfile  # noqa: E402

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


@pytest.mark.e2e
def test_quick_run_succeeds_and_prints_the_table(quick_run):
    completed = quick_run["completed"]
    assert completed.returncode == 0, completed.stderr[-3000:]
    assert "| figure | article | generated (uv) | generated (pip) | floor |" in completed.stdout
    assert "Machine: " in completed.stdout


@pytest.mark.e2e
def test_quick_run_removes_every_image_and_container_it_made(quick_run):
    assert quick_run["left"] == []


@pytest.mark.e2e
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


@pytest.mark.e2e
def test_quick_run_reads_every_target_against_its_figure(quick_run):
    data = json.loads((quick_run["results"] / "latest-quick.json").read_text())
    judged = {(t["metric"], t["variant"]) for t in data["targets"] if t["met"] is not None}
    for variant in ("generated-uv", "generated-pip"):
        for metric in ("cold_prod_s", "code_rebuild_s", "req_rebuild_s", "added_mb", "first_200_s"):
            assert (metric, variant) in judged
    assert ("scan_init_s", "parity") in judged
    markdown = (quick_run["results"] / "latest-quick.md").read_text()
    assert markdown.startswith("Quick run: 1 measured run(s)")


GENERATED = """\
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE} AS builder
RUN --mount=type=cache,target=/root/.cache/uv \\
    uv pip install -r /deps/requirements.txt
FROM ${PYTHON_IMAGE} AS base
COPY --from=builder /opt/venv /opt/venv
FROM base AS dev
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]
FROM base AS prod
# the server, before the source
RUN --mount=type=cache,target=/root/.cache/uv \\
    uv pip install gunicorn==27.0.1
COPY --from=builder /opt/venv/bin/python /tmp/python
COPY app/ /app/
RUN python manage.py collectstatic --noinput
USER app
CMD ["gunicorn", "app.wsgi"]
"""


def test_floor_keeps_the_dependency_layers_and_only_the_source_copy():
    floor = floor_dockerfile(GENERATED)
    lines = [line for line in floor.splitlines() if not line.startswith("#")]
    assert lines[-1] == "COPY app/ /app/"
    assert "uv pip install gunicorn==27.0.1" in floor, "the server install is a dependency layer"
    assert "COPY --from=builder /opt/venv/bin/python /tmp/python" in floor
    assert "collectstatic" not in floor and "USER" not in floor
    assert "FROM base AS dev" in floor, "earlier stages stay as generated"


def test_floor_needs_a_prod_stage_that_copies_the_source():
    with pytest.raises(BenchError, match="no `FROM ... AS prod`"):
        floor_dockerfile("FROM python:3.11-slim-bookworm AS base\nCOPY . /app\n")
    with pytest.raises(BenchError, match="copies no source"):
        floor_dockerfile("FROM python:3.11-slim-bookworm AS prod\nRUN true\n")


def test_each_container_listens_on_its_own_port_with_the_image_command_otherwise_unchanged():
    article_prod = ["/bin/sh", "-c", "python manage.py migrate && gunicorn x --bind 0.0.0.0:8000"]
    assert command_on_port(article_prod, 9001) == [
        "/bin/sh",
        "-c",
        "python manage.py migrate && gunicorn x --bind 0.0.0.0:9001",
    ]
    assert command_on_port(["/bin/sh", "-c", "python manage.py runserver"], 9002) == [
        "/bin/sh",
        "-c",
        "python manage.py runserver 127.0.0.1:9002",
    ]
    assert command_on_port(["python", "manage.py", "runserver", "0.0.0.0:8000"], 9003)[-1] == (
        "0.0.0.0:9003"
    )
    # The generated prod reads $PORT: its command is left alone.
    assert command_on_port(["gunicorn", "app.wsgi"], 9004) is None


def test_build_profile_reads_buildkit_step_times():
    log = """\
#4 [base 1/2] FROM docker.io/library/python:3.11-slim-bookworm
#4 CACHED

#5 [base 2/2] RUN pip install -r requirements.txt
#5 0.048 Collecting Django
#5 DONE 2.1s

#6 [internal] load build context
#6 DONE 0.0s

#8 exporting to image
#8 DONE 0.4s
"""
    steps = parse_plain_progress(log)
    assert [(s.name, s.seconds, s.cached) for s in steps] == [
        ("[base 1/2] FROM docker.io/library/python:3.11-slim-bookworm", 0.0, True),
        ("[base 2/2] RUN pip install -r requirements.txt", 2.1, False),
        ("exporting to image", 0.4, False),
    ]
