"""Production and development dependencies, for every common manager.

The manager is the first one found, in this order, in the repository root and
then in the code root: uv (uv.lock), Poetry, PDM, Pipenv, pip requirement
files, and plain pyproject.toml metadata. A lock file decides over a manifest
because it is what the install must reproduce.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from pathlib import Path

from parity.errors import ScanError
from parity.model import Dependencies, Origin, Requirement
from parity.scan.files import exists
from parity.scan.pipfile_deps import check_pipfile_lock, pipfile_category, pipfile_dev_categories
from parity.scan.poetry_deps import poetry_groups, poetry_package_mode, poetry_production
from parity.scan.pyproject_deps import (
    dependency_groups,
    dev_extras,
    merge_groups,
    named_groups,
    optional_dependencies,
    project_dependencies,
    requirement_list,
)
from parity.scan.requirements_files import read_requirements_tree
from parity.scan.toml_doc import TomlDoc, load_toml

# Production requirement files, first found wins: requirements/production.txt
# usually includes base.txt and adds the server, so it is preferred over base.txt.
PROD_REQUIREMENT_FILES = (
    "requirements.txt",
    "requirements/production.txt",
    "requirements/prod.txt",
    "requirements/base.txt",
)
# Development requirement files: every one present is installed in the dev stage.
DEV_REQUIREMENT_FILES = (
    "requirements.dev.txt",
    "requirements-dev.txt",
    "requirements_dev.txt",
    "dev-requirements.txt",
    "requirements/dev.txt",
    "requirements/development.txt",
    "requirements/local.txt",
    "requirements/test.txt",
    "requirements-test.txt",
)
# pip-tools pairs whose compiled .txt has no telling name on its own.
PIP_TOOLS_DEV_PAIRS = (("dev.in", "dev.txt"), ("test.in", "test.txt"))


class _Place:
    """One directory (the repository root or the code root) that may hold dependency files."""

    def __init__(self, root: Path, directory: str) -> None:
        self.root = root
        self.directory = directory
        self._pyproject: TomlDoc | None | bool = False

    def rel(self, name: str) -> str:
        return name if self.directory == "." else posixpath.join(self.directory, name)

    def has(self, name: str) -> bool:
        return exists(self.root, self.rel(name))

    def pyproject(self) -> TomlDoc | None:
        if self._pyproject is False:
            rel = self.rel("pyproject.toml")
            self._pyproject = load_toml(self.root, rel) if exists(self.root, rel) else None
        return self._pyproject  # type: ignore[return-value]


def _dev_only(prod: Iterable[Requirement], dev: Iterable[Requirement]) -> tuple[Requirement, ...]:
    """Development requirements that production does not already have (first one of each name)."""
    seen = {r.name for r in prod}
    found = []
    for requirement in dev:
        if requirement.name not in seen:
            seen.add(requirement.name)
            found.append(requirement)
    return tuple(found)


def _unique(items: Iterable[Requirement]) -> tuple[Requirement, ...]:
    return _dev_only((), items)


def _groups_and_extras(
    doc: TomlDoc, groups: dict[str, list[Requirement]]
) -> tuple[tuple[str, ...], tuple[str, ...], list[Requirement]]:
    """(dev groups, dev extras, their requirements) for a PEP 621 project."""
    extras = optional_dependencies(doc)
    dev_extra_names = dev_extras(extras)
    requirements = [r for g in groups.values() for r in g]
    requirements += [r for name in dev_extra_names for r in extras[name]]
    return tuple(groups), dev_extra_names, requirements


def _has_build_system(doc: TomlDoc) -> bool:
    return bool(doc.table("build-system"))


def _uv(place: _Place) -> Dependencies | None:
    if not place.has("uv.lock"):
        return None
    lock = place.rel("uv.lock")
    doc = place.pyproject()
    if doc is None:
        raise ScanError(f"{lock}: has no pyproject.toml beside it; uv needs both to install")
    load_toml(place.root, lock)  # a broken lock fails the build: say so now
    uv_table = doc.table("tool", "uv")
    legacy_dev = {}
    if "dev-dependencies" in uv_table:  # before PEP 735, uv's own name for the dev group
        legacy_dev = {
            "dev": requirement_list(
                doc, "tool.uv", "[tool.uv] dev-dependencies", uv_table["dev-dependencies"]
            )
        }
    groups = merge_groups(dependency_groups(doc), legacy_dev)
    dev_groups, extras, dev = _groups_and_extras(doc, groups)
    prod = project_dependencies(doc)
    package = uv_table.get("package")
    files = (doc.path, lock, *_uv_workspace_members(place, doc))
    return Dependencies(
        manager="uv",
        prod=_unique(prod),
        dev=_dev_only(prod, dev),
        prod_inputs=(doc.path, lock),
        dev_inputs=(doc.path, lock),
        files=files,
        lock_file=lock,
        dev_groups=dev_groups,
        dev_extras=extras,
        package_mode=package if isinstance(package, bool) else _has_build_system(doc),
        origin=Origin(lock),
    )


def _uv_workspace_members(place: _Place, doc: TomlDoc) -> tuple[str, ...]:
    """pyproject.toml of each uv workspace member: `uv sync` reads them all."""
    members = doc.table("tool", "uv", "workspace").get("members", [])
    base = place.root / place.directory
    found = []
    for pattern in members if isinstance(members, list) else []:
        pattern = str(pattern)
        if not pattern or pattern.startswith("/") or ".." in pattern.split("/"):
            continue  # never outside the project; uv itself refuses these too
        for directory in sorted(base.glob(pattern)):
            rel = posixpath.join(place.directory, directory.relative_to(base).as_posix())
            rel = posixpath.normpath(posixpath.join(rel, "pyproject.toml"))
            if exists(place.root, rel) and rel != doc.path:
                found.append(rel)
    return tuple(found)


def _poetry(place: _Place) -> Dependencies | None:
    doc = place.pyproject()
    has_lock = place.has("poetry.lock")
    if doc is None or not (doc.table("tool", "poetry") or has_lock):
        return None
    lock = place.rel("poetry.lock") if has_lock else None
    if lock:
        load_toml(place.root, lock)
    prod = poetry_production(doc)
    groups = poetry_groups(doc)
    dev_groups, extras, dev = _groups_and_extras(doc, groups)
    files = (doc.path, lock) if lock else (doc.path,)
    origin = (
        Origin(doc.path, doc.section_line("tool.poetry"))
        if doc.table("tool", "poetry")
        else Origin(lock or doc.path)
    )
    return Dependencies(
        manager="poetry",
        prod=_unique(prod),
        dev=_dev_only(prod, dev),
        prod_inputs=files,
        dev_inputs=files,
        files=files,
        lock_file=lock,
        dev_groups=dev_groups,
        dev_extras=extras,
        package_mode=poetry_package_mode(doc),
        origin=origin,
    )


def _pdm(place: _Place) -> Dependencies | None:
    doc = place.pyproject()
    has_lock = place.has("pdm.lock")
    if doc is None or not (doc.table("tool", "pdm") or has_lock):
        return None
    lock = place.rel("pdm.lock") if has_lock else None
    if lock:
        load_toml(place.root, lock)
    legacy = named_groups(doc, ("tool", "pdm", "dev-dependencies"), "tool.pdm.dev-dependencies")
    groups = merge_groups(legacy, dependency_groups(doc))
    dev_groups, extras, dev = _groups_and_extras(doc, groups)
    prod = project_dependencies(doc)
    distribution = doc.table("tool", "pdm").get("distribution")
    files = (doc.path, lock) if lock else (doc.path,)
    return Dependencies(
        manager="pdm",
        prod=_unique(prod),
        dev=_dev_only(prod, dev),
        prod_inputs=files,
        dev_inputs=files,
        files=files,
        lock_file=lock,
        dev_groups=dev_groups,
        dev_extras=extras,
        package_mode=(distribution if isinstance(distribution, bool) else _has_build_system(doc)),
        origin=Origin(lock) if lock else Origin(doc.path, doc.section_line("tool.pdm")),
    )


def _pipenv(place: _Place) -> Dependencies | None:
    if not place.has("Pipfile"):
        return None
    doc = load_toml(place.root, place.rel("Pipfile"))
    lock = place.rel("Pipfile.lock") if place.has("Pipfile.lock") else None
    if lock:
        check_pipfile_lock(place.root, lock)
    prod = pipfile_category(doc, "packages")
    categories = pipfile_dev_categories(doc)
    dev = [r for category in categories for r in pipfile_category(doc, category)]
    files = (doc.path, lock) if lock else (doc.path,)
    return Dependencies(
        manager="pipenv",
        prod=_unique(prod),
        dev=_dev_only(prod, dev),
        prod_inputs=files,
        dev_inputs=files,
        files=files,
        lock_file=lock,
        dev_groups=categories,
        origin=Origin(doc.path),
    )


def _requirements(place: _Place) -> Dependencies | None:
    prod_input = next((place.rel(n) for n in PROD_REQUIREMENT_FILES if place.has(n)), None)
    if prod_input is None and place.has("requirements.in"):
        prod_input = place.rel("requirements.in")  # pip-tools, not compiled yet: pip reads .in too
    if prod_input is None:
        return None
    dev_names = [n for n in DEV_REQUIREMENT_FILES if place.has(n)]
    dev_names += [txt for src, txt in PIP_TOOLS_DEV_PAIRS if place.has(src) and place.has(txt)]
    prod_tree = read_requirements_tree(place.root, prod_input)
    dev_inputs = tuple(place.rel(n) for n in dev_names)
    files = list(prod_tree.files)
    dev: list[Requirement] = []
    for dev_input in dev_inputs:
        tree = read_requirements_tree(place.root, dev_input)
        dev += tree.requirements
        files += [f for f in tree.files if f not in files]
    return Dependencies(
        manager="requirements",
        prod=prod_tree.requirements,
        dev=_dev_only(prod_tree.requirements, dev),
        prod_inputs=(prod_input,),
        dev_inputs=dev_inputs,
        files=tuple(files),
        origin=Origin(prod_input),
    )


def _pyproject(place: _Place) -> Dependencies | None:
    doc = place.pyproject()
    if doc is None:
        return None
    project = doc.table("project")
    declares = "dependencies" in project or "optional-dependencies" in project
    if not (declares or doc.table("dependency-groups")):
        return None  # a pyproject.toml for tool settings only (ruff, black...)
    prod = project_dependencies(doc)
    dev_groups, extras, dev = _groups_and_extras(doc, dependency_groups(doc))
    return Dependencies(
        manager="pyproject",
        prod=_unique(prod),
        dev=_dev_only(prod, dev),
        prod_inputs=(doc.path,),
        dev_inputs=(doc.path,) if dev_groups or extras else (),
        files=(doc.path,),
        dev_groups=dev_groups,
        dev_extras=extras,
        package_mode=_has_build_system(doc),
        origin=Origin(doc.path, doc.section_line("project")),
    )


_MANAGERS: tuple[Callable[[_Place], Dependencies | None], ...] = (
    _uv,
    _poetry,
    _pdm,
    _pipenv,
    _requirements,
    _pyproject,
)


def read_dependencies(root: Path, code_root: str) -> Dependencies:
    """The project's dependencies, from the first manager found (root before code root)."""
    places = [_Place(root, ".")]
    if code_root != ".":
        places.append(_Place(root, code_root))
    for detect in _MANAGERS:
        for place in places:
            found = detect(place)
            if found is not None:
                return found
    return Dependencies(manager="none")
