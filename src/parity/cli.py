"""Command-line entry point: parses arguments and hands each command to its module."""

from __future__ import annotations

import argparse
import importlib
import sys

from parity import __version__
from parity.errors import ParityError

# Each name is a module in parity.commands exposing HELP, register(parser) and run(args) -> int.
COMMANDS = ("scan", "init", "check", "build", "dev", "prod", "test", "verify")


def build_parser() -> tuple[argparse.ArgumentParser, dict]:
    parser = argparse.ArgumentParser(
        prog="parity",
        description="One multi-stage Dockerfile for a Django project's development and production.",
    )
    parser.add_argument("--version", action="version", version=f"django-parity {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for name in COMMANDS:
        module = importlib.import_module(f"parity.commands.{name}")
        sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
        module.register(sub)
        modules[name] = module
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    parser, modules = build_parser()
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
