"""Which Python the project wants, as "3.12", from the first file that says.

Order: .python-version, runtime.txt, [project] requires-python, Poetry's
`python` dependency, Pipfile [requires], .tool-versions; each in the
repository root and then the code root. A file that pins a version wins over
a range, because a pin is what the developer actually runs.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from parity.model import Fact, Origin
from parity.scan.files import exists, read_text
from parity.scan.toml_doc import TomlDoc, load_toml

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

# packaging is imported where a version range is read: most projects pin a version in
# .python-version or runtime.txt, and a `parity` process then never pays for the import.

DEFAULT_PYTHON = "3.13"
# Pythons with official slim images and security support: ranges are matched against these.
SUPPORTED_MINORS = ("3.10", "3.11", "3.12", "3.13", "3.14")

_MAJOR_MINOR = re.compile(r"(?<![\d.])(\d)\.(\d{1,2})(?:\.\d+)?")


def _major_minor(text: str) -> str | None:
    match = _MAJOR_MINOR.search(text)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def lowest_allowed(specifiers: list[SpecifierSet]) -> str | None:
    """The lowest supported minor that some release of satisfies any of `specifiers`."""
    from packaging.version import Version

    for minor in SUPPORTED_MINORS:
        releases = (Version(f"{minor}.0"), Version(f"{minor}.99"))
        if any(spec.contains(v, prereleases=True) for spec in specifiers for v in releases):
            return minor
    return None


def poetry_constraint(text: str) -> list[SpecifierSet]:
    """Poetry's version syntax (`^3.11`, `~3.11`, `>=3.10,<3.13`, `3.11.*`, `a || b`) as PEP 440."""
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    alternatives = []
    for alternative in re.split(r"\s*\|\|?\s*", text.strip()):
        parts = []
        for part in re.split(r"\s*,\s*|\s+(?=[<>=!~^])", alternative.strip()):
            parts.append(_poetry_part(part.strip()))
        try:
            alternatives.append(SpecifierSet(",".join(p for p in parts if p)))
        except InvalidSpecifier:
            continue
    return alternatives


def _poetry_part(part: str) -> str:
    if part in ("", "*"):
        return ""
    if part[0] in "^~" and not part.startswith("~="):
        release = [int(n) for n in re.findall(r"\d+", part)]
        if not release:
            return ""
        if part[0] == "^":  # ^3.11 -> >=3.11,<4; ^0.9 -> >=0.9,<0.10
            first = next((i for i, n in enumerate(release) if n), len(release) - 1)
            upper = release[: first + 1]
        else:  # ~3.11 -> >=3.11,<3.12; ~3 -> >=3,<4
            upper = release[:2] if len(release) > 1 else release[:1]
        upper = upper[:-1] + [upper[-1] + 1]
        lower = ".".join(map(str, release))
        return f">={lower},<{'.'.join(map(str, upper))}"
    if part[0].isdigit():
        return f"=={part}"
    return part


def _range_fact(text: str, specifiers: list[SpecifierSet], origin: Origin, what: str) -> Fact[str]:
    minor = lowest_allowed(specifiers)
    if minor is None:
        return Fact(
            DEFAULT_PYTHON,
            origin,
            f"{what} {text!r} allows none of {', '.join(SUPPORTED_MINORS)}; "
            f"default {DEFAULT_PYTHON} used: set .python-version to choose",
        )
    return Fact(
        minor,
        origin,
        f"lowest of {SUPPORTED_MINORS[0]}-{SUPPORTED_MINORS[-1]} that {what} {text!r} allows: "
        "the oldest Python the project declares support for, so the image does not "
        "run one it may never have been tested on; set .python-version to choose another",
    )


class _Sources:
    def __init__(self, root: Path, directory: str) -> None:
        self.root = root
        self.directory = directory

    def rel(self, name: str) -> str:
        return name if self.directory == "." else posixpath.join(self.directory, name)

    def lines(self, name: str) -> list[tuple[int, str]] | None:
        rel = self.rel(name)
        if not exists(self.root, rel):
            return None
        text = read_text(self.root, rel)
        return [
            (number, line.split("#", 1)[0].strip())
            for number, line in enumerate(text.splitlines(), start=1)
            if line.split("#", 1)[0].strip()
        ]

    def toml(self, name: str) -> TomlDoc | None:
        rel = self.rel(name)
        return load_toml(self.root, rel) if exists(self.root, rel) else None

    def python_version_file(self) -> Fact[str] | None:
        for number, line in self.lines(".python-version") or []:
            version = _major_minor(line)  # "3.12", "3.12.4", "cpython-3.12.4", "pypy3.10"
            if version:
                return Fact(version, Origin(self.rel(".python-version"), number))
        return None

    def runtime_txt(self) -> Fact[str] | None:
        for number, line in self.lines("runtime.txt") or []:
            version = _major_minor(line)  # "python-3.11.4"
            if version:
                return Fact(version, Origin(self.rel("runtime.txt"), number))
        return None

    def requires_python(self) -> Fact[str] | None:
        doc = self.toml("pyproject.toml")
        text = doc.table("project").get("requires-python") if doc else None
        if not isinstance(text, str) or doc is None:
            return None
        origin = Origin(doc.path, doc.line_of("project", "requires-python", key=True))
        from packaging.specifiers import InvalidSpecifier, SpecifierSet

        try:
            specifiers = [SpecifierSet(text)]
        except InvalidSpecifier:
            return None
        return _range_fact(text, specifiers, origin, "requires-python")

    def poetry_python(self) -> Fact[str] | None:
        doc = self.toml("pyproject.toml")
        text = doc.table("tool", "poetry", "dependencies").get("python") if doc else None
        if not isinstance(text, str) or doc is None:
            return None
        line = doc.line_of("tool.poetry.dependencies", "python", key=True)
        origin = Origin(doc.path, line)
        return _range_fact(text, poetry_constraint(text), origin, "Poetry's python")

    def pipfile(self) -> Fact[str] | None:
        doc = self.toml("Pipfile")
        if doc is None:
            return None
        requires = doc.table("requires")
        for key in ("python_full_version", "python_version"):
            version = _major_minor(str(requires.get(key, "")))
            if version:
                return Fact(version, Origin(doc.path, doc.line_of("requires", key, key=True)))
        return None

    def tool_versions(self) -> Fact[str] | None:
        for number, line in self.lines(".tool-versions") or []:
            words = line.split()
            if words[0] == "python" and len(words) > 1:
                version = _major_minor(words[1])  # the first listed is asdf's default
                if version:
                    return Fact(version, Origin(self.rel(".tool-versions"), number))
        return None


_ORDER: tuple[Callable[[_Sources], Fact[str] | None], ...] = (
    _Sources.python_version_file,
    _Sources.runtime_txt,
    _Sources.requires_python,
    _Sources.poetry_python,
    _Sources.pipfile,
    _Sources.tool_versions,
)


def read_python_version(root: Path, code_root: str) -> Fact[str]:
    """The Python "X.Y" the project asks for, where it asks, or DEFAULT_PYTHON said to be one."""
    places = [_Sources(root, ".")]
    if code_root != ".":
        places.append(_Sources(root, code_root))
    for source in _ORDER:
        for place in places:
            found = source(place)
            if found is not None:
                return found
    return Fact(
        DEFAULT_PYTHON,
        None,
        f"default: no .python-version, runtime.txt, requires-python, Pipfile or "
        f".tool-versions says which Python; {DEFAULT_PYTHON} is current and supported",
    )
