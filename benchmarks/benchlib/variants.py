"""The Dockerfiles under test, each in its own copy of the example app.

Each variant builds from its own directory so that the edits a measurement makes
(a view, the requirements) never touch the repository or another variant.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .docker_cli import BenchError

BENCH_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = BENCH_DIR.parent
EXAMPLE = REPO_ROOT / "examples" / "notes"
ARTICLE_DIR = BENCH_DIR / "article"

# What `parity init` writes into the example (and what running it leaves behind):
# the variants start from the app's own files only.
GENERATED_NAMES = {
    "Dockerfile",
    ".dockerignore",
    "compose.yaml",
    "compose.override.yaml",
    "parity.toml",
    "gunicorn.conf.py",
    "docker-entrypoint.sh",
}
LOCAL_LEFTOVERS = {"__pycache__", ".pytest_cache", "staticfiles", "db.sqlite3", ".env", ".venv"}

VIEW_FILE = "app/notes/views.py"
_HEADING_LINE = re.compile(r'^(\s*extra_context = \{"heading": )"[^"]*"(\})$', re.MULTILINE)
ADDED_PACKAGE = "six==1.17.0"  # small and pure Python: the cost measured is the Dockerfile's


@dataclass
class Variant:
    key: str  # short and Docker-safe: "article", "generated-uv", ...
    label: str
    context: Path
    full: bool  # False: rebuild measurements only (the floor)

    @property
    def dockerfile(self) -> Path:
        return self.context / "Dockerfile"

    def set_heading(self, text: str) -> None:
        """The one-line view change: the page heading the list view renders."""
        view = self.context / VIEW_FILE
        source = view.read_text(encoding="utf-8")
        changed, count = _HEADING_LINE.subn(lambda m: f'{m.group(1)}"{text}"{m.group(2)}', source)
        if count != 1:
            raise BenchError(f'{view}: no `extra_context = {{"heading": ...}}` line to change')
        view.write_text(changed, encoding="utf-8")

    def add_requirement(self, nonce: str) -> None:
        """One more production package; the comment makes each run a fresh cache miss."""
        requirements = self.context / "requirements.txt"
        text = requirements.read_text(encoding="utf-8").rstrip("\n")
        requirements.write_text(f"{text}\n# benchmark {nonce}\n{ADDED_PACKAGE}\n", encoding="utf-8")

    def restore(self, baseline: dict[str, str]) -> None:
        for relative, text in baseline.items():
            (self.context / relative).write_text(text, encoding="utf-8")

    def baseline(self) -> dict[str, str]:
        return {
            relative: (self.context / relative).read_text(encoding="utf-8")
            for relative in (VIEW_FILE, "requirements.txt")
        }


def copy_app(destination: Path) -> Path:
    """The example's own files, without anything generated or left by a local run."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        return {
            n
            for n in names
            if n in GENERATED_NAMES or n in LOCAL_LEFTOVERS or n.startswith(".parity")
        }

    if not (EXAMPLE / "app" / "manage.py").is_file():
        raise BenchError(f"{EXAMPLE}: the example app is missing (no app/manage.py)")
    shutil.copytree(EXAMPLE, destination, ignore=ignore)
    return destination


def article_variant(workdir: Path) -> Variant:
    context = copy_app(workdir / "article")
    shutil.copy2(ARTICLE_DIR / "Dockerfile", context / "Dockerfile")
    shutil.copy2(ARTICLE_DIR / "gunicorn.conf.py", context / "app" / "gunicorn.conf.py")
    return Variant("article", "article", context, full=True)


def generated_variant(workdir: Path, installer: str) -> Variant:
    context = copy_app(workdir / f"generated-{installer}")
    result = subprocess.run(
        [sys.executable, "-m", "parity", "init", "--installer", installer, str(context)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not (context / "Dockerfile").is_file():
        message = (result.stderr or result.stdout).strip().splitlines()[-1:] or ["no Dockerfile"]
        raise BenchError(f"`parity init --installer {installer}` failed: {message[0]}")
    return Variant(f"generated-{installer}", f"generated ({installer})", context, full=True)


def floor_variant(workdir: Path, generated: Variant) -> Variant:
    """The generated Dockerfile with the prod stage cut right after the source COPY."""
    context = workdir / "floor"
    shutil.copytree(generated.context, context)
    floor_text = floor_dockerfile(generated.dockerfile.read_text(encoding="utf-8"))
    (context / "Dockerfile").write_text(floor_text, encoding="utf-8")
    return Variant("floor", "floor", context, full=False)


def candidate_variant(workdir: Path, generated: Variant, dockerfile: Path) -> Variant:
    """A hand-edited Dockerfile measured beside the generated one (a template change to try)."""
    if not dockerfile.is_file():
        raise BenchError(f"{dockerfile}: no such Dockerfile (--candidate)")
    name = re.sub(r"[^a-z0-9]+", "-", dockerfile.stem.lower() or dockerfile.name.lower()).strip("-")
    context = workdir / f"candidate-{name}"
    if context.exists():
        raise BenchError(f"{dockerfile}: two candidates with the same name {name!r}")
    shutil.copytree(generated.context, context)
    shutil.copy2(dockerfile, context / "Dockerfile")
    return Variant(f"candidate-{name}", f"candidate ({name})", context, full=True)


def floor_dockerfile(text: str) -> str:
    """Everything up to and including the prod stage's first COPY of the build context."""
    instructions = _logical_lines(text)
    prod_start = next(
        (
            i
            for i, line in enumerate(instructions)
            if re.match(r"FROM\s+\S+\s+AS\s+prod\s*$", line, re.I)
        ),
        None,
    )
    if prod_start is None:
        raise BenchError("the generated Dockerfile has no `FROM ... AS prod` stage")
    for i in range(prod_start + 1, len(instructions)):
        line = instructions[i]
        if re.match(r"FROM\s", line, re.I):
            break
        if re.match(r"COPY\s", line, re.I) and "--from" not in line:
            kept = instructions[: i + 1]
            return (
                "# floor: the generated dependency layers plus the source, nothing else\n"
                + "\n".join(kept)
                + "\n"
            )
    raise BenchError("the generated Dockerfile's prod stage copies no source")


def _logical_lines(text: str) -> list[str]:
    """Instructions with their backslash continuations joined; comments and blanks dropped."""
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if pending and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            pending += stripped[:-1].rstrip() + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    if pending:
        lines.append(pending.rstrip())
    return lines
