"""Reading a repository we may not trust: bounded walks, no symlink escapes, clear errors.

Every scan module reads files through here so that a binary file, a file that
is not UTF-8, an unreadable file, a symlink loop or a symlink pointing outside
the repository each give one clear ScanError (or are skipped during walks),
never a traceback.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from parity.errors import ScanError

# Directories that never hold the project's own code.
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "env",
        ".env",
        ".tox",
        ".nox",
        "node_modules",
        "site-packages",
        "dist-packages",
        "__pycache__",
        "build",
        "dist",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".idea",
        ".vscode",
        "staticfiles",
        "htmlcov",
        ".eggs",
        "bower_components",
        ".cache",
        ".direnv",
        ".parity",
    }
)

MAX_TEXT_BYTES = 5 * 1024 * 1024  # a settings or requirements file larger than this is not one


def relative(root: Path, path: Path) -> str:
    """The POSIX path of `path` relative to `root` ("." for the root itself)."""
    rel = os.path.relpath(path, root)
    return Path(rel).as_posix()


def inside(root: Path, rel: str) -> Path:
    """The real path of repo-relative `rel`, refusing anything that resolves outside `root`."""
    root_real = Path(os.path.realpath(root))
    try:
        real = Path(os.path.realpath(root_real / rel, strict=False))
    except (OSError, RuntimeError) as error:  # symlink loops raise on some Pythons
        raise ScanError(f"{rel}: cannot resolve ({error}); check for a symlink loop") from None
    if real != root_real and root_real not in real.parents:
        raise ScanError(f"{rel}: is a symlink pointing outside the repository; it is not followed")
    return real


def read_text(root: Path, rel: str) -> str:
    """The text of a repo-relative file, or one clear ScanError saying why it cannot be read."""
    path = inside(root, rel)
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise ScanError(f"{rel}: {size} bytes is too large for a text file the scan reads")
        data = path.read_bytes()
    except ScanError:
        raise
    except IsADirectoryError:
        raise ScanError(f"{rel}: is a directory, expected a file") from None
    except PermissionError:
        raise ScanError(f"{rel}: permission denied; make it readable and run again") from None
    except OSError as error:
        raise ScanError(f"{rel}: cannot read ({error.strerror or error})") from None
    if b"\0" in data:
        raise ScanError(f"{rel}: is a binary file, expected text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ScanError(
            f"{rel}: is not UTF-8 (byte {error.start}); save it as UTF-8 and run again"
        ) from None
    return text


def exists(root: Path, rel: str) -> bool:
    """True when repo-relative `rel` is a regular file inside the repository."""
    if _is_plain(rel):
        # Most probes name files that are not there: one stat answers those without
        # resolving anything. Only a regular file (maybe behind a symlink) goes on to
        # the full check below, which still refuses whatever resolves outside the root.
        try:
            if not stat.S_ISREG(os.stat(os.path.join(root, rel)).st_mode):
                return False
        except OSError as error:
            if error.errno in _NOT_THERE:
                return False
            # anything else (e.g. permission denied): the full check reports it as before
    try:
        return inside(root, rel).is_file()
    except ScanError:
        return False


# What Path.is_file() treats as "no such file" rather than an error to raise.
_NOT_THERE = frozenset({errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP})


def _is_plain(rel: str) -> bool:
    """True for "a/b/c" made only of names: no "", "." or ".." part and no backslash.

    For such a path the kernel and os.path.realpath resolve the same file, so a
    stat that finds no regular file there means inside() would find none either.
    """
    if not rel or "\\" in rel or rel.startswith("/"):
        return False
    return all(part not in ("", ".", "..") for part in rel.split("/"))


def walk(root: Path, max_depth: int = 6) -> Iterator[str]:
    """Repo-relative paths of files under root, skipping SKIP_DIRS and anything that escapes.

    Directory symlinks are never followed (so no loops and no escapes); file
    symlinks are yielded only when they resolve inside the repository.
    """
    root = Path(root)
    # (directory, its repo-relative prefix ("" or "a/b/"), depth): the relative path of
    # each entry is built from names, with no per-entry path arithmetic.
    stack: list[tuple[str, str, int]] = [(str(root), "", 0)]
    while stack:
        directory, prefix, depth = stack.pop()
        try:
            with os.scandir(directory) as scanned:
                entries = sorted(scanned, key=lambda e: e.name)
        except OSError:
            continue  # unreadable directory: nothing the scan can use there
        for entry in entries:
            name = entry.name
            rel = prefix + name
            try:
                if entry.is_dir(follow_symlinks=False):
                    wanted = name not in SKIP_DIRS and not name.endswith(".egg-info")
                    if wanted and depth < max_depth:
                        stack.append((entry.path, rel + "/", depth + 1))
                elif entry.is_symlink():
                    if exists(root, rel):
                        yield rel
                elif entry.is_file(follow_symlinks=False):
                    yield rel
            except OSError:
                continue
