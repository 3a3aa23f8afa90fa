"""What `parity init` generates for every fixture project: golden files plus semantic checks."""

from __future__ import annotations

import json
import os
import shutil

import jsonschema
import pytest
import yaml
from dockerfile_stages import exec_form, stages, step_args
from fixture_projects import EXAMPLE, FIXTURES, PROJECTS, REPO

from parity.files import generated_state
from parity.generate import generate, generate_files

GOLDEN = REPO / "tests" / "golden"
COMPOSE_SCHEMA = REPO.parent / "shared" / "data" / "compose-spec.schema.json"

# Fixtures whose whole output is pinned byte for byte (update: PARITY_UPDATE_GOLDEN=1).
GOLDEN_PROJECTS = ("deps_poetry", "deps_uv", "e2e_asgi", "e2e_postgres", "e2e_env_required")


def test_there_are_fixtures_of_every_kind():
    kinds = {name.split("_")[0] for name in PROJECTS}
    assert kinds == {"deps", "e2e", "layout", "settings"}
    assert len(PROJECTS) >= 20


@pytest.mark.parametrize("name", PROJECTS)
def test_generated_dockerfile_keeps_the_article_promises(name):
    result = generate(FIXTURES / name)
    graph = stages(result.files["Dockerfile"])
    code_root = result.project.code_root

    assert list(graph)[-1] == "prod"
    assert graph["dev"]["from"] == "base" and graph["prod"]["from"] == "base"
    assert step_args(graph["dev"], "COPY") == []
    source = "." if code_root == "." else f"{code_root}/"
    assert f"{source} /app/" in step_args(graph["prod"], "COPY")
    assert exec_form(step_args(graph["dev"], "CMD")[0])[:3] == ["python", "manage.py", "runserver"]
    assert exec_form(step_args(graph["prod"], "CMD")[0])[0] == "gunicorn"
    assert step_args(graph["prod"], "USER") == ["10001:10001"]
    # Dev-only dependency files never reach a stage prod inherits from.
    for dev_file in set(result.project.dependencies.dev_inputs) - set(
        result.project.dependencies.prod_inputs
    ):
        for stage in ("runtime", "builder", "base", "prod"):
            steps = graph.get(stage, {"steps": []})["steps"]
            assert dev_file not in " ".join(a for _, a in steps)
    for text in result.files.values():
        assert generated_state(text) == "ours"


@pytest.mark.parametrize("name", PROJECTS)
def test_generation_is_reproducible(name):
    assert generate_files(FIXTURES / name) == generate_files(FIXTURES / name)


@pytest.mark.parametrize("name", PROJECTS)
def test_compose_file_follows_the_compose_specification(name):
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    compose = yaml.safe_load(generate_files(FIXTURES / name)["compose.yaml"])
    jsonschema.Draft7Validator(schema).validate(compose)
    web = compose["services"]["web"]
    assert web["build"]["target"] == "dev"
    assert any(v.endswith(":/app") for v in web["volumes"])


def test_postgres_project_gets_libpq_at_run_time_and_a_database_service():
    result = generate(FIXTURES / "e2e_postgres")
    graph = stages(result.files["Dockerfile"])
    assert "libpq5" in " ".join(step_args(graph["runtime"], "RUN"))
    compose = yaml.safe_load(result.files["compose.yaml"])
    assert compose["services"]["web"]["depends_on"]["db"]["condition"] == "service_healthy"
    assert "healthcheck" in compose["services"]["db"]


def test_settings_that_need_env_at_import_get_placeholders_for_collectstatic_only():
    result = generate(FIXTURES / "e2e_env_required")
    required = {var.name for var in result.project.settings.required_env}
    assert {"SECRET_KEY", "DATABASE_URL"} <= required
    graph = stages(result.files["Dockerfile"])
    [collect] = [a for a in step_args(graph["prod"], "RUN") if "collectstatic" in a]
    for name in required:
        assert f"{name}=" in collect
    assert not any("SECRET_KEY" in env for env in step_args(graph["prod"], "ENV"))


def test_asgi_project_is_served_by_uvicorn_workers():
    result = generate(FIXTURES / "e2e_asgi")
    graph = stages(result.files["Dockerfile"])
    assert exec_form(step_args(graph["prod"], "CMD")[0])[1].endswith(".asgi:application")
    config = next(text for path, text in result.files.items() if path.endswith("gunicorn.conf.py"))
    assert "uvicorn_worker.UvicornWorker" in config


@pytest.mark.parametrize("name", GOLDEN_PROJECTS)
def test_golden_files(name):
    files = generate_files(FIXTURES / name)
    golden = GOLDEN / name
    if os.environ.get("PARITY_UPDATE_GOLDEN"):
        shutil.rmtree(golden, ignore_errors=True)
        for rel, text in files.items():
            (golden / rel).parent.mkdir(parents=True, exist_ok=True)
            (golden / rel).write_text(text)
    on_disk = {
        p.relative_to(golden).as_posix(): p.read_text() for p in golden.rglob("*") if p.is_file()
    }
    assert on_disk == files


def test_regenerating_the_example_changes_nothing():
    files = generate_files(EXAMPLE)
    assert files, "the example must generate files"
    for rel, text in files.items():
        assert (EXAMPLE / rel).read_text() == text, f"examples/notes/{rel} is out of date"


def test_the_documented_dockerfile_is_the_generated_one():
    doc = (REPO / "docs" / "dockerfile.md").read_text()
    assert generate_files(EXAMPLE)["Dockerfile"].rstrip() in doc
