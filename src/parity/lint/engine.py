"""Run a check: find and read the files, parse them, run the rules, drop what the user silenced."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from parity import toml_compat
from parity.errors import ParityError, UsageError
from parity.lint import rules as _rules  # noqa: F401  (registers the rules)
from parity.lint.compose import DEFAULT_NAMES, ComposeSyntaxError, load, schema_errors
from parity.lint.config import CheckConfig, read_config
from parity.lint.context import CheckContext, ProjectFacts
from parity.lint.dockerfile import DockerfileSyntaxError, parse
from parity.lint.dockerignore import parse as parse_dockerignore
from parity.lint.findings import RULES, Finding

MAX_FILE_BYTES = 1024 * 1024  # real Dockerfiles and compose files are a few KB
SUPPRESSION = re.compile(r"parity:\s*ignore\s*=\s*((?:DP\d+[\s,]*)+)", re.IGNORECASE)
CODE = re.compile(r"^DP\d{1,3}$")


@dataclass
class CheckResult:
    root: Path
    files: list[str]  # the files that were checked, as displayed
    findings: list[Finding] = field(default_factory=list)


class Unreadable(Exception):
    def __init__(self, line: int | None, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def read_checked(path: Path) -> str:
    """A file's text, or Unreadable saying in one line why it cannot be checked."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Unreadable(
                None,
                f"is {size / 1024 / 1024:.1f} MB, far too large for this kind of file;"
                " is it the right file?",
            )
        data = path.read_bytes()
    except PermissionError:
        raise Unreadable(None, "permission denied; make it readable and run again") from None
    except IsADirectoryError:
        raise Unreadable(None, "is a directory, expected a file") from None
    except OSError as error:
        raise Unreadable(None, f"cannot be read ({error.strerror or error})") from None
    if b"\0" in data:
        raise Unreadable(None, "is a binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise Unreadable(line, f"is not UTF-8 (byte {error.start}); save it as UTF-8") from None


def _display(root: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def resolve_codes(values: list[str] | tuple[str, ...], option: str) -> tuple[str, ...]:
    """Rule codes or code prefixes (DP3 = every DP3xx) from comma-separated option values."""
    codes = []
    for value in values:
        for code in filter(None, (part.strip().upper() for part in value.split(","))):
            if not CODE.match(code) or not any(known.startswith(code) for known in RULES):
                raise UsageError(f"{option}: unknown rule code {code!r} (see docs/rules.md)")
            codes.append(code)
    return tuple(codes)


def _python_facts(root: Path) -> ProjectFacts:
    """Facts read without the scan: .python-version and requires-python."""
    python = origin = spec = None
    version_file = root / ".python-version"
    try:
        match = (
            re.match(r"\s*(\d+\.\d+)", version_file.read_text("utf-8"))
            if version_file.is_file()
            else None
        )
        if match:
            python, origin = match.group(1), ".python-version"
    except (OSError, UnicodeDecodeError):
        pass
    tomllib = toml_compat.tomllib()
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text("utf-8"))
        requires = data.get("project", {}).get("requires-python")
        spec = requires if isinstance(requires, str) else None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        pass
    return ProjectFacts(python=python, python_origin=origin, python_spec=spec)


def project_facts(root: Path) -> ProjectFacts:
    """What the scan knows about the Django project around the Dockerfile (little without one)."""
    basic = _python_facts(root)
    try:
        from parity.scan import scan

        project = scan(root)
    except (ParityError, NotImplementedError):
        return basic  # a bare Dockerfile, or a project the scan cannot read: check without context
    python = basic.python
    origin = basic.python_origin
    if project.python.origin is not None and project.python.origin.path not in ("pyproject.toml",):
        python, origin = project.python.value, str(project.python.origin)
    deps = project.dependencies
    return ProjectFacts(
        python=python,
        python_origin=origin,
        python_spec=basic.python_spec,
        dev_inputs=deps.dev_inputs,
        prod_inputs=deps.prod_inputs,
        dev_groups=deps.dev_groups,
        dev_extras=deps.dev_extras,
        code_root=project.code_root,
        scanned=True,
    )


def _readme(root: Path) -> str:
    for name in ("README.md", "README.rst", "README.txt", "README"):
        try:
            return read_checked(root / name)
        except Unreadable:
            continue
    return ""


def _file_finding(
    path: str, line: int | None, message: str, code: str = "DP001", lines=None, fix=None
) -> Finding:
    rule = RULES[code]
    source = lines[line - 1] if lines and line and 0 < line <= len(lines) else ""
    return Finding(code, rule.severity, message, path, line, fix or rule.fix, source.rstrip())


UNREADABLE_FIX = "Check that this is the right file (choose another with --dockerfile FILE)."


def locate(path: str, dockerfile: str | None) -> tuple[Path, Path]:
    """(project root, Dockerfile) from `parity check [PATH] [--dockerfile FILE]`."""
    target = Path(path)
    if not target.exists():
        raise UsageError(f"{path}: no such file or directory")
    if target.is_file():
        if dockerfile:
            raise UsageError("give either a Dockerfile as PATH or --dockerfile, not both")
        return target.parent, target
    root = target
    if dockerfile:
        chosen = Path(dockerfile)
        if not chosen.exists():
            raise UsageError(f"--dockerfile {dockerfile}: no such file")
        return root, chosen
    for name in ("Dockerfile", "dockerfile"):
        if (root / name).is_file():
            return root, root / name
    raise ParityError(
        f"{path}: no Dockerfile here; pass --dockerfile FILE, or run `parity init` to write one"
    )


def run_check(
    path: str = ".",
    dockerfile: str | None = None,
    compose: str | None = None,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    use_scan: bool = True,
) -> CheckResult:
    root, dockerfile_path = locate(path, dockerfile)
    config: CheckConfig = read_config(root)
    result = CheckResult(root=root, files=[])
    sources: dict[str, list[str]] = {}
    spans: dict[tuple[str, int], int] = {}
    findings: list[Finding] = []

    shown = _display(root, dockerfile_path)
    result.files.append(shown)
    parsed = None
    try:
        text = read_checked(dockerfile_path)
        sources[shown] = text.splitlines()
        if not text.strip():
            raise Unreadable(None, "is empty: there is nothing to check")
        parsed = parse(text, shown)
        if not parsed.instructions:
            raise Unreadable(None, "has only comments: there is nothing to check")
        if not parsed.stages:
            raise Unreadable(None, "has no FROM instruction, so it builds nothing")
        for instruction in parsed.instructions:
            spans[(shown, instruction.line)] = instruction.end_line
    except Unreadable as error:
        findings.append(
            _file_finding(
                shown,
                error.line,
                f"{shown} {error.message}",
                lines=sources.get(shown),
                fix=UNREADABLE_FIX,
            )
        )
        parsed = None
    except DockerfileSyntaxError as error:
        findings.append(
            _file_finding(
                shown, error.line, f"syntax error: {error.message}", lines=sources.get(shown)
            )
        )
        parsed = None

    ctx = CheckContext(
        root=root,
        dockerfile=parsed,
        dockerfile_path=shown,
        config=config,
        facts=project_facts(root) if use_scan else _python_facts(root),
        readme=_readme(root),
    )

    named_ignore = dockerfile_path.parent / f"{dockerfile_path.name}.dockerignore"
    ignore_file = named_ignore if named_ignore.is_file() else root / ".dockerignore"
    ctx.dockerignore_path = _display(root, ignore_file)
    if ignore_file.is_file():
        result.files.append(ctx.dockerignore_path)
        try:
            ignore_text = read_checked(ignore_file)
            sources[ctx.dockerignore_path] = ignore_text.splitlines()
            ctx.dockerignore = parse_dockerignore(ignore_text)
        except Unreadable as error:
            findings.append(
                _file_finding(
                    ctx.dockerignore_path, error.line, f"{ctx.dockerignore_path} {error.message}"
                )
            )
            ctx.dockerignore = []

    compose_path = (
        Path(compose)
        if compose
        else next((root / name for name in DEFAULT_NAMES if (root / name).is_file()), None)
    )
    if compose and not compose_path.is_file():
        raise UsageError(f"--compose {compose}: no such file")
    if compose_path is not None:
        compose_shown = _display(root, compose_path)
        result.files.append(compose_shown)
        directory = os.path.relpath(compose_path.resolve().parent, root.resolve()).replace(
            os.sep, "/"
        )
        try:
            compose_text = read_checked(compose_path)
            ctx.compose_lines = compose_text.splitlines()
            sources[compose_shown] = ctx.compose_lines
            ctx.compose = load(compose_text, compose_shown, directory)
            ctx.compose_errors = schema_errors(ctx.compose)
        except Unreadable as error:
            findings.append(
                _file_finding(
                    compose_shown, error.line, f"{compose_shown} {error.message}", "DP801"
                )
            )
        except ComposeSyntaxError as error:
            findings.append(
                _file_finding(
                    compose_shown, error.line, error.message, "DP801", lines=ctx.compose_lines
                )
            )

    for rule in RULES.values():
        if rule.check is not None:
            findings.extend(rule.check(ctx))

    selected = select or ()
    ignored = tuple(ignore) + config.ignore
    kept = []
    for finding in findings:
        if selected and not any(finding.code.startswith(code) for code in selected):
            continue
        if any(finding.code.startswith(code) for code in ignored):
            continue
        if _suppressed(finding, sources.get(finding.path), spans):
            continue
        kept.append(finding)
    result.findings = sorted(set(kept), key=Finding.sort_key)
    return result


def _suppressed(
    finding: Finding, lines: list[str] | None, spans: dict[tuple[str, int], int]
) -> bool:
    """Whether a `# parity: ignore=CODE` comment is on the finding's line(s) or just above."""
    if not lines or not finding.line:
        return False
    last = spans.get((finding.path, finding.line), finding.line)
    candidates = list(range(finding.line, last + 1))
    above = finding.line - 1
    while above >= 1 and lines[above - 1].lstrip().startswith("#"):
        candidates.append(above)
        above -= 1
    for number in candidates:
        if number > len(lines):
            break
        for match in SUPPRESSION.finditer(lines[number - 1]):
            codes = {code.upper() for code in re.findall(r"DP\d+", match.group(1), re.IGNORECASE)}
            if finding.code in codes:
                return True
    return False
