"""What the rules look at: the parsed files, optional project facts, and the stage graph."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from parity.lint.compose import ComposeFile
from parity.lint.config import CheckConfig
from parity.lint.dockerfile import Dockerfile, Instruction, Stage
from parity.lint.dockerignore import Pattern
from parity.lint.findings import RULES, Finding

# Files that hold dependency declarations or tooling, not the application's source.
DEPENDENCY_FILE = re.compile(
    r"""(^|/)(
        requirements | requirements[^/]*\.(txt|in) | [^/]*requirements\.(txt|in) |
        constraints[^/]*\.txt |
        pyproject\.toml | setup\.(py|cfg) | poetry\.lock | uv\.lock | pdm\.lock | Pipfile(\.lock)? |
        package(-lock)?\.json | yarn\.lock | pnpm-lock\.yaml | [^/]*\.sh | gunicorn[^/]*\.py |
        [^/]*\.(conf|cfg|ini|toml|lock|txt|json|ya?ml|env\.example)
    )$""",
    re.VERBOSE,
)
# Requirement files that, by their name, are for development only.
DEV_REQUIREMENT_FILE = re.compile(
    r"(^|/)(requirements[-_./]?(dev|devel|development|local|test|tests|testing|lint|ci)[^/]*\.(txt|in)"
    r"|(dev|test|local)[-_]requirements[^/]*\.(txt|in)"
    r"|requirements/(dev|devel|development|local|test|tests|testing|lint|ci)[^/]*\.(txt|in))$"
)
PRODUCTION_SERVERS = ("gunicorn", "uvicorn", "daphne", "granian", "hypercorn", "uwsgi", "waitress")


@dataclass(frozen=True)
class ProjectFacts:
    """Facts from the scan when a Django project surrounds the Dockerfile (all optional)."""

    python: str | None = None  # "3.12", only when the project states it
    python_origin: str | None = None
    python_spec: str | None = None  # requires-python, when the project declares a range
    dev_inputs: tuple[str, ...] = ()  # files the dev install reads...
    prod_inputs: tuple[str, ...] = ()  # ...minus these (pyproject.toml feeds both) are dev-only
    dev_groups: tuple[str, ...] = ()
    dev_extras: tuple[str, ...] = ()
    code_root: str | None = None
    scanned: bool = False


@dataclass
class CheckContext:
    root: Path  # the build context: the project directory
    dockerfile: Dockerfile | None
    dockerfile_path: str  # as displayed (repo-relative)
    config: CheckConfig = field(default_factory=CheckConfig)
    facts: ProjectFacts = field(default_factory=ProjectFacts)
    dockerignore: list[Pattern] | None = None
    dockerignore_path: str = ".dockerignore"
    compose: ComposeFile | None = None
    readme: str = ""
    compose_lines: list[str] = field(default_factory=list)
    compose_errors: list[tuple[int, str]] = field(default_factory=list)  # schema violations

    @property
    def dockerfile_repo_path(self) -> str:
        return self.dockerfile_path

    def compose_line(self, line: int | None) -> str:
        return self.compose_lines[line - 1] if line and 0 < line <= len(self.compose_lines) else ""

    # -- findings -------------------------------------------------------------------------

    def finding(
        self,
        code: str,
        line: int | None,
        message: str | None = None,
        fix: str | None = None,
        path: str | None = None,
        source: str | None = None,
    ) -> Finding:
        rule = RULES[code]
        path = path or self.dockerfile_path
        if source is None and path == self.dockerfile_path and self.dockerfile and line:
            source = self.dockerfile.line_text(line)
        return Finding(
            code=code,
            severity=rule.severity,
            message=message or rule.title,
            path=path,
            line=line,
            fix=fix or rule.fix,
            source=(source or "").rstrip(),
        )

    # -- the stage graph ------------------------------------------------------------------

    @property
    def stages(self) -> list[Stage]:
        return self.dockerfile.stages if self.dockerfile else []

    def named(self, names: tuple[str, ...]) -> Stage | None:
        for name in names:
            for stage in self.stages:
                if stage.name == name:
                    return stage
        return None

    @property
    def dev(self) -> Stage | None:
        return self.named(self.config.dev_stages)

    @property
    def prod(self) -> Stage | None:
        """The production stage: named so, else the last stage (what plain docker build makes)."""
        named = self.named(self.config.prod_stages)
        if named is not None:
            return named
        if self.stages and self.stages[-1] is not self.dev:
            return self.stages[-1]
        return None

    def chain(self, stage: Stage) -> list[Stage]:
        """The stage and those it is built FROM, the first ancestor first."""
        result = [stage]
        while result[0].parent is not None and len(result) <= len(self.stages):
            result.insert(0, self.stages[result[0].parent])
        return result

    def copied_from(self, instruction: Instruction) -> Stage | None:
        if instruction.keyword not in ("COPY", "ADD") or self.dockerfile is None:
            return None
        return self.dockerfile.stage(instruction.flag("from"))

    def contributors(self, stage: Stage) -> list[Stage]:
        """Every stage whose files can end up in `stage`: its chain and what it COPY --from's."""
        seen: list[Stage] = []
        pending = [stage]
        while pending:
            current = pending.pop()
            for member in self.chain(current):
                if member in seen:
                    continue
                seen.append(member)
                for instruction in member.instructions:
                    source = self.copied_from(instruction)
                    if source is not None and source not in seen:
                        pending.append(source)
        return sorted(seen, key=lambda s: s.index)

    def chain_instructions(self, stage: Stage) -> list[Instruction]:
        return [
            i for member in self.chain(stage) for i in member.instructions if i.keyword != "FROM"
        ]

    def last(self, stage: Stage, keyword: str) -> Instruction | None:
        """The instruction that is in effect for `stage` (CMD, ENTRYPOINT, USER, HEALTHCHECK...)."""
        found = None
        for instruction in self.chain_instructions(stage):
            if instruction.keyword == keyword:
                found = instruction
        return found

    # -- what a COPY brings in --------------------------------------------------------------

    def copy_sources(self, instruction: Instruction) -> list[str]:
        """Context paths a COPY/ADD names (none for --from and heredocs)."""
        if instruction.keyword not in ("COPY", "ADD") or instruction.flag("from") is not None:
            return []
        if instruction.heredocs:
            return []
        words = list(instruction.exec_form) if instruction.exec_form else instruction.args.split()
        return [w for w in words[:-1] if not re.match(r"^[a-z]+://", w)] if len(words) > 1 else []

    def is_source_path(self, source: str) -> bool:
        """Whether a COPY source brings in application code rather than dependency files."""
        cleaned = posixpath.normpath(source.strip().rstrip("/") or ".")
        if cleaned in (".", "*"):
            return True
        code_root = self.facts.code_root
        if code_root and code_root != "." and cleaned == posixpath.normpath(code_root):
            return True
        if any(char in cleaned for char in "*?["):
            return not DEPENDENCY_FILE.search(cleaned)  # *.py is code, requirements*.txt is not
        if DEPENDENCY_FILE.search(cleaned):
            return False
        if cleaned.endswith(".py"):
            return True  # manage.py and friends
        on_disk = self.root / cleaned
        if on_disk.is_dir() or source.endswith("/"):
            return True
        if on_disk.is_file():
            return False
        # Not on disk (a bare Dockerfile): a name without a suffix is most likely a directory.
        return "." not in posixpath.basename(cleaned)

    def copies_source(self, instruction: Instruction) -> bool:
        return any(self.is_source_path(source) for source in self.copy_sources(instruction))

    def has_source(self, stage: Stage, _seen: frozenset = frozenset()) -> bool:
        """Whether the application's source ends up in the stage (directly or via --from)."""
        for member in self.chain(stage):
            for instruction in member.instructions:
                if self.copies_source(instruction):
                    return True
                source = self.copied_from(instruction)
                if (
                    source is not None
                    and source.index not in _seen
                    and source is not member
                    and self.has_source(source, _seen | {member.index})
                ):
                    return True
        return False
