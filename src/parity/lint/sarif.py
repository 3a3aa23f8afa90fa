"""SARIF 2.1.0 output, the format GitHub code scanning reads to show findings inline."""

from __future__ import annotations

import json
from pathlib import PurePosixPath

from parity import __version__
from parity.lint.engine import CheckResult
from parity.lint.findings import DOCS_URL, RULES

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _uri(path: str) -> str:
    # Paths outside the project stay absolute (file URIs); the rest are relative to %SRCROOT%.
    pure = PurePosixPath(path)
    return pure.as_uri() if pure.is_absolute() else str(pure)


def sarif(result: CheckResult) -> str:
    rules = sorted(RULES.values(), key=lambda r: r.code)
    index = {rule.code: position for position, rule in enumerate(rules)}
    results = []
    for finding in result.findings:
        location = {
            "artifactLocation": {"uri": _uri(finding.path)},
            "region": {"startLine": finding.line or 1},
        }
        if not PurePosixPath(finding.path).is_absolute():
            location["artifactLocation"]["uriBaseId"] = "%SRCROOT%"
        if finding.source.strip():
            location["region"]["snippet"] = {"text": finding.source}
        results.append(
            {
                "ruleId": finding.code,
                "ruleIndex": index[finding.code],
                "level": LEVELS[finding.severity],
                "message": {"text": f"{finding.message}. Fix: {finding.fix}"},
                "locations": [{"physicalLocation": location}],
            }
        )
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "django-parity",
                        "version": __version__,
                        "informationUri": DOCS_URL,
                        "rules": [
                            {
                                "id": rule.code,
                                "name": rule.code,
                                "shortDescription": {"text": rule.title},
                                "fullDescription": {"text": f"{rule.title}. {rule.fix}"},
                                "help": {"text": rule.fix},
                                "helpUri": rule.help_uri,
                                "defaultConfiguration": {"level": LEVELS[rule.severity]},
                                "properties": {"tags": ["docker", "django"]},
                            }
                            for rule in rules
                        ],
                    }
                },
                "originalUriBaseIds": {"%SRCROOT%": {"uri": result.root.resolve().as_uri() + "/"}},
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2) + "\n"
