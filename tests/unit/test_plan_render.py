"""plan + render on hand-made Projects: the decisions and how the Dockerfile lays them out."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest
from dockerfile_stages import exec_form, stages, step_args

from parity.errors import UsageError
from parity.files import generated_state, stamp
from parity.model import (
    Dependencies,
    EnvVar,
    Fact,
    Origin,
    Project,
    Requirement,
    Settings,
    SystemNeed,
)
from parity.plan import Options, make_plan
from parity.render import render

SETTINGS_FILE = Origin("app/app/settings.py", 10)


def article_project(**changes) -> Project:
    """The article's layout: requirement files at the root, Django code in app/."""
    deps = Dependencies(
        manager="requirements",
        prod=(Requirement("django", "Django==5.2.19"), Requirement("whitenoise", "whitenoise")),
        dev=(Requirement("pytest", "pytest"),),
        prod_inputs=("requirements.txt",),
        dev_inputs=("requirements.dev.txt",),
        files=("requirements.txt", "requirements.dev.txt"),
    )
    settings = Settings(
        module=Fact("app.settings", Origin("app/manage.py", 9)),
        file="app/app/settings.py",
        wsgi_application=Fact("app.wsgi.application", SETTINGS_FILE),
        static_root=Fact("staticfiles", SETTINGS_FILE),
        media_root=Fact("media", SETTINGS_FILE),
        sqlite_path=Fact("db.sqlite3", SETTINGS_FILE),
        allowed_hosts=Fact(("example.com", "localhost"), SETTINGS_FILE),
        installed_apps=("django.contrib.staticfiles",),
        required_env=(
            EnvVar("SECRET_KEY", SETTINGS_FILE, 'os.environ["SECRET_KEY"]'),
            EnvVar("DATABASE_URL", SETTINGS_FILE, 'env.db("DATABASE_URL")', "db_url"),
            EnvVar("DEBUG", SETTINGS_FILE, 'env.bool("DEBUG")', "bool"),
        ),
    )
    project = Project(
        root="/nonexistent/notes",
        name="notes",
        manage_py=Fact("app/manage.py"),
        code_root="app",
        settings=settings,
        dependencies=deps,
        python=Fact("3.11", Origin(".python-version", 1)),
    )
    return replace(project, **changes)


def dockerfile(project: Project, **options) -> dict[str, dict]:
    return stages(render(make_plan(project, Options(**options)))["Dockerfile"])


def test_the_article_stages_with_prod_last_and_shared_base():
    text = render(make_plan(article_project(), Options()))["Dockerfile"]
    graph = stages(text)
    assert list(graph)[-1] == "prod", "plain `docker build` must give prod"
    assert graph["dev"]["from"] == "base"
    assert graph["prod"]["from"] == "base"
    assert graph["base"]["from"] == "runtime"
    # Nothing to compile: the dependencies go straight into base, no builder stage to copy from.
    assert "builder" not in graph
    [install] = step_args(graph["base"], "RUN")
    assert "uv pip install --compile-bytecode --link-mode=copy" in install
    assert "ARG PYTHON_IMAGE=python:3.11-slim-bookworm" in text


def test_dev_copies_no_source_and_runs_runserver_on_all_interfaces():
    graph = dockerfile(article_project())
    assert step_args(graph["dev"], "COPY") == []
    [cmd] = step_args(graph["dev"], "CMD")
    assert exec_form(cmd) == ["python", "manage.py", "runserver", "0.0.0.0:8000"]
    [run] = step_args(graph["dev"], "RUN")
    assert "--no-python-downloads -r /deps/requirements.dev.txt" in run
    # The dev file reads requirements.txt (-r), so both are mounted.
    assert "source=requirements.dev.txt" in run and "source=requirements.txt" in run


def test_prod_installs_server_before_copying_source_then_collects_static():
    graph = dockerfile(article_project())
    steps = graph["prod"]["steps"]
    keywords = [kw for kw, _ in steps]
    server_run = next(i for i, (kw, a) in enumerate(steps) if kw == "RUN" and "gunicorn==" in a)
    copy = keywords.index("COPY")
    collect = next(i for i, (kw, a) in enumerate(steps) if "collectstatic" in a)
    assert server_run < copy < collect
    assert steps[copy][1] == "app/ /app/"
    assert exec_form(step_args(graph["prod"], "CMD")[0]) == ["gunicorn", "app.wsgi:application"]
    assert step_args(graph["prod"], "ENTRYPOINT") == [], "gunicorn itself is PID 1"
    assert step_args(graph["prod"], "USER") == ["10001:10001"]


