"""Where manage.py is: the code root inside the repository. (Stub: to be built.)"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from parity.model import Fact


@dataclass(frozen=True)
class Layout:
    manage_py: Fact[str]  # repo-relative path of manage.py
    code_root: str  # repo-relative directory holding manage.py ("." at the root)


def find_layout(root: Path, manage: str | None = None) -> Layout:
    raise NotImplementedError
