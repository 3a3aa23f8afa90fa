"""DP401-DP404: apt and pip hygiene in RUN instructions."""

from __future__ import annotations

import re

from parity.lint.findings import rule
from parity.lint.shell import installs, simple_commands

APT = ("apt-get", "apt")


def _apt(commands, action: str) -> list:
    return [c for c in commands if c.name in APT and action in c.words[1:]]


def _runs(ctx):
    if ctx.dockerfile is None:
        return []
    return [i for i in ctx.dockerfile.instructions if i.keyword == "RUN"]


def _cache_mount(instruction, pattern: str) -> bool:
    return any(
        m.get("type") == "cache"
        and re.search(pattern, m.get("target", m.get("dst", m.get("destination", ""))))
        for m in instruction.mounts()
    )


@rule(
    "DP401",
    "warning",
    "apt-get update in a RUN without an install: its cached index goes stale",
    "Run `apt-get update && apt-get install -y --no-install-recommends ...` in one RUN.",
)
def update_alone(ctx):
    for instruction in _runs(ctx):
        commands = simple_commands(instruction.shell_text)
        if _apt(commands, "update") and not (
            _apt(commands, "install") or _apt(commands, "upgrade") or _apt(commands, "dist-upgrade")
        ):
            yield ctx.finding(
                "DP401",
                instruction.line,
                "apt-get update without an install in the same RUN: the layer is cached, so a"
                " later install uses a stale index (or fails)",
            )


@rule(
    "DP402",
    "warning",
    "apt-get install without --no-install-recommends",
    "Add --no-install-recommends: recommended packages are rarely needed and bloat the image.",
)
def install_recommends(ctx):
    for instruction in _runs(ctx):
        for command in _apt(simple_commands(instruction.shell_text), "install"):
            words = " ".join(command.words)
            if "--no-install-recommends" not in words and "Install-Recommends=false" not in words:
                yield ctx.finding(
                    "DP402",
                    instruction.line,
                    f"{command.words[0]} install without --no-install-recommends pulls in"
                    " recommended packages the app does not need",
                )
                break


@rule(
    "DP403",
    "warning",
    "apt package lists left in the image layer",
    "End the RUN with `rm -rf /var/lib/apt/lists/*`, or use cache mounts for /var/cache/apt and"
    " /var/lib/apt (after `rm -f /etc/apt/apt.conf.d/docker-clean`).",
)
def apt_lists_left(ctx):
    for instruction in _runs(ctx):
        commands = simple_commands(instruction.shell_text)
        if not _apt(commands, "update"):
            continue
        if _cache_mount(instruction, r"^/var/lib/apt(/lists)?/?$"):
            continue
        if re.search(r"rm\s+-[a-zA-Z]*\s+[^;&|]*/var/lib/apt/lists", instruction.shell_text):
            continue
        yield ctx.finding(
            "DP403",
            instruction.line,
            "apt-get update leaves its package lists (tens of MB) in this layer",
        )


@rule(
    "DP404",
    "warning",
    "pip/uv install keeps its download cache in the image layer",
    "Use a BuildKit cache mount (RUN --mount=type=cache,target=/root/.cache/pip pip install ...)"
    " or pip install --no-cache-dir (uv: --no-cache).",
)
def install_cache_left(ctx):
    env_text = " ".join(
        i.args
        for i in (ctx.dockerfile.instructions if ctx.dockerfile else [])
        if i.keyword == "ENV"
    )
    pip_env = re.search(r"\bPIP_NO_CACHE_DIR=(?!0|false|no|off)", env_text, re.IGNORECASE)
    uv_env = re.search(r"\bUV_NO_CACHE=(?!0|false|no|off)", env_text, re.IGNORECASE)
    for instruction in _runs(ctx):
        for install in installs(instruction.shell_text):
            if install.tool == "pip":
                if (
                    install.has("--no-cache-dir")
                    or pip_env
                    or _cache_mount(instruction, r"\.cache(/pip)?/?$")
                ):
                    continue
                what = "pip install"
            elif install.tool in ("uv-pip", "uv-sync"):
                if (
                    install.has("--no-cache", "-n")
                    or uv_env
                    or _cache_mount(instruction, r"(\.cache(/uv)?|uv[-_]?cache)/?$")
                ):
                    continue
                what = "uv"
            else:
                continue
            yield ctx.finding(
                "DP404",
                instruction.line,
                f"{what} without a cache mount or --no-cache{'-dir' if what != 'uv' else ''}: its"
                " download cache is baked into the image",
            )
            break
