"""The bundled example keeps the article's layout, and the benchmark edits still apply to it."""

from __future__ import annotations

import sys
from pathlib import Path

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "notes"
sys.path.insert(0, str(REPO / "benchmarks"))

from benchlib.variants import GENERATED_NAMES, VIEW_FILE, Variant, copy_app  # noqa: E402


def _requirements(name: str) -> list[str]:
    lines = (EXAMPLE / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_layout_is_the_articles_requirements_at_the_root_django_code_in_app():
    for relative in (
        "requirements.txt",
        "requirements.dev.txt",
        ".python-version",
        "app/manage.py",
        "app/app/settings.py",
        "app/app/wsgi.py",
        "app/notes/migrations/0001_initial.py",
        "app/notes/static/notes/style.css",
        "app/notes/templates/notes/note_list.html",
        "app/notes/tests.py",
    ):
        assert (EXAMPLE / relative).is_file(), relative
    assert (EXAMPLE / ".python-version").read_text().strip() == "3.11"


def test_production_requirements_are_django_and_whitenoise_pinned_exactly():
    requirements = [Requirement(line) for line in _requirements("requirements.txt")]
    assert sorted(r.name.lower() for r in requirements) == ["django", "whitenoise"]
    for requirement in requirements:
        (spec,) = requirement.specifier
        assert spec.operator == "==", requirement
    django = next(r for r in requirements if r.name.lower() == "django")
    assert next(iter(django.specifier)).version.startswith("5.2.")


def test_dev_requirements_include_production_and_add_the_test_tools():
    lines = _requirements("requirements.dev.txt")
    assert lines[0] == "-r requirements.txt"
    added = {Requirement(line).name.lower() for line in lines[1:]}
    assert {"pytest", "pytest-django", "django-debug-toolbar"} <= added
    assert "gunicorn" not in added | {
        Requirement(line).name.lower() for line in _requirements("requirements.txt")
    }, "the prod server is installed by the Dockerfile's prod stage"


def test_benchmark_copy_leaves_out_generated_files_and_its_edits_apply(tmp_path):
    context = copy_app(tmp_path / "notes")
    copied = {p.name for p in context.rglob("*")}
    assert not copied & GENERATED_NAMES
    assert (context / "app" / "manage.py").is_file()

    variant = Variant("probe", "probe", context, full=True)
    baseline = variant.baseline()
    variant.set_heading("Notes r1")
    assert '"heading": "Notes r1"' in (context / VIEW_FILE).read_text()
    variant.add_requirement("r1")
    assert _last_line(context / "requirements.txt") == "six==1.17.0"
    variant.restore(baseline)
    assert (context / VIEW_FILE).read_text() == (EXAMPLE / VIEW_FILE).read_text()


def _last_line(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip().splitlines()[-1]
