"""What the build/run commands need to know about a project, and the options they share.

A project here is its build context (the repository root, holding the
Dockerfile), the image repository its targets are tagged in (`<name>:<target>`),
and, for the commands that run the dev image, the code root that is bind-mounted.
"""

from __future__ import annotations

import argparse
import os
import secrets
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from parity.docker import BuildResult, Docker, RunSpec, client_from
from parity.errors import ParityError, UsageError

TARGETS = ("base", "dev", "prod")
DEFAULT_PORT = 8000


@dataclass(frozen=True)
class BuildContext:
    root: Path  # the repository root: the build context
    dockerfile: Path
    name: str  # image repository: targets are tagged <name>:<target>
    build_args: tuple[tuple[str, str], ...] = ()

    def image(self, target: str) -> str:
        return f"{self.name}:{target}"

    def build(
        self, docker: Docker, target: str | None, echo: Callable[[str], None] | None = None
    ) -> BuildResult:
        """Build one target, tagged <name>:<target>; None builds the last stage, untagged."""
        return docker.build(
            self.root,
            tag=self.image(target) if target else None,
            target=target,
            dockerfile=self.dockerfile,
            build_args=self.build_args,
            echo=echo,
        )

    def container_name(self, role: str) -> str:
        """A fresh container name, so two runs of the same project never collide."""
        return f"{self.name.replace('/', '-')}-{role}-{secrets.token_hex(3)}"


def add_docker_arguments(parser: argparse.ArgumentParser) -> None:
    """Options every command that talks to Docker accepts."""
    parser.add_argument(
        "path", nargs="?", default=".", help="the project (build context); default: ."
    )
    parser.add_argument(
        "--docker",
        metavar="CLIENT",
        help="Docker client binary (default: $PARITY_DOCKER or docker)",
    )
    parser.add_argument(
        "--network",
        metavar="NETWORK",
        default=os.environ.get("PARITY_NETWORK") or None,
        help="network for builds and containers, e.g. host (default: $PARITY_NETWORK)",
    )
    parser.add_argument(
        "--name",
        metavar="IMAGE",
        help="image repository (default: [tool.parity] name or the directory)",
    )
    parser.add_argument(
        "--file", "-f", metavar="DOCKERFILE", help="the Dockerfile (default: PATH/Dockerfile)"
    )
    parser.add_argument(
        "--build-arg",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="build argument for every build, e.g. PYTHON_IMAGE=python:3.12-slim (repeatable)",
    )


def add_env_arguments(parser: argparse.ArgumentParser, default_help: str) -> None:
    parser.add_argument(
        "--env-file",
        action="append",
        default=None,
        metavar="FILE",
        help=f"environment file for the container (repeatable; default: {default_help})",
    )
    parser.add_argument(
        "--env",
        "-e",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="one environment variable for the container (repeatable)",
    )


def docker_from(args: argparse.Namespace) -> Docker:
    docker = Docker(client=client_from(args.docker), network=args.network)
    docker.engine_version()  # one clear line now rather than a confusing failure later
    return docker


def context_from(args: argparse.Namespace) -> BuildContext:
    root = Path(args.path).resolve()
    if not root.is_dir():
        raise ParityError(f"{args.path}: no such directory")
    dockerfile = Path(args.file).resolve() if args.file else root / "Dockerfile"
    if not dockerfile.is_file():
        raise ParityError(f"{dockerfile}: no Dockerfile; write one with `parity init {args.path}`")
    return BuildContext(
        root=root,
        dockerfile=dockerfile,
        name=args.name or image_name(root),
        build_args=pairs(getattr(args, "build_arg", []), "--build-arg"),
    )


def image_name(root: Path) -> str:
    """The name saved in [tool.parity] (or parity.toml), else the Docker-safe directory name."""
    from parity import config
    from parity.scan import project_name

    return config.load_options(root).get("name") or project_name(root)


def code_root(root: Path) -> Path:
    """The directory holding manage.py: what the dev image expects bind-mounted."""
    from parity.scan import scan

    return (root / scan(root).code_root).resolve()


