"""render: lay a Plan out as file texts with the Jinja2 templates (same plan, same bytes)."""

from __future__ import annotations

import json

from jinja2 import Environment, PackageLoader, StrictUndefined

from parity.plan import InstallStep, Plan
from parity.plan_tables import DEPS_DIR

# template → (where the file goes, the comment marker its header uses)
TEMPLATES = {
    "Dockerfile.j2": ("Dockerfile", "#"),
    "dockerignore.j2": (".dockerignore", "#"),
    "compose.yaml.j2": ("compose.yaml", "#"),
    "gunicorn.conf.py.j2": ("{code_root}/gunicorn.conf.py", "#"),
}


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("parity", "templates"),
        undefined=StrictUndefined,  # a missing decision is a bug, not an empty string
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["exec_form"] = lambda argv: json.dumps(list(argv))
    env.filters["run"] = run_instruction
    return env


def mount_flags(step: InstallStep, uv_image: str | None = None) -> list[str]:
    """The RUN --mount flags an install step needs: caches, tools, dependency files."""
    flags = [f"--mount=type=cache,target={cache}" for cache in step.cache]
    for tool in step.tools:
        if tool == "uv":  # one static binary, from its own image or the tools stage
            source = f"{uv_image},source=/uv" if uv_image else "tools,source=/opt/uv/bin/uv"
            flags.append(f"--mount=from={source},target=/usr/local/bin/uv")
        else:
            flags.append(f"--mount=from=tools,source=/opt/{tool},target=/opt/{tool}")
    access = ",rw" if step.writable_mounts else ""
    flags += [
        f"--mount=type=bind,source={path},target={DEPS_DIR}/{path}{access}" for path in step.mounts
    ]
    return flags


def run_instruction(
    step: InstallStep, command: str | None = None, uv_image: str | None = None
) -> str:
    """A RUN instruction for an install step, one flag per line."""
    return "RUN " + " \\\n    ".join([*mount_flags(step, uv_image), command or step.command])


def output_path(template: str, plan: Plan, compose_path: str | None = None) -> str:
    path, _ = TEMPLATES[template]
    if template == "compose.yaml.j2" and compose_path:
        return compose_path
    return path.format(code_root=plan.code_root).removeprefix("./")


def render(plan: Plan, compose_path: str | None = None) -> dict[str, str]:
    """Every generated file's repo-relative path and text (checksum line not yet filled)."""
    env = _environment()
    files = {}
    for template, (_, comment) in TEMPLATES.items():
        text = env.get_template(template).render(plan=plan, comment=comment, deps_dir=DEPS_DIR)
        files[output_path(template, plan, compose_path)] = _tidy(text)
    return files


def _tidy(text: str) -> str:
    """At most one blank line in a row and exactly one newline at the end."""
    lines = text.splitlines()
    tidy: list[str] = []
    for line in lines:
        line = line.rstrip()
        if line == "" and (not tidy or tidy[-1] == ""):
            continue
        tidy.append(line)
    while tidy and tidy[-1] == "":
        tidy.pop()
    return "\n".join(tidy) + "\n"
