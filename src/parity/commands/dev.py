"""`parity dev`: build the dev image and run it with the source bind-mounted, as the host user."""

from __future__ import annotations

from parity.runtime import (
    add_docker_arguments,
    add_env_arguments,
    code_root,
    context_from,
    dev_run_spec,
    docker_from,
    env_files,
    env_pairs,
)


def register(parser):
    add_docker_arguments(parser)
    add_env_arguments(parser, "PATH/.env when present")
    parser.add_argument("--port", type=int, help="port on 127.0.0.1 (default: the image's port)")
    parser.add_argument(
        "--user", help="UID:GID in the container (default: yours, so files it writes are yours)"
    )
    parser.add_argument("--no-build", action="store_true", help="run the existing <project>:dev")


def run(args) -> int:
    context = context_from(args)
    docker = docker_from(args)
    source = code_root(context.root)
    image = context.image("dev")
    if not args.no_build:
        context.build(docker, "dev")
    spec = dev_run_spec(
        docker,
        image,
        source,
        name=context.container_name("dev"),
        port=args.port,
        user=args.user,
        env_files=env_files(args, context.root),
        env=env_pairs(args.env),
    )
    port = spec.ports[0][0]
    print(
        f"parity dev: {image} with {source} at http://127.0.0.1:{port}/ (Ctrl-C stops)", flush=True
    )
    return docker.run_foreground(spec)
