"""DP301-DP308: how the containers start, and as whom."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from parity.lint.findings import rule
from parity.lint.shell import Command, exec_commands, split_commands

MAX_SCRIPT_BYTES = 256 * 1024
ROOT_USERS = ("root", "0", "root:root", "0:0")


@dataclass(frozen=True)
class Startup:
    """A command a container runs when it starts, and where it is written."""

    commands: list[Command]
    path: str  # the Dockerfile or the entrypoint script
    line: int
    text: str  # the shell text (for guard detection)
    line_of: dict[int, int]  # command index -> line, for scripts


def _words_of(instruction) -> tuple[list[Command], list[str]]:
    if instruction.exec_form is not None:
        return exec_commands(instruction.exec_form)
    return split_commands(instruction.args)


def _is_manage(command: Command, subcommand: str) -> bool:
    words = command.words
    if subcommand not in words:
        return False
    position = words.index(subcommand)
    before = words[:position]
    return any(w.endswith("manage.py") or w in ("django-admin", "manage") for w in before)


def _read_script(ctx, stage, container_path: str) -> tuple[str, str] | None:
    """(repo-relative path, text) of an entrypoint script the stage copies in, if found."""
    candidates = []
    for member in ctx.contributors(stage):
        workdir = "/"
        for instruction in member.instructions:
            if instruction.keyword == "WORKDIR":
                workdir = posixpath.join(workdir, instruction.args.strip())
            for source in ctx.copy_sources(instruction):
                words = (
                    list(instruction.exec_form)
                    if instruction.exec_form
                    else instruction.args.split()
                )
                destination = posixpath.join(workdir, words[-1])
                target = posixpath.normpath(posixpath.join(workdir, container_path))
                if words[-1].endswith("/") or (ctx.root / source).is_dir():
                    if (ctx.root / source).is_dir() and target.startswith(
                        destination.rstrip("/") + "/"
                    ):
                        candidates.append(
                            posixpath.join(source, target[len(destination.rstrip("/")) + 1 :])
                        )
                    elif posixpath.basename(source) == posixpath.basename(target):
                        candidates.append(source)
                elif posixpath.normpath(destination) == target:
                    candidates.append(source)
    name = posixpath.basename(container_path)
    candidates += [name, posixpath.join(ctx.facts.code_root or ".", name)]
    for candidate in candidates:
        path = ctx.root / posixpath.normpath(candidate)
        try:
            if path.is_file() and path.stat().st_size <= MAX_SCRIPT_BYTES:
                return posixpath.normpath(candidate), path.read_text("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return None


def _script_startup(path: str, text: str) -> Startup:
    commands: list[Command] = []
    line_of: dict[int, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for command in split_commands(line)[0]:
            line_of[len(commands)] = number
            commands.append(command)
    return Startup(commands, path, 1, text, line_of)


def startups(ctx, stage) -> list[Startup]:
    """The ENTRYPOINT (and the script it runs) and CMD in effect for a stage."""
    result = []
    for keyword in ("ENTRYPOINT", "CMD"):
        instruction = ctx.last(stage, keyword)
        if instruction is None:
            continue
        commands, _ = _words_of(instruction)
        result.append(
            Startup(commands, ctx.dockerfile_path, instruction.line, instruction.args, {})
        )
        first = commands[0].words[0] if commands and commands[0].words else ""
        if keyword == "ENTRYPOINT" and (first.endswith(".sh") or "entrypoint" in first):
            found = _read_script(ctx, stage, first)
            if found:
                result.append(_script_startup(*found))
    return result


def _guarded(text: str, command_line: int | None) -> bool:
    """Whether the command sits under a condition on a variable (a way to turn it off)."""
    lines = text.splitlines()
    if command_line is None:  # a one-line CMD: `[ "$X" != 0 ] && migrate` or `if ...; then`
        return bool(re.search(r"(\bif\b|\[|\btest\b|\bcase\b)[^;&|]*\$", text))
    depth: list[bool] = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if number == command_line:
            inline = re.search(r"(\[|\btest\b)[^;&|]*\$.*(&&|\|\|)", stripped) or re.search(
                r"\bif\b.*\$", stripped
            )
            return any(depth) or bool(inline)
        if re.match(r"(if|elif|case)\b", stripped):
            if stripped.startswith("elif") and depth:
                depth.pop()
            depth.append("$" in stripped)
        elif re.match(r"(fi|esac)\b", stripped) and depth:
            depth.pop()
    return False


def _prod(ctx):
    prod = ctx.prod
    return prod if prod is not None and prod is not ctx.dev else None


@rule(
    "DP301",
    "error",
    "runserver listens on the container's 127.0.0.1, which a published port cannot reach",
    'Bind it to all interfaces: CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"].',
)
def runserver_loopback(ctx):
    if ctx.dockerfile is None:
        return
    for instruction in ctx.dockerfile.instructions:
        if instruction.keyword not in ("CMD", "ENTRYPOINT"):
            continue
        for command in _words_of(instruction)[0]:
            if not _is_manage(command, "runserver"):
                continue
            after = command.words[command.words.index("runserver") + 1 :]
            address = next((w for w in after if not w.startswith("-")), "")
            if "$" in address:
                continue  # set at run time: cannot tell
            if not re.match(r"^(0\.0\.0\.0|0|\[::\]|::)(:|$)", address):
                shown = address or "127.0.0.1:8000 (no address given)"
                yield ctx.finding(
                    "DP301",
                    instruction.line,
                    f"runserver listens on {shown}: inside a container that is unreachable"
                    " through a published port; bind 0.0.0.0",
                )


def _prod_manage_calls(ctx, subcommand: str):
    """(startup, line of the call or None) for each `manage.py <subcommand>` prod runs at start."""
    prod = _prod(ctx)
    if prod is None:
        return
    for startup in startups(ctx, prod):
        for index, command in enumerate(startup.commands):
            if _is_manage(command, subcommand):
                yield startup, startup.line_of.get(index)


@rule(
    "DP302",
    "error",
    "The production stage runs Django's development server",
    "Run a production server (gunicorn, uvicorn, daphne, granian) in the prod stage.",
)
def runserver_in_prod(ctx):
    for startup, line in _prod_manage_calls(ctx, "runserver"):
        yield ctx.finding(
            "DP302",
            line or startup.line,
            f"stage '{_prod(ctx).label}' starts `manage.py runserver`: the development server is"
            " neither secure nor efficient in production",
            path=startup.path,
        )
        return  # one finding is enough: the stage runs the wrong server


@rule(
    "DP303",
    "error",
    "Shell-form CMD/ENTRYPOINT in the production stage: SIGTERM never reaches the server",
    'Use exec form, e.g. CMD ["gunicorn", "mysite.wsgi"], or start the shell command with `exec`.',
)
def shell_form_start(ctx):
    prod = _prod(ctx)
    if prod is None:
        return
    for keyword in ("ENTRYPOINT", "CMD"):
        instruction = ctx.last(prod, keyword)
        if instruction is None:
            continue
        if instruction.exec_form is None:
            if re.match(r"^\s*exec\s", instruction.args):
                continue
            yield ctx.finding(
                "DP303",
                instruction.line,
                f"shell-form {keyword}: /bin/sh is PID 1 and does not pass SIGTERM on, so"
                " `docker stop` waits 10 s and kills the server mid-request",
            )
        else:
            commands, _ = exec_commands(instruction.exec_form)
            script = " ".join(instruction.exec_form[2:]) if len(instruction.exec_form) > 2 else ""
            if len(commands) > 1 and not re.search(r"(^|[;&|]\s*)exec\s", script):
                yield ctx.finding(
                    "DP303",
                    instruction.line,
                    f"{keyword} runs its commands through a shell that stays PID 1: SIGTERM never"
                    " reaches the server",
                    fix="End the script with `exec <server>` or move the work to an entrypoint"
                    ' script that ends with exec "$@".',
                )


@rule(
    "DP304",
    "warning",
    "Startup work chained in CMD/ENTRYPOINT with && or ;",
    "Do build-time work (collectstatic) in a RUN and start-time work (migrate) in an entrypoint"
    ' script that ends with exec "$@"; keep CMD to the server alone.',
)
def chained_start(ctx):
    prod = _prod(ctx)
    if prod is None:
        return
    for keyword in ("ENTRYPOINT", "CMD"):
        instruction = ctx.last(prod, keyword)
        if instruction is None:
            continue
        commands, _ = _words_of(instruction)
        if len(commands) > 1:
            yield ctx.finding(
                "DP304",
                instruction.line,
                f"{keyword} chains {len(commands)} commands: each runs at every container start"
                " and a failure in one is easy to miss",
            )


@rule(
    "DP305",
    "warning",
    "collectstatic runs at container start instead of at build time",
    "Run collectstatic in a RUN of the prod stage (with placeholder settings if needed), so the"
    " static files are part of the image.",
)
def collectstatic_at_start(ctx):
    for startup, line in _prod_manage_calls(ctx, "collectstatic"):
        yield ctx.finding(
            "DP305",
            line or startup.line,
            "collectstatic runs at every container start: slower starts, and each replica"
            " writes its own copy; the image should already hold the static files",
            path=startup.path,
        )


@rule(
    "DP306",
    "warning",
    "migrate runs at every start with no way to turn it off",
    "Guard it with an environment variable in the entrypoint, e.g."
    ' if [ "${DJANGO_MIGRATE:-1}" != 0 ]; then python manage.py migrate --noinput; fi',
)
def unguarded_migrate(ctx):
    for startup, line in _prod_manage_calls(ctx, "migrate"):
        if _guarded(startup.text, line):
            continue
        yield ctx.finding(
            "DP306",
            line or startup.line,
            "migrate runs at every container start with no switch to turn it off: several"
            " replicas starting together race to migrate",
            path=startup.path,
        )


@rule(
    "DP307",
    "error",
    "The production image runs as root",
    "Create a user in base and switch to it at the end of prod: RUN useradd --system app ..."
    " then USER app.",
)
def runs_as_root(ctx):
    prod = _prod(ctx)
    if prod is None:
        return
    user = ctx.last(prod, "USER")
    if user is None:
        yield ctx.finding(
            "DP307", prod.line, f"stage '{prod.label}' has no USER: the server runs as root"
        )
    elif user.args.strip().lower() in ROOT_USERS:
        yield ctx.finding(
            "DP307", user.line, f"stage '{prod.label}' ends with USER {user.args.strip()}"
        )


@rule(
    "DP308",
    "warning",
    "The production image has no HEALTHCHECK",
    'Add one that asks the app itself, e.g. HEALTHCHECK CMD ["python", "-c", "..."]'
    " (no curl needed).",
)
def no_healthcheck(ctx):
    prod = _prod(ctx)
    if prod is None:
        return
    check = ctx.last(prod, "HEALTHCHECK")
    if check is None:
        yield ctx.finding(
            "DP308",
            prod.line,
            f"stage '{prod.label}' has no HEALTHCHECK: Docker reports it running even when Django"
            " fails every request",
        )
    elif check.args.strip().upper() == "NONE":
        yield ctx.finding(
            "DP308", check.line, "HEALTHCHECK NONE turns off health checking in production"
        )
