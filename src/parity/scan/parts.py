"""The other parts of a project: ASGI, Celery, front-end build, existing Docker files, test runner.

Also the notes a user should read before building: things the scan found
missing that would make the generated image fail or misbehave.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from parity.errors import ScanError
from parity.model import Dependencies, Fact, Frontend, Origin, Settings
from parity.scan.files import SKIP_DIRS, exists, inside, read_text
from parity.scan.requirement_text import is_local_reference

# Packages that serve (or only make sense with) an ASGI application.
ASGI_PACKAGES = ("channels", "daphne", "uvicorn", "hypercorn", "granian")
COMPOSE_FILES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
NODE_LOCK_FILES = ("package-lock.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb")
LOCK_COMMANDS = {"poetry": "poetry lock", "pipenv": "pipenv lock", "pdm": "pdm lock"}
_CELERY_APP = re.compile(r"\bCelery\s*\(")


@dataclass(frozen=True)
class Parts:
    is_asgi: Fact[bool] = field(default_factory=lambda: Fact(False))
    celery_app: Fact[str | None] = field(default_factory=lambda: Fact(None))
    frontend: Frontend | None = None
    dockerfile: Fact[str | None] = field(default_factory=lambda: Fact(None))
    dockerignore: Fact[str | None] = field(default_factory=lambda: Fact(None))
    compose_file: Fact[str | None] = field(default_factory=lambda: Fact(None))
    test_runner: Fact[str] = field(default_factory=lambda: Fact("django"))
    notes: tuple[str, ...] = ()


def _join(directory: str, name: str) -> str:
    return name if directory == "." else posixpath.join(directory, name)


def _is_asgi(dependencies: Dependencies, settings: Settings) -> Fact[bool]:
    if settings.asgi_application.value:
        return Fact(True, settings.asgi_application.origin, "ASGI_APPLICATION is set")
    # Production dependencies only: a dev-only uvicorn or daphne serves runserver, not prod.
    names = {r.name: r for r in dependencies.prod}
    for package in ASGI_PACKAGES:
        if package in names:
            return Fact(True, names[package].origin, f"{package} is a production dependency")
    return Fact(False)


def _celery_candidates(root: Path, code_root: str, settings: Settings) -> list[str]:
    """Package directories (code-root relative) that may hold the Celery app, settings' first."""
    packages: list[str] = []
    module = settings.module.value
    if module and "." in module:
        packages.append(module.split(".")[0])
    try:
        entries = sorted(os.scandir(inside(root, code_root)), key=lambda e: e.name)
    except (OSError, ScanError):
        entries = []
    for entry in entries:
        name = entry.name
        if name in SKIP_DIRS or name in packages or name.startswith("."):
            continue
        if entry.is_dir(follow_symlinks=False):
            packages.append(name)
    return packages


def _celery_app(
    root: Path, code_root: str, dependencies: Dependencies, settings: Settings
) -> Fact[str | None]:
    for package in _celery_candidates(root, code_root, settings):
        for module in ("celery", "celery_app"):
            rel = _join(code_root, f"{package}/{module}.py")
            if not exists(root, rel):
                continue
            text = read_text(root, rel)
            match = _CELERY_APP.search(text)
            if match:
                line = text.count("\n", 0, match.start()) + 1
                return Fact(
                    f"{package}.{module}",
                    Origin(rel, line),
                    f"creates the Celery app: celery -A {package}.{module} worker",
                )
    celery = dependencies.find("celery")
    if celery:
        return Fact(None, None, "celery is a dependency but no celery.py creating Celery( found")
    return Fact(None)


