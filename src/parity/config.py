"""Options for `parity init` that persist, so a second run writes the same files byte for byte.

They live in `[tool.parity]` of the repository's pyproject.toml, or as
top-level keys of `parity.toml` in a project without a pyproject.toml. Only
options the user gave (now or before) are stored; None means "unset, let the
scan decide". Sub-tables such as `[tool.parity.check]` belong to other
commands and are left alone, byte for byte.

The file is edited as text, not re-serialized: every byte outside the option
lines (comments, formatting, other tables) stays as it was, and the result is
parsed again before it is handed back, so a layout we cannot edit safely is
reported instead of corrupted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from parity import toml_compat
from parity.errors import ParityError, UsageError
from parity.files import read_existing

PYPROJECT = "pyproject.toml"
PARITY_TOML = "parity.toml"

# The stored options, in the order they are written.
OPTIONS = (
    "name",
    "python",
    "base_image",
    "installer",
    "uv_source",
    "server",
    "port",
    "settings",
    "manage",
)
CHOICES = {
    "installer": ("pip", "uv"),
    "uv_source": ("image", "pypi"),
    "server": ("gunicorn", "uvicorn"),
}

PARITY_TOML_HEADER = "# Options for `parity init` (django-parity): the next run reuses them.\n"

_PYTHON_VERSION = re.compile(r"\d+\.\d+")
_MODULE = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")
# A Docker image repository: lowercase components separated by "/".
_IMAGE_NAME = re.compile(r"[a-z0-9]+(?:[._-]+[a-z0-9]+)*(?:/[a-z0-9]+(?:[._-]+[a-z0-9]+)*)*")
_TABLE_HEADER = re.compile(r"[ \t]*\[")  # outside multi-line values, only headers start with "["
_PARITY_HEADER = re.compile(
    r"""[ \t]*\[[ \t]*(tool|"tool"|'tool')[ \t]*\.[ \t]*(parity|"parity"|'parity')[ \t]*\]"""
    r"[ \t]*(#.*)?"
)
_KEY_LINE = re.compile(r"""[ \t]*(?P<key>[A-Za-z0-9_-]+|"[^"\\]*"|'[^']*')[ \t]*=""")


# --- values ----------------------------------------------------------------


