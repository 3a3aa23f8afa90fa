"""The bundled example (examples/notes) on a real engine: verify all green, test, dev and prod."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from conftest import REPO, docker_options, failures, image_repository, run_parity, verify_report

from parity.runtime import free_port
from parity.verify import http_get

pytestmark = pytest.mark.e2e
EXAMPLE = "examples/notes"


def test_verify_is_all_green_on_the_example(docker, project):
    copy = project(EXAMPLE)
    status, report = verify_report(copy, EXAMPLE)
    assert failures(report) == [] and status == 0
    checks = {c["check"]: c for c in report["checks"]}
    assert [c["check"] for c in report["checks"]] == list(range(1, 11))
    assert "plain build = prod" in checks[1]["value"]
    assert " 200" in checks[2]["value"] and "/static/" in checks[2]["value"]
    assert "pytest" in checks[4]["value"] and "gunicorn" in checks[4]["value"]
    assert checks[10]["result"] == "info" and "first response" in checks[10]["value"]


def test_parity_test_runs_the_example_tests_and_reports_a_failure(docker, project, built):
    built(EXAMPLE)  # the dev image, built once this session
    copy = project(EXAMPLE, fresh=True)
    passing = run_parity("test", str(copy), *docker_options(EXAMPLE), "--no-build")
    assert " passed" in passing.stdout and "failed" not in passing.stdout

    (copy / "app" / "notes" / "test_deliberately_failing.py").write_text(
        "def test_fails():\n    assert 1 + 1 == 3\n"
    )
    failing = run_parity("test", str(copy), *docker_options(EXAMPLE), "--no-build", check=False)
    assert failing.returncode == 1, failing.stdout[-2000:]
    assert "1 failed" in failing.stdout

    only = run_parity(
        "test", str(copy), *docker_options(EXAMPLE), "--no-build", "--", "-k", "lists_notes"
    )
    assert only.returncode == 0 and "1 passed" in only.stdout


def wait_for(port: int, path: str, want: str | None, limit: float = 60.0) -> float:
    """Seconds until GET path answers with `want` in the body (None: answers at all)."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        try:
            status, body = http_get(port, path, "localhost", timeout=2)
            if want is None or want in body:
                return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"{want!r} never served on :{port}{path}")


def interrupt(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGINT)
    return process.wait(timeout=30)


def test_dev_serves_host_edits_as_the_given_user_and_ctrl_c_removes_it(docker, project, built):
    built(EXAMPLE)
    copy = project(EXAMPLE, fresh=True)
    code = copy / "app"
    for path in [code, *code.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)  # writable for the unprivileged UID below
    # The example's documented local setup: .env from .env.example (DEBUG on); dev reads .env.
    (copy / ".env").write_text((copy / ".env.example").read_text())
    name = image_repository(EXAMPLE)
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "parity",
            "dev",
            str(copy),
            *docker_options(EXAMPLE),
            "--no-build",
            "--port",
            str(port),
            "--user",
            "4321:4321",
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        wait_for(port, "/", None)
        container = docker.list_names("container", f"{name}-dev-")
        assert len(container) == 1
        migrated = docker.exec(container[0], ["python", "manage.py", "migrate", "--noinput"])
        assert migrated.returncode == 0, migrated.stderr
        database = code / "db.sqlite3"
        assert (database.stat().st_uid, database.stat().st_gid) == (4321, 4321)
        wait_for(port, "/", "No notes yet", limit=5)

        views = code / "notes" / "views.py"
        views.write_text(
            views.read_text()
            + "\n\nfrom django.http import HttpResponse\n\n\ndef edited(request):\n"
            "    return HttpResponse('edited on the host')\n"
        )
        urls = code / "notes" / "urls.py"
        urls.write_text(
            urls.read_text()
            + "\nfrom . import views as _views\n"
            + "urlpatterns.append(path('edited/', _views.edited))\n"
        )
        assert wait_for(port, "/edited/", "edited on the host", limit=10) < 2.5
    finally:
        status = interrupt(process)
    output = process.stdout.read()
    assert status == 130, output[-2000:]
    assert docker.list_names("container", f"{name}-dev-") == []


def test_prod_migrates_then_serves_and_ctrl_c_removes_it(docker, built):
    copy, name = built(EXAMPLE)
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "parity",
            "prod",
            str(copy),
            *docker_options(EXAMPLE),
            "--no-build",
            "--port",
            str(port),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        # The note list queries its table: answering 200 means the entrypoint migrated.
        wait_for(port, "/", "No notes yet")
        status, _ = http_get(port, "/", "localhost")
        assert status == 200
    finally:
        code = interrupt(process)
    output = process.stdout.read()
    assert "Applying notes.0001_initial" in output
    assert code in (0, 130), output[-2000:]
    assert docker.list_names("container", f"{name}-prod-") == []
