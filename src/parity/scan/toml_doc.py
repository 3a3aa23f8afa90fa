"""TOML files (pyproject.toml, Pipfile, lock files) read safely, with line numbers for facts.

tomllib gives values but not where they are; `TomlDoc.line_of` finds the line
a key or a value was written on, so facts read from TOML can name their line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parity import toml_compat
from parity.errors import ScanError
from parity.scan.files import read_text

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


@dataclass(frozen=True)
class TomlDoc:
    path: str  # repo-relative
    text: str
    data: dict[str, Any]

    def table(self, *keys: str) -> dict[str, Any]:
        """The nested table at keys, or {} when any level is missing or not a table."""
        value: Any = self.data
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return value if isinstance(value, dict) else {}

    def line_of(self, section: str | None, needle: str, *, key: bool = False) -> int | None:
        """The first line under `[section]` (or anywhere, if not found there) holding needle.

        key=True looks for `needle =` (a bare or quoted key); otherwise for the
        quoted string value `"needle"` or `'needle'`.
        """
        if key:
            pattern = re.compile(
                r"^\s*(?:" + re.escape(needle) + r"|[\"']" + re.escape(needle) + r"[\"'])\s*="
            )
        else:
            pattern = re.compile(r"[\"']" + re.escape(needle) + r"[\"']")
        lines = self.text.splitlines()
        start = 0
        end = len(lines)
        if section is not None:
            found = self._section_span(lines, section)
            if found:
                start, end = found
        for number in range(start, end):
            if pattern.search(lines[number]):
                return number + 1
        if section is not None and start > 0:
            return self.line_of(None, needle, key=key)
        return None

    def section_line(self, section: str) -> int | None:
        found = self._section_span(self.text.splitlines(), section)
        return found[0] if found else None

    @staticmethod
    def _section_span(lines: list[str], section: str) -> tuple[int, int] | None:
        """(first line after the header, index of the next header) for [section], 0-based."""
        wanted = _normalize_header(section)
        for index, line in enumerate(lines):
            match = _HEADER.match(line)
            if match and _normalize_header(match.group(1)) == wanted:
                for after in range(index + 1, len(lines)):
                    if _HEADER.match(lines[after]):
                        return index + 1, after
                return index + 1, len(lines)
        return None


def _normalize_header(header: str) -> str:
    return ".".join(part.strip().strip("\"'") for part in header.split("."))


def load_toml(root: Path, rel: str) -> TomlDoc:
    """The parsed TOML file, or one ScanError line naming the file and where it stops parsing."""
    text = read_text(root, rel)
    tomllib = toml_compat.tomllib()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ScanError(f"{rel}: is not valid TOML ({error}); fix it and run again") from None
    return TomlDoc(rel, text, data)
