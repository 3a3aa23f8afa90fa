"""Compose files: YAML with line numbers, validated against the Compose specification.

The Compose specification's JSON schema ships in parity/data (it is the
compose-spec project's schema, Apache-2.0), so a check needs no network.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

# Compose's own lookup order for the default file.
DEFAULT_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
MAX_SCHEMA_FINDINGS = 10


class ComposeSyntaxError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class ComposeFile:
    path: str  # as displayed, relative to the project root
    directory: (
        str  # the directory relative paths in it are relative to (repo-relative, "." for root)
    )
    data: Any
    lines: dict[tuple, int] = field(default_factory=dict)  # key path -> 1-based line

    def line_of(self, *path: Any) -> int:
        """The line of the deepest known node on `path` (1 when nothing on it is known)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line:
                return line
        return 1

    @property
    def services(self) -> dict[str, dict]:
        services = self.data.get("services") if isinstance(self.data, dict) else None
        if not isinstance(services, dict):
            return {}
        return {name: spec for name, spec in services.items() if isinstance(spec, dict)}


def _record_lines(node: Any, path: tuple, lines: dict[tuple, int]) -> None:
    import yaml

    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = getattr(key_node, "value", None)
            if key == "<<":
                continue  # merge keys: their lines stay with the anchor they came from
            lines[path + (key,)] = key_node.start_mark.line + 1
            _record_lines(value_node, path + (key,), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(item, path + (index,), lines)


def load(text: str, path: str, directory: str) -> ComposeFile:
    """Parse compose YAML; ComposeSyntaxError with a line when it is not YAML or not a mapping."""
    import yaml  # imported here: only checks that have a compose file pay for it

    try:
        data = yaml.safe_load(text)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        raise ComposeSyntaxError(line, f"not valid YAML: {error.problem or error}") from None
    except yaml.YAMLError as error:
        raise ComposeSyntaxError(1, f"not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ComposeSyntaxError(1, "a compose file must be a mapping with a 'services' key")
    compose = ComposeFile(path=path, directory=directory, data=data)
    if node is not None:
        _record_lines(node, (), compose.lines)
    return compose


def schema() -> dict:
    text = resources.files("parity").joinpath("data/compose-spec.schema.json").read_text("utf-8")
    return json.loads(text)


def schema_errors(compose: ComposeFile) -> list[tuple[int, str]]:
    """(line, message) for each way the file breaks the Compose specification."""
    import jsonschema
    from jsonschema.exceptions import best_match

    validator = jsonschema.Draft7Validator(schema())
    found = []
    for error in sorted(validator.iter_errors(compose.data), key=lambda e: list(map(str, e.path))):
        detail = best_match([error])
        path = list(detail.absolute_path)
        if detail.validator == "additionalProperties" and isinstance(detail.instance, dict):
            # Point at the unexpected key itself, not at the mapping that holds it.
            allowed = detail.schema.get("properties", {})
            patterns = detail.schema.get("patternProperties", {})
            extra = [
                key
                for key in detail.instance
                if key not in allowed and not any(re.search(p, str(key)) for p in patterns)
            ]
            path += extra[:1]
        where = "/".join(str(part) for part in path) or "(top level)"
        message = detail.message if len(detail.message) <= 160 else detail.message[:157] + "..."
        if detail.validator == "additionalProperties" and len(path) > len(detail.absolute_path):
            message = f"unknown key {path[-1]!r}; the Compose specification has no such setting"
        found.append((compose.line_of(*path), f"{where}: {message}"))
        if len(found) == MAX_SCHEMA_FINDINGS:
            break
    return found


@dataclass(frozen=True)
class BuildSpec:
    context: str  # repo-relative
    dockerfile: str  # repo-relative
    target: str | None


def build_spec(compose: ComposeFile, service: dict) -> BuildSpec | None:
    """Where a service builds from (repo-relative paths), or None when it uses an image only."""
    build = service.get("build")
    if build is None:
        return None
    if isinstance(build, str):
        context, dockerfile, target = build, "Dockerfile", None
    elif isinstance(build, dict):
        context = str(build.get("context", "."))
        dockerfile = str(build.get("dockerfile", "Dockerfile"))
        target = build.get("target")
    else:
        return None
    context_path = posixpath.normpath(posixpath.join(compose.directory, context))
    dockerfile_path = posixpath.normpath(posixpath.join(context_path, dockerfile))
    return BuildSpec(context_path, dockerfile_path, str(target) if target is not None else None)
