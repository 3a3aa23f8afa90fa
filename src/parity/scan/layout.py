"""Where manage.py is: the code root inside the repository.

A repository may hold its Django code at the root or in a subfolder (`app/`,
`src/`, `src/backend/`...). The code root is the directory holding manage.py;
the repository root stays the Docker build context.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from parity.errors import ScanError
from parity.model import Fact, Origin
from parity.scan import files

# A manage.py under one of these is test data (a fixture project), not the project itself.
TEST_DATA_DIRS = frozenset({"tests", "test", "testing", "fixtures", "testdata", "test_data"})
# What Django's manage.py always mentions (django-configurations' one too).
DJANGO_MARKERS = ("execute_from_command_line", "DJANGO_SETTINGS_MODULE")


@dataclass(frozen=True)
class Layout:
    manage_py: Fact[str]  # repo-relative path of manage.py
    code_root: str  # repo-relative directory holding manage.py ("." at the root)


def find_layout(root: Path, manage: str | None = None) -> Layout:
    """The project's manage.py and code root; one ScanError line when there is none or several."""
    root = Path(root)
    if manage:
        rel = chosen_manage_py(root, manage)
        return Layout(Fact(rel, Origin(rel), note="given with --manage"), code_root_of(rel))
    candidates, ignored, unreadable = manage_py_candidates(root)
    if not candidates:
        raise ScanError(no_manage_py_message(root, unreadable))
    if len(candidates) > 1:
        listed = ", ".join(candidates)
        raise ScanError(
            f"several Django projects under {root}: {listed}; use --manage PATH to choose one"
        )
    rel = candidates[0]
    note = f"ignored test data: {', '.join(ignored)}" if ignored else ""
    return Layout(Fact(rel, Origin(rel), note=note), code_root_of(rel))


def code_root_of(manage_py: str) -> str:
    parent = PurePosixPath(manage_py).parent.as_posix()
    return parent if parent not in ("", ".") else "."


def chosen_manage_py(root: Path, manage: str) -> str:
    """The repo-relative manage.py the user named (a file, or a directory holding one)."""
    given = Path(manage)
    if given.is_absolute():
        try:
            rel = Path(os.path.relpath(given, root)).as_posix()
        except ValueError:  # another drive on Windows
            rel = given.as_posix()
        if rel.startswith("../") or rel == "..":
            raise ScanError(
                f"--manage {manage}: is not inside {root}; give a path in the repository"
            )
    else:
        rel = PurePosixPath(given.as_posix()).as_posix()
    rel = os.path.normpath(rel).replace(os.sep, "/")
    if rel.startswith("../") or rel == "..":
        raise ScanError(f"--manage {manage}: is not inside {root}; give a path in the repository")
    real = files.inside(root, rel)  # refuses a symlink out of the repository
    if real.is_dir():
        rel = "manage.py" if rel == "." else f"{rel}/manage.py"
        real = files.inside(root, rel)
    if not real.is_file():
        raise ScanError(f"--manage {manage}: no such file in {root}; give the path of manage.py")
    return rel


def manage_py_candidates(root: Path) -> tuple[list[str], list[str], list[ScanError]]:
    """Django manage.py files under root: (candidates, ignored test-data ones, read errors)."""
    project: list[str] = []
    test_data: list[str] = []
    unreadable: list[ScanError] = []
    for rel in files.walk(root):
        if not (rel == "manage.py" or rel.endswith("/manage.py")):
            continue
        try:
            text = files.read_text(root, rel)
        except ScanError as error:
            unreadable.append(error)
            continue
        if not any(marker in text for marker in DJANGO_MARKERS):
            continue
        directories = PurePosixPath(rel).parts[:-1]
        (test_data if TEST_DATA_DIRS.intersection(directories) else project).append(rel)
    if project:
        return sorted(project), sorted(test_data), unreadable
    return sorted(test_data), [], unreadable


def no_manage_py_message(root: Path, unreadable: list[ScanError]) -> str:
    if unreadable:
        return str(unreadable[0])  # the only manage.py cannot be read: say why
    broken = broken_links(root)
    detail = f" ({broken[0]})" if broken else ""
    return (
        f"no manage.py found under {root}{detail}; run parity in your Django project's "
        "repository, or pass --manage PATH"
    )


def broken_links(root: Path) -> list[str]:
    """manage.py symlinks that walk() skipped: out of the repository, loops, dangling."""
    found = []
    for directory, subdirectories, names in os.walk(root):
        subdirectories[:] = [d for d in subdirectories if d not in files.SKIP_DIRS]
        if "manage.py" not in names or not os.path.islink(os.path.join(directory, "manage.py")):
            continue
        rel = files.relative(root, Path(directory) / "manage.py")
        if files.exists(root, rel):
            continue
        try:
            files.inside(root, rel)
        except ScanError:
            found.append(f"{rel} points outside the repository and is not followed")
        else:
            found.append(f"{rel} is a symlink loop or points to nothing")
    return sorted(found)
