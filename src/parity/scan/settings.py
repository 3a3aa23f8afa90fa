"""Django settings read from the AST, never imported. (Stub: to be built.)"""

from __future__ import annotations

from pathlib import Path

from parity.model import Settings


def read_settings(
    root: Path, code_root: str, manage_py: str, settings_override: str | None = None
) -> Settings:
    raise NotImplementedError
