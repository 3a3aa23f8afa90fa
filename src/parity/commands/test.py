"""`parity test`: the project's tests inside the dev image, with the source bind-mounted."""

from __future__ import annotations

import argparse
from dataclasses import replace

from parity.runtime import (
    add_docker_arguments,
    add_env_arguments,
    context_from,
    dev_run_spec,
    docker_from,
    env_files,
    env_pairs,
)


def register(parser):
    add_docker_arguments(parser)
    add_env_arguments(parser, "PATH/.env when present")
    parser.add_argument(
        "--user", help="UID:GID in the container (default: yours, so files it writes are yours)"
    )
    parser.add_argument("--no-build", action="store_true", help="use the existing <project>:dev")
    parser.epilog = "Arguments after -- go to the test runner: parity test . -- -k views -x"
    split_at_double_dash(parser)


def split_at_double_dash(parser: argparse.ArgumentParser) -> None:
    """Everything after the first `--` becomes args.test_args, untouched by argparse.

    argparse cannot mix an optional PATH, options after it and a pass-through
    tail, so this parser splits its own arguments before parsing them.
    """
    parse_known_args = parser.parse_known_args

    def split_then_parse(args=None, namespace=None):
        args = list(args or [])
        tail: list[str] = []
        if "--" in args:
            cut = args.index("--")
            args, tail = args[:cut], args[cut + 1 :]
        namespace, extras = parse_known_args(args, namespace)
        namespace.test_args = tail
        return namespace, extras

    parser.parse_known_args = split_then_parse


def runner_command(runner: str, extra: list[str]) -> tuple[str, ...]:
    if runner == "pytest":
        return ("python", "-m", "pytest", *extra)
    return ("python", "manage.py", "test", *extra)


def run(args) -> int:
    from parity.scan import scan

    context = context_from(args)
    docker = docker_from(args)
    project = scan(context.root)
    source = (context.root / project.code_root).resolve()
    image = context.image("dev")
    if not args.no_build:
        context.build(docker, "dev")
    spec = dev_run_spec(
        docker,
        image,
        source,
        name=context.container_name("test"),
        user=args.user,
        env_files=env_files(args, context.root),
        env=env_pairs(args.env),
        command=runner_command(project.test_runner.value, args.test_args),
    )
    spec = replace(spec, interactive=False, ports=())
    return docker.run_foreground(spec)
