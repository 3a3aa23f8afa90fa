"""Text and JSON output of a check."""

from __future__ import annotations

import json
from itertools import groupby

from parity import __version__
from parity.lint.engine import CheckResult
from parity.lint.findings import SEVERITIES, Finding

MAX_SHOWN = 120  # characters of the offending line shown under a finding


def summary(findings: list[Finding]) -> dict[str, int]:
    return {
        severity: sum(1 for f in findings if f.severity == severity)
        for severity in reversed(SEVERITIES)
    }


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def text(result: CheckResult) -> str:
    out: list[str] = []
    findings = result.findings
    for path, group in groupby(findings, key=lambda f: f.path):
        out.append(path)
        for finding in group:
            where = f"{finding.line}" if finding.line else "-"
            out.append(f"  {where:>4}  {finding.severity:<7}  {finding.code}  {finding.message}")
            if finding.source.strip():
                shown = finding.source.strip()
                shown = shown if len(shown) <= MAX_SHOWN else shown[: MAX_SHOWN - 3] + "..."
                out.append(f"        | {shown}")
            out.append(f"        fix: {finding.fix}")
        out.append("")
    counts = summary(findings)
    if findings:
        parts = [_plural(n, s) for s, n in counts.items() if n]
        out.append(
            f"{_plural(len(findings), 'finding')} ({', '.join(parts)}) in {', '.join(result.files)}"
        )
    else:
        out.append(f"No findings in {', '.join(result.files)}")
    return "\n".join(out) + "\n"


def as_json(result: CheckResult) -> str:
    data = {
        "tool": "django-parity",
        "version": __version__,
        "files": result.files,
        "findings": [f.to_data() for f in result.findings],
        "summary": summary(result.findings),
    }
    return json.dumps(data, indent=2) + "\n"
