"""Command-line entry point: parses arguments and hands each command to its module."""

from __future__ import annotations

import argparse
import importlib
import sys

from parity import __version__
from parity.errors import ParityError

# Each name is a module in parity.commands exposing register(parser) and run(args) -> int.
# Only the module of the command being run is imported: start-up stays fast.
COMMANDS = {
    "scan": "read a Django project without running it and explain what was found",
    "init": "write the Dockerfile (base/dev/prod), .dockerignore, compose.yaml and server config",
    "check": "lint a Dockerfile (and .dockerignore, compose file) against the dev/prod pattern",
    "build": "build the base, dev and prod targets with BuildKit and tag them <project>:<target>",
    "dev": "run the dev image, code root bind-mounted (live reload), as your user; Ctrl-C stops",
    "prod": "run the prod image as production would (migrate, then the server) with --env-file",
    "test": "run the project's tests in the dev image (pytest if installed, else manage.py test)",
    "verify": "build base, dev and prod, run them and prove each dev/prod promise",
}


def build_parser(wanted: str | None = None) -> tuple[argparse.ArgumentParser, dict]:
    """The parser, with the arguments of `wanted` (of every command when None)."""
    parser = argparse.ArgumentParser(
        prog="parity",
        description="One multi-stage Dockerfile for a Django project's development and production.",
    )
    parser.add_argument("--version", action="version", version=f"django-parity {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for name, help_text in COMMANDS.items():
        sub = subparsers.add_parser(name, help=help_text, description=help_text)
        if wanted in (None, name):
            modules[name] = importlib.import_module(f"parity.commands.{name}")
            modules[name].register(sub)
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    wanted = next((arg for arg in argv if not arg.startswith("-")), None)
    parser, modules = build_parser(wanted if wanted in COMMANDS else None)
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return modules[args.command].run(args)
    except ParityError as error:
        print(f"parity {args.command}: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print(f"parity {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