def test_placeholders_only_on_the_collectstatic_run_and_typed():
    graph = dockerfile(article_project())
    [collect] = [a for a in step_args(graph["prod"], "RUN") if "collectstatic" in a]
    assert "DATABASE_URL=sqlite:////tmp/parity-build.sqlite3" in collect
    assert "SECRET_KEY=parity-build-placeholder" in collect
    assert "DEBUG=False" in collect
    for stage in graph.values():
        for env in step_args(stage, "ENV"):
            assert "SECRET_KEY" not in env and "DATABASE_URL" not in env


def test_production_dependencies_never_mount_dev_files():
    graph = dockerfile(article_project())
    [base_run] = step_args(graph["base"], "RUN")
    assert "requirements.dev.txt" not in base_run
    assert "--no-python-downloads -r /deps/requirements.txt" in base_run


def test_pip_installer_needs_no_tools_stage():
    graph = dockerfile(article_project(), installer="pip")
    assert "tools" not in graph
    [base_run] = step_args(graph["base"], "RUN")
    assert "python -m venv --without-pip /opt/venv" in base_run and "pip install -r" in base_run
    assert "--mount=type=cache,target=/root/.cache/pip" in base_run
    # The image's pip installs into the pip-less venv, at build time and in a running container.
    [runtime_env] = step_args(graph["runtime"], "ENV")
    assert "PIP_PYTHON=/opt/venv/bin/python" in runtime_env


def test_server_already_required_is_not_installed_again():
    project = article_project()
    deps = replace(
        project.dependencies,
        prod=project.dependencies.prod + (Requirement("gunicorn", "gunicorn==23.0.0"),),
    )
    graph = dockerfile(replace(project, dependencies=deps))
    assert not any("gunicorn==" in a for a in step_args(graph["prod"], "RUN"))


def test_asgi_project_gets_uvicorn_workers():
    project = article_project(is_asgi=Fact(True, SETTINGS_FILE))
    project = replace(
        project,
        settings=replace(project.settings, asgi_application=Fact("app.asgi.application")),
    )
    files = render(make_plan(project, Options()))
    graph = stages(files["Dockerfile"])
    assert exec_form(step_args(graph["prod"], "CMD")[0]) == ["gunicorn", "app.asgi:application"]
    assert any("uvicorn-worker==" in a for a in step_args(graph["prod"], "RUN"))
    assert (
        'worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "uvicorn_worker.UvicornWorker")'
        in (files["app/gunicorn.conf.py"])
    )


def test_system_packages_runtime_in_runtime_stage_build_only_in_builder():
    need = SystemNeed("psycopg2", "builds against libpq", ("libpq5",), ("libpq-dev", "gcc"))
    graph = dockerfile(article_project(system_needs=(need,)))
    runtime_apt = " ".join(step_args(graph["runtime"], "RUN"))
    builder_apt = " ".join(step_args(graph["builder"], "RUN"))
    assert "install -y --no-install-recommends libpq5" in runtime_apt
    assert "gcc" not in runtime_apt
    assert "install -y --no-install-recommends gcc libpq-dev" in builder_apt
    assert step_args(graph["base"], "COPY") == ["--from=builder /opt/venv /opt/venv"]
    assert "uv pip install" in " ".join(step_args(graph["builder"], "RUN"))
    for name in ("base", "prod"):
        assert "gcc" not in " ".join(a for _, a in graph[name]["steps"])


def test_options_override_the_scan():
    graph = dockerfile(article_project(), python="3.13", port=9000)
    text = render(make_plan(article_project(), Options(python="3.13", port=9000)))["Dockerfile"]
    assert "ARG PYTHON_IMAGE=python:3.13-slim-trixie" in text
    assert exec_form(step_args(graph["dev"], "CMD")[0])[-1] == "0.0.0.0:9000"
    custom = render(make_plan(article_project(), Options(base_image="registry.local/py:3.11")))
    assert "ARG PYTHON_IMAGE=registry.local/py:3.11" in custom["Dockerfile"]


def test_bad_choices_are_usage_errors():
    with pytest.raises(UsageError, match="--installer"):
        make_plan(article_project(), Options(installer="conda"))
    poetry = replace(article_project().dependencies, manager="poetry")
    with pytest.raises(UsageError, match="managed by poetry"):
        make_plan(article_project(dependencies=poetry), Options(installer="pip"))
    no_default = replace(article_project().settings, module=Fact(None))
    with pytest.raises(UsageError, match="--settings"):
        make_plan(article_project(settings=no_default), Options())