def toml_value(value: str | int | bool) -> str:
    """`value` as a TOML literal: a basic string with every needed escape, an integer, a boolean."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return '"' + "".join(_escape(ch) for ch in value) + '"'
    raise TypeError(f"cannot write {type(value).__name__} as a TOML value")


_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _escape(ch: str) -> str:
    if ch in _ESCAPES:
        return _ESCAPES[ch]
    if ord(ch) < 0x20 or ord(ch) == 0x7F:  # other control characters are not allowed raw
        return f"\\u{ord(ch):04X}"
    return ch


def option_problem(name: str, value: Any) -> str | None:
    """What is wrong with `value` for option `name` (None when it is fine).

    The same check serves values read from a file and values from the command line.
    """
    if name not in OPTIONS:
        return f"unknown option '{name}'; known options: {', '.join(OPTIONS)}"
    shown = _show(value)
    if name == "port":
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
            return f"port must be an integer from 1 to 65535, not {shown}"
        return None
    if not isinstance(value, str):
        hint = " (quote it)" if isinstance(value, (int, float)) else ""
        return f"{name} must be a string, not {shown}{hint}"
    if name == "python" and not _PYTHON_VERSION.fullmatch(value):
        return f'python must be a version like "3.12", not {shown}'
    if name in CHOICES and value not in CHOICES[name]:
        return f"{name} must be one of {', '.join(CHOICES[name])}, not {shown}"
    if name == "name" and not _IMAGE_NAME.fullmatch(value):
        return f'name must be a Docker image name like "shop" or "team/shop", not {shown}'
    if name == "settings" and not _MODULE.fullmatch(value):
        return f'settings must be a dotted module name like "mysite.settings", not {shown}'
    if name in ("base_image", "manage") and (not value or value != value.strip()):
        return f"{name} must be a non-empty string without surrounding spaces, not {shown}"
    if name == "manage" and (value.startswith("/") or ".." in value.split("/")):
        return f"manage must be a path inside the repository, not {shown}"
    return None


def _show(value: Any) -> str:
    try:
        return toml_value(value)
    except TypeError:
        return repr(value)


# --- reading ---------------------------------------------------------------


def _parse(rel: str, text: str) -> dict[str, Any]:
    tomllib = toml_compat.tomllib()
    try:
        return tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as error:
        raise ParityError(f"{rel}: is not valid TOML ({error}); fix it and run again") from None


def _parity_table(rel: str, data: dict[str, Any]) -> dict[str, Any] | None:
    """The options table of a parsed file: [tool.parity] of pyproject.toml, all of parity.toml."""
    if rel == PARITY_TOML:
        return data
    tool = data.get("tool")
    if not isinstance(tool, dict) or "parity" not in tool:
        return None
    if not isinstance(tool["parity"], dict):
        raise ParityError(f"{rel}: tool.parity must be a table ([tool.parity]); fix it")
    return tool["parity"]


def _where(rel: str) -> str:
    return " in [tool.parity]" if rel == PYPROJECT else ""


def options_path(root: Path) -> str:
    """The repo-relative file that holds (or will hold) the options.

    pyproject.toml when it has [tool.parity]; otherwise an existing
    parity.toml; otherwise pyproject.toml when the project has one; otherwise
    a new parity.toml.
    """
    pyproject = read_existing(Path(root), PYPROJECT)
    if pyproject is None:
        return PARITY_TOML
    if _parity_table(PYPROJECT, _parse(PYPROJECT, pyproject)) is not None:
        return PYPROJECT
    if read_existing(Path(root), PARITY_TOML) is not None:
        return PARITY_TOML
    return PYPROJECT


def load_options(root: Path) -> dict[str, Any]:
    """Every option name mapped to its saved value, or None when it is not saved.

    Raises ParityError (one line naming the file) for a file that does not
    parse, an unknown key or a value of the wrong type.
    """
    rel = options_path(root)
    text = read_existing(Path(root), rel)
    options: dict[str, Any] = dict.fromkeys(OPTIONS)
    if text is None:
        return options
    table = _parity_table(rel, _parse(rel, text)) or {}
    for key, value in table.items():
        if key not in OPTIONS:
            if isinstance(value, dict):
                continue  # a sub-table such as [tool.parity.check]: another command's options
            raise ParityError(
                f"{rel}: unknown key '{key}'{_where(rel)}; known keys: {', '.join(OPTIONS)}"
            )
        problem = option_problem(key, value)
        if problem:
            raise ParityError(f"{rel}:{_where(rel)} {problem}")
        options[key] = value
    return options


def merge_options(saved: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """Saved options overridden by those given now (None in `given` keeps the saved value)."""
    return {
        name: given.get(name) if given.get(name) is not None else saved.get(name)
        for name in OPTIONS
    }


# --- writing ---------------------------------------------------------------


def options_file_update(root: Path, options: Mapping[str, Any]) -> tuple[str, str] | None:
    """(repo-relative path, full new text) storing `options`, or None when nothing changes.

    Options set to None are removed from the file. Saved values were checked
    when loaded, so a bad value came from the command line: UsageError naming
    the flag (an unknown name is a caller bug: ValueError). Hand the result
    to files.plan_writes as an unmanaged file.
    """
    for name, value in options.items():
        if name not in OPTIONS:
            raise ValueError(f"unknown option {name!r}")
        problem = option_problem(name, value) if value is not None else None
        if problem:
            raise UsageError(f"--{name.replace('_', '-')}: {problem}")
    wanted = {name: options[name] for name in OPTIONS if options.get(name) is not None}
    root = Path(root)
    rel = options_path(root)
    old = read_existing(root, rel)
    old_data = _parse(rel, old) if old is not None else {}
    if old is None or (rel == PYPROJECT and _parity_table(rel, old_data) is None):
        if not wanted:
            return None
        new = _append_table(rel, old or "", wanted)
    else:
        new = _edit_table(rel, old, wanted)
        if new is None and rel == PYPROJECT:
            # Only sub-tables such as [tool.parity.check] so far: TOML allows the table after them.
            new = _append_table(rel, old, wanted)
    if new == old:
        return None
    if new is None or not _is_exact_result(rel, old_data, new, wanted):
        by_hand = ", ".join(f"{k} = {toml_value(v)}" for k, v in wanted.items())
        raise ParityError(
            f"{rel}: cannot update the options automatically (unusual layout); "
            f"write them{_where(rel)} by hand: {by_hand}"
        )
    return rel, new


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _append_table(rel: str, text: str, wanted: dict[str, Any]) -> str:
    """`text` with the options added at its end: a new [tool.parity] table, or parity.toml."""
    nl = _newline(text)
    body = "".join(f"{key} = {toml_value(value)}{nl}" for key, value in wanted.items())
    if rel == PARITY_TOML and not text:
        return PARITY_TOML_HEADER.replace("\n", nl) + body
    if text and not text.endswith(("\n", "\r")):
        text += nl
    if rel == PARITY_TOML:
        return text + body
    separator = nl if text.strip() and not text.endswith(nl + nl) else ""
    return f"{text}{separator}[tool.parity]{nl}{body}"


def _edit_table(rel: str, text: str, wanted: dict[str, Any]) -> str | None:
    """`text` with the option lines of its table changed in place; every other line kept.

    None when the table's lines cannot be found (e.g. an inline `parity = {...}`).
    """
    lines = text.splitlines(keepends=True)
    nl = _newline(text)
    span = _table_span(rel, lines)
    if span is None:
        return None
    start, end = span
    found: dict[str, int] = {}
    last_key_line = None
    for index in range(start, end):
        match = _KEY_LINE.match(lines[index])
        if match:
            last_key_line = index
            key = match.group("key").strip("\"'")
            if key in OPTIONS:
                found[key] = index
    new_lines: dict[int, str | None] = {}  # line index -> replacement (None drops it)
    for key, index in found.items():
        if key not in wanted:
            new_lines[index] = None
        elif _line_value(lines[index]) != (wanted[key], type(wanted[key])):
            new_lines[index] = _with_value(lines[index], wanted[key], nl)
    missing = [f"{key} = {toml_value(v)}{nl}" for key, v in wanted.items() if key not in found]
    if last_key_line is not None:
        insert_at = last_key_line + 1
    elif rel == PYPROJECT:
        insert_at = start  # right under the [tool.parity] header
    else:  # parity.toml without keys: below its opening comment block
        insert_at = start
        while insert_at < end and lines[insert_at].lstrip().startswith("#"):
            insert_at += 1
    out: list[str] = []
    for index, line in enumerate(lines):
        if index == insert_at:
            out.extend(missing)
        replacement = new_lines.get(index, line)
        if replacement is not None:
            out.append(replacement)
    if insert_at >= len(lines) and missing:
        if out and not out[-1].endswith(("\n", "\r")):
            out[-1] += nl
        out.extend(missing)
    return "".join(out)


def _table_span(rel: str, lines: list[str]) -> tuple[int, int] | None:
    """The line range [start, end) of the options table's key/value lines, if found."""
    if rel == PARITY_TOML:
        start = 0
    else:
        headers = [
            i for i, line in enumerate(lines) if _PARITY_HEADER.fullmatch(line.rstrip("\r\n"))
        ]
        if len(headers) != 1:
            return None
        start = headers[0] + 1
    end = next((i for i in range(start, len(lines)) if _TABLE_HEADER.match(lines[i])), len(lines))
    return start, end


