"""`parity verify`: build, run and check every dev/prod promise; a table or JSON."""

from __future__ import annotations

import sys

from parity.runtime import (
    add_docker_arguments,
    add_env_arguments,
    context_from,
    docker_from,
    env_files,
    env_pairs,
)
from parity.verify import VerifyOptions, verify
from parity.verify_checks import table


def register(parser):
    add_docker_arguments(parser)
    add_env_arguments(parser, "PATH/.env when present")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--path", dest="page", default="/", help="the page prod must answer (default: /)"
    )
    parser.add_argument(
        "--host",
        default="localhost",
        help="Host header, one ALLOWED_HOSTS accepts (default: localhost)",
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds prod may take to answer (default: 60)"
    )
    parser.add_argument(
        "--strict", action="store_true", help="check --deploy warnings fail the check too"
    )
    parser.add_argument(
        "--verbose", "-v", action="store_true", help="stream the build output to stderr"
    )


def run(args) -> int:
    context = context_from(args)
    docker = docker_from(args)
    options = VerifyOptions(
        path=args.page if args.page.startswith("/") else "/" + args.page,
        host=args.host,
        timeout=args.timeout,
        strict=args.strict,
        env_files=env_files(args, context.root),
        env=env_pairs(args.env),
    )
    echo = (lambda line: print(line, file=sys.stderr, flush=True)) if args.verbose else None
    report = verify(context, docker, options, build_output=echo)
    print(report.to_json() if args.json else table(report.results))
    return 0 if report.ok else 1
