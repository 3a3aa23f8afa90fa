"""tomllib, or tomli on Python 3.10: imported by each reader when it reads, since many
projects have no TOML file and a `parity` process should not pay for the import."""

from __future__ import annotations

from types import ModuleType


def tomllib() -> ModuleType:
    try:
        import tomllib as module
    except ModuleNotFoundError:  # Python 3.10
        import tomli as module  # type: ignore[no-redef]
    return module
