"""Rules and the findings they produce.

A rule is a small function registered with `@rule(...)`: it receives the
CheckContext and yields Findings. Its code, severity and title are stable:
users select, ignore and suppress rules by code, and SARIF consumers key on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

SEVERITIES = ("info", "warning", "error")  # in increasing order
DOCS_URL = "https://github.com/django-parity/django-parity/blob/main/docs/rules.md"


@dataclass(frozen=True)
class Rule:
    code: str  # e.g. "DP301"
    severity: str  # error, warning or info
    title: str  # one line: what is wrong
    fix: str  # one line: what to do
    check: Callable[..., Iterable[Finding]] | None = None

    @property
    def help_uri(self) -> str:
        return f"{DOCS_URL}#{self.code.lower()}"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str
    path: str  # as shown to the user, relative to the project root where possible
    line: int | None  # 1-based; None when it is about the file as a whole
    fix: str
    source: str = ""  # the offending line's text

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.code)

    def to_data(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "fix": self.fix,
            "source": self.source,
        }


RULES: dict[str, Rule] = {}


def rule(code: str, severity: str, title: str, fix: str):
    """Register a check function under a stable code."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}")

    def register(function: Callable[..., Iterable[Finding]]):
        if code in RULES:
            raise ValueError(f"rule {code} registered twice")
        RULES[code] = Rule(code, severity, title, fix, function)
        return function

    return register


def declare(code: str, severity: str, title: str, fix: str) -> None:
    """A rule the engine raises itself (read and parse errors), not a check function."""
    RULES[code] = Rule(code, severity, title, fix)


def at_or_above(severity: str, threshold: str) -> bool:
    return SEVERITIES.index(severity) >= SEVERITIES.index(threshold)


declare(
    "DP001",
    "error",
    "The file cannot be read or parsed",
    "Fix the syntax error at the line shown (docker build would fail there too).",
)
