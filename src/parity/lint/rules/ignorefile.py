"""DP701-DP704: the .dockerignore that keeps the build context small and secret-free."""

from __future__ import annotations

import contextlib
import posixpath

from parity.lint.dockerignore import is_ignored, matching_line
from parity.lint.findings import rule


def _broad_copies(ctx):
    """COPY/ADD instructions that send a whole directory of the context into the image."""
    if ctx.dockerfile is None:
        return []
    return [
        i
        for i in ctx.dockerfile.instructions
        if any(posixpath.normpath(s.rstrip("/") or ".") in (".", "*") for s in ctx.copy_sources(i))
    ]


def _uses_context(ctx) -> bool:
    if ctx.dockerfile is None:
        return False
    return any(ctx.copy_sources(i) for i in ctx.dockerfile.instructions) or any(
        m.get("type") == "bind" and "from" not in m
        for i in ctx.dockerfile.instructions
        for m in i.mounts()
    )


@rule(
    "DP701",
    "warning",
    "No .dockerignore: the whole directory (.git, virtualenvs, local databases) is sent to"
    " the builder",
    "Add a .dockerignore excluding .git, .env*, virtualenvs, node_modules, __pycache__ and local"
    " databases (`parity init` writes one).",
)
def missing_dockerignore(ctx):
    if ctx.dockerignore is None and _uses_context(ctx) and not _broad_copies(ctx):
        yield ctx.finding(
            "DP701",
            None,
            f"no {ctx.dockerignore_path}: every build sends the whole directory to the builder",
        )


@rule(
    "DP702",
    "error",
    "COPY of the whole context with no .dockerignore copies .git, .env files and local databases",
    "Add a .dockerignore (excluding .git, .env*, virtualenvs, node_modules, local databases)"
    " or copy only the code directory.",
)
def copy_all_without_dockerignore(ctx):
    if ctx.dockerignore is not None:
        return
    for instruction in _broad_copies(ctx)[:1]:
        yield ctx.finding(
            "DP702",
            instruction.line,
            f"{instruction.keyword} of the whole context with no {ctx.dockerignore_path}:"
            " .git, .env files, virtualenvs and local databases end up in the image",
        )


def _venv_dirs(ctx) -> list[str]:
    found = []
    for name in ("venv", "env", ".virtualenv"):
        if (ctx.root / name / "pyvenv.cfg").is_file():
            found.append(name)
    return [".venv"] + found


def _categories(ctx) -> list[tuple[str, list[str]]]:
    code_root = ctx.facts.code_root or "."
    categories = [
        (".git", [".git"]),
        (".env files", [".env", ".env.local"]),
        ("virtualenvs", _venv_dirs(ctx)),
    ]
    roots = {".", code_root}
    if any(
        (ctx.root / r / "package.json").is_file() or (ctx.root / r / "node_modules").is_dir()
        for r in roots
    ):
        categories.append(
            (
                "node_modules",
                sorted(posixpath.normpath(posixpath.join(r, "node_modules")) for r in roots),
            )
        )
    databases = {posixpath.normpath(posixpath.join(r, "db.sqlite3")) for r in roots}
    for r in roots:
        with contextlib.suppress(OSError):
            databases |= {
                posixpath.normpath(posixpath.join(r, p.name))
                for p in (ctx.root / r).glob("*.sqlite3")
            }
    categories.append(("local databases", sorted(databases)))
    return categories


@rule(
    "DP703",
    "warning",
    ".dockerignore does not exclude something that must stay out of the image",
    "Add the missing patterns to .dockerignore: .git, .env* (with !.env.example), .venv/venv,"
    " node_modules, *.sqlite3.",
)
def dockerignore_gaps(ctx):
    if ctx.dockerignore is None:
        return
    for category, paths in _categories(ctx):
        missing = [p for p in paths if not is_ignored(ctx.dockerignore, p)]
        if missing:
            yield ctx.finding(
                "DP703",
                None,
                f"{ctx.dockerignore_path} does not exclude {category} ({missing[0]})",
                path=ctx.dockerignore_path,
            )


@rule(
    "DP704",
    "error",
    ".dockerignore excludes a file the Dockerfile copies or mounts, so the build fails",
    "Remove or narrow the .dockerignore pattern, or add a `!path` exception after it.",
)
def copied_but_ignored(ctx):
    if ctx.dockerignore is None or ctx.dockerfile is None:
        return
    for instruction in ctx.dockerfile.instructions:
        sources = list(ctx.copy_sources(instruction))
        sources += [
            m.get("source", m.get("src", ""))
            for m in instruction.mounts()
            if m.get("type") == "bind" and "from" not in m and m.get("source", m.get("src"))
        ]
        for source in sources:
            cleaned = posixpath.normpath(source).lstrip("/")
            if cleaned in (".", "*") or any(c in cleaned for c in "*?[$"):
                continue
            line = matching_line(ctx.dockerignore, cleaned)
            if line is not None:
                yield ctx.finding(
                    "DP704",
                    instruction.line,
                    f"{source} is excluded by {ctx.dockerignore_path} line {line}: the build cannot"
                    f" find it",
                )
