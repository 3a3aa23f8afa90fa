"""Other parts `parity scan` reports: ASGI, Celery, front-end, Docker files, test runner, notes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from parity.errors import ScanError
from parity.model import Fact, Origin, Settings
from parity.scan import scan
from parity.scan.dependencies import read_dependencies
from parity.scan.parts import read_parts

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# What the fixtures' config/settings.py says (as the settings scan reports it).
FIXTURE_SETTINGS = Settings(
    module=Fact("config.settings", Origin("manage.py", 6)),
    file="config/settings.py",
    static_root=Fact("staticfiles", Origin("config/settings.py", 32)),
    whitenoise=Fact(True, Origin("config/settings.py", 15)),
    installed_apps=("django.contrib.contenttypes", "django.contrib.staticfiles"),
)


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    return root


def parts_of(root: Path, settings: Settings = FIXTURE_SETTINGS, code_root: str = "."):
    return read_parts(root, code_root, read_dependencies(root, code_root), settings)


@pytest.mark.parametrize(
    "fixture", ["requirements", "piptools", "pyproject", "uv", "poetry", "pipenv", "pdm"]
)
def test_fixtures_are_plain_wsgi_apps_tested_with_pytest_and_need_no_notes(fixture):
    parts = scan(FIXTURES / f"deps_{fixture}")  # the whole scan, settings read for real
    assert parts.settings.static_root.value == FIXTURE_SETTINGS.static_root.value
    assert parts.is_asgi.value is False
    assert parts.celery_app.value is None
    assert parts.frontend is None
    assert parts.dockerfile.value is None and parts.compose_file.value is None
    assert parts.test_runner.value == "pytest"
    assert parts.notes == ()


# --- ASGI ------------------------------------------------------------------------------------


def test_asgi_application_setting_makes_it_asgi(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\nwhitenoise\n"})
    settings = Settings(
        module=Fact("config.settings"),
        asgi_application=Fact("config.asgi.application", Origin("config/settings.py", 30)),
    )
    fact = parts_of(tmp_path, settings).is_asgi
    assert fact.value is True
    assert fact.origin == Origin("config/settings.py", 30)


@pytest.mark.parametrize(
    "package", ["channels", "daphne", "uvicorn[standard]", "hypercorn", "granian"]
)
def test_an_asgi_server_in_production_makes_it_asgi(tmp_path, package):
    write(tmp_path, {"requirements.txt": f"Django\n{package}\n"})
    fact = parts_of(tmp_path).is_asgi
    assert fact.value is True
    assert fact.origin == Origin("requirements.txt", 2)


def test_a_development_only_asgi_server_does_not(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\n", "requirements-dev.txt": "uvicorn\n"})
    assert parts_of(tmp_path).is_asgi.value is False


# --- Celery ----------------------------------------------------------------------------------

CELERY_PY = """\
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
"""


def test_celery_app_module_in_the_settings_package(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\ncelery\n", "config/celery.py": CELERY_PY})
    fact = parts_of(tmp_path).celery_app
    assert fact.value == "config.celery"
    assert fact.origin == Origin("config/celery.py", 6)


def test_celery_app_in_another_package_of_the_code_root(tmp_path):
    write(tmp_path, {"src/requirements.txt": "celery\n", "src/proj/celery.py": CELERY_PY})
    fact = parts_of(tmp_path, Settings(module=Fact(None)), code_root="src").celery_app
    assert fact.value == "proj.celery"
    assert fact.origin == Origin("src/proj/celery.py", 6)


def test_celery_py_without_an_app_is_not_one(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\n", "config/celery.py": "# nothing here\n"})
    assert parts_of(tmp_path).celery_app == Fact(None)


def test_celery_dependency_without_app_module_is_a_note(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\nwhitenoise\ncelery[redis]\n"})
    parts = parts_of(tmp_path)
    assert parts.celery_app.value is None
    assert any(n.startswith("celery is a dependency but no celery.py") for n in parts.notes)


# --- front-end, Docker files ---------------------------------------------------------------


def test_package_json_with_build_script(tmp_path):
    write(
        tmp_path,
        {
            "requirements.txt": "Django\n",
            "package.json": (
                '{\n  "name": "site",\n  "scripts": {\n    "build": "vite build"\n  }\n}\n'
            ),
            "package-lock.json": "{}\n",
        },
    )
    frontend = parts_of(tmp_path).frontend
    assert frontend.package_json == "package.json"
    assert frontend.build_script == "build"
    assert frontend.lock_file == "package-lock.json"
    assert frontend.origin == Origin("package.json", 4)


def test_package_json_in_the_code_root_with_yarn(tmp_path):
    write(
        tmp_path,
        {
            "app/requirements.txt": "Django\n",
            "app/package.json": '{"scripts": {"build": "webpack"}}',
            "app/yarn.lock": "",
        },
    )
    frontend = parts_of(tmp_path, code_root="app").frontend
    assert (frontend.package_json, frontend.lock_file) == ("app/package.json", "app/yarn.lock")


def test_package_json_without_build_script_is_no_frontend(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\n", "package.json": '{"scripts": {"lint": "x"}}'})
    assert parts_of(tmp_path).frontend is None


def test_package_json_that_does_not_parse_names_the_file(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\n", "package.json": '{\n  "scripts": {,\n}'})
    with pytest.raises(ScanError) as caught:
        parts_of(tmp_path)
    assert str(caught.value) == "package.json: is not valid JSON (line 2); fix it and run again"


def test_existing_docker_files_at_the_repository_root(tmp_path):
    shutil.copytree(FIXTURES / "deps_requirements", tmp_path / "p")
    root = write(
        tmp_path / "p",
        {
            "Dockerfile": "FROM python:3.11-slim\n",
            ".dockerignore": ".git\n",
            "docker-compose.yml": "",
        },
    )
    parts = parts_of(root)
    assert parts.dockerfile == Fact("Dockerfile", Origin("Dockerfile"))
    assert parts.dockerignore == Fact(".dockerignore", Origin(".dockerignore"))
    assert parts.compose_file == Fact("docker-compose.yml", Origin("docker-compose.yml"))


def test_compose_yaml_is_preferred_name(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\n", "compose.yaml": "", "docker-compose.yml": ""})
    assert parts_of(tmp_path).compose_file.value == "compose.yaml"


# --- test runner -----------------------------------------------------------------------------


def test_test_runner_is_django_without_pytest(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\nwhitenoise\n"})
    assert parts_of(tmp_path).test_runner.value == "django"


def test_test_runner_pytest_from_a_dev_dependency(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\n", "requirements/test.txt": "pytest>=8\n"})
    fact = parts_of(tmp_path).test_runner
    assert (fact.value, fact.origin) == ("pytest", Origin("requirements/test.txt", 1))


# --- notes -----------------------------------------------------------------------------------


def test_no_dependency_file_is_a_note(tmp_path):
    notes = parts_of(tmp_path).notes
    assert notes[0].startswith("no dependency file found")


def test_missing_django_is_a_note(tmp_path):
    write(tmp_path, {"requirements.txt": "whitenoise\n"})
    assert parts_of(tmp_path).notes == (
        "Django is not among the dependencies in requirements.txt: the image will not have it; "
        "add Django",
    )


def test_missing_static_root_is_a_note(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\nwhitenoise\n"})
    settings = Settings(module=Fact("config.settings"), whitenoise=Fact(True))
    assert parts_of(tmp_path, settings).notes == (
        "STATIC_ROOT is not set: collectstatic cannot run at build time; set STATIC_ROOT",
    )


def test_no_static_root_needed_without_staticfiles_app(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\n"})
    settings = Settings(module=Fact(None), installed_apps=("django.contrib.auth",))
    assert parts_of(tmp_path, settings).notes == ()


def test_missing_whitenoise_is_a_note(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\n"})
    assert parts_of(tmp_path).notes == (
        "whitenoise is not installed: gunicorn will not serve static files; add whitenoise",
    )


def test_whitenoise_only_in_development_is_a_note(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\n", "requirements-dev.txt": "whitenoise\n"})
    (note,) = parts_of(tmp_path).notes
    assert note.startswith("whitenoise is only a development dependency")


def test_whitenoise_installed_but_not_in_middleware_is_a_note(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\nwhitenoise\n"})
    settings = Settings(module=Fact(None), static_root=Fact("staticfiles"), whitenoise=Fact(False))
    (note,) = parts_of(tmp_path, settings).notes
    assert note.startswith("whitenoise is installed but not in MIDDLEWARE")


def test_lockless_poetry_is_a_note(tmp_path):
    write(
        tmp_path,
        {"pyproject.toml": '[tool.poetry.dependencies]\nDjango = "^5.2"\nwhitenoise = "^6"\n'},
    )
    (note,) = parts_of(tmp_path).notes
    assert note.startswith("poetry has no lock file")
    assert "`poetry lock`" in note


def test_local_path_requirement_is_a_note(tmp_path):
    write(
        tmp_path,
        {
            "requirements.txt": "Django\nwhitenoise\n-e ./libs/helpers\n",
            "libs/helpers/setup.py": "",
        },
    )
    (note,) = parts_of(tmp_path).notes
    assert note.startswith("requirements.txt:3: -e ./libs/helpers installs from a local path")
