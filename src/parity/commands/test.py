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

HELP = "run the project's tests in the dev image (pytest if a dev dependency, else manage.py test)"


def register(parser):
    add_docker_arguments(parser)
    add_env_arguments(parser, "PATH/.env when present")
    parser.add_argument(
        "--user", help="UID:GID in the container (default: yours, so files it writes are yours)"
    )
    parser.add_argument("--no-build", action="store_true", help="use the existing <project>:dev")
    parser.add_argument(
        "test_args",
        nargs=argparse.REMAINDER,
        metavar="-- ARGS",
        help="arguments for the test runner, after --",
    )


def test_command(runner: str, extra: list[str]) -> tuple[str, ...]:
    if extra and extra[0] == "--":
        extra = extra[1:]
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
        docker.build(context.root, tag=image, target="dev", dockerfile=context.dockerfile)
    spec = dev_run_spec(
        docker,
        image,
        source,
        name=context.container_name("test"),
        user=args.user,
        env_files=env_files(args, context.root),
        env=env_pairs(args.env),
        command=test_command(project.test_runner.value, args.test_args),
    )
    spec = replace(spec, interactive=False, ports=())
    return docker.run_foreground(spec)
