"""A Dockerfile parser that follows BuildKit's grammar closely enough for linting.

Covers parser directives (`# escape=`), the escape character, line
continuations (with comment and blank lines inside them), heredocs
(`RUN <<EOF`, `<<-EOF`, quoted names, several per instruction), JSON and shell
forms, leading `--flag[=value]` options, `ARG` before the first `FROM`,
`${VAR}` / `${VAR:-default}` substitution in `FROM`, case-insensitive stage
names and numeric stage references.

We parse ourselves rather than depend on the PyPI `dockerfile` package (which
wraps BuildKit's Go parser): it has no wheel for Linux on ARM or for musl, its
parse errors carry no line number, and it drops the comments that inline
`# parity: ignore=` suppressions live in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

KNOWN_INSTRUCTIONS = frozenset(
    {
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    }
)
# Instructions whose arguments may be a JSON array (exec form).
JSON_FORM_INSTRUCTIONS = frozenset({"ADD", "CMD", "COPY", "ENTRYPOINT", "RUN", "SHELL", "VOLUME"})
HEREDOC_INSTRUCTIONS = frozenset({"ADD", "COPY", "RUN"})

DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
HEREDOC_MARKER = re.compile(r"(?<!\S)<<(-?)(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\2")
VARIABLE = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)


class DockerfileSyntaxError(Exception):
    """The Dockerfile does not parse; `line` is where the problem starts (1-based)."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True)
class Heredoc:
    name: str
    content: str
    strip_tabs: bool = False


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper-case, e.g. "RUN"
    args: str  # the arguments after any --flags, continuation lines joined with spaces
    line: int  # first line (1-based)
    end_line: int  # last line, heredoc bodies included
    flags: tuple[
        tuple[str, str | None], ...
    ] = ()  # ("mount", "type=cache,target=/x"), ("link", None)
    exec_form: tuple[str, ...] | None = None  # the JSON array when written in exec form
    heredocs: tuple[Heredoc, ...] = ()
    stage: int | None = (
        None  # index of the stage it belongs to; None for ARGs before the first FROM
    )
    malformed_json: bool = False  # starts with "[" but is not a JSON string array: runs as shell

    def flag(self, name: str) -> str | None:
        """The value of the last --name flag ("" for a bare --name), or None when absent."""
        found = None
        for flag_name, value in self.flags:
            if flag_name == name:
                found = value if value is not None else ""
        return found

    def mounts(self) -> list[dict[str, str]]:
        """Each --mount flag as a dict of its comma-separated options (type defaults to bind)."""
        result = []
        for flag_name, value in self.flags:
            if flag_name != "mount" or value is None:
                continue
            options: dict[str, str] = {"type": "bind"}
            for part in value.split(","):
                key, _, val = part.partition("=")
                options[key.strip().lower()] = val.strip().strip("\"'")
            result.append(options)
        return result

    @property
    def shell_text(self) -> str:
        """What the shell runs: the shell-form text, or a heredoc body when RUN <<EOF is used."""
        if self.exec_form is not None:
            return " ".join(self.exec_form)
        if self.heredocs:
            # The heredoc bodies are the script (RUN <<EOF) or a command's input: both are read.
            rest = HEREDOC_MARKER.sub("", self.args).strip()
            bodies = "\n".join(heredoc.content for heredoc in self.heredocs)
            return f"{rest}\n{bodies}" if rest else bodies
        return self.args


@dataclass
class Stage:
    index: int
    name: str | None  # lower-cased; stage names are case-insensitive
    base: str  # the FROM image as written (e.g. "${PYTHON_IMAGE}")
    image: str  # after ARG substitution (e.g. "python:3.11-slim"); "" when it cannot be resolved
    line: int
    parent: int | None = None  # index of the stage this one is built FROM, if any
    instructions: list[Instruction] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.name or str(self.index)


