"""DP003: what parses but does not mean what it looks like."""

from __future__ import annotations

from parity.lint.findings import rule


@rule(
    "DP003",
    "warning",
    "Looks like exec form but is not a valid JSON array, so it runs through /bin/sh -c",
    'Write a JSON array of double-quoted strings, e.g. CMD ["gunicorn", "mysite.wsgi"].',
)
def malformed_exec_form(ctx):
    if ctx.dockerfile is None:
        return
    for instruction in ctx.dockerfile.instructions:
        if instruction.malformed_json:
            yield ctx.finding(
                "DP003",
                instruction.line,
                f"{instruction.keyword} looks like exec form but is not a valid JSON array"
                " (single quotes? a missing comma?), so Docker runs it through /bin/sh -c",
            )
