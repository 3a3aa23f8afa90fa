"""DP801-DP805: the compose file used for development."""

from __future__ import annotations

import posixpath
import re

from parity.lint.compose import build_spec
from parity.lint.findings import rule

DATABASE_IMAGE = re.compile(
    r"^(?:[\w.-]+/)*(postgres|postgis|mysql|mariadb|percona)(:|@|$)", re.IGNORECASE
)


def _checkable(ctx) -> bool:
    """A compose file that follows the specification: the shapes the rules below rely on hold."""
    return ctx.compose is not None and not ctx.compose_errors


def _is_dev_file(ctx) -> bool:
    return _checkable(ctx) and "prod" not in posixpath.basename(ctx.compose.path).lower()


def _app_services(ctx):
    """(name, spec, build) for services built from the Dockerfile being checked."""
    if ctx.compose is None:
        return
    for name, service in ctx.compose.services.items():
        build = build_spec(ctx.compose, service)
        if build is not None and build.dockerfile == ctx.dockerfile_repo_path:
            yield name, service, build


def _databases(ctx) -> list[str]:
    return [
        name
        for name, service in ctx.compose.services.items()
        if isinstance(service.get("image"), str) and DATABASE_IMAGE.match(service["image"])
    ]


@rule(
    "DP801",
    "error",
    "The compose file is not valid against the Compose specification",
    "Fix the key shown (see the Compose specification); `docker compose config` reports the same.",
)
def compose_invalid(ctx):
    if ctx.compose is None:
        return
    for line, message in ctx.compose_errors:
        yield ctx.finding(
            "DP801", line, message, path=ctx.compose.path, source=ctx.compose_line(line)
        )


@rule(
    "DP802",
    "warning",
    "The development compose service does not build the dev stage",
    "Set `build: {context: ., target: dev}` on the service you develop with.",
)
def compose_not_dev_target(ctx):
    if not _is_dev_file(ctx):
        return
    for name, _service, build in _app_services(ctx):
        if build.target is None or build.target.lower() not in ctx.config.dev_stages:
            line = ctx.compose.line_of("services", name, "build", "target")
            shown = (
                f"target {build.target!r}"
                if build.target
                else "no target, so it builds the last stage"
            )
            yield ctx.finding(
                "DP802",
                line,
                f"service '{name}' builds {shown}: development runs the production image",
                path=ctx.compose.path,
                source=ctx.compose_line(line),
            )


def _has_bind_mount(service: dict) -> bool:
    for volume in service.get("volumes") or []:
        if isinstance(volume, str):
            host = volume.split(":", 1)[0]
            if ":" in volume and host.startswith((".", "/", "~", "$")):
                return True
        elif isinstance(volume, dict) and volume.get("type") == "bind":
            return True
    develop = service.get("develop")
    return isinstance(develop, dict) and bool(develop.get("watch"))


@rule(
    "DP803",
    "warning",
    "The development service does not bind-mount the source",
    "Add `volumes: [.:/app]` (the code directory at the image's WORKDIR) so edits reach runserver.",
)
def compose_no_bind_mount(ctx):
    if not _is_dev_file(ctx):
        return
    for name, service, _build in _app_services(ctx):
        if not _has_bind_mount(service):
            line = ctx.compose.line_of("services", name)
            yield ctx.finding(
                "DP803",
                line,
                f"service '{name}' mounts no source directory: code edits do not reach the"
                " container without a rebuild",
                path=ctx.compose.path,
                source=ctx.compose_line(line),
            )


@rule(
    "DP804",
    "warning",
    "The database service has no healthcheck",
    'Add a healthcheck, e.g. test: ["CMD-SHELL", "pg_isready -U postgres"], so others can'
    " wait for it.",
)
def database_without_healthcheck(ctx):
    if not _checkable(ctx):
        return
    for name in _databases(ctx):
        check = ctx.compose.services[name].get("healthcheck")
        if not isinstance(check, dict) or check.get("disable") is True or not check.get("test"):
            line = ctx.compose.line_of("services", name)
            yield ctx.finding(
                "DP804",
                line,
                f"database service '{name}' has no healthcheck: nothing can wait until it accepts"
                " connections",
                path=ctx.compose.path,
                source=ctx.compose_line(line),
            )


@rule(
    "DP805",
    "warning",
    "The web service does not wait for the database to be healthy",
    "Use depends_on: {db: {condition: service_healthy}} so migrate and runserver find the"
    " database up.",
)
def web_does_not_wait(ctx):
    if not _checkable(ctx):
        return
    databases = _databases(ctx)
    for name, service, _build in _app_services(ctx):
        depends = service.get("depends_on") or {}
        for database in databases:
            if isinstance(depends, dict) and isinstance(depends.get(database), dict):
                if depends[database].get("condition") == "service_healthy":
                    continue
                how = f"waits only for {depends[database].get('condition', 'service_started')}"
            elif database in depends:
                how = "only waits for it to start"
            else:
                how = "does not depend on it"
            line = ctx.compose.line_of("services", name, "depends_on")
            yield ctx.finding(
                "DP805",
                line,
                f"service '{name}' {how} on database '{database}': the first requests and migrate"
                " can fail while the database boots",
                path=ctx.compose.path,
                source=ctx.compose_line(line),
            )
