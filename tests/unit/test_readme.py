"""CI runs exactly what the README's Quick start tells a user to run."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def quick_start_commands() -> list[str]:
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_quick_start_has_the_install_and_run_command_and_the_test_command():
    commands = quick_start_commands()
    assert len(commands) == 2
    install_and_run, tests = commands
    assert "pip install" in install_and_run and "parity verify examples/notes" in install_and_run
    assert tests.startswith(".venv/bin/pytest")


def test_ci_runs_the_readme_commands_verbatim():
    ci = (REPO / ".ci" / "run").read_text().splitlines()
    for command in quick_start_commands():
        assert command in ci, f"{command!r} is not a line of .ci/run"