@dataclass
class Dockerfile:
    path: str
    lines: list[str]
    escape: str = "\\"
    directives: dict[str, str] = field(default_factory=dict)
    global_args: dict[str, str | None] = field(default_factory=dict)
    instructions: list[Instruction] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)

    def stage(self, ref: str | None) -> Stage | None:
        """The stage a --from / FROM reference names: a stage name (any case) or an index."""
        if not ref:
            return None
        lowered = ref.lower()
        for stage in self.stages:
            if stage.name == lowered:
                return stage
        if ref.isdigit() and int(ref) < len(self.stages):
            return self.stages[int(ref)]
        return None

    def line_text(self, line: int) -> str:
        return self.lines[line - 1] if 0 < line <= len(self.lines) else ""


def substitute(text: str, variables: dict[str, str | None]) -> str | None:
    """Expand $VAR, ${VAR}, ${VAR:-default}, ${VAR:+alt}; None when a variable has no value."""
    unresolved = False

    def expand(match: re.Match[str]) -> str:
        nonlocal unresolved
        name = match.group(1) or match.group(4)
        operator, word = match.group(2), match.group(3) or ""
        value = variables.get(name)
        is_set = value is not None and (value != "" or operator in (None, "-", "+"))
        if operator in (":-", "-"):
            return value if is_set else word
        if operator in (":+", "+"):
            return word if is_set else ""
        if value is None:
            unresolved = True
            return ""
        return value

    result = VARIABLE.sub(expand, text)
    return None if unresolved else result


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _continues(line: str, escape: str) -> tuple[bool, str]:
    """(ends with the escape character, the line without it); trailing blanks are allowed."""
    stripped = line.rstrip(" \t")
    if stripped.endswith(escape):
        return True, stripped[: -len(escape)]
    return False, line


def _read_directives(lines: list[str]) -> tuple[dict[str, str], int]:
    """Parser directives at the top of the file, and the index of the first line after them."""
    directives: dict[str, str] = {}
    index = 0
    while index < len(lines):
        match = DIRECTIVE.match(lines[index].strip()) if lines[index].strip() else None
        if not match or match.group(1).lower() in directives:
            break
        directives[match.group(1).lower()] = match.group(2)
        index += 1
    return directives, index


def _split_flags(text: str) -> tuple[list[tuple[str, str | None]], str]:
    """Leading --name[=value] words (BuildKit's flag syntax) and the rest of the arguments."""
    flags: list[tuple[str, str | None]] = []
    rest = text.lstrip()
    while rest.startswith("--"):
        match = re.match(r"--([A-Za-z][A-Za-z0-9-]*)(?:=(\"[^\"]*\"|'[^']*'|\S*))?(\s+|$)", rest)
        if not match:
            break
        value = match.group(2)
        if value is not None and len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        flags.append((match.group(1).lower(), value))
        rest = rest[match.end() :]
    return flags, rest


def _parse_json_form(text: str) -> tuple[tuple[str, ...] | None, bool]:
    """(exec-form words, malformed): malformed when it looks like JSON but is not a string array."""
    stripped = text.strip()
    if not stripped.startswith("["):
        return None, False
    try:
        value = json.loads(stripped)
    except ValueError:
        return None, True
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value), False
    return None, True


def parse(text: str, path: str = "Dockerfile") -> Dockerfile:
    """Parse Dockerfile text; raises DockerfileSyntaxError with a line for what BuildKit rejects."""
    lines = text.splitlines()
    directives, index = _read_directives(lines)
    escape = directives.get("escape", "\\")
    if escape not in ("\\", "`"):
        raise DockerfileSyntaxError(1, f"invalid escape directive {escape!r}: use \\ or `")
    dockerfile = Dockerfile(path=path, lines=lines, escape=escape, directives=directives)

    while index < len(lines):
        line = lines[index]
        if not line.strip() or _is_comment(line):
            index += 1
            continue
        start = index
        parts: list[str] = []
        continued, content = _continues(line, escape)
        parts.append(content)
        index += 1
        while continued and index < len(lines):
            following = lines[index]
            index += 1
            if _is_comment(following):
                continue  # comment lines inside a continuation are removed
            if not following.strip():
                continue  # so are empty lines (BuildKit warns, but accepts them)
            continued, content = _continues(following, escape)
            parts.append(content)
        logical = " ".join(part.strip() for part in parts if part.strip())
        keyword, _, rest = logical.partition(" ")
        keyword = keyword.upper()
        rest = rest.strip()

        heredocs: list[Heredoc] = []
        if keyword in HEREDOC_INSTRUCTIONS and not rest.lstrip().startswith("["):
            for match in HEREDOC_MARKER.finditer(rest):
                strip_tabs, name = match.group(1) == "-", match.group(3)
                body: list[str] = []
                while True:
                    if index >= len(lines):
                        raise DockerfileSyntaxError(
                            start + 1, f"heredoc <<{name} is never closed: add a line with {name}"
                        )
                    body_line = lines[index]
                    index += 1
                    candidate = body_line.lstrip("\t") if strip_tabs else body_line
                    if candidate == name:
                        break
                    body.append(candidate)
                heredocs.append(Heredoc(name, "\n".join(body) + "\n", strip_tabs))
        _add_instruction(dockerfile, keyword, rest, start + 1, index, tuple(heredocs))
    return dockerfile


