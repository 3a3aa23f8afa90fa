"""pip requirement files: the requirements one input declares and every file the install reads.

Follows pip's own reading rules: backslash continuations, `#` comments at a line
start or after whitespace, `-r`/`-c` includes relative to the including file,
per-requirement options (`--hash`) after the requirement, and file-wide options
(`--no-binary`) that apply to the whole install whichever file sets them.
"""

from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, replace
from pathlib import Path

from parity.errors import ScanError
from parity.model import Origin, Requirement
from parity.scan.files import read_text
from parity.scan.requirement_text import canonical, is_local_reference, parse_requirement

_COMMENT = re.compile(r"(^|\s+)#.*$")
# Where per-requirement options (--hash=..., --config-settings ...) start after the requirement.
_TRAILING_OPTIONS = re.compile(r"\s+--?[A-Za-z]")
_OPTION_WITH_VALUE = re.compile(
    r"^(?P<flag>-r|--requirement|-c|--constraint|-e|--editable|--no-binary|--only-binary)"
    r"(?:\s*=\s*|\s+|(?<=^-[rce]))(?P<value>\S.*)$"
)


@dataclass(frozen=True)
class RequirementsTree:
    requirements: tuple[Requirement, ...]  # first declaration of each name, in reading order
    files: tuple[str, ...]  # the input first, then every -r/-c file it reads, repo-relative


def logical_lines(text: str) -> list[tuple[int, str]]:
    """(first physical line number, content) for each non-empty line, continuations joined."""
    result: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        if not pending:
            start = number
        if raw.endswith("\\") and not _COMMENT.search(raw[:-1]):
            pending.append(raw[:-1])
            continue
        pending.append(raw)
        line = _COMMENT.sub("", "".join(pending)).strip()
        pending = []
        if line:
            result.append((start, line))
    if pending:  # a continuation on the last line: pip reads what is there
        line = _COMMENT.sub("", "".join(pending)).strip()
        if line:
            result.append((start, line))
    return result


class _Reader:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.files: list[str] = []
        self.requirements: dict[str, Requirement] = {}
        self.no_binary_all = False
        self.no_binary: set[str] = set()

    def read(self, rel: str, *, constraints: bool) -> None:
        if rel in self.files:
            return  # already read (or a cycle): pip would read it again to no effect
        self.files.append(rel)
        for number, line in logical_lines(read_text(self.root, rel)):
            self._line(rel, number, line, constraints)

    def _line(self, rel: str, number: int, line: str, constraints: bool) -> None:
        option = _OPTION_WITH_VALUE.match(line)
        if option:
            flag, value = option.group("flag"), option.group("value").strip()
            if flag in ("-r", "--requirement", "-c", "--constraint"):
                nested_constraints = constraints or flag in ("-c", "--constraint")
                self.read(self._include(rel, number, value), constraints=nested_constraints)
            elif flag in ("-e", "--editable"):
                if not constraints:
                    self._add(f"-e {value}", rel, number)
            elif flag == "--no-binary":
                self._set_no_binary(value)
            return
        if line.startswith("-"):
            return  # index, find-links, --pre, --require-hashes...: they don't change what
        if constraints:
            return
        requirement = _TRAILING_OPTIONS.split(line, maxsplit=1)[0]
        self._add(requirement, rel, number)

    def _add(self, text: str, rel: str, number: int) -> None:
        fallback = None
        if is_local_reference(text):
            target = re.sub(r"^-e\s+", "", text).removeprefix("file:").strip()
            joined = posixpath.normpath(posixpath.join(posixpath.dirname(rel), target))
            fallback = (self.root / joined).resolve().name
        found = parse_requirement(text, Origin(rel, number), fallback_name=fallback)
        if found is None:
            raise ScanError(
                f"{rel}:{number}: cannot tell which package {text!r} installs; "
                "write it as 'name @ url' or add #egg=name"
            )
        self.requirements.setdefault(found.name, found)

    def _include(self, rel: str, number: int, target: str) -> str:
        if "://" in target:
            raise ScanError(
                f"{rel}:{number}: includes {target} by URL; the scan reads only files in the "
                "repository: download it into the repository and include that"
            )
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(rel), target))
        if posixpath.isabs(target) or joined == ".." or joined.startswith("../"):
            raise ScanError(
                f"{rel}:{number}: includes {target}, which is outside the repository "
                "(the Docker build context); move it inside the repository"
            )
        if not os.path.lexists(self.root / joined):
            raise ScanError(
                f"{rel}:{number}: includes {target}, which does not exist ({joined}); "
                "create it or fix the line"
            )
        return joined

    def _set_no_binary(self, value: str) -> None:
        for item in value.split(","):
            item = item.strip()
            if item == ":all:":
                self.no_binary_all = True
            elif item == ":none:":
                self.no_binary_all = False
                self.no_binary.clear()
            elif item:
                self.no_binary.add(canonical(item))


def read_requirements_tree(root: Path, rel: str) -> RequirementsTree:
    """Every requirement `rel` declares (through -r includes) and every file pip reads for it."""
    reader = _Reader(root)
    try:
        reader.read(rel, constraints=False)
    except RecursionError:
        raise ScanError(f"{rel}: includes nest too deeply; check its -r/-c lines") from None
    requirements = tuple(
        replace(r, no_binary=True) if reader.no_binary_all or r.name in reader.no_binary else r
        for r in reader.requirements.values()
    )
    return RequirementsTree(requirements, tuple(reader.files))
