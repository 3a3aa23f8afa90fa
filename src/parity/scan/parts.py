"""The other parts of a project: ASGI, Celery, front-end build, existing Docker files, test runner.
(Stub: to be built.)"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from parity.model import Dependencies, Fact, Frontend, Settings


@dataclass(frozen=True)
class Parts:
    is_asgi: Fact[bool] = field(default_factory=lambda: Fact(False))
    celery_app: Fact[str | None] = field(default_factory=lambda: Fact(None))
    frontend: Frontend | None = None
    dockerfile: Fact[str | None] = field(default_factory=lambda: Fact(None))
    dockerignore: Fact[str | None] = field(default_factory=lambda: Fact(None))
    compose_file: Fact[str | None] = field(default_factory=lambda: Fact(None))
    test_runner: Fact[str] = field(default_factory=lambda: Fact("django"))
    notes: tuple[str, ...] = ()


def read_parts(
    root: Path, code_root: str, dependencies: Dependencies, settings: Settings
) -> Parts:
    raise NotImplementedError
