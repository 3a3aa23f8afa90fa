"""Writing project files safely: checksummed headers, no clobbering, all-or-nothing.

This is the only module that writes into a user's project. Every generated
file carries a `django-parity checksum:` comment line holding the SHA-256 of
its own text (with that value blanked), which is the tool's record of what it
wrote: a file whose checksum still matches is ours to replace, one that no
longer matches was edited by the user, one without the line is hand-written.

The flow is plan_writes() -> describe()/diff() -> apply(). Planning reads and
decides, never writes; apply() re-checks that nothing changed since, writes
every file to a temporary sibling, then swaps them in with os.replace and
puts everything back if any step fails.
"""

from __future__ import annotations

import contextlib
import difflib
import errno
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from parity.errors import ParityError

MARKER = "django-parity checksum:"
# The marker must sit in the header (a shebang and a few comment lines may come first).
HEADER_LINES = 20
# A comment in any of the syntaxes we generate, then the marker, then the value.
_MARKER_LINE = re.compile(
    r"^(?P<prefix>[ \t]*(?:#|//|;|--)[ \t]*)" + re.escape(MARKER) + r"(?P<value>[^\r\n]*)$"
)
_CHECKSUM = re.compile(r"sha256:[0-9a-f]{64}")

MAX_EXISTING_BYTES = 5 * 1024 * 1024  # larger than any file parity writes: not one of ours

EDITED = "you edited it since parity wrote it"
FOREIGN = "a hand-written file is already there"

ACTIONS = ("create", "update", "unchanged", "conflict")

OUTSIDE = "is a symlink pointing outside the repository; parity does not write through it"


# --- checksums -------------------------------------------------------------


def _marker_line(lines: list[str]) -> int | None:
    """Index of the header line holding the checksum marker, if any."""
    for index, line in enumerate(lines[:HEADER_LINES]):
        if MARKER in line and _MARKER_LINE.match(line.rstrip("\r\n")):
            return index
    return None


def _blanked(lines: list[str], index: int) -> tuple[str, str]:
    """(the whole text with the marker's value removed, the value as written)."""
    line = lines[index]
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    match = _MARKER_LINE.match(body)
    assert match is not None
    blank = match.group("prefix") + MARKER + ending
    return "".join(lines[:index] + [blank] + lines[index + 1 :]), match.group("value").strip()


def _digest(blanked_text: str) -> str:
    # Line endings are normalized so a checkout that turned LF into CRLF still counts as ours.
    data = blanked_text.replace("\r\n", "\n").encode("utf-8")
    return "sha256:" + hashlib.sha256(data).hexdigest()


def stamp(text: str) -> str:
    """`text` with its checksum line filled in; the same input always gives the same bytes.

    The text must already contain the marker line (the templates write it);
    a missing marker is a bug in the caller, hence ValueError.
    """
    lines = text.splitlines(keepends=True)
    index = _marker_line(lines)
    if index is None:
        raise ValueError(f"no '{MARKER}' comment in the first {HEADER_LINES} lines to stamp")
    blanked, _ = _blanked(lines, index)
    line = lines[index]
    body = line.rstrip("\r\n")
    prefix = _MARKER_LINE.match(body).group("prefix")  # type: ignore[union-attr]
    lines[index] = f"{prefix}{MARKER} {_digest(blanked)}{line[len(body) :]}"
    return "".join(lines)


def generated_state(text: str) -> str:
    """Whether parity wrote `text`: "ours", "edited" or "foreign".

    ours: the checksum line matches (written by parity, untouched since);
    edited: the checksum line does not match (the user changed it);
    foreign: there is no checksum line (hand-written).
    """
    lines = text.splitlines(keepends=True)
    index = _marker_line(lines)
    if index is None:
        return "foreign"
    blanked, value = _blanked(lines, index)
    if _CHECKSUM.fullmatch(value) and value == _digest(blanked):
        return "ours"
    return "edited"


# --- locating and reading targets ------------------------------------------


def _check_relative(rel: str) -> str:
    """`rel` as a clean POSIX path inside the repository; anything else is a caller bug."""
    path = PurePosixPath(rel)
    if not rel or path.is_absolute() or ".." in path.parts or str(path) in ("", "."):
        raise ValueError(f"{rel!r}: expected a relative path inside the repository")
    return str(path)


