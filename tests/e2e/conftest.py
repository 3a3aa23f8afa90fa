"""Shared setup for the end-to-end tests: a real Docker engine, real builds, real HTTP.

Every image and container a test makes is named with this session's prefix and
removed when the session ends. Each project is copied to a temporary directory,
given its Docker files by `parity init` when it has none, and built once per
session; the BuildKit cache is shared by all of them.

Without a Docker engine the tests skip, saying why; with PARITY_E2E=required
(CI) they fail instead. The same rule holds for the PostgreSQL server the
PostgreSQL fixture needs (tests/e2e/postgres-up starts one).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from parity.docker import Docker
from parity.errors import DockerError
from parity.runtime import free_port, prod_run_spec
from parity.verify import http_get

REPO = Path(__file__).resolve().parents[2]
SESSION_PREFIX = f"parity-e2e-{secrets.token_hex(3)}"
# This session's own Python base image: the stand-in plus one layer, so every step of every
# build here is this session's own. Concurrent builds elsewhere on the machine of the same
# steps can leave the shared cache with two results for one step, which would make dev and
# prod depart from base (verify check 5) for reasons outside the code under test.
SESSION_PYTHON = f"{SESSION_PREFIX}-python:3.11-slim-bookworm"
COPY_IGNORE = shutil.ignore_patterns(
    "__pycache__", ".pytest_cache", "db.sqlite3", "staticfiles", ".venv", "node_modules"
)
POSTGRES = {
    "POSTGRES_HOST": "127.0.0.1",
    "POSTGRES_PORT": "5432",
    "POSTGRES_USER": os.environ.get("PARITY_E2E_PGUSER", "parity"),
    "POSTGRES_PASSWORD": os.environ.get("PARITY_E2E_PGPASSWORD", "parity"),
}


def required() -> bool:
    return os.environ.get("PARITY_E2E") == "required"


def unavailable(what: str) -> None:
    """Skip (locally) or fail (CI, PARITY_E2E=required) because `what` is missing."""
    if required():
        pytest.fail(f"PARITY_E2E=required, but {what}", pytrace=False)
    pytest.skip(f"{what} (set PARITY_E2E=required to make this a failure)")


def run_parity(*args: str, check: bool = True, timeout: float = 900) -> subprocess.CompletedProcess:
    """The parity CLI as a user runs it, in a subprocess."""
    result = subprocess.run(
        [sys.executable, "-m", "parity", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )
    if check and result.returncode != 0:
        raise AssertionError(
            f"parity {' '.join(args)} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-6000:]}"
        )
    return result


def image_repository(source: str) -> str:
    return f"{SESSION_PREFIX}-{Path(source).name.replace('_', '-')}"


def docker_options(source: str, variant: str = "") -> list[str]:
    """Options for parity commands that build or run `source` (or a variant of it) here."""
    return [
        "--network",
        "host",
        "--name",
        image_repository(source) + (f"-{variant}" if variant else ""),
        "--build-arg",
        f"PYTHON_IMAGE={SESSION_PYTHON}",
    ]


@pytest.fixture(scope="session")
def docker() -> Iterator[Docker]:
    """A Docker client on the host network whose engine answers and builds with BuildKit."""
    client = Docker(network="host")
    try:
        client.engine_version()
    except DockerError as error:
        unavailable(f"no Docker engine: {error}")
    probe = Path(os.environ.get("TMPDIR", "/tmp")) / f"{SESSION_PREFIX}-buildkit"
    probe.mkdir(exist_ok=True)
    # RUN --mount needs BuildKit: this build is also the check that the client has it.
    (probe / "Dockerfile").write_text(
        "FROM python:3.11-slim-bookworm\n"
        f"RUN --mount=type=tmpfs,target=/t echo {SESSION_PREFIX} > /etc/parity-e2e-session\n"
    )
    try:
        client.build(probe, tag=SESSION_PYTHON, target=None, echo=lambda line: None)
    except DockerError as error:
        unavailable(
            f"this Docker client cannot build with BuildKit ({error}); "
            'run eval "$(../shared/tools/docker-up)" first'
        )
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    yield client
    for name in client.list_names("container", SESSION_PREFIX):
        client.remove_container(name)
    for image in client.list_names("image", SESSION_PREFIX):
        client.remove_image(image)


@pytest.fixture(scope="session")
def project(tmp_path_factory):
    """project(source) → a private copy of REPO/source with its Docker files (made once)."""
    made: dict[str, Path] = {}

    def make(source: str, fresh: bool = False) -> Path:
        if fresh or source not in made:
            copy = tmp_path_factory.mktemp(Path(source).name) / Path(source).name
            shutil.copytree(REPO / source, copy, ignore=COPY_IGNORE)
            if not (copy / "Dockerfile").exists():
                run_parity("init", str(copy))
            if fresh:
                return copy
            made[source] = copy
        return made[source]

    return make


@pytest.fixture(scope="session")
def built(docker, project):
    """built(source) → (copy, image repository) with base, dev and prod built (once a session)."""
    done: dict[str, tuple[Path, str]] = {}

    def build(source: str) -> tuple[Path, str]:
        if source not in done:
            copy, name = project(source), image_repository(source)
            run_parity("build", str(copy), *docker_options(source))
            done[source] = (copy, name)
        return done[source]

    return build


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[dict[str, str]]:
    """A fresh database on the host's PostgreSQL, dropped afterwards: the env a project needs."""
    psql = shutil.which("psql")
    if psql is None:
        unavailable("no psql client (run tests/e2e/postgres-up)")
    env = {**os.environ, "PGPASSWORD": POSTGRES["POSTGRES_PASSWORD"]}
    base = [psql, "-X", "-q", "-h", "127.0.0.1", "-U", POSTGRES["POSTGRES_USER"], "-d", "postgres"]
    if subprocess.run([*base, "-c", "SELECT 1"], env=env, capture_output=True).returncode != 0:
        unavailable("no PostgreSQL answers on 127.0.0.1:5432 as parity (run tests/e2e/postgres-up)")
    database = SESSION_PREFIX.replace("-", "_")
    subprocess.run([*base, "-c", f'CREATE DATABASE "{database}"'], env=env, check=True)
    yield {**POSTGRES, "POSTGRES_DB": database}
    subprocess.run([*base, "-c", f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'], env=env)


def verify_report(path: Path, source: str, *extra: str, variant: str = "") -> tuple[int, dict]:
    """`parity verify --json` on a copy of `source`: (exit status, report)."""
    options = docker_options(source, variant)
    result = run_parity("verify", str(path), *options, "--json", *extra, check=False)
    try:
        report = json.loads(result.stdout)
    except ValueError as error:
        raise AssertionError(
            f"verify printed no JSON ({error}):\n{result.stderr[-4000:]}"
        ) from None
    return result.returncode, report


def failures(report: dict) -> list[str]:
    return [
        f"{c['check']} {c['name']}: {c['value']} -- {c['detail']}"
        for c in report["checks"]
        if c["result"] not in ("pass", "info")
    ]


@contextlib.contextmanager
def serving_prod(
    docker: Docker, image: str, env: dict[str, str] | None = None
) -> Iterator[tuple[int, str]]:
    """Run `image` as production would, wait until it answers; yields (port, container name)."""
    port = free_port()
    name = f"{SESSION_PREFIX}-serve-{secrets.token_hex(3)}"
    spec = prod_run_spec(docker, image, name=name, port=port, env=tuple((env or {}).items()))
    docker.start(spec)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                http_get(port, "/", "localhost")
                break
            except OSError:
                if time.monotonic() > deadline or not docker.is_running(name):
                    raise AssertionError(f"{image} never answered:\n{docker.logs(name)}") from None
                time.sleep(0.2)
        yield port, name
    finally:
        docker.remove_container(name)
