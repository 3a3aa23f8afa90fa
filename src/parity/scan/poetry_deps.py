"""Poetry's own dependency tables: `[tool.poetry.dependencies]`, groups, legacy dev-dependencies.

Poetry writes constraints in its own syntax (`^1.2`, `~1.2`, tables with
extras/markers/git/path); they are kept as written in `spec` with the name
canonicalized, since only Poetry itself reads them back.
"""

from __future__ import annotations

from typing import Any

from parity.errors import ScanError
from parity.model import Origin, Requirement
from parity.scan.pyproject_deps import (
    dependency_groups,
    merge_groups,
    project_dependencies,
)
from parity.scan.requirement_text import canonical
from parity.scan.toml_doc import TomlDoc


def _spec_of(name: str, value: Any, where: str) -> tuple[str, tuple[str, ...], str | None, bool]:
    """(spec as written, extras, marker, optional) for one Poetry dependency value."""
    if isinstance(value, str):
        constraint = value.strip()
        return (name if constraint in ("", "*") else f"{name} {constraint}"), (), None, False
    if isinstance(value, list):  # multiple-constraints: one entry per Python/platform
        parts = [_spec_of(name, item, where) for item in value]
        extras = tuple(sorted({e for part in parts for e in part[1]}))
        return " || ".join(part[0] for part in parts), extras, None, all(p[3] for p in parts)
    if not isinstance(value, dict):
        raise ScanError(f"{where}: {name} must be a version string or a table")
    extras = tuple(str(e) for e in value.get("extras", ()))
    written = f"{name}[{','.join(extras)}]" if extras else name
    if "git" in value:
        ref = value.get("rev") or value.get("tag") or value.get("branch")
        spec = f"{written} @ git+{value['git']}" + (f"@{ref}" if ref else "")
    elif "url" in value:
        spec = f"{written} @ {value['url']}"
    elif "path" in value or "file" in value:
        spec = f"{written} @ {value.get('path') or value.get('file')}"
    else:
        constraint = str(value.get("version", "")).strip()
        spec = written if constraint in ("", "*") else f"{written} {constraint}"
    marker = value.get("markers")
    return spec, tuple(canonical(e) for e in extras), marker, bool(value.get("optional"))


def poetry_table(doc: TomlDoc, keys: tuple[str, ...]) -> list[Requirement]:
    """The packages of one Poetry dependency table (python itself and optional extras left out)."""
    section = ".".join(keys)
    label = f"{doc.path} [{section}]"
    found = []
    for name, value in doc.table(*keys).items():
        if canonical(name) == "python":
            continue
        spec, extras, marker, optional = _spec_of(name, value, label)
        if optional:
            continue  # installed only with its extra (-E), never by default
        origin = Origin(doc.path, doc.line_of(section, name, key=True))
        found.append(
            Requirement(canonical(name), spec, origin, tuple(sorted(extras)), marker or None)
        )
    return found


def poetry_production(doc: TomlDoc) -> list[Requirement]:
    """Poetry 2 reads [project] dependencies when declared; Poetry 1 (or dynamic) its own table."""
    if "dependencies" in doc.table("project"):
        return project_dependencies(doc)
    return poetry_table(doc, ("tool", "poetry", "dependencies"))


def poetry_groups(doc: TomlDoc) -> dict[str, list[Requirement]]:
    """Every non-main group: [tool.poetry.group.*], legacy dev-dependencies, PEP 735 groups."""
    declared = {
        name: poetry_table(doc, ("tool", "poetry", "group", name, "dependencies"))
        for name in doc.table("tool", "poetry", "group")
        if name != "main"
    }
    legacy = {}
    if doc.table("tool", "poetry", "dev-dependencies"):  # Poetry < 1.2: the "dev" group
        legacy = {"dev": poetry_table(doc, ("tool", "poetry", "dev-dependencies"))}
    return merge_groups(declared, legacy, dependency_groups(doc))


def poetry_package_mode(doc: TomlDoc) -> bool:
    return doc.table("tool", "poetry").get("package-mode", True) is not False