def _within(root_real: Path, real: Path) -> bool:
    return real == root_real or root_real in real.parents


def _locate(root: Path, rel: str) -> tuple[Path | None, str | None]:
    """(the real path to write for `rel`, None) or (None, why it cannot be written).

    A symlinked file or directory is written through only when it resolves
    inside the repository; loops, dangling links and escapes are refused.
    Missing parent directories are fine (apply creates them).
    """
    root_real = Path(os.path.realpath(root))
    rel_path = PurePosixPath(rel)
    # Walk the existing parents so a symlinked directory cannot lead outside.
    parent = root_real
    for part in rel_path.parts[:-1]:
        candidate = parent / part
        if not os.path.lexists(candidate):
            parent = candidate  # missing from here on: apply creates it
            continue
        try:
            real = Path(os.path.realpath(candidate, strict=True))
        except OSError:
            return None, f"{candidate.relative_to(root_real)} is a broken or looping symlink"
        if not _within(root_real, real):
            return None, f"{candidate.relative_to(root_real)} {OUTSIDE}"
        if not real.is_dir():
            return None, f"{real.relative_to(root_real)} is not a directory"
        parent = real
    target = parent / rel_path.name
    if os.path.islink(target):
        try:
            real = Path(os.path.realpath(target, strict=True))
        except OSError as error:
            if error.errno == errno.ELOOP:
                return None, "is a symlink loop; remove it and run again"
            return None, "is a symlink to a missing file; remove it or point it at a file"
        if not _within(root_real, real):
            return None, OUTSIDE
        target = real
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target, None
    except OSError as error:
        return None, f"cannot be inspected ({error.strerror or error})"
    if stat.S_ISDIR(mode):
        return None, "is a directory; move it away to let parity write this file"
    if not stat.S_ISREG(mode):
        return None, "is not a regular file; move it away to let parity write this file"
    return target, None


def _read_raw(path: Path) -> tuple[bytes | None, str | None]:
    """(bytes, None), (None, None) when absent, or (None, why it cannot be read)."""
    try:
        size = os.stat(path).st_size
        if size > MAX_EXISTING_BYTES:
            return None, f"is {size} bytes, too large to be a file parity wrote"
        with open(path, "rb") as handle:
            return handle.read(), None
    except FileNotFoundError:
        return None, None
    except PermissionError:
        return None, "cannot be read (permission denied); make it readable or move it away"
    except OSError as error:
        return None, f"cannot be read ({error.strerror or error})"


def _decode(data: bytes) -> tuple[str | None, str | None]:
    # Exact text: no BOM stripping, no newline translation, so encode() gives the bytes back.
    if b"\0" in data:
        return None, "is a binary file; move it away to let parity write this file"
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return None, "is not UTF-8 text; move it away to let parity write this file"


def read_existing(root: Path, rel: str) -> str | None:
    """The exact text of repo-relative `rel`, None when it does not exist.

    Raises ParityError (one line naming the file) for a directory, a symlink
    leading outside the repository, an unreadable, binary or non-UTF-8 file.
    """
    rel = _check_relative(rel)
    target, problem = _locate(Path(root), rel)
    if target is not None:
        data, problem = _read_raw(target)
        if data is None and problem is None:
            return None
        if data is not None:
            text, problem = _decode(data)
            if text is not None:
                return text
    raise ParityError(f"{rel}: {problem}")


