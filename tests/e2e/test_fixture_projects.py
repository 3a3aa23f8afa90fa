"""Fixture projects, each given its Docker files by `parity init`, built and proven by verify.

One per way a Django project can be laid out or installed: requirement files with a dev
file, pyproject with dependency groups (uv), Poetry, Pipenv, manage.py in src/, an ASGI
app behind uvicorn workers, PostgreSQL through libpq, settings that need env at import.
"""

from __future__ import annotations

import http.client

import pytest
from conftest import (
    SESSION_PYTHON,
    docker_options,
    failures,
    image_repository,
    run_parity,
    serving_prod,
    verify_report,
)

from parity.docker import RunSpec
from parity.plan import UV_IMAGE
from parity.plan_tables import TOOL_VERSIONS
from parity.verify import http_get

pytestmark = pytest.mark.e2e

DEPENDENCY_MANAGERS = {
    "tests/fixtures/deps_requirements": ("pytest-django", "django-debug-toolbar"),
    "tests/fixtures/deps_uv": (),
    "tests/fixtures/deps_poetry": (),
    "tests/fixtures/deps_pipenv": (),
    "tests/fixtures/e2e_src_layout": ("pytest", "pytest-django"),
}


@pytest.mark.parametrize("source", list(DEPENDENCY_MANAGERS), ids=lambda s: s.rsplit("/", 1)[1])
def test_verify_is_all_green(docker, project, source):
    status, report = verify_report(project(source), source)
    assert failures(report) == [] and status == 0
    packages = next(c for c in report["checks"] if c["check"] == 4)["value"]
    for name in DEPENDENCY_MANAGERS[source]:
        assert name in packages


def test_src_layout_runs_its_tests_in_dev(docker, built):
    copy, _ = built("tests/fixtures/e2e_src_layout")
    result = run_parity(
        "test", str(copy), *docker_options("tests/fixtures/e2e_src_layout"), "--no-build"
    )
    assert "1 passed" in result.stdout


def test_asgi_app_is_served_by_uvicorn_workers(docker, built):
    source = "tests/fixtures/e2e_asgi"
    copy, name = built(source)
    with serving_prod(docker, f"{name}:prod") as (port, _):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/", headers={"Host": "localhost"})
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
    # An ASGIRequest, answered by a uvicorn worker (a sync worker says "gunicorn").
    assert (response.status, body) == (200, "asgi ok: ASGIRequest")
    assert response.getheader("server") == "uvicorn"
    status, report = verify_report(copy, source)
    assert failures(report) == [] and status == 0
    prod_adds = next(c for c in report["checks"] if c["check"] == 4)["value"]
    assert "uvicorn-worker" in prod_adds


def test_postgres_project_migrates_against_a_real_server(docker, built, postgres_database):
    source = "tests/fixtures/e2e_postgres"
    copy, name = built(source)
    env = postgres_database
    with serving_prod(docker, f"{name}:prod", env) as (port, _):
        first = http_get(port, "/", "localhost")
        second = http_get(port, "/", "localhost")
    assert first[0] == second[0] == 200
    # The entrypoint migrated (the table exists) and rows persist across requests.
    count = int(first[1].split("visits=")[1].split()[0])
    assert f"visits={count} vendor=postgresql" in first[1] and f"visits={count + 1}" in second[1]
    # psycopg without the binary extra talks to the OS's libpq (PostgreSQL 15+ client).
    assert "impl=c" in first[1] or "impl=python" in first[1]
    libpq = int(first[1].split("libpq=")[1].split()[0])
    assert libpq >= 150000
    env_args = [f"--env={k}={v}" for k, v in env.items()]
    status, report = verify_report(copy, source, *env_args)
    assert failures(report) == [] and status == 0


def test_settings_that_need_env_at_import_still_build_and_run(docker, built):
    source = "tests/fixtures/e2e_env_required"
    copy, name = built(source)  # collectstatic ran at build time with placeholders
    # Without the variables prod cannot start, and verify says why in one line.
    status, report = verify_report(copy, source)
    checks = {c["check"]: c for c in report["checks"]}
    assert status == 1 and checks[2]["value"] == "prod exited"
    assert checks[2]["detail"] == "the container exited: KeyError: 'SECRET_KEY'"
    env = {"SECRET_KEY": "e2e-secret-" + "x" * 40, "DATABASE_URL": "sqlite:////tmp/e2e.sqlite3"}
    with serving_prod(docker, f"{name}:prod", env) as (port, _):
        assert http_get(port, "/", "localhost") == (200, "env ok: django.db.backends.sqlite3")
        assert http_get(port, "/static/pages/site.css", "localhost")[0] == 200
    status, report = verify_report(copy, source, *[f"--env={k}={v}" for k, v in env.items()])
    assert failures(report) == [] and status == 0
    placeholders = next(c for c in report["checks"] if c["check"] == 9)["value"]
    assert "SECRET_KEY" in placeholders and "DATABASE_URL" in placeholders


def test_pip_installer_fills_a_pip_less_venv_that_pip_in_the_image_still_targets(docker, project):
    source = "tests/fixtures/deps_requirements"
    copy = project(source, fresh=True)
    run_parity("init", str(copy), "--installer", "pip", "--force")
    status, report = verify_report(copy, source, variant="pip")
    assert failures(report) == [] and status == 0
    # The venv has no pip of its own; PIP_PYTHON points the image's pip at it, so what
    # a developer runs in the dev container sees (and installs into) the venv.
    image = f"{image_repository(source)}-pip:dev"
    venv_bin = docker.run(
        RunSpec(image, command=("ls", "/opt/venv/bin"), network="host"), timeout=120
    ).stdout
    assert "pip" not in venv_bin.split()
    listed = docker.run(
        RunSpec(image, command=("pip", "list", "--format=freeze"), network="host"), timeout=120
    ).stdout.lower()
    assert "django==" in listed and "pytest-django==" in listed


def test_uv_from_its_own_image_builds_and_verifies(docker, project, tmp_path):
    tag = f"{UV_IMAGE}:{TOOL_VERSIONS['uv']}"
    made_here = not docker.image_exists(tag)
    if made_here:
        # No registry here: a local stand-in for uv's image, the same static binary (from
        # PyPI) at /uv. Where ghcr.io answers, the real image is used the same way.
        context = tmp_path / "uv-image"
        context.mkdir()
        (context / "Dockerfile").write_text(
            f"FROM {SESSION_PYTHON} AS fetch\n"
            f"RUN pip install --target /opt/uv uv=={TOOL_VERSIONS['uv']}\n"
            "FROM scratch\n"
            "COPY --from=fetch /opt/uv/bin/uv /uv\n"
        )
        docker.build(context, tag=tag, target=None, echo=lambda line: None)
    try:
        source = "tests/fixtures/deps_uv"
        copy = project(source, fresh=True)
        run_parity("init", str(copy), "--uv-source", "image", "--force")
        dockerfile = (copy / "Dockerfile").read_text()
        assert "AS tools" not in dockerfile and f"--mount=from={tag},source=/uv" in dockerfile
        status, report = verify_report(copy, source, variant="uv-image")
        assert failures(report) == [] and status == 0
    finally:
        if made_here:
            docker.remove_image(tag)
