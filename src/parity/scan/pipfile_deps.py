"""Pipenv's Pipfile: [packages] for production, [dev-packages] and custom categories for dev."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from parity.errors import ScanError
from parity.model import Origin, Requirement
from parity.scan.files import read_text
from parity.scan.requirement_text import canonical
from parity.scan.toml_doc import TomlDoc

# Pipfile tables that are not package categories.
_NOT_CATEGORIES = frozenset({"source", "requires", "scripts", "pipenv", "packages"})


def _spec_of(name: str, value: Any, where: str) -> tuple[str, tuple[str, ...], str | None]:
    if isinstance(value, str):
        version = value.strip()
        return (name if version in ("", "*") else f"{name}{version}"), (), None
    if not isinstance(value, dict):
        raise ScanError(f"{where}: {name} must be a version string or a table")
    extras = tuple(str(e) for e in value.get("extras", ()))
    written = f"{name}[{','.join(extras)}]" if extras else name
    if "git" in value:
        ref = value.get("ref")
        spec = f"{written} @ git+{value['git']}" + (f"@{ref}" if ref else "")
    elif "path" in value or "file" in value:
        spec = f"{written} @ {value.get('path') or value.get('file')}"
    else:
        version = str(value.get("version", "")).strip()
        spec = written if version in ("", "*") else f"{written}{version}"
    if value.get("editable"):
        spec = f"-e {spec}"
    return spec, tuple(sorted(canonical(e) for e in extras)), value.get("markers") or None


def pipfile_category(doc: TomlDoc, category: str) -> list[Requirement]:
    found = []
    for name, value in doc.table(category).items():
        spec, extras, marker = _spec_of(name, value, f"{doc.path} [{category}]")
        origin = Origin(doc.path, doc.line_of(category, name, key=True))
        found.append(Requirement(canonical(name), spec, origin, extras, marker))
    return found


def pipfile_dev_categories(doc: TomlDoc) -> tuple[str, ...]:
    """[dev-packages] and any custom category (Pipenv 2022.10+), in file order."""
    return tuple(
        name
        for name, value in doc.data.items()
        if isinstance(value, dict) and name not in _NOT_CATEGORIES
    )


def check_pipfile_lock(root: Path, rel: str) -> None:
    """Pipfile.lock is JSON: a broken one fails the install, so say so now, naming the file."""
    import json  # only a Pipenv project with a lock reads JSON here

    try:
        json.loads(read_text(root, rel))
    except json.JSONDecodeError as error:
        raise ScanError(
            f"{rel}: is not valid JSON (line {error.lineno}); regenerate it with `pipenv lock`"
        ) from None
