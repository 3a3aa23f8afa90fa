"""The fixture projects parity can dockerize (others exist to be refused)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
EXAMPLE = REPO / "examples" / "notes"

# Fixtures that exist to make parity refuse with one clear line.
REFUSED = frozenset(
    {"layout_ambiguous", "layout_none", "settings_no_default", "settings_syntax_error"}
)

PROJECTS = sorted(
    p.name
    for p in FIXTURES.iterdir()
    if p.name.startswith(("deps_", "e2e_", "layout_", "settings_")) and p.name not in REFUSED
)
