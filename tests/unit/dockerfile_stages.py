"""A small reader for the Dockerfiles parity generates, for semantic test assertions."""

from __future__ import annotations

import json


def instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) for each instruction, continuation lines joined, comments dropped."""
    result, pending = [], ""
    for line in text.splitlines():
        stripped = line.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        full = (pending + stripped).strip()
        pending = ""
        keyword, _, rest = full.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


def stages(text: str) -> dict[str, dict]:
    """Stage name → {"from": parent, "steps": [(KEYWORD, args), ...]} in file order."""
    found: dict[str, dict] = {}
    current = None
    for keyword, args in instructions(text):
        if keyword == "FROM":
            parts = args.split()
            name = parts[2].lower() if len(parts) >= 3 and parts[1].upper() == "AS" else parts[0]
            current = found.setdefault(name, {"from": parts[0], "steps": []})
        elif current is not None:
            current["steps"].append((keyword, args))
    return found


def exec_form(args: str) -> list[str]:
    return json.loads(args)


def step_args(stage: dict, keyword: str) -> list[str]:
    return [args for kw, args in stage["steps"] if kw == keyword]
