"""DP601-DP602: secrets baked into the image."""

from __future__ import annotations

import posixpath
import re

from parity.lint.dockerfile import arg_definitions
from parity.lint.dockerignore import is_ignored
from parity.lint.findings import rule

SECRET_NAME = re.compile(
    r"(^|_)(SECRET|SECRET_KEY|PASSWORD|PASSWD|PASS|TOKEN|API_KEY|APIKEY|ACCESS_KEY|PRIVATE_KEY"
    r"|AUTH_KEY|CREDENTIALS?)($|_)",
    re.IGNORECASE,
)
NOT_SECRET_SUFFIX = re.compile(
    r"_(FILE|PATH|DIR|NAME|USER|USERNAME|LENGTH|URL_PATH)$", re.IGNORECASE
)
URL_WITH_PASSWORD = re.compile(r"://[^/\s:@]+:[^/\s@]+@")
ENV_FILE = re.compile(r"^\.env(\.[^/]+)?$")
SAMPLE_SUFFIX = re.compile(r"\.(example|sample|template|dist|defaults?)$")


def _env_pairs(args: str) -> list[tuple[str, str]]:
    """NAME/value pairs of an ENV instruction (NAME=value or the legacy NAME value form)."""
    pairs = arg_definitions(args)
    if pairs and pairs[0][1] is None and "=" not in args.split()[0]:
        name, _, value = args.strip().partition(" ")
        return [(name, value.strip())]
    return [(name, value or "") for name, value in pairs]


def is_secret(name: str, value: str | None) -> bool:
    if value and URL_WITH_PASSWORD.search(value):
        return True
    return bool(SECRET_NAME.search(name)) and not NOT_SECRET_SUFFIX.search(name)


@rule(
    "DP601",
    "error",
    "A secret in ENV or ARG is stored in the image (layers and history)",
    "Pass secrets at run time (docker run -e, compose env_file) and at build time with"
    " RUN --mount=type=secret; use a throwaway placeholder inline for collectstatic.",
)
def secret_in_env_or_arg(ctx):
    if ctx.dockerfile is None:
        return
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword == "ENV":
            for name, value in _env_pairs(instruction.args):
                if value and is_secret(name, value):
                    yield ctx.finding(
                        "DP601",
                        instruction.line,
                        f"ENV {name} puts a secret into the image: anyone who can pull it"
                        " can read it",
                    )
        elif instruction.keyword == "ARG":
            for name, value in arg_definitions(instruction.args):
                if is_secret(name, value):
                    yield ctx.finding(
                        "DP601",
                        instruction.line,
                        f"ARG {name} is a secret: build arguments are recorded in the"
                        " image history",
                    )


def _env_files_under(ctx, directory: str) -> list[str]:
    base = ctx.root / directory
    try:
        names = sorted(entry.name for entry in base.iterdir() if entry.is_file())
    except OSError:
        return []
    return [
        posixpath.normpath(posixpath.join(directory, name))
        for name in names
        if ENV_FILE.match(name) and not SAMPLE_SUFFIX.search(name)
    ]


@rule(
    "DP602",
    "error",
    "A .env file is copied into the image",
    "Keep .env files out of the image: add `.env*` (and `!.env.example`) to .dockerignore and pass"
    " the values at run time.",
)
def env_file_copied(ctx):
    if ctx.dockerfile is None:
        return
    patterns = ctx.dockerignore or []
    for instruction in ctx.dockerfile.instructions:
        for source in ctx.copy_sources(instruction):
            name = posixpath.basename(source.rstrip("/"))
            if ENV_FILE.match(name) and not SAMPLE_SUFFIX.search(name):
                yield ctx.finding(
                    "DP602",
                    instruction.line,
                    f"{instruction.keyword} {source} puts a .env file into the image",
                )
                break
            if ctx.is_source_path(source) and (ctx.root / source).is_dir():
                leaked = [p for p in _env_files_under(ctx, source) if not is_ignored(patterns, p)]
                if leaked:
                    yield ctx.finding(
                        "DP602",
                        instruction.line,
                        f"{instruction.keyword} {source} copies {leaked[0]} into the image"
                        " (.dockerignore does not exclude it)",
                    )
                    break
