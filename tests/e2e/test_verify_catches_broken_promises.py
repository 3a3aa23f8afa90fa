"""verify on a hand-written Dockerfile that breaks the promises: each broken one is reported."""

from __future__ import annotations

import pytest
from conftest import verify_report

pytestmark = pytest.mark.e2e

SOURCE = "tests/fixtures/e2e_src_layout"

# Everything verify checks, done wrong on purpose (see the comments), apart from what
# checks 2 and 6 look at, which stay right so that they show verify does not fail everything.
BROKEN_DOCKERFILE = """\
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

FROM ${PYTHON_IMAGE} AS tools
RUN --mount=type=cache,target=/root/.cache/pip pip install --target /opt/uv uv==0.13.9

FROM ${PYTHON_IMAGE} AS base
ENV PATH=/opt/venv/bin:$PATH VIRTUAL_ENV=/opt/venv PYTHONDONTWRITEBYTECODE=1
RUN --mount=type=cache,target=/root/.cache/uv \\
    --mount=from=tools,source=/opt/uv/bin/uv,target=/usr/local/bin/uv \\
    --mount=type=bind,source=requirements.txt,target=/deps/requirements.txt \\
    python -m venv --without-pip /opt/venv && uv pip install -r /deps/requirements.txt
WORKDIR /app

FROM base AS prod
# 4: the development requirements reach production.
RUN --mount=type=cache,target=/root/.cache/uv \\
    --mount=from=tools,source=/opt/uv/bin/uv,target=/usr/local/bin/uv \\
    --mount=type=bind,source=requirements.txt,target=/deps/requirements.txt \\
    --mount=type=bind,source=requirements.dev.txt,target=/deps/requirements.dev.txt \\
    uv pip install -r /deps/requirements.dev.txt gunicorn==27.0.1
COPY src/ /app/
# 9: the build-time placeholder stays in the image's environment.
ENV SECRET_KEY=parity-build-placeholder
RUN SECRET_KEY=parity-build-placeholder python manage.py collectstatic --noinput
# 3: no USER, so the server runs as root. 7: shell form, so sh (PID 1) swallows SIGTERM.
CMD gunicorn shop.wsgi --bind 0.0.0.0:$PORT

# 5: dev is not built FROM base. 1: dev is the last stage, so a plain build is not prod.
FROM ${PYTHON_IMAGE} AS dev
ENV PATH=/opt/venv/bin:$PATH VIRTUAL_ENV=/opt/venv PYTHONDONTWRITEBYTECODE=1
RUN --mount=type=cache,target=/root/.cache/uv \\
    --mount=from=tools,source=/opt/uv/bin/uv,target=/usr/local/bin/uv \\
    --mount=type=bind,source=requirements.txt,target=/deps/requirements.txt \\
    --mount=type=bind,source=requirements.dev.txt,target=/deps/requirements.dev.txt \\
    python -m venv --without-pip /opt/venv && uv pip install -r /deps/requirements.dev.txt
WORKDIR /app
EXPOSE 8000
# 8: no auto-reload, so an edit on the host is never served.
CMD ["python", "manage.py", "runserver", "--noreload", "0.0.0.0:8000"]
"""


def test_each_broken_promise_fails_its_check(docker, project):
    copy = project(SOURCE, fresh=True)
    (copy / "Dockerfile").write_text(BROKEN_DOCKERFILE)
    status, report = verify_report(copy, SOURCE, variant="broken")
    results = {c["check"]: c for c in report["checks"]}
    assert status == 1 and report["ok"] is False
    assert {n for n, c in results.items() if c["result"] == "fail"} == {1, 3, 4, 5, 7, 8, 9}
    assert "make prod the last stage" in results[1]["detail"]
    assert results[2]["result"] == "pass" and results[6]["result"] == "pass"
    assert "running as root: sh (pid 1), gunicorn" in results[3]["detail"]
    assert "in prod too: " in results[4]["detail"] and "pytest" in results[4]["detail"]
    assert results[5]["detail"].startswith("dev departs from base at layer ")
    assert "SIGTERM does not reach the server" in results[7]["detail"]
    assert "never served" in results[8]["detail"]
    assert "in the image environment: SECRET_KEY" in results[9]["detail"]
    assert results[10]["result"] == "info"
