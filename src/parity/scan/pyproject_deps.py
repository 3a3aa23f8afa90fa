"""Requirements declared in pyproject.toml: PEP 621 dependencies and extras, PEP 735 groups.

uv, PDM and plain-pyproject projects all declare their packages this way;
their own tables (`[tool.uv] dev-dependencies`, `[tool.pdm.dev-dependencies]`)
hold lists of the same PEP 508 strings.
"""

from __future__ import annotations

from typing import Any

from parity.errors import ScanError
from parity.model import Origin, Requirement
from parity.scan.requirement_text import canonical, parse_requirement
from parity.scan.toml_doc import TomlDoc

# [project.optional-dependencies] names that mean "for development", not a feature.
DEV_EXTRA_NAMES = frozenset({"dev", "develop", "development", "test", "tests", "testing"})


def requirement_list(doc: TomlDoc, section: str, where: str, items: Any) -> list[Requirement]:
    """The PEP 508 strings of a TOML array, each with the line it was written on."""
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise ScanError(f"{doc.path}: {where} must be a list of requirement strings")
    found = []
    for item in items:
        line = doc.line_of(section, item)
        requirement = parse_requirement(item, Origin(doc.path, line))
        if requirement is None:
            place = f"{doc.path}:{line}" if line else doc.path
            raise ScanError(f"{place}: {item!r} in {where} is not a requirement pip can read")
        found.append(requirement)
    return found


def project_dependencies(doc: TomlDoc) -> list[Requirement]:
    project = doc.table("project")
    return requirement_list(
        doc, "project", "[project] dependencies", project.get("dependencies", [])
    )


def optional_dependencies(doc: TomlDoc) -> dict[str, list[Requirement]]:
    """Each extra of [project.optional-dependencies], by the name as written."""
    table = doc.table("project", "optional-dependencies")
    section = "project.optional-dependencies"
    if not doc.section_line(section):
        section = "project"  # written inline under [project]
    return {
        extra: requirement_list(doc, section, f"[project.optional-dependencies] {extra}", items)
        for extra, items in table.items()
    }


def dev_extras(extras: dict[str, list[Requirement]]) -> tuple[str, ...]:
    return tuple(name for name in extras if canonical(name) in DEV_EXTRA_NAMES)


def dependency_groups(doc: TomlDoc) -> dict[str, list[Requirement]]:
    """PEP 735 [dependency-groups] by name as written, {include-group = ...} entries expanded."""
    raw = doc.table("dependency-groups")
    # Group names compare canonicalized (PEP 735), so "Dev" includes "dev".
    groups = {canonical(name): (name, items) for name, items in raw.items()}

    def expand(name: str, seen: tuple[str, ...]) -> list[Requirement]:
        original, items = groups[name]
        where = f"[dependency-groups] {original}"
        if not isinstance(items, list):
            raise ScanError(f"{doc.path}: {where} must be a list")
        found: list[Requirement] = []
        for item in items:
            if isinstance(item, dict) and "include-group" in item:
                included = canonical(str(item["include-group"]))
                if included not in groups:
                    raise ScanError(
                        f"{doc.path}: {where} includes group {item['include-group']!r}, "
                        "which is not defined; define it or remove the include"
                    )
                if included in seen:
                    raise ScanError(
                        f"{doc.path}: [dependency-groups] include each other in a cycle "
                        f"({' -> '.join(seen + (included,))}); break the cycle"
                    )
                found.extend(expand(included, seen + (included,)))
            else:
                found.extend(requirement_list(doc, "dependency-groups", where, [item]))
        return found

    return {original: expand(name, (name,)) for name, (original, _) in groups.items()}


def named_groups(doc: TomlDoc, keys: tuple[str, ...], label: str) -> dict[str, list[Requirement]]:
    """A table of group name -> PEP 508 list, like [tool.pdm.dev-dependencies]."""
    section = ".".join(keys)
    return {
        name: requirement_list(doc, section, f"[{label}] {name}", items)
        for name, items in doc.table(*keys).items()
    }


def merge_groups(*tables: dict[str, list[Requirement]]) -> dict[str, list[Requirement]]:
    """One table of groups; a group in several tables (canonical names) keeps its first name."""
    merged: dict[str, list[Requirement]] = {}
    names: dict[str, str] = {}
    for table in tables:
        for name, requirements in table.items():
            key = names.setdefault(canonical(name), name)
            merged.setdefault(key, []).extend(requirements)
    return merged
