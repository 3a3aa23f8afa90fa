"""`.dockerignore` files, matched the way Docker matches them.

Docker's rules (moby/patternmatcher): patterns are cleaned paths relative to
the context root (a leading "/" is dropped), `*` and `?` do not cross "/",
`**` matches any number of directories, a line starting with `!` re-includes,
the last matching pattern wins, and a pattern that matches a directory
excludes everything below it.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Pattern:
    text: str  # as cleaned, without the leading "!"
    exclusion: bool  # a "!" line: re-include what matches
    line: int
    regex: re.Pattern[str]


def _translate(pattern: str) -> re.Pattern[str]:
    out = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "*":
            if pattern[index : index + 2] == "**":
                index += 2
                if pattern[index : index + 1] == "/":
                    index += 1
                    out.append("(?:.*/)?")  # **/ : zero or more directories
                else:
                    out.append(".*")
                continue
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                body = pattern[index + 1 : end].replace("\\", "\\\\")
                if body.startswith("^"):
                    body = "!" + body[1:]
                out.append("[" + ("^" + body[1:] if body.startswith("!") else body) + "]")
                index = end
        elif char == "\\" and index + 1 < len(pattern):
            index += 1
            out.append(re.escape(pattern[index]))
        else:
            out.append(re.escape(char))
        index += 1
    return re.compile("".join(out) + r"\Z")


def parse(text: str) -> list[Pattern]:
    patterns = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        exclusion = line.startswith("!")
        if exclusion:
            line = line[1:].strip()
        cleaned = posixpath.normpath(line).lstrip("/")
        if cleaned in ("", "."):
            cleaned = "."
        patterns.append(Pattern(cleaned, exclusion, number, _translate(cleaned)))
    return patterns


def _parents_and_self(path: str) -> list[str]:
    parts = path.strip("/").split("/")
    return ["/".join(parts[: index + 1]) for index in range(len(parts))]


def is_ignored(patterns: list[Pattern], path: str) -> bool:
    """Whether Docker leaves `path` (relative to the context root) out of the build context."""
    path = posixpath.normpath(path).lstrip("/")
    candidates = _parents_and_self(path)
    ignored = False
    for pattern in patterns:
        if pattern.text == ".":
            matched = True
        else:
            matched = any(pattern.regex.match(candidate) for candidate in candidates)
        if matched:
            ignored = not pattern.exclusion
    return ignored


def matching_line(patterns: list[Pattern], path: str) -> int | None:
    """The line of the last pattern that decides `path` is ignored, if it is."""
    path = posixpath.normpath(path).lstrip("/")
    candidates = _parents_and_self(path)
    decided: Pattern | None = None
    for pattern in patterns:
        if pattern.text == "." or any(pattern.regex.match(c) for c in candidates):
            decided = pattern
    return decided.line if decided and not decided.exclusion else None
