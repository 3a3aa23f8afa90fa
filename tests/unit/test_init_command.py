"""`parity init` as a user runs it: safe writes, persisted options, one-line errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from parity.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
GENERATED = ("Dockerfile", ".dockerignore", "compose.yaml")


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(FIXTURES / "deps_requirements", root)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def cli(*args: str) -> subprocess.CompletedProcess:
    """The real command line, so a traceback would show up on stderr."""
    return subprocess.run(
        [sys.executable, "-m", "parity", *args], capture_output=True, text=True, timeout=60
    )


def test_init_writes_every_file_and_a_second_run_changes_nothing(project, capsys):
    assert main(["init", str(project)]) == 0
    for name in (*GENERATED, "gunicorn.conf.py"):
        assert (project / name).is_file(), name
    first = snapshot(project)
    capsys.readouterr()
    assert main(["init", str(project)]) == 0
    assert "unchanged Dockerfile" in capsys.readouterr().out
    assert snapshot(project) == first


def test_options_persist_so_the_next_run_reproduces_the_same_bytes(project):
    assert main(["init", str(project), "--port", "9000", "--installer", "pip"]) == 0
    saved = (project / "parity.toml").read_text()
    assert "port = 9000" in saved and 'installer = "pip"' in saved
    first = snapshot(project)
    assert main(["init", str(project)]) == 0
    assert snapshot(project) == first
    assert '"0.0.0.0:9000"' in (project / "Dockerfile").read_text()


def test_options_go_into_pyproject_when_the_project_has_one(tmp_path):
    root = tmp_path / "app"
    shutil.copytree(FIXTURES / "deps_uv", root)
    before = (root / "pyproject.toml").read_text()
    assert main(["init", str(root), "--port", "8080"]) == 0
    after = (root / "pyproject.toml").read_text()
    assert after.startswith(before) and "[tool.parity]" in after and "port = 8080" in after
    assert not (root / "parity.toml").exists()


def test_a_hand_written_dockerfile_is_never_overwritten(project, capsys):
    (project / "Dockerfile").write_text("FROM python:3.11-slim\n")
    before = snapshot(project)
    assert main(["init", str(project)]) == 1
    out, err = capsys.readouterr()
    assert "conflict Dockerfile" in err and "--force" in err
    assert "-FROM python:3.11-slim" in out, "the diff is shown"
    assert snapshot(project) == before, "nothing may be written when one file conflicts"


def test_an_edited_file_is_kept_unless_forced(project, capsys):
    assert main(["init", str(project)]) == 0
    dockerfile = project / "Dockerfile"
    dockerfile.write_text(dockerfile.read_text() + "LABEL team=web\n")
    assert main(["init", str(project), "--port", "9001"]) == 1
    assert "you edited it" in capsys.readouterr().err
    assert "LABEL team=web" in dockerfile.read_text()
    assert main(["init", str(project), "--port", "9001", "--force"]) == 0
    assert "LABEL team=web" not in dockerfile.read_text()


def test_diff_and_dry_run_write_nothing(project, capsys):
    (project / "Dockerfile").write_text("FROM python:3.11-slim\n")
    before = snapshot(project)
    assert main(["init", str(project), "--diff"]) == 0
    out = capsys.readouterr().out
    assert "-FROM python:3.11-slim" in out and "+FROM runtime AS base" in out
    assert main(["init", str(project), "--dry-run"]) == 0
    assert "==> Dockerfile <==" in capsys.readouterr().out
    assert snapshot(project) == before


def _no_manage(root: Path) -> None:
    (root / "manage.py").unlink()


def _two_manage(root: Path) -> None:
    shutil.copytree(root / "config", root / "other" / "config")
    shutil.copy(root / "manage.py", root / "other" / "manage.py")


def _settings_syntax_error(root: Path) -> None:
    (root / "config" / "settings.py").write_text("INSTALLED_APPS = [\n")


def _binary_settings(root: Path) -> None:
    (root / "config" / "settings.py").write_bytes(b"\x00\x01\x02binary")


def _latin1_settings(root: Path) -> None:
    (root / "config" / "settings.py").write_bytes("SECRET = 'caf\xe9'\n".encode("latin-1"))


def _symlink_loop(root: Path) -> None:
    (root / "config" / "settings.py").unlink()
    os.symlink("settings.py", root / "config" / "settings.py")


def _settings_outside(root: Path) -> None:
    outside = root.parent / "outside_settings.py"
    outside.write_text("SECRET_KEY = 'stolen'\n")
    (root / "config" / "settings.py").unlink()
    os.symlink(outside, root / "config" / "settings.py")


def _include_outside(root: Path) -> None:
    (root / "requirements.txt").write_text("-r ../../secrets/requirements.txt\nDjango\n")


BAD_INPUT = {
    "no manage.py": (_no_manage, "no manage.py found"),
    "two manage.py": (_two_manage, "--manage"),
    "settings syntax error": (_settings_syntax_error, "do not parse"),
    "binary settings": (_binary_settings, "binary"),
    "non-UTF-8 settings": (_latin1_settings, "UTF-8"),
    "symlink loop": (_symlink_loop, "symlink"),
    "symlink outside the repository": (_settings_outside, "outside the repository"),
    "requirement include outside the repository": (_include_outside, "requirements.txt"),
}


@pytest.mark.parametrize("case", BAD_INPUT)
def test_bad_input_is_one_clear_line_and_touches_nothing(project, case):
    break_it, expected = BAD_INPUT[case]
    break_it(project)
    before = snapshot(project)
    result = cli("init", str(project))
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert expected in lines[0]
    assert lines[0].startswith("parity init: error: ")
    assert snapshot(project) == before


def test_bad_usage_exits_2(project):
    result = cli("init", str(project), "--installer", "conda")
    assert result.returncode == 2
    result = cli("init", str(project), "--python", "three")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    result = cli("init", str(project / "missing"))
    assert result.returncode == 1 and "no such directory" in result.stderr
