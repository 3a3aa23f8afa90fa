"""DP101-DP106: the stage graph of the dev/prod pattern, and where the source goes."""

from __future__ import annotations

import re

from parity.lint.findings import rule


def _names(names: tuple[str, ...]) -> str:
    return ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else names[0]


@rule(
    "DP101",
    "error",
    "No development stage",
    "Add `FROM base AS dev` (source bind-mounted, dev dependencies, runserver) and build it"
    " with `docker build --target dev`.",
)
def no_dev_stage(ctx):
    if ctx.dockerfile is not None and ctx.dev is None:
        yield ctx.finding(
            "DP101",
            ctx.stages[-1].line if ctx.stages else 1,
            f"no development stage (a stage named {_names(ctx.config.dev_stages)}): development"
            " and production are not built from one Dockerfile",
        )


@rule(
    "DP102",
    "error",
    "No production stage",
    "Add `FROM base AS prod` as the last stage: the source copied in, a production server,"
    " exec-form CMD.",
)
def no_prod_stage(ctx):
    if ctx.dockerfile is not None and ctx.named(ctx.config.prod_stages) is None:
        yield ctx.finding(
            "DP102",
            ctx.stages[-1].line if ctx.stages else 1,
            f"no production stage (a stage named {_names(ctx.config.prod_stages)})",
        )


@rule(
    "DP103",
    "warning",
    "dev and prod do not descend from a shared base stage",
    "Put what both need (OS packages, production dependencies, settings) in a `base` stage and"
    " start both with `FROM base AS ...`.",
)
def no_shared_base(ctx):
    dev, prod = ctx.dev, ctx.named(ctx.config.prod_stages)
    if dev is None or prod is None:
        return
    dev_chain, prod_chain = ctx.chain(dev), ctx.chain(prod)
    if dev in prod_chain:
        yield ctx.finding(
            "DP103",
            prod.line,
            f"stage '{prod.label}' is built FROM '{dev.label}': production inherits every"
            " development tool",
            fix="Build dev and prod side by side from a shared `base` stage instead.",
        )
    elif not set(s.index for s in dev_chain[:-1]) & set(s.index for s in prod_chain[:-1]):
        yield ctx.finding(
            "DP103",
            prod.line,
            f"stages '{dev.label}' and '{prod.label}' share no base stage: what dev tests is not"
            " what prod runs",
        )


@rule(
    "DP104",
    "warning",
    "The production stage is not the last stage, so a plain `docker build` builds something else",
    "Move the prod stage to the end of the Dockerfile (or build it with --target everywhere).",
)
def prod_not_last(ctx):
    prod = ctx.named(ctx.config.prod_stages)
    if prod is None or prod is ctx.stages[-1]:
        return
    target = re.compile(rf"--target[= ]+{re.escape(prod.name)}\b", re.IGNORECASE)
    if target.search(ctx.readme):
        return  # the README tells people to build it with --target
    if ctx.compose is not None:
        for service in ctx.compose.services.values():
            build = service.get("build")
            if isinstance(build, dict) and str(build.get("target", "")).lower() == prod.name:
                return
    yield ctx.finding(
        "DP104",
        prod.line,
        f"stage '{prod.label}' is not the last stage: a plain `docker build` builds"
        f" '{ctx.stages[-1].label}' instead",
    )


@rule(
    "DP105",
    "error",
    "The development stage copies the application source, which should be bind-mounted",
    "Copy only dependency files before installing; bind-mount the source in development"
    " (compose `volumes: [.:/app]`) and COPY it in the prod stage.",
)
def dev_copies_source(ctx):
    dev = ctx.dev
    if dev is None:
        return
    for member in ctx.chain(dev):
        for instruction in member.instructions:
            if ctx.copies_source(instruction):
                where = (
                    "" if member is dev else f" in stage '{member.label}', which dev is built from"
                )
                yield ctx.finding(
                    "DP105",
                    instruction.line,
                    f"{instruction.keyword} brings the application source into the dev"
                    f" image{where}: development edits run against a stale copy unless it is"
                    " bind-mounted",
                )


@rule(
    "DP106",
    "error",
    "The production stage does not copy the application source",
    "Add `COPY <code dir>/ /app/` to the prod stage, after its dependencies are installed.",
)
def prod_lacks_source(ctx):
    prod = ctx.named(ctx.config.prod_stages)
    if prod is None or ctx.has_source(prod):
        return
    yield ctx.finding(
        "DP106",
        prod.line,
        f"stage '{prod.label}' never copies the application source: the production image"
        " has no code to run",
    )
