"""parity.scan.files: the walk and the existence probe, fast but never fooled by symlinks.

exists() answers most probes with one stat and resolves a path only when a
regular file is there; walk() builds relative paths from names. Both must
answer exactly what resolving every path (the slower way they replaced) did.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from parity.errors import ScanError
from parity.scan import files
from parity.scan.files import exists, inside, walk


def resolving_exists(root: Path, rel: str) -> bool:
    """The reference answer: resolve the path fully, refuse escapes, then ask for a file."""
    try:
        return inside(root, rel).is_file()
    except ScanError:
        return False


def resolving_walk(root: Path, max_depth: int = 6) -> list[str]:
    """The reference walk: every entry's path computed with os.path.relpath, every link resolved."""
    found = []
    stack = [(str(root), 0)]
    while stack:
        directory, depth = stack.pop()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            rel = Path(os.path.relpath(entry.path, root)).as_posix()
            if entry.is_dir(follow_symlinks=False):
                name = entry.name
                skipped = name in files.SKIP_DIRS or name.endswith(".egg-info")
                if not skipped and depth < max_depth:
                    stack.append((entry.path, depth + 1))
            elif entry.is_symlink():
                if resolving_exists(root, rel):
                    found.append(rel)
            elif entry.is_file(follow_symlinks=False):
                found.append(rel)
    return found


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A repository with every kind of entry the scan meets, and a secret outside it."""
    outside = tmp_path / "outside"
    (outside / "pkg").mkdir(parents=True)
    (outside / "secret.py").write_text("SECRET = 1\n")
    (outside / "pkg" / "manage.py").write_text("execute_from_command_line\n")
    repo = tmp_path / "repo"
    for rel, text in {
        "manage.py": "execute_from_command_line\n",
        "mysite/__init__.py": "",
        "mysite/settings.py": "DEBUG = False\n",
        "mysite/deep/a/b/c/d/e/f/too_deep.py": "",
        "node_modules/pkg/manage.py": "",
        ".venv/lib/site.py": "",
        "thing.egg-info/PKG-INFO": "",
        "docs/readme.txt": "",
        "name with spaces/file #1.py": "",
    }.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    links = {
        "mysite/local.py": "settings.py",  # a file link inside: followed
        "mysite/alias": ".",  # a directory link inside: not descended into
        "mysite/up": "..",  # a directory loop
        "self.py": "self.py",  # a file loop
        "dangling.py": "nowhere.py",
        "escape.py": str(outside / "secret.py"),  # a file link out
        "escape_dir": str(outside),  # a directory link out
        "docs/back.py": "../mysite/settings.py",  # inside, through ".."
        "docs/out.py": "../../outside/secret.py",  # out, through ".."
        "mysite/settings_dir": "../docs",  # a directory link, then a file below it
    }
    for rel, target in links.items():
        (repo / rel).symlink_to(target)
    return repo


def test_walk_yields_exactly_what_resolving_every_path_yields(tree):
    assert list(walk(tree)) == resolving_walk(tree)


def test_walk_follows_file_links_inside_and_nothing_else(tree):
    found = set(walk(tree))
    assert {"manage.py", "mysite/settings.py", "mysite/local.py", "docs/back.py"} <= found
    assert "name with spaces/file #1.py" in found
    refused = {"self.py", "dangling.py", "escape.py", "docs/out.py"}
    assert not refused & found
    # directory links (inside, loops or out) are never entered
    assert not [rel for rel in found if rel.startswith(("mysite/alias/", "mysite/up/"))]
    assert not [rel for rel in found if rel.startswith(("escape_dir/", "mysite/settings_dir/"))]
    # skipped directories and the depth limit still apply
    assert not [rel for rel in found if rel.startswith(("node_modules/", ".venv/", "thing.egg"))]
    assert "mysite/deep/a/b/c/d/e/f/too_deep.py" not in found


def test_walk_paths_are_relative_for_a_root_given_as_a_relative_path(tree, monkeypatch):
    monkeypatch.chdir(tree.parent)
    assert list(walk(Path("repo"))) == resolving_walk(tree)
    assert list(walk(Path("repo/"))) == list(walk(tree))


PROBES = [
    "manage.py",
    "mysite/settings.py",
    "mysite/local.py",  # link inside
    "mysite/alias/settings.py",  # through a directory link inside
    "mysite/up/up/manage.py",  # through a loop, resolving inside
    "mysite/settings_dir/readme.txt",
    "mysite/settings_dir/out.py",  # through a link inside, then out
    "escape.py",  # link out
    "escape_dir/secret.py",  # through a directory link out
    "escape_dir/pkg/manage.py",
    "docs/back.py",
    "docs/out.py",
    "self.py",  # loop
    "dangling.py",
    "missing.py",
    "missing/deeper.py",
    "manage.py/below",  # a file used as a directory
    "mysite",  # a directory
    "mysite/up",  # a directory link
    ".",
    "",
    # not plain names: exists() skips its shortcut for these, the answer must not change
    "missing/../manage.py",
    "mysite/../manage.py",
    "escape_dir/../repo/manage.py",
    "./manage.py",
    "manage.py/",
    "manage.py/.",
    "mysite//settings.py",
    "../outside/secret.py",
    "../repo/manage.py",
]


@pytest.mark.parametrize("rel", PROBES)
def test_exists_answers_what_resolving_the_path_answers(tree, rel):
    assert exists(tree, rel) is resolving_exists(tree, rel)


def test_exists_never_says_yes_to_a_file_outside(tree, tmp_path):
    assert (tree / "escape.py").is_file()  # the link does reach a file...
    assert (tree / "escape_dir" / "secret.py").is_file()
    assert not exists(tree, "escape.py")  # ...but it is not the repository's
    assert not exists(tree, "escape_dir/secret.py")
    assert not exists(tree, "docs/out.py")
    assert not exists(tree, str(tmp_path / "outside" / "secret.py"))  # an absolute path


def test_exists_resolves_only_what_a_stat_finds(tree, monkeypatch):
    """The speed-up itself: a missing file costs no realpath, a present one is still resolved."""
    calls = []
    real_realpath = os.path.realpath

    def counting(path, *args, **kwargs):
        calls.append(str(path))
        return real_realpath(path, *args, **kwargs)

    monkeypatch.setattr(files.os.path, "realpath", counting)
    assert not exists(tree, "missing.py")
    assert not exists(tree, "mysite")
    assert calls == []
    assert exists(tree, "mysite/local.py")
    assert not exists(tree, "escape.py")
    assert len(calls) == 4  # root and path, for each of the two files found


def test_a_stat_error_other_than_not_found_is_reported_as_before(tree, monkeypatch):
    """Only "not there" answers come from the shortcut; other errors reach the full check."""
    real_stat = os.stat

    def refusing(path, *args, **kwargs):
        if str(path).endswith("manage.py"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(files.os, "stat", refusing)
    with pytest.raises(PermissionError):
        exists(tree, "manage.py")
    with pytest.raises(PermissionError):
        resolving_exists(tree, "manage.py")