def env_files(args: argparse.Namespace, root: Path) -> tuple[str, ...]:
    """--env-file values, checked; else the project's .env when there is one."""
    if args.env_file:
        for name in args.env_file:
            if not Path(name).is_file():
                raise UsageError(f"--env-file {name}: no such file")
        return tuple(str(Path(name).resolve()) for name in args.env_file)
    default = root / ".env"
    return (str(default),) if default.is_file() else ()


def env_pairs(values: list[str]) -> tuple[tuple[str, str], ...]:
    return pairs(values, "--env")


def pairs(values: list[str], option: str) -> tuple[tuple[str, str], ...]:
    """NAME=VALUE option values as (name, value) pairs."""
    found = []
    for value in values:
        name, sep, setting = value.partition("=")
        if not sep or not name:
            raise UsageError(f"{option} {value}: expected NAME=VALUE")
        found.append((name, setting))
    return tuple(found)


def host_user() -> str:
    """The host user's UID:GID, so files the container writes in a bind mount are the user's."""
    return f"{os.getuid()}:{os.getgid()}"


def free_port() -> int:
    """A TCP port nothing listens on right now on 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def exposed_port(image_config: dict) -> int:
    """The first TCP port the image EXPOSEs (what the server listens on), else 8000."""
    ports = (image_config.get("Config") or {}).get("ExposedPorts") or {}
    for spec in sorted(ports):
        number, _, proto = spec.partition("/")
        if proto in ("", "tcp") and number.isdigit():
            return int(number)
    return DEFAULT_PORT


def command_on_port(command: list[str], container_port: int, port: int) -> list[str]:
    """The image's command with its listening port moved (runserver takes it as an argument)."""
    suffix = f":{container_port}"
    moved = [f"{arg[: -len(suffix)]}:{port}" if arg.endswith(suffix) else arg for arg in command]
    # `runserver` with no address listens on Django's default, 127.0.0.1:8000.
    if moved == command and container_port != port and command and command[-1] == "runserver":
        moved = [*command, f"0.0.0.0:{port}"]
    return moved


def dev_run_spec(
    docker: Docker,
    image: str,
    source: Path,
    *,
    name: str,
    port: int | None = None,
    user: str | None = None,
    env_files: tuple[str, ...] = (),
    env: tuple[tuple[str, str], ...] = (),
    command: tuple[str, ...] = (),
    detach: bool = False,
) -> RunSpec:
    """The dev container: the code root at the image's WORKDIR, the host user, the port."""
    inspected = docker.image_inspect(image)
    config = inspected.get("Config") or {}
    workdir = config.get("WorkingDir") or "/app"
    container_port = exposed_port(inspected)
    port = port or container_port
    if not command and docker.network == "host" and port != container_port:
        # The host network maps no ports: the server itself must listen on the port asked for.
        command = tuple(command_on_port(list(config.get("Cmd") or []), container_port, port))
    return RunSpec(
        image=image,
        name=name,
        command=command,
        detach=detach,
        interactive=not detach,
        init=True,  # runserver as PID 1 would ignore SIGTERM; docker-init passes it on
        network=docker.network,
        user=user or host_user(),
        env=(("PORT", str(port)), *env),
        env_files=env_files,
        mounts=((str(source), workdir),),
        ports=((port, container_port),),
    )


def prod_run_spec(
    docker: Docker,
    image: str,
    *,
    name: str,
    port: int | None = None,
    env_files: tuple[str, ...] = (),
    env: tuple[tuple[str, str], ...] = (),
    detach: bool = False,
) -> RunSpec:
    """The prod container as production runs it: its own entrypoint and command, PORT set."""
    container_port = exposed_port(docker.image_inspect(image))
    port = port or container_port
    # The generated gunicorn.conf.py binds $PORT; the published port maps to it.
    listen = port if docker.network == "host" else container_port
    return RunSpec(
        image=image,
        name=name,
        detach=detach,
        interactive=False,
        network=docker.network,
        env=(("PORT", str(listen)), *env),
        env_files=env_files,
        ports=((port, container_port),),
    )
