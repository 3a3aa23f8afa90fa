"""Step timings from BuildKit's `--progress=plain` output: where a build spends its time."""

from __future__ import annotations

import re
from dataclasses import dataclass

_STEP_NAME = re.compile(r"^#(\d+) (\[.+\] .*|exporting to image|exporting layers.*)$")
_STEP_DONE = re.compile(r"^#(\d+) DONE (\d+(?:\.\d+)?)s$")
_STEP_CACHED = re.compile(r"^#(\d+) CACHED$")


@dataclass(frozen=True)
class BuildStep:
    name: str  # e.g. "[prod 3/5] RUN pip install gunicorn==20.1.0"
    seconds: float
    cached: bool = False


def parse_plain_progress(text: str) -> list[BuildStep]:
    """Every named step with its duration, in the order BuildKit finished them."""
    names: dict[str, str] = {}
    steps: list[BuildStep] = []
    for line in text.splitlines():
        line = line.rstrip()
        if match := _STEP_NAME.match(line):
            names.setdefault(match.group(1), _short(match.group(2)))
        elif match := _STEP_DONE.match(line):
            name = names.get(match.group(1))
            if name and not name.startswith("[internal]"):
                steps.append(BuildStep(name, float(match.group(2))))
        elif match := _STEP_CACHED.match(line):
            name = names.get(match.group(1))
            if name:
                steps.append(BuildStep(name, 0.0, cached=True))
    return steps


def _short(name: str) -> str:
    """A step as a reader scans it: mount flags dropped, whitespace collapsed."""
    return " ".join(re.sub(r"--mount=\S+", "", name).split())


def slowest(steps: list[BuildStep], count: int = 5) -> list[BuildStep]:
    return sorted((s for s in steps if not s.cached), key=lambda s: s.seconds, reverse=True)[:count]