def _line_value(line: str) -> tuple[Any, type] | None:
    """The value a `key = value` line holds (with its type, so 1 and true differ)."""
    tomllib = toml_compat.tomllib()
    try:
        data = tomllib.loads(line)
    except tomllib.TOMLDecodeError:
        return None
    if len(data) != 1:
        return None
    value = next(iter(data.values()))
    return value, type(value)


def _with_value(line: str, value: Any, nl: str) -> str:
    """`line` with its value replaced, keeping the key as written and any trailing comment."""
    body = line.rstrip("\r\n")
    ending = line[len(body) :] or nl
    equals = _KEY_LINE.match(body).end()  # type: ignore[union-attr]
    rest = body[equals:]
    comment = ""
    tomllib = toml_compat.tomllib()
    # The comment starts at the first "#" that is not inside the value.
    for position in (i for i, ch in enumerate(rest) if ch == "#"):
        candidate = rest[:position]
        try:
            tomllib.loads("v =" + candidate)
        except tomllib.TOMLDecodeError:
            continue
        comment = candidate[len(candidate.rstrip()) :] + rest[position:]
        break
    return f"{body[:equals]} {toml_value(value)}{comment}{ending}"


def _without_options(rel: str, data: dict[str, Any]) -> dict[str, Any]:
    """Parsed data minus the stored options (what an edit must leave exactly as it was)."""
    if rel == PARITY_TOML:
        return {k: v for k, v in data.items() if k not in OPTIONS}
    tool = dict(data.get("tool", {}))
    table = {k: v for k, v in tool.get("parity", {}).items() if k not in OPTIONS}
    if table:
        tool["parity"] = table
    else:
        tool.pop("parity", None)
    result = dict(data)
    if tool:
        result["tool"] = tool
    else:
        result.pop("tool", None)
    return result


def _is_exact_result(rel: str, old_data: dict[str, Any], new: str, wanted: dict[str, Any]) -> bool:
    """True when `new` parses to exactly the wanted options and, apart from them, the old data."""
    tomllib = toml_compat.tomllib()
    try:
        new_data = tomllib.loads(new.removeprefix("\ufeff"))
        table = _parity_table(rel, new_data) or {}
    except (tomllib.TOMLDecodeError, ParityError):
        return False
    stored = {k: v for k, v in table.items() if k in OPTIONS}
    return stored == wanted and _without_options(rel, new_data) == _without_options(rel, old_data)
