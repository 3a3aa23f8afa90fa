"""DP201-DP203: what is installed, where, and in which order."""

from __future__ import annotations

import posixpath
import re

from parity.lint.context import DEV_REQUIREMENT_FILE, PRODUCTION_SERVERS
from parity.lint.findings import rule
from parity.lint.shell import Install, installs

DEV_NAMES = ("dev", "test", "tests", "testing", "lint", "docs", "local", "development", "typing")


def _package_name(spec: str) -> str:
    return re.split(r"[\[<>=!~;@ ]", spec, maxsplit=1)[0].lower().replace("_", "-")


def _run_installs(instruction) -> list[Install]:
    return installs(instruction.shell_text) if instruction.keyword == "RUN" else []


def _project_only(install: Install) -> bool:
    """An install that adds only the project itself (its dependencies are already there)."""
    if install.has("--no-deps", "--only-root"):
        return True
    if install.tool in ("uv-sync", "poetry", "pdm", "pipenv"):
        return not install.packages
    targets = install.packages + install.option_values("-e", "--editable")
    return (
        bool(targets) and all(t.rstrip("/") in (".", "") for t in targets) and not install.has("-r")
    )


@rule(
    "DP201",
    "warning",
    "Dependencies installed after the source is copied: every code change reinstalls them",
    "Install dependencies before the COPY of the source (copy or bind-mount only the dependency"
    " files first), so Docker's layer cache keeps them across code changes.",
)
def install_after_source(ctx):
    reported: set[int] = set()
    for stage in ctx.stages:
        source_line = None
        installed_before = False
        for instruction in ctx.chain_instructions(stage):
            if source_line is None:
                copied = ctx.copied_from(instruction)
                if ctx.copies_source(instruction) or (
                    copied is not None and ctx.has_source(copied)
                ):
                    source_line = instruction.line
                    continue
                installed_before = installed_before or bool(_run_installs(instruction))
                continue
            for install in _run_installs(instruction):
                exempt = _project_only(install) and (installed_before or install.has("--no-deps"))
                if exempt or instruction.line in reported:
                    continue
                reported.add(instruction.line)
                yield ctx.finding(
                    "DP201",
                    instruction.line,
                    f"packages installed after the source is copied (line {source_line}): every"
                    " code change invalidates this layer and reinstalls them",
                )


def _dev_reasons(ctx, install: Install) -> list[str]:
    """Why an install brings development-only dependencies, if it does."""
    facts = ctx.facts
    dev_inputs = {posixpath.basename(path) for path in facts.dev_inputs} - {
        posixpath.basename(path) for path in facts.prod_inputs
    }
    dev_extras = set(facts.dev_extras) if facts.scanned else set(DEV_NAMES)
    dev_groups = set(facts.dev_groups) if facts.scanned else set(DEV_NAMES)
    reasons = []
    for path in install.option_values("-r", "--requirement"):
        if posixpath.basename(path) in dev_inputs or DEV_REQUIREMENT_FILE.search(path.lstrip("./")):
            reasons.append(path)
    for target in install.packages + install.option_values("-e", "--editable"):
        extras = re.search(r"\[([^\]]+)\]", target)
        if extras and {e.strip() for e in extras.group(1).split(",")} & dev_extras:
            reasons.append(target)
    for option in ("--group", "--with", "-G", "--extra"):
        reasons += [
            f"{option} {value}"
            for value in install.option_values(option)
            if value in dev_groups | dev_extras
        ]
    if install.has("--all-groups", "--all-extras", "--dev", "-d") and install.tool != "pip":
        reasons.append("all groups" if not install.has("--dev", "-d") else "--dev")
    # Managers that install the dev group unless told not to.
    has_dev_group = bool(facts.dev_groups) or not facts.scanned
    if has_dev_group and not reasons:
        if install.tool == "uv-sync" and not install.has(
            "--no-dev", "--only-group", "--no-default-groups", "--no-group"
        ):
            reasons.append("uv sync installs the dev group unless given --no-dev")
        elif install.tool == "poetry" and not install.has("--only", "--without", "--no-dev"):
            reasons.append(
                "poetry install installs every non-optional group unless given --only main"
            )
        elif install.tool == "pdm" and not install.has("--prod", "--production"):
            reasons.append("pdm install installs development groups unless given --prod")
    return reasons


@rule(
    "DP202",
    "error",
    "Development-only dependencies installed in a stage the production image is built from",
    "Install development dependencies only in the dev stage; prod and its base get production"
    " dependencies only (uv sync --no-dev, poetry install --only main, pdm install --prod).",
)
def dev_dependencies_in_prod(ctx):
    prod = ctx.named(ctx.config.prod_stages) or ctx.prod
    if prod is None:
        return
    env_no_dev = any(
        i.keyword == "ENV" and re.search(r"\bUV_NO_DEV=(1|true)", i.args)
        for i in ctx.chain_instructions(prod)
    )
    for stage in ctx.contributors(prod):
        for instruction in stage.instructions:
            for install in _run_installs(instruction):
                if install.tool == "uv-sync" and env_no_dev:
                    continue
                reasons = _dev_reasons(ctx, install)
                if reasons:
                    where = (
                        "the prod stage"
                        if stage is prod
                        else f"stage '{stage.label}', which prod is built from"
                    )
                    yield ctx.finding(
                        "DP202",
                        instruction.line,
                        f"development-only dependencies ({reasons[0]}) installed in {where}",
                    )
                    break


@rule(
    "DP203",
    "warning",
    "The production server is installed in base or dev, where it is never used",
    "Install gunicorn/uvicorn/daphne/granian in the prod stage only (before the source COPY).",
)
def production_server_outside_prod(ctx):
    dev = ctx.dev
    if dev is None:
        return
    prod = ctx.named(ctx.config.prod_stages)
    prod_only = (
        {s.index for s in ctx.contributors(prod)} - {s.index for s in ctx.contributors(dev)}
        if prod
        else set()
    )
    for stage in ctx.contributors(dev):
        if stage.index in prod_only:
            continue
        for instruction in stage.instructions:
            for install in _run_installs(instruction):
                servers = [p for p in install.packages if _package_name(p) in PRODUCTION_SERVERS]
                if servers:
                    yield ctx.finding(
                        "DP203",
                        instruction.line,
                        f"{_package_name(servers[0])} is installed in stage '{stage.label}', which"
                        f" '{dev.label}' uses: development runs runserver, only prod needs"
                        " the server",
                    )
