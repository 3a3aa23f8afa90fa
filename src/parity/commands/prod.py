"""`parity prod`: build the prod image and run it as production would."""

from __future__ import annotations

from parity.runtime import (
    add_docker_arguments,
    add_env_arguments,
    context_from,
    docker_from,
    env_files,
    env_pairs,
    prod_run_spec,
)


def register(parser):
    add_docker_arguments(parser)
    add_env_arguments(parser, "PATH/.env when present")
    parser.add_argument("--port", type=int, help="port on 127.0.0.1 (default: the image's port)")
    parser.add_argument("--no-build", action="store_true", help="run the existing <project>:prod")


def run(args) -> int:
    context = context_from(args)
    docker = docker_from(args)
    image = context.image("prod")
    if not args.no_build:
        context.build(docker, "prod")
    spec = prod_run_spec(
        docker,
        image,
        name=context.container_name("prod"),
        port=args.port,
        env_files=env_files(args, context.root),
        env=env_pairs(args.env),
    )
    port = spec.ports[0][0]
    print(f"parity prod: {image} at http://127.0.0.1:{port}/ (Ctrl-C stops)", flush=True)
    return docker.run_foreground(spec)
