"""scan: read a Django project's facts without running any of its code.

`scan(path)` is the only entry point the rest of the tool uses. Each helper
module reads one kind of fact; this one puts them together into a Project.
"""

from __future__ import annotations

import re
from pathlib import Path

from parity.errors import ScanError
from parity.model import Project
from parity.scan.dependencies import read_dependencies
from parity.scan.layout import find_layout
from parity.scan.parts import read_parts
from parity.scan.python_version import read_python_version
from parity.scan.settings import read_settings
from parity.scan.system_packages import system_needs


def project_name(root: Path) -> str:
    """A Docker-safe image name from the directory name."""
    name = re.sub(r"[^a-z0-9_.-]+", "-", root.name.lower()).strip("-._")
    return name or "app"


def scan(path: str | Path, manage: str | None = None, settings: str | None = None) -> Project:
    """Every fact about the project at `path` (the repository root, the Docker build context).

    manage: repo-relative manage.py to use when there are several.
    settings: DJANGO_SETTINGS_MODULE to use instead of the one the project names.
    """
    root = Path(path).resolve()
    if not root.is_dir():
        raise ScanError(f"{path}: no such directory")
    layout = find_layout(root, manage)
    settings_facts = read_settings(root, layout.code_root, layout.manage_py.value, settings)
    dependencies = read_dependencies(root, layout.code_root)
    python = read_python_version(root, layout.code_root)
    parts = read_parts(root, layout.code_root, dependencies, settings_facts)
    return Project(
        root=str(root),
        name=project_name(root),
        manage_py=layout.manage_py,
        code_root=layout.code_root,
        settings=settings_facts,
        dependencies=dependencies,
        python=python,
        is_asgi=parts.is_asgi,
        system_needs=system_needs(dependencies, settings_facts),
        celery_app=parts.celery_app,
        frontend=parts.frontend,
        dockerfile=parts.dockerfile,
        dockerignore=parts.dockerignore,
        compose_file=parts.compose_file,
        test_runner=parts.test_runner,
        notes=parts.notes,
    )
