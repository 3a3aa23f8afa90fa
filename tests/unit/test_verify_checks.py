"""verify's judgements from measured facts: each promise passes and fails where a user expects."""

from __future__ import annotations

from parity.verify_checks import (
    FAIL,
    INFO,
    PASS,
    CheckResult,
    StaticProbe,
    build_placeholders,
    builds_check,
    deploy_check,
    http_check,
    layers_check,
    live_check,
    marked_line,
    measurements_check,
    packages_check,
    placeholder_check,
    stage_instructions,
    static_probe,
    stop_check,
    table,
    user_check,
)

DOCKERFILE = """\
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
FROM ${PYTHON_IMAGE} AS base
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app

FROM base AS dev
RUN FOO=not-a-placeholder-stage pip install x
CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]

FROM base AS prod
COPY app/ /app/
# Placeholders exist only for this command.
RUN --mount=type=cache,target=/root/.cache \\
    SECRET_KEY=parity-build-placeholder \\
    DATABASE_URL='sqlite:////tmp/parity-build.sqlite3' \\
    python manage.py collectstatic --noinput \\
 && DEBUG=False python -m compileall -q /app
RUN UV_LINK_MODE=copy uv pip install gunicorn
USER app
"""


def test_placeholders_are_what_prod_gives_manage_py_for_one_command():
    assert build_placeholders(DOCKERFILE) == {
        "SECRET_KEY": "parity-build-placeholder",
        "DATABASE_URL": "sqlite:////tmp/parity-build.sqlite3",
    }


def test_without_a_prod_stage_the_last_stage_counts():
    text = (
        "FROM python:3.11-slim\nRUN A=b python manage.py check\n"
        "FROM python:3.11-slim AS final\nRUN C=d python manage.py check\n"
    )
    assert build_placeholders(text) == {"C": "d"}
    assert stage_instructions(text, "nope") == ["RUN C=d python manage.py check"]


def test_placeholder_left_in_the_image_environment_fails():
    placeholders = {"SECRET_KEY": "parity-build-placeholder"}
    clean = placeholder_check(placeholders, ["PATH=/opt/venv/bin", "SECRET_KEY=real"], [])
    assert clean.status == PASS
    leaked = placeholder_check(placeholders, ["SECRET_KEY=parity-build-placeholder"], [])
    assert leaked.status == FAIL and "SECRET_KEY" in leaked.detail
    in_file = placeholder_check(placeholders, [], ["/app/config/local.py"])
    assert in_file.status == FAIL and "/app/config/local.py" in in_file.detail
    assert placeholder_check({}, [], []).status == PASS


def test_builds_need_every_target_and_plain_build_equal_to_prod():
    seconds = {"base": 1.0, "dev": 2.0, "prod": 3.0}
    assert builds_check(seconds, {}, "sha256:abc", "sha256:abc").status == PASS
    other = builds_check(seconds, {}, "sha256:def", "sha256:abc")
    assert other.status == FAIL and "last stage" in other.detail
    failed = builds_check(
        {"base": 1.0}, {"dev": "building target dev failed at [dev 1/2]"}, None, None
    )
    assert failed.status == FAIL and failed.value == "dev failed" and "[dev 1/2]" in failed.detail


def test_http_needs_2xx_or_3xx_and_a_served_static_file():
    served = StaticProbe(url="/static/app.css", status=200)
    assert http_check(200, 0.8, 60, "/", served).status == PASS
    assert http_check(302, 0.8, 60, "/", served).status == PASS
    bad_host = http_check(400, 0.8, 60, "/", served)
    assert bad_host.status == FAIL and "ALLOWED_HOSTS" in bad_host.detail
    missing = http_check(200, 0.8, 60, "/", StaticProbe(url="/static/app.css", status=404))
    assert missing.status == FAIL and "WhiteNoise" in missing.detail
    exited = http_check(None, None, 60, "/", StaticProbe(), "the container exited: boom")
    assert exited.status == FAIL and exited.value == "prod exited"
    assert exited.detail == "the container exited: boom"
    silent = http_check(None, None, 60, "/", StaticProbe(), "no answer in 60s; last log line: -")
    assert silent.status == FAIL and silent.value == "no answer in 60s"


def test_static_probe_from_the_settings_the_container_reports():
    assert static_probe({"url": "static/", "file": "admin/css/base.css"}).url == (
        "/static/admin/css/base.css"
    )
    assert static_probe({"url": "/assets/", "file": "a.css"}).url == "/assets/a.css"
    none = static_probe({"url": "static/", "file": None})
    assert none.url is None and none.fine_without
    cdn = static_probe({"url": "https://cdn.example.com/s/", "file": "a.css"})
    assert cdn.url is None and cdn.fine_without
    assert http_check(200, 1.0, 60, "/", none).status == PASS
    unknown = StaticProbe(note="cannot find a collected static file: boom")
    assert http_check(200, 1.0, 60, "/", unknown).status == FAIL