def _add_instruction(
    dockerfile: Dockerfile,
    keyword: str,
    rest: str,
    line: int,
    end_line: int,
    heredocs: tuple[Heredoc, ...],
) -> None:
    if keyword not in KNOWN_INSTRUCTIONS:
        raise DockerfileSyntaxError(line, f"unknown instruction {keyword!r}")
    flags, args = _split_flags(rest) if keyword not in ("ENV", "LABEL", "ARG") else ([], rest)
    exec_form, malformed = (None, False)
    if keyword in JSON_FORM_INSTRUCTIONS:
        exec_form, malformed = _parse_json_form(args)
    if keyword == "HEALTHCHECK":
        command = re.sub(r"^CMD\s+", "", args, flags=re.IGNORECASE)
        exec_form, malformed = _parse_json_form(command)
    current = dockerfile.stages[-1] if dockerfile.stages else None
    instruction = Instruction(
        keyword=keyword,
        args=args,
        line=line,
        end_line=end_line,
        flags=tuple(flags),
        exec_form=exec_form,
        heredocs=heredocs,
        stage=current.index if current else None,
        malformed_json=malformed,
    )
    if keyword == "FROM":
        stage = _new_stage(dockerfile, instruction)
        instruction = replace(instruction, stage=stage.index)
        stage.instructions.append(instruction)
    elif current is None:
        if keyword != "ARG":
            raise DockerfileSyntaxError(
                line, f"{keyword} before the first FROM: only ARG may come first"
            )
        for name, default in arg_definitions(args):
            dockerfile.global_args[name] = default
    else:
        current.instructions.append(instruction)
    dockerfile.instructions.append(instruction)


def arg_definitions(args: str) -> list[tuple[str, str | None]]:
    """NAME[=default] pairs of an ARG instruction (quotes around the default removed)."""
    result = []
    for word in re.findall(r"""(?:[^\s"']|"[^"]*"|'[^']*')+""", args):
        name, equals, default = word.partition("=")
        if len(default) >= 2 and default[0] == default[-1] and default[0] in "\"'":
            default = default[1:-1]
        result.append((name, default if equals else None))
    return result


def _new_stage(dockerfile: Dockerfile, instruction: Instruction) -> Stage:
    words = instruction.args.split()
    if not words:
        raise DockerfileSyntaxError(
            instruction.line, "FROM needs an image, e.g. FROM python:3.12-slim"
        )
    name = None
    if len(words) == 3 and words[1].lower() == "as":
        name = words[2].lower()
        if not re.fullmatch(r"[a-z][a-z0-9._-]*", name):
            raise DockerfileSyntaxError(instruction.line, f"invalid stage name {words[2]!r}")
        if dockerfile.stage(name) is not None:
            raise DockerfileSyntaxError(instruction.line, f"duplicate stage name {words[2]!r}")
    elif len(words) != 1:
        raise DockerfileSyntaxError(
            instruction.line,
            "FROM takes an image and an optional 'AS name', e.g. FROM python:3.12-slim AS base",
        )
    base = words[0]
    image = substitute(base, dockerfile.global_args) or ""
    parent = dockerfile.stage(image) if image and not image.isdigit() else None
    stage = Stage(
        index=len(dockerfile.stages),
        name=name,
        base=base,
        image=image,
        line=instruction.line,
        parent=parent.index if parent else None,
    )
    dockerfile.stages.append(stage)
    return stage
