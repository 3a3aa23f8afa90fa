"""`parity build`: build the Dockerfile's targets and tag them <project>:<target>."""

from __future__ import annotations

from parity.runtime import TARGETS, add_docker_arguments, context_from, docker_from


def register(parser):
    add_docker_arguments(parser)
    parser.add_argument(
        "--target",
        choices=(*TARGETS, "all"),
        default="all",
        help="which target to build (default: all three)",
    )


def run(args) -> int:
    context = context_from(args)
    docker = docker_from(args)
    targets = TARGETS if args.target == "all" else (args.target,)
    for target in targets:
        result = context.build(docker, target)
        print(f"built {result.tag} in {result.seconds:.1f}s ({result.image_id[7:19]})")
    return 0