# --- planning --------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What writing one file would do.

    action: "create", "update", "unchanged" or "conflict". old is the text on
    disk (None when absent or unreadable); new the text parity wants there.
    reason explains a conflict, or notes that --force replaces a user's file.
    forceable tells whether --force would turn a conflict into an update.
    """

    path: str
    action: str
    old: str | None
    new: str
    reason: str = ""
    forceable: bool = False


def plan_writes(
    root: Path,
    files: Mapping[str, str],
    force: bool = False,
    unmanaged: Collection[str] | Mapping[str, str | None] = (),
) -> list[Change]:
    """One Change per entry of `files` (repo-relative path -> stamped new text), in order.

    Generated files are replaced only when still ours (see generated_state);
    an edited or hand-written one is a conflict unless `force`. Paths in
    `unmanaged` are plain files parity edits without a checksum line (e.g.
    pyproject.toml): they are updated whatever they hold. Given as a mapping
    (path -> the text the caller based the new text on, None for "absent"),
    a file that no longer holds that text is a conflict, so a concurrent
    edit is never lost. apply() re-checks every file against `old` as well.
    """
    root = Path(root)
    expected = unmanaged if isinstance(unmanaged, Mapping) else None
    unmanaged_paths = {_check_relative(p) for p in unmanaged}
    changes: list[Change] = []
    seen: dict[Path, str] = {}
    for rel, new in files.items():
        rel = _check_relative(rel)
        target, problem = _locate(root, rel)
        if target is not None and target in seen:
            problem = f"is the same file as {seen[target]} (a symlink); parity writes each once"
        if problem is not None:
            changes.append(Change(rel, "conflict", None, new, problem))
            continue
        assert target is not None
        seen[target] = rel
        data, problem = _read_raw(target)
        old = None
        if data is not None:
            old, problem = _decode(data)
        if problem is not None:
            changes.append(Change(rel, "conflict", None, new, problem))
            continue
        if rel in unmanaged_paths:
            changes.append(_plan_unmanaged(rel, old, new, expected))
        else:
            changes.append(_plan_generated(rel, old, new, force))
    return changes


def _plan_unmanaged(
    rel: str, old: str | None, new: str, expected: Mapping[str, str | None] | None
) -> Change:
    if expected is not None and rel in expected and expected[rel] != old:
        return Change(rel, "conflict", old, new, "it changed while parity was running; run again")
    if old is None:
        return Change(rel, "create", None, new)
    return Change(rel, "unchanged" if old == new else "update", old, new)


def _plan_generated(rel: str, old: str | None, new: str, force: bool) -> Change:
    if old is None:
        return Change(rel, "create", None, new)
    if old == new:
        return Change(rel, "unchanged", old, new)
    state = generated_state(old)
    if state == "ours":
        return Change(rel, "update", old, new)
    reason = EDITED if state == "edited" else FOREIGN
    if force:
        return Change(rel, "update", old, new, f"{reason}; replaced because of --force")
    return Change(rel, "conflict", old, new, reason, forceable=True)


# --- showing ---------------------------------------------------------------


def diff(change: Change) -> str:
    """A unified diff from what is on disk to what parity would write ("" when nothing to show)."""
    if change.action == "unchanged" or (change.old is None and change.action != "create"):
        return ""
    old_lines = (change.old or "").splitlines(keepends=True)
    new_lines = change.new.splitlines(keepends=True)
    # git's convention: a file being created comes from /dev/null.
    before = f"a/{change.path}" if change.old is not None else "/dev/null"
    out: list[str] = []
    for line in difflib.unified_diff(old_lines, new_lines, before, f"b/{change.path}"):
        if line.endswith("\n"):
            out.append(line)
        else:  # same marker diff(1) prints, so the output stays line-oriented
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def describe(changes: Iterable[Change]) -> list[str]:
    """One line per change, for the command line."""
    lines = []
    for change in changes:
        if change.action == "conflict":
            hint = " (use --diff to see, --force to replace)" if change.forceable else ""
            lines.append(f"conflict {change.path}: {change.reason}{hint}")
        elif change.reason:
            lines.append(f"{change.action} {change.path} ({change.reason})")
        else:
            lines.append(f"{change.action} {change.path}")
    return lines


# --- applying --------------------------------------------------------------


def _new_file_mode(rel: str) -> int:
    return 0o755 if rel.endswith(".sh") else 0o644


def _refuse_conflicts(changes: list[Change]) -> None:
    conflicts = [c for c in changes if c.action == "conflict"]
    if not conflicts:
        return
    listed = "; ".join(f"{c.path}: {c.reason}" for c in conflicts)
    hint = " (use --force to replace)" if any(c.forceable for c in conflicts) else ""
    raise ParityError(f"nothing was written, because of {listed}{hint}")


@dataclass
class _Pending:
    change: Change
    target: Path
    backup: bytes | None  # the bytes on disk before, None when the file is new
    mode: int
    temp: str | None = None
    replaced: bool = False


def apply(root: Path, changes: list[Change]) -> None:
    """Write every create/update change, all or nothing.

    Refuses (ParityError) when any change is a conflict, or when a file no
    longer holds the text it was planned against. On any failure the files
    already replaced are restored and new ones removed, so the project is left
    as it was.
    """
    root = Path(root)
    changes = list(changes)
    _refuse_conflicts(changes)
    pending = [_prepare(root, c) for c in changes if c.action in ("create", "update")]
    if not pending:
        return
    created_dirs: list[Path] = []
    current = pending[0]
    try:
        for current in pending:
            created_dirs.extend(_make_parents(current.target))
            data = current.change.new.encode("utf-8")
            current.temp = _write_temp(current.target, data, current.mode)
        for current in pending:
            os.replace(current.temp, current.target)
            current.replaced = True
            current.temp = None
    except BaseException as error:  # even Ctrl-C: never leave the project half-written
        leftovers = _roll_back(pending, created_dirs)
        if not isinstance(error, OSError):
            raise
        reason = error.strerror or str(error)
        message = f"cannot write {current.change.path} ({reason}); "
        if leftovers:
            message += "could not restore " + ", ".join(leftovers) + ": check them by hand"
        else:
            message += "nothing was changed"
        raise ParityError(message) from None
    for directory in {item.target.parent for item in pending}:
        _fsync_directory(directory)


def _prepare(root: Path, change: Change) -> _Pending:
    """Locate the target again and check it still holds what was planned against."""
    target, problem = _locate(root, change.path)
    if target is None:
        raise ParityError(f"{change.path}: {problem}; nothing was written")
    data, problem = _read_raw(target)
    if problem is not None:
        raise ParityError(f"{change.path}: {problem}; nothing was written")
    current = None
    if data is not None:
        current, _ = _decode(data)
        if current is None:
            current = "\0"  # undecodable now: certainly not what was planned against
    if current != change.old:
        raise ParityError(
            f"{change.path}: changed while parity was running; nothing was written, run again"
        )
    # An existing file keeps its permission bits (an executable entrypoint stays executable).
    mode = _new_file_mode(change.path) if data is None else stat.S_IMODE(os.stat(target).st_mode)
    return _Pending(change, target, data, mode)


def _make_parents(target: Path) -> list[Path]:
    """Create missing parent directories, returning those created (outermost first)."""
    missing = []
    parent = target.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    created = []
    for directory in reversed(missing):
        os.mkdir(directory)
        created.append(directory)
    return created


def write_file(target: Path, text: str) -> None:
    """Write one file whole or not at all (a report, say): a temporary sibling swapped in.

    An existing file keeps its mode; a new one gets the mode generated files get.
    """
    existing = target.is_file()
    mode = stat.S_IMODE(os.stat(target).st_mode) if existing else _new_file_mode(target.name)
    temp = _write_temp(target, text.encode("utf-8"), mode)
    try:
        os.replace(temp, target)
    except BaseException:
        _remove_quietly(temp)
        raise


def _write_temp(target: Path, data: bytes, mode: int) -> str:
    """A fully written, fsynced temporary sibling of `target` holding `data`."""
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".parity-tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
    except BaseException:
        _remove_quietly(temp)
        raise
    return temp


def _roll_back(pending: list[_Pending], created_dirs: list[Path]) -> list[str]:
    """Put every target back as it was; returns the paths that could not be restored."""
    leftovers = []
    for item in reversed(pending):
        if item.temp is not None:
            _remove_quietly(item.temp)
            item.temp = None
        if not item.replaced:
            continue
        try:
            if item.backup is None:
                os.unlink(item.target)
            else:
                restore = _write_temp(item.target, item.backup, item.mode)
                os.replace(restore, item.target)
        except OSError:
            leftovers.append(item.change.path)
    for directory in reversed(created_dirs):
        # Not empty or already gone: leaving an empty directory is harmless.
        with contextlib.suppress(OSError):
            os.rmdir(directory)
    return leftovers


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def _fsync_directory(directory: Path) -> None:
    # Makes the renames durable; not every filesystem allows it, and the data is already safe.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
