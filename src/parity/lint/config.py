"""`[tool.parity.check]` in the project's pyproject.toml: stage names and rules to ignore.

[tool.parity.check]
dev-stage = "local"              # or a list of accepted names
prod-stage = ["production", "release"]
ignore = ["DP308"]
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from parity import toml_compat
from parity.errors import ParityError

DEV_STAGE_NAMES = ("dev", "development", "local")
PROD_STAGE_NAMES = ("prod", "production")
KEYS = ("dev-stage", "prod-stage", "ignore")


@dataclass(frozen=True)
class CheckConfig:
    dev_stages: tuple[str, ...] = DEV_STAGE_NAMES
    prod_stages: tuple[str, ...] = PROD_STAGE_NAMES
    ignore: tuple[str, ...] = ()
    source: str | None = None  # the file it came from


def _names(value: object, key: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
        raise ParityError(f"{where}: [tool.parity.check] {key} must be a name or a list of names")
    return tuple(v.lower() for v in value)


def read_config(root: Path | None) -> CheckConfig:
    """The check settings of the project at `root` (defaults when there are none)."""
    if root is None or not (root / "pyproject.toml").is_file():
        return CheckConfig()
    path = root / "pyproject.toml"
    where = "pyproject.toml"
    tomllib = toml_compat.tomllib()
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ParityError(
            f"{where}: cannot read it ({error}); fix it or run from another directory"
        ) from None
    section = data.get("tool", {}).get("parity", {}).get("check")
    if section is None:
        return CheckConfig()
    if not isinstance(section, dict):
        raise ParityError(f"{where}: [tool.parity.check] must be a table")
    unknown = sorted(set(section) - set(KEYS))
    if unknown:
        raise ParityError(
            f"{where}: unknown key {unknown[0]!r} in [tool.parity.check] (known: {', '.join(KEYS)})"
        )
    defaults = CheckConfig()
    ignore = section.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(code, str) for code in ignore):
        raise ParityError(f"{where}: [tool.parity.check] ignore must be a list of rule codes")
    return CheckConfig(
        dev_stages=_names(section["dev-stage"], "dev-stage", where)
        if "dev-stage" in section
        else defaults.dev_stages,
        prod_stages=_names(section["prod-stage"], "prod-stage", where)
        if "prod-stage" in section
        else defaults.prod_stages,
        ignore=tuple(code.upper() for code in ignore),
        source=where,
    )
