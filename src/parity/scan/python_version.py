"""Which Python the project wants. (Stub: to be built.)"""

from __future__ import annotations

from pathlib import Path

from parity.model import Fact

DEFAULT_PYTHON = "3.13"


def read_python_version(root: Path, code_root: str) -> Fact[str]:
    raise NotImplementedError
