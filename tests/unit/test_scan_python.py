"""The Python version `parity scan` reports: the value, the file and line it came from, the note."""

from __future__ import annotations

from pathlib import Path

import pytest

from parity.errors import ScanError
from parity.model import Origin
from parity.scan.python_version import DEFAULT_PYTHON, read_python_version

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


@pytest.mark.parametrize(
    "fixture", ["requirements", "piptools", "pyproject", "uv", "poetry", "pipenv", "pdm"]
)
def test_fixtures_pin_python_3_11(fixture):
    fact = read_python_version(FIXTURES / f"deps_{fixture}", ".")
    assert fact.value == "3.11"
    assert fact.origin == Origin(".python-version", 1)


@pytest.mark.parametrize(
    ("files", "value", "origin"),
    [
        ({".python-version": "3.12.4\n"}, "3.12", Origin(".python-version", 1)),
        ({".python-version": "# pyenv\n\ncpython-3.13.1\n"}, "3.13", Origin(".python-version", 3)),
        ({".python-version": "pypy3.10\n"}, "3.10", Origin(".python-version", 1)),
        ({"runtime.txt": "python-3.11.4\n"}, "3.11", Origin("runtime.txt", 1)),
        (
            {"Pipfile": '[packages]\n\n[requires]\npython_version = "3.12"\n'},
            "3.12",
            Origin("Pipfile", 4),
        ),
        (
            {"Pipfile": '[requires]\npython_full_version = "3.10.13"\n'},
            "3.10",
            Origin("Pipfile", 2),
        ),
        (
            {".tool-versions": "nodejs 20.1.0\npython 3.12.1 3.11.7\n"},
            "3.12",
            Origin(".tool-versions", 2),
        ),
    ],
)
def test_version_files(tmp_path, files, value, origin):
    fact = read_python_version(write(tmp_path, files), ".")
    assert (fact.value, fact.origin) == (value, origin)


@pytest.mark.parametrize(
    ("requires", "value"),
    [
        (">=3.11", "3.11"),
        (">=3.8", "3.10"),
        (">=3.12,<3.14", "3.12"),
        ("~=3.13.1", "3.13"),
        ("==3.14.*", "3.14"),
        (">3.10.99, !=3.11.*", "3.12"),
    ],
)
def test_requires_python_gives_the_lowest_supported_minor_it_allows(tmp_path, requires, value):
    text = f'[project]\nname = "x"\nrequires-python = "{requires}"\n'
    fact = read_python_version(write(tmp_path, {"pyproject.toml": text}), ".")
    assert fact.value == value
    assert fact.origin == Origin("pyproject.toml", 3)
    assert "lowest" in fact.note and requires in fact.note


def test_requires_python_allowing_no_supported_python_says_so(tmp_path):
    text = '[project]\nrequires-python = ">=3.20"\n'
    fact = read_python_version(write(tmp_path, {"pyproject.toml": text}), ".")
    assert fact.value == DEFAULT_PYTHON
    assert fact.origin == Origin("pyproject.toml", 2)
    assert "allows none of" in fact.note


@pytest.mark.parametrize(
    ("constraint", "value"),
    [
        ("^3.11", "3.11"),
        ("~3.12", "3.12"),
        (">=3.9,<3.13", "3.10"),
        ("3.13.*", "3.13"),
        ("^3.8 || ^3.12", "3.10"),
        ("3.12", "3.12"),
    ],
)
def test_poetry_python_constraint(tmp_path, constraint, value):
    text = f'[tool.poetry]\nname = "x"\n\n[tool.poetry.dependencies]\npython = "{constraint}"\n'
    fact = read_python_version(write(tmp_path, {"pyproject.toml": text}), ".")
    assert fact.value == value
    assert fact.origin == Origin("pyproject.toml", 5)


def test_order_of_sources(tmp_path):
    files = {
        ".tool-versions": "python 3.10.1\n",
        "Pipfile": '[requires]\npython_version = "3.10"\n',
        "pyproject.toml": '[project]\nrequires-python = ">=3.12"\n',
        "runtime.txt": "python-3.13.0\n",
        ".python-version": "3.14\n",
    }
    write(tmp_path, files)
    assert read_python_version(tmp_path, ".").origin.path == ".python-version"
    (tmp_path / ".python-version").unlink()
    assert read_python_version(tmp_path, ".").origin.path == "runtime.txt"
    (tmp_path / "runtime.txt").unlink()
    assert read_python_version(tmp_path, ".").value == "3.12"
    (tmp_path / "pyproject.toml").unlink()
    assert read_python_version(tmp_path, ".").origin.path == "Pipfile"
    (tmp_path / "Pipfile").unlink()
    assert read_python_version(tmp_path, ".").origin.path == ".tool-versions"


def test_code_root_is_searched_after_the_repository_root(tmp_path):
    write(tmp_path, {"app/.python-version": "3.12\n"})
    fact = read_python_version(tmp_path, "app")
    assert (fact.value, fact.origin) == ("3.12", Origin("app/.python-version", 1))
    write(tmp_path, {".python-version": "3.11\n"})
    assert read_python_version(tmp_path, "app").origin == Origin(".python-version", 1)


def test_default_when_nothing_says(tmp_path):
    write(tmp_path, {".python-version": "system\n", "pyproject.toml": "[tool.ruff]\n"})
    fact = read_python_version(tmp_path, ".")
    assert fact.value == DEFAULT_PYTHON == "3.13"
    assert fact.origin is None
    assert fact.note.startswith("default:")


def test_unreadable_version_file_is_one_clear_error(tmp_path):
    write(tmp_path, {".python-version": b"3.1\xff\n"})
    with pytest.raises(ScanError) as caught:
        read_python_version(tmp_path, ".")
    assert str(caught.value).startswith(".python-version: is not UTF-8")


def test_pyproject_that_does_not_parse_is_one_clear_error(tmp_path):
    write(tmp_path, {"pyproject.toml": "[project\n"})
    with pytest.raises(ScanError) as caught:
        read_python_version(tmp_path, ".")
    assert str(caught.value).startswith("pyproject.toml: is not valid TOML")
