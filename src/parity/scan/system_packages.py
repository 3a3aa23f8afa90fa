"""Debian packages the dependencies need, as a data table. (Stub: to be built.)"""

from __future__ import annotations

from parity.model import Dependencies, Settings, SystemNeed


def system_needs(dependencies: Dependencies, settings: Settings) -> tuple[SystemNeed, ...]:
    raise NotImplementedError
