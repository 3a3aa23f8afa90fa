"""Arguments several commands share: the project path and how to find its parts."""

from __future__ import annotations

from dataclasses import asdict

from parity.errors import UsageError
from parity.plan import Options


def add_project_options(parser) -> None:
    parser.add_argument("path", nargs="?", default=".", help="the repository root (default: .)")
    parser.add_argument("--manage", metavar="PATH", help="manage.py to use when there are several")
    parser.add_argument("--settings", metavar="MODULE", help="DJANGO_SETTINGS_MODULE to use")


def options_from_args(args) -> Options:
    """The Options given on the command line (None where a flag was not given), checked."""
    options = Options(
        name=getattr(args, "name", None),
        python=getattr(args, "python", None),
        base_image=getattr(args, "base_image", None),
        installer=getattr(args, "installer", None),
        uv_source=getattr(args, "uv_source", None),
        server=getattr(args, "server", None),
        port=getattr(args, "port", None),
        settings=getattr(args, "settings", None),
        manage=getattr(args, "manage", None),
    )
    from parity import config

    for name, value in asdict(options).items():
        problem = value is not None and config.option_problem(name, value)
        if problem:
            raise UsageError(f"--{name.replace('_', '-')}: {problem}")
    return options
