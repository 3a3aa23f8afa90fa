"""DP501-DP503: the base image: pinned, slim, and the project's Python."""

from __future__ import annotations

import re

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from parity.lint.findings import rule

OFFICIAL_PYTHON = ("python", "library/python", "docker.io/library/python", "docker.io/python")


def _external_stages(ctx):
    """Stages built FROM an image (not another stage), with the image reference resolved."""
    for stage in ctx.stages:
        if stage.parent is None and stage.image and stage.image.lower() != "scratch":
            yield stage


def split_reference(image: str) -> tuple[str, str | None, str | None]:
    """(repository, tag, digest) of an image reference."""
    image, _, digest = image.partition("@")
    slash = image.rfind("/")
    colon = image.rfind(":")
    if colon > slash:
        return image[:colon], image[colon + 1 :], digest or None
    return image, None, digest or None


def _shown(stage) -> str:
    return stage.image if stage.image == stage.base else f"{stage.base} (= {stage.image})"


@rule(
    "DP501",
    "warning",
    "Base image not pinned to a version",
    "Name a version tag (python:3.12-slim-bookworm), or a digest for fully repeatable builds.",
)
def unpinned_image(ctx):
    for stage in _external_stages(ctx):
        repository, tag, digest = split_reference(stage.image)
        if digest is None and tag in (None, "latest"):
            yield ctx.finding(
                "DP501",
                stage.line,
                f"base image {_shown(stage)} has {'the tag latest' if tag else 'no tag'}:"
                " every build may get a different image",
            )


@rule(
    "DP502",
    "warning",
    "Base image is the full Python image rather than -slim",
    "Use the -slim variant (python:3.12-slim-bookworm) and install the few OS packages you need.",
)
def not_slim(ctx):
    for stage in _external_stages(ctx):
        repository, tag, _ = split_reference(stage.image)
        if (
            repository.lower() in OFFICIAL_PYTHON
            and tag
            and "slim" not in tag
            and "alpine" not in tag
        ):
            yield ctx.finding(
                "DP502",
                stage.line,
                f"base image {_shown(stage)} is the full image (about 1 GB with compilers);"
                " the -slim variant is a fraction of it",
            )


@rule(
    "DP503",
    "warning",
    "The image's Python version differs from the project's",
    "Use the Python version the project declares in the FROM tag (or change the declaration).",
)
def python_mismatch(ctx):
    wanted, spec = ctx.facts.python, ctx.facts.python_spec
    if not wanted and not spec:
        return
    for stage in _external_stages(ctx):
        repository, tag, _ = split_reference(stage.image)
        match = re.match(r"^(\d+)\.(\d+)(?:\.(\d+))?", tag or "")
        if repository.lower() not in OFFICIAL_PYTHON or not match:
            continue
        found = f"{match.group(1)}.{match.group(2)}"
        if spec:
            try:
                specifier = SpecifierSet(spec)
                # python:3.11 is some 3.11.x: it fits when any patch release does.
                patches = [match.group(3)] if match.group(3) else [str(n) for n in range(40)]
                allowed = any(specifier.contains(Version(f"{found}.{p}")) for p in patches)
            except InvalidSpecifier:
                continue
            if allowed:
                continue
            required = f"Python {spec} (requires-python)"
        elif found != wanted:
            origin = f" ({ctx.facts.python_origin})" if ctx.facts.python_origin else ""
            required = f"{wanted}{origin}"
        else:
            continue
        yield ctx.finding(
            "DP503",
            stage.line,
            f"base image has Python {found} but the project requires {required}",
        )