def _frontend(root: Path, code_root: str) -> Frontend | None:
    for directory in dict.fromkeys((".", code_root)):
        rel = _join(directory, "package.json")
        if not exists(root, rel):
            continue
        text = read_text(root, rel)
        import json  # here, not at the top: most scans read no JSON at all

        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ScanError(
                f"{rel}: is not valid JSON (line {error.lineno}); fix it and run again"
            ) from None
        scripts = data.get("scripts") if isinstance(data, dict) else None
        if not isinstance(scripts, dict):
            continue
        script = "build" if "build" in scripts else None
        if script is None:
            continue
        match = re.search(r'"build"\s*:', text)
        line = text.count("\n", 0, match.start()) + 1 if match else None
        lock = next(
            (_join(directory, n) for n in NODE_LOCK_FILES if exists(root, _join(directory, n))),
            None,
        )
        return Frontend(rel, script, lock, Origin(rel, line))
    return None


def _existing(root: Path, names: tuple[str, ...]) -> Fact[str | None]:
    for name in names:
        if exists(root, name):
            return Fact(name, Origin(name))
    return Fact(None)


def _test_runner(dependencies: Dependencies) -> Fact[str]:
    for name in ("pytest-django", "pytest"):
        found = dependencies.find(name)
        if found:
            return Fact("pytest", found.origin, f"{name} is a dependency")
    return Fact("django", None, "no pytest among the dependencies: manage.py test")


def _notes(dependencies: Dependencies, settings: Settings, celery: Fact[str | None]) -> list[str]:
    notes: list[str] = []
    manager = dependencies.manager
    if manager == "none":
        notes.append(
            "no dependency file found (requirements.txt, pyproject.toml, Pipfile...): "
            "the image gets only what parity adds; add a requirements.txt listing Django"
        )
    elif dependencies.find("django") is None:
        notes.append(
            f"Django is not among the dependencies in {dependencies.origin}: "
            "the image will not have it; add Django"
        )
    if manager in LOCK_COMMANDS and dependencies.lock_file is None:
        notes.append(
            f"{manager} has no lock file: versions are resolved at each build, so two builds "
            f"can differ; run `{LOCK_COMMANDS[manager]}` and commit the lock"
        )
    for requirement in dependencies.all:
        if is_local_reference(requirement.spec):
            notes.append(
                f"{requirement.origin}: {requirement.spec} installs from a local path, which "
                "is not among the dependency files mounted while installing; publish it or "
                "install it from the copied source"
            )
    apps = settings.installed_apps
    uses_staticfiles = not apps or "django.contrib.staticfiles" in apps
    if uses_staticfiles and settings.static_root.value is None:
        notes.append(
            "STATIC_ROOT is not set: collectstatic cannot run at build time; set STATIC_ROOT"
        )
    notes += _whitenoise_notes(dependencies, settings, uses_staticfiles)
    if celery.value is None and celery.note:
        notes.append(f"{celery.note}: no worker is set up for it")
    return notes


def _whitenoise_notes(
    dependencies: Dependencies, settings: Settings, uses_staticfiles: bool
) -> list[str]:
    if not uses_staticfiles:
        return []
    in_prod = any(r.name == "whitenoise" for r in dependencies.prod)
    in_dev = any(r.name == "whitenoise" for r in dependencies.dev)
    if in_dev and not in_prod:
        return [
            "whitenoise is only a development dependency: the production image will not have "
            "it; move it to the production dependencies"
        ]
    if not in_prod:
        return ["whitenoise is not installed: gunicorn will not serve static files; add whitenoise"]
    if in_prod and not settings.whitenoise.value:
        return [
            "whitenoise is installed but not in MIDDLEWARE: gunicorn will not serve static "
            "files; add whitenoise.middleware.WhiteNoiseMiddleware after SecurityMiddleware"
        ]
    return []


def read_parts(root: Path, code_root: str, dependencies: Dependencies, settings: Settings) -> Parts:
    celery = _celery_app(root, code_root, dependencies, settings)
    return Parts(
        is_asgi=_is_asgi(dependencies, settings),
        celery_app=celery,
        frontend=_frontend(root, code_root),
        dockerfile=_existing(root, ("Dockerfile",)),
        dockerignore=_existing(root, (".dockerignore",)),
        compose_file=_existing(root, COMPOSE_FILES),
        test_runner=_test_runner(dependencies),
        notes=tuple(_notes(dependencies, settings, celery)),
    )
