"""Production and development dependencies, for every common manager. (Stub: to be built.)"""

from __future__ import annotations

from pathlib import Path

from parity.model import Dependencies


def read_dependencies(root: Path, code_root: str) -> Dependencies:
    raise NotImplementedError