def test_root_process_or_compiler_fails_the_user_check():
    app = [[1, "gunicorn", 10001], [7, "gunicorn", 10001]]
    assert user_check(app, []).status == PASS
    as_root = user_check([[1, "gunicorn", 0], [7, "gunicorn", 10001]], [])
    assert as_root.status == FAIL and "gunicorn (pid 1)" in as_root.detail
    compiler = user_check(app, ["/usr/bin/gcc"])
    assert compiler.status == FAIL and "/usr/bin/gcc" in compiler.detail


def test_packages_dev_only_stay_out_of_prod_and_shared_match():
    base = {"django": "5.2.19", "asgiref": "3.9.1"}
    dev = {**base, "pytest": "9.2.0", "pluggy": "1.6.0"}
    prod = {**base, "gunicorn": "27.0.1"}
    good = packages_check(base, dev, prod, ["pytest"], {"pytest": "ok"})
    assert good.status == PASS
    assert "prod adds gunicorn 27.0.1" in good.value
    leak = packages_check(base, dev, {**prod, "pytest": "9.2.0"}, ["pytest"], {"pytest": "ok"})
    assert leak.status == FAIL and "in prod too: pytest" in leak.detail
    broken = packages_check(base, dev, prod, ["pytest"], {"pytest": "error: No module named x"})
    assert broken.status == FAIL and "not importable in dev" in broken.detail
    drift = packages_check(base, {**dev, "django": "5.2.0"}, prod, ["pytest"], {"pytest": "ok"})
    assert drift.status == FAIL and "django 5.2.19->5.2.0" in drift.detail


def test_layers_base_must_prefix_dev_and_prod():
    base = ["sha256:a", "sha256:b"]
    assert layers_check(base, base + ["sha256:c"], base + ["sha256:d"]).status == PASS
    apart = layers_check(base, ["sha256:a", "sha256:x", "sha256:c"], base + ["sha256:d"])
    assert apart.status == FAIL and apart.detail.startswith("dev departs from base at layer 2 of 2")


CHECK_DEPLOY_OUTPUT = """\
System check identified some issues:

WARNINGS:
?: (security.W004) You have not set a value for the SECURE_HSTS_SECONDS setting.
?: (security.W008) Your SECURE_SSL_REDIRECT setting is not set to True.

System check identified 2 issues (0 silenced).
"""


def test_deploy_warnings_pass_unless_strict_and_errors_fail():
    relaxed = deploy_check(0, CHECK_DEPLOY_OUTPUT, strict=False)
    assert relaxed.status == PASS
    assert relaxed.value == "0 errors, 2 warnings: security.W004, security.W008"
    assert deploy_check(0, CHECK_DEPLOY_OUTPUT, strict=True).status == FAIL
    errors = "?: (security.E001) bad\nSystemCheckError: System check identified some issues"
    assert deploy_check(1, errors, strict=False).status == FAIL
    crashed = deploy_check(1, "Traceback...\nKeyError: 'SECRET_KEY'", strict=False)
    assert crashed.status == FAIL and crashed.detail == "KeyError: 'SECRET_KEY'"


def test_stop_bound_is_three_seconds():
    assert stop_check(0.4).status == PASS
    slow = stop_check(10.2)
    assert slow.status == FAIL and "exec" in slow.detail


def test_live_reload_within_two_seconds_and_files_owned_by_the_user():
    assert live_check(1.1, (1000, 1000), (1000, 1000)).status == PASS
    assert live_check(2.6, (1000, 1000), (1000, 1000)).status == FAIL
    assert live_check(None, (1000, 1000), (1000, 1000)).status == FAIL
    root_owned = live_check(1.0, (0, 0), (1000, 1000))
    assert root_owned.status == FAIL and "not the host user 1000:1000" in root_owned.detail


def test_measurements_are_information_only():
    result = measurements_check({"prod": 227_000_000}, {"prod": 4.25}, 0.9)
    assert result.status == INFO
    assert result.value == "prod 227 MB; build prod 4.2s; first response 0.9s"


def test_marked_line_ignores_what_settings_print():
    assert marked_line('loading settings\nPARITY-X {"a": 1}\n', "PARITY-X") == '{"a": 1}'
    assert marked_line("nothing", "PARITY-X") is None


def test_table_has_a_row_per_check_and_details_under_failures():
    results = [
        CheckResult(1, PASS, "base 1.0s"),
        CheckResult(7, FAIL, "10.2s", "SIGTERM does not reach the server"),
    ]
    lines = table(results).splitlines()
    assert lines[0].split() == ["#", "check", "result", "measured"]
    assert lines[2].startswith("1 ") and "PASS" in lines[2] and lines[2].endswith("base 1.0s")
    assert "FAIL" in lines[3]
    assert lines[-1] == "7. fail: SIGTERM does not reach the server"
