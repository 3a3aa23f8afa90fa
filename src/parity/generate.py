"""generate: scan → plan → render → stamp, the files `parity init` would write."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

from parity import config
from parity.files import stamp
from parity.model import Project
from parity.plan import Options, Plan, make_plan
from parity.render import render
from parity.scan import scan


@dataclass(frozen=True)
class Generated:
    project: Project
    options: Options  # what was used: the command line's, else those saved in [tool.parity]
    plan: Plan
    files: dict[str, str]  # repo-relative path → stamped text


def generate(path: str | Path, given: Options | None = None) -> Generated:
    root = Path(path)
    saved = config.load_options(root) if root.is_dir() else {}
    options = Options(**config.merge_options(saved, asdict(given or Options())))
    project = scan(root, manage=options.manage, settings=options.settings)
    plan = make_plan(project, options)
    files = render(plan, compose_path=project.compose_file.value)
    return Generated(project, options, plan, {rel: stamp(text) for rel, text in files.items()})


def generate_files(path: str | Path, options: Options | None = None) -> dict[str, str]:
    """Only the files (what tests and other commands need)."""
    return generate(path, options).files
