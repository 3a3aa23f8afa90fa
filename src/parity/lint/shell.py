"""Just enough shell reading for the rules: simple commands, their operators, and installers.

The rules ask questions like "does this RUN call apt-get update without
install?" or "is this pip install given a dev requirement file?". A full shell
parser is not needed: splitting on control operators with shlex, dropping
leading VAR=value assignments and unwrapping `sh -c "..."` answers them.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

OPERATOR_CHARACTERS = frozenset(";&|()")
COMMENT = re.compile(r"(?:^|(?<=\s))#.*$")  # a word starting with # to the end of the line
ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "/bin/sh", "/bin/bash", "/usr/bin/env"})


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]  # the command and its arguments, assignments removed
    assignments: tuple[str, ...] = ()  # leading NAME=value words

    @property
    def name(self) -> str:
        return self.words[0].rsplit("/", 1)[-1] if self.words else ""


def _tokens(text: str) -> list[str]:
    tokens: list[str] = []
    # Each line on its own, so a comment ends at its newline; a newline separates commands.
    for line in text.replace("\\\n", " ").splitlines():
        line = COMMENT.sub("", line)
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
        lexer.whitespace_split = True
        lexer.commenters = ""
        try:
            tokens.extend(lexer)
        except ValueError:  # unbalanced quotes: plain words are still useful for matching
            tokens.extend(line.split())
        tokens.append(";")
    return tokens


def split_commands(text: str) -> tuple[list[Command], list[str]]:
    """The simple commands in a shell command line, and the operators that join them."""
    commands: list[Command] = []
    operators: list[str] = []
    current: list[str] = []

    def flush() -> None:
        assignments = []
        while current and (ASSIGNMENT.match(current[0]) or current[0] in ("exec", "env")):
            word = current.pop(0)
            if ASSIGNMENT.match(word):
                assignments.append(word)
        if current or assignments:
            commands.append(Command(tuple(current), tuple(assignments)))
        current.clear()

    for token in _tokens(text.replace("\r", "")):
        if token and set(token) <= OPERATOR_CHARACTERS:
            flush()
            operators.append(token)
        else:
            current.append(token)
    flush()
    return commands, operators


def unwrap(words: tuple[str, ...]) -> str | None:
    """The script of `sh -c "script"` (or bash -lc ...), else None."""
    if not words or words[0] not in SHELLS and words[0].rsplit("/", 1)[-1] not in SHELLS:
        return None
    for position, word in enumerate(words[1:], start=1):
        if word.startswith("-") and "c" in word and position + 1 < len(words):
            return words[position + 1]
    return None


def simple_commands(text: str) -> list[Command]:
    """Every simple command in the text, looking inside `sh -c "..."` wrappers."""
    result: list[Command] = []
    commands, _ = split_commands(text)
    for command in commands:
        script = unwrap(command.words)
        if script is not None:
            result.extend(simple_commands(script))
        else:
            result.append(command)
    return result


def exec_commands(words: tuple[str, ...]) -> tuple[list[Command], list[str]]:
    """Commands and operators of an exec-form array, reading `["sh", "-c", "..."]` as its script."""
    script = unwrap(words)
    if script is not None:
        return split_commands(script)
    return [Command(words)], []


@dataclass(frozen=True)
class Install:
    """A Python package installation found in a command."""

    tool: str  # pip, uv-pip, uv-sync, poetry, pipenv, pdm
    args: tuple[str, ...]  # the words after `install` / `sync`

    def option_values(self, *names: str) -> list[str]:
        """Values of options like -r FILE / --requirement=FILE / --group dev."""
        values = []
        args = self.args
        for position, word in enumerate(args):
            for name in names:
                if word == name and position + 1 < len(args):
                    values.append(args[position + 1])
                elif name.startswith("--") and word.startswith(name + "="):
                    values.append(word[len(name) + 1 :])
                elif not name.startswith("--") and word.startswith(name) and len(word) > len(name):
                    values.append(word[len(name) :])  # -rrequirements.txt
        return values

    def has(self, *options: str) -> bool:
        return any(
            word == option or word.startswith(option + "=")
            for word in self.args
            for option in options
        )

    @property
    def packages(self) -> list[str]:
        """Positional package arguments (names with optional version specifiers or extras)."""
        takes_value = {
            "-r",
            "--requirement",
            "-c",
            "--constraint",
            "-e",
            "--editable",
            "-t",
            "--target",
            "--python",
            "-p",
            "--index-url",
            "-i",
            "--extra-index-url",
            "--prefix",
            "--root",
            "--group",
            "--with",
            "--without",
            "--only",
            "-G",
            "--extra",
            "--find-links",
            "-f",
            "--cache-dir",
            "--no-binary",
            "--only-binary",
            "--python-version",
            "--platform",
        }
        result, skip = [], False
        for word in self.args:
            if skip:
                skip = False
                continue
            if word in takes_value:
                skip = True
            elif not word.startswith("-"):
                result.append(word)
        return result


def find_install(command: Command) -> Install | None:
    """The Python package installation a simple command performs, if any."""
    words = command.words
    name = command.name
    if re.fullmatch(r"python[0-9.]*", name) and len(words) > 3 and words[1:3] == ("-m", "pip"):
        words, name = words[2:], "pip"
    if re.fullmatch(r"pip[0-9.]*", name) and len(words) > 1 and words[1] == "install":
        return Install("pip", words[2:])
    if name == "uv" and len(words) > 2 and words[1] == "pip" and words[2] in ("install", "sync"):
        return Install("uv-pip", words[3:])
    if name == "uv" and len(words) > 1 and words[1] == "sync":
        return Install("uv-sync", words[2:])
    if name in ("poetry", "pdm") and len(words) > 1 and words[1] in ("install", "sync"):
        return Install(name, words[2:])
    if name == "pipenv" and len(words) > 1 and words[1] in ("install", "sync"):
        return Install("pipenv", words[2:])
    return None


def installs(text: str) -> list[Install]:
    return [install for command in simple_commands(text) if (install := find_install(command))]
