"""What `parity init` writes passes `parity check` with zero findings, and hadolint too.

hadolint runs with --failure-threshold warning: its warnings and errors fail the test, its
info-level style notes do not (docs/rules.md, "hadolint"). The generator's one inline
exception, `# hadolint ignore=DL3008` (Debian package versions are not pinned), is documented
there too.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fixture_projects import EXAMPLE, FIXTURES
from fixture_projects import PROJECTS as FIXTURE_NAMES

from parity.generate import generate_files
from parity.lint.engine import run_check
from parity.plan import Options

ROOT = Path(__file__).parents[2]
PROJECTS = [FIXTURES / name for name in FIXTURE_NAMES] + [EXAMPLE]
HADOLINT = Path(sys.executable).parent / "hadolint"


def _generated(tmp_path: Path, project: Path, options: Options | None = None) -> Path:
    files = generate_files(project, options)
    root = tmp_path / project.name
    shutil.copytree(project, root)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def test_every_fixture_kind_is_covered():
    assert len(PROJECTS) >= 20


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_generated_files_have_no_findings(tmp_path, project):
    root = _generated(tmp_path, project)
    result = run_check(str(root))
    assert "Dockerfile" in result.files and ".dockerignore" in result.files
    assert result.findings == [], [
        f"{f.code} {f.path}:{f.line} {f.message}" for f in result.findings
    ]


@pytest.mark.parametrize("project", PROJECTS, ids=lambda p: p.name)
def test_generated_dockerfile_passes_hadolint(tmp_path, project):
    _assert_hadolint_passes(_generated(tmp_path, project))


# The installer choices change the install RUNs: each variant is held to the same bar.
VARIANTS = [Options(installer="pip"), Options(uv_source="image")]


@pytest.mark.parametrize("options", VARIANTS, ids=lambda o: f"{o.installer}-{o.uv_source}")
def test_installer_variants_pass_check_and_hadolint(tmp_path, options):
    root = _generated(tmp_path, EXAMPLE, options)
    assert run_check(str(root)).findings == []
    _assert_hadolint_passes(root)


def _assert_hadolint_passes(root: Path) -> None:
    completed = subprocess.run(
        [str(HADOLINT), "--format", "json", "--failure-threshold", "warning", "Dockerfile"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    reported = json.loads(completed.stdout or "[]")
    serious = [r for r in reported if r["level"] in ("error", "warning")]
    assert serious == [] and completed.returncode == 0, completed.stdout + completed.stderr
