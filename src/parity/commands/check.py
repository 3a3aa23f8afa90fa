"""`parity check`: lint a Django project's Dockerfile, .dockerignore and compose file."""

from __future__ import annotations

import sys
from pathlib import Path

from parity.errors import UsageError

FORMATS = ("text", "json", "sarif")
THRESHOLDS = ("error", "warning", "never")


def register(parser):
    parser.add_argument(
        "path", nargs="?", default=".", help="project directory or Dockerfile (default: .)"
    )
    parser.add_argument(
        "--dockerfile", metavar="FILE", help="the Dockerfile to check (default: PATH/Dockerfile)"
    )
    parser.add_argument(
        "--compose",
        metavar="FILE",
        help="the compose file to check (default: PATH/compose.yaml and friends)",
    )
    parser.add_argument("--format", default="text", help="text, json or sarif (default: text)")
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="CODES",
        help="only these rules, e.g. DP3,DP601",
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODES",
        help="skip these rules, e.g. DP308",
    )
    parser.add_argument(
        "--fail-on",
        default="error",
        help="exit 1 when a finding this severe or worse exists: error, warning or never"
        " (default: error)",
    )
    parser.add_argument(
        "--output", metavar="FILE", help="write the report to FILE instead of standard output"
    )


def _write_report(path: str, text: str) -> None:
    """Write the whole report or nothing: CI must never upload half a SARIF file."""
    from parity.files import write_file

    try:
        write_file(Path(path), text)
    except OSError as error:
        raise UsageError(f"--output {path}: cannot write ({error.strerror or error})") from None


def run(args) -> int:
    if args.format not in FORMATS:
        raise UsageError(f"--format {args.format}: choose one of {', '.join(FORMATS)}")
    if args.fail_on not in THRESHOLDS:
        raise UsageError(f"--fail-on {args.fail_on}: choose one of {', '.join(THRESHOLDS)}")

    # Imported here so `parity --help` stays fast.
    from parity.lint.engine import resolve_codes, run_check
    from parity.lint.findings import at_or_above
    from parity.lint.report import as_json, text
    from parity.lint.sarif import sarif

    result = run_check(
        args.path,
        dockerfile=args.dockerfile,
        compose=args.compose,
        select=resolve_codes(args.select, "--select"),
        ignore=resolve_codes(args.ignore, "--ignore"),
    )
    report = {"text": text, "json": as_json, "sarif": sarif}[args.format](result)
    if args.output:
        _write_report(args.output, report)
    else:
        sys.stdout.write(report)
    if args.fail_on == "never":
        return 0
    return 1 if any(at_or_above(f.severity, args.fail_on) for f in result.findings) else 0