def test_healthcheck_uses_an_allowed_host_and_no_curl():
    graph = dockerfile(article_project())
    [health] = step_args(graph["prod"], "HEALTHCHECK")
    assert "'Host': 'example.com'" in health
    assert "curl" not in health and "wget" not in health


def test_rendering_is_deterministic_and_every_file_carries_a_valid_stamp():
    first = render(make_plan(article_project(), Options()))
    second = render(make_plan(article_project(), Options()))
    assert first == second
    assert set(first) == {
        "Dockerfile",
        ".dockerignore",
        "compose.yaml",
        "app/gunicorn.conf.py",
    }
    for text in first.values():
        assert generated_state(stamp(text)) == "ours"


def test_migrations_run_once_in_the_gunicorn_master_unless_disabled():
    config = render(make_plan(article_project(), Options()))["app/gunicorn.conf.py"]
    assert "def on_starting(server):" in config
    assert 'os.environ.get("DJANGO_MIGRATE", "1") == "0"' in config
    assert 'call_command("migrate", interactive=False)' in config
    assert "connections.close_all()" in config
    compile(config, "gunicorn.conf.py", "exec")  # the generated config is valid Python


def test_dockerignore_keeps_secrets_and_local_data_out_but_not_requirements():
    ignore = render(make_plan(article_project(), Options()))[".dockerignore"].splitlines()
    for pattern in (".git", "**/.env", "**/*.sqlite3", "**/node_modules", ".venv", "app/media"):
        assert pattern in ignore
    assert not any(line.startswith("requirements") for line in ignore)
    assert "app" not in ignore


def test_compose_adds_postgres_with_a_healthcheck_the_web_service_waits_on():
    engine = Fact("django.db.backends.postgresql", SETTINGS_FILE)
    settings = replace(article_project().settings, database_engines=(engine,))
    compose = render(make_plan(article_project(settings=settings), Options()))["compose.yaml"]
    assert "condition: service_healthy" in compose
    assert "pg_isready" in compose
    assert "target: dev" in compose and "./app:/app" in compose


def _generated_config_namespace() -> dict:
    """The generated gunicorn.conf.py, executed as gunicorn would (without env overrides)."""
    config = render(make_plan(article_project(), Options()))["app/gunicorn.conf.py"]
    namespace: dict = {}
    exec(compile(config, "gunicorn.conf.py", "exec"), namespace)  # noqa: S102 - our own output
    return namespace


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({"cpu.max": "150000 100000\n"}, 2),  # cgroup v2, --cpus=1.5: rounds up
        ({"cpu.max": "50000 100000\n"}, 1),  # never below one worker
        ({"cpu.max": "max 100000\n"}, None),  # v2, no quota: the CPUs it may run on
        ({"cpu/cpu.cfs_quota_us": "100000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 1),  # v1
        ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),  # v1, none
        ({}, None),  # no cgroup files at all
    ],
)
def test_workers_follow_the_containers_cpu_quota(tmp_path, files, expected):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    container_cpus = _generated_config_namespace()["container_cpus"]
    affinity = len(os.sched_getaffinity(0))
    assert container_cpus(str(tmp_path)) == (min(expected, affinity) if expected else affinity)


def test_one_sync_worker_per_cpu_but_never_fewer_than_two_by_default(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    namespace = _generated_config_namespace()
    assert namespace["workers"] == min(max(2, namespace["container_cpus"]()), 12)
    monkeypatch.setenv("WEB_CONCURRENCY", "7")
    assert _generated_config_namespace()["workers"] == 7


def test_uv_from_its_own_image_needs_no_tools_stage():
    graph = dockerfile(article_project(), uv_source="image")
    assert "tools" not in graph
    mount = "--mount=from=ghcr.io/astral-sh/uv:0.13.9,source=/uv,target=/usr/local/bin/uv"
    uv_runs = [
        run
        for stage in ("base", "dev", "prod")
        for run in step_args(graph[stage], "RUN")
        if "uv pip install" in run
    ]
    assert len(uv_runs) == 3 and all(mount in run for run in uv_runs)
    # Where no install uses uv, the option changes nothing.
    plan = make_plan(article_project(), Options(installer="pip", uv_source="image"))
    assert plan.uv_image is None
    assert render(plan) == render(make_plan(article_project(), Options(installer="pip")))
