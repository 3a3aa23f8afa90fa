"""A synthetic repository of a given size around the example app, for timing the scan.

Its files are shaped like a real project's: many Django apps, templates and
static files in the code root, plus the directories a scan must skip quickly
(node_modules, a virtualenv, .git).
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
from pathlib import Path

from .docker_cli import BenchError
from .variants import copy_app


def make_repository(destination: Path, total_files: int = 5000) -> Path:
    """The example app plus filler until the tree holds exactly total_files files."""
    copy_app(destination)
    remaining = total_files - sum(1 for p in destination.rglob("*") if p.is_file())
    filler = _filler_paths(destination)
    for _ in range(remaining):
        path, text = next(filler)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return destination


# One Django app's files; the filler adds as many apps as the size calls for.
_APP_FILES = {
    "__init__.py": "",
    "apps.py": "from django.apps import AppConfig\n",
    "models.py": "from django.db import models\n\n\nclass Item(models.Model):\n"
    "    name = models.CharField(max_length=50)\n",
    "views.py": "from django.http import HttpResponse\n\n\ndef index(request):\n"
    "    return HttpResponse('ok')\n",
    "urls.py": "from django.urls import path\n\nfrom . import views\n\n"
    "urlpatterns = [path('', views.index)]\n",
    "admin.py": "from django.contrib import admin\n",
    "tests.py": "def test_nothing():\n    assert True\n",
    "migrations/__init__.py": "",
    "migrations/0001_initial.py": "from django.db import migrations\n\n\n"
    "class Migration(migrations.Migration):\n    operations = []\n",
    "templates/item.html": "<p>{{ item.name }}</p>\n",
    "static/item.css": "p { margin: 0; }\n",
    "static/item.js": "console.log('item');\n",
}


def _filler_paths(root: Path):
    """Endless (path, text) pairs: per 20 files, 11 of Django code and 9 in trees a scan skips."""
    app_files = ((f"feature{k}", name) for k in itertools.count() for name in _APP_FILES)
    for block in itertools.count():
        for _ in range(11):
            app, name = next(app_files)
            yield root / "app" / app / name, _APP_FILES[name]
        for k in range(block * 5, block * 5 + 5):
            yield root / "node_modules" / f"pkg{k // 20}" / f"index{k % 20}.js", "exports.x = 1;\n"
        for k in range(block * 2, block * 2 + 2):
            yield (
                root / ".venv" / "lib" / "site-packages" / f"dist{k // 10}" / f"m{k}.py",
                "X = 1\n",
            )
            yield root / ".git" / "objects" / f"{k % 256:02x}" / f"{k:038x}", "blob\n"


def parity_command() -> list[str]:
    """The console script beside this interpreter, as a user runs it; else `python -m parity`."""
    script = Path(sys.executable).parent / "parity"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "parity"]


def time_scan_and_init(repository: Path) -> tuple[float, float]:
    """Wall seconds of `parity scan` and of `parity init --dry-run`, each a fresh process."""
    # As an installed tool runs: pip writes bytecode at install time, so a process never
    # compiles parity's own modules (this machine sets PYTHONDONTWRITEBYTECODE, which would).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run(parity_command() + ["--version"], capture_output=True, env=env, check=False)
    timings = []
    for args in (["scan", str(repository)], ["init", "--dry-run", str(repository)]):
        started = time.perf_counter()
        result = subprocess.run(
            parity_command() + args, capture_output=True, text=True, check=False, env=env
        )
        timings.append(time.perf_counter() - started)
        if result.returncode != 0:
            message = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no output"]
            raise BenchError(f"`parity {args[0]}` on the synthetic repository failed: {message[0]}")
    return timings[0], timings[1]
