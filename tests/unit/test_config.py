"""parity.config: options read from and written back to pyproject.toml / parity.toml."""

from __future__ import annotations

import pytest

from parity import files
from parity.config import (
    OPTIONS,
    PARITY_TOML_HEADER,
    load_options,
    merge_options,
    option_problem,
    options_file_update,
    options_path,
    toml_value,
)
from parity.errors import ParityError, UsageError

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

PYPROJECT = """\
# Build settings for the shop.
[build-system]
requires = ["setuptools>=69"]   # pinned on purpose

[project]
name = "shop"
dependencies = [
    "Django>=5.0",  # [not a header]
]

[tool.ruff]
line-length = 100
"""

ALL_OPTIONS = {
    "name": "team/shop",
    "python": "3.12",
    "base_image": "python:3.12-slim-bookworm",
    "installer": "uv",
    "uv_source": "image",
    "server": "uvicorn",
    "port": 8080,
    "settings": "shop.settings.production",
    "manage": "src/manage.py",
}


def save(root, options):
    """Write the options the way parity init does: through plan_writes/apply."""
    update = options_file_update(root, options)
    if update is not None:
        path, text = update
        changes = files.plan_writes(root, {path: text}, unmanaged={path})
        files.apply(root, changes)
    return update


def test_no_file_means_every_option_unset(tmp_path):
    assert load_options(tmp_path) == dict.fromkeys(OPTIONS)
    assert options_file_update(tmp_path, dict.fromkeys(OPTIONS)) is None


def test_options_round_trip_through_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    path, text = save(tmp_path, ALL_OPTIONS)
    assert path == "pyproject.toml"
    assert load_options(tmp_path) == ALL_OPTIONS
    # The rest of the file is kept byte for byte; the table is appended after one blank line.
    assert text.startswith(PYPROJECT + "\n[tool.parity]\n")
    assert text.splitlines()[len(PYPROJECT.splitlines()) + 2 :] == [
        'name = "team/shop"',
        'python = "3.12"',
        'base_image = "python:3.12-slim-bookworm"',
        'installer = "uv"',
        'uv_source = "image"',
        'server = "uvicorn"',
        "port = 8080",
        'settings = "shop.settings.production"',
        'manage = "src/manage.py"',
    ]
    # A second run with the same options writes nothing.
    assert options_file_update(tmp_path, ALL_OPTIONS) is None


def test_only_given_options_are_stored(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    _, text = save(tmp_path, {"port": 9000, "python": None})
    assert text.endswith("\n[tool.parity]\nport = 9000\n")
    assert load_options(tmp_path) == {**dict.fromkeys(OPTIONS), "port": 9000}


def test_changing_one_option_rewrites_only_its_line(tmp_path):
    original = PYPROJECT.replace(
        "[tool.ruff]",
        "[tool.parity]\n"
        "# chosen with ops\n"
        "python = '3.11'   # matches production # exactly\n"
        '"port" = 8000\n'
        "\n"
        "[tool.parity.check]\n"
        'ignore = ["DP101"]  # the lint settings are not ours\n'
        "\n"
        "[tool.ruff]",
    )
    (tmp_path / "pyproject.toml").write_text(original)
    _, text = save(tmp_path, {"python": "3.12", "port": 8000, "installer": "pip"})
    old_lines, new_lines = original.splitlines(), text.splitlines()
    changed = [(a, b) for a, b in zip(old_lines, new_lines, strict=False) if a != b]
    assert changed[0] == (
        "python = '3.11'   # matches production # exactly",
        'python = "3.12"   # matches production # exactly',
    )
    # The new key goes right after the last key of the table, before the sub-table.
    at = new_lines.index('"port" = 8000')
    assert new_lines[at + 1] == 'installer = "pip"'
    assert new_lines[at + 2 :] == old_lines[at + 1 :]
    assert new_lines[: at + 1] == [*old_lines[: at - 1], changed[0][1], '"port" = 8000']
    data = tomllib.loads(text)
    assert data["tool"]["parity"]["check"] == {"ignore": ["DP101"]}
    assert load_options(tmp_path)["python"] == "3.12"


def test_removing_an_option_drops_its_line(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        PYPROJECT + '\n[tool.parity]\nport = 1\npython = "3.12"\n'
    )
    _, text = save(tmp_path, {"python": "3.12"})
    assert text == PYPROJECT + '\n[tool.parity]\npython = "3.12"\n'


def test_crlf_and_missing_final_newline_are_respected(tmp_path):
    crlf = PYPROJECT.replace("\n", "\r\n").rstrip("\r\n")
    (tmp_path / "pyproject.toml").write_bytes(crlf.encode())
    _, text = save(tmp_path, {"port": 8000})
    assert (tmp_path / "pyproject.toml").read_bytes() == (
        crlf + "\r\n\r\n[tool.parity]\r\nport = 8000\r\n"
    ).encode()
    assert load_options(tmp_path)["port"] == 8000


def test_a_byte_order_mark_is_kept(tmp_path):
    (tmp_path / "pyproject.toml").write_bytes(b"\xef\xbb\xbf" + PYPROJECT.encode())
    save(tmp_path, {"port": 8000})
    assert (tmp_path / "pyproject.toml").read_bytes().startswith(b"\xef\xbb\xbf# Build")
    assert load_options(tmp_path)["port"] == 8000


def test_options_go_to_parity_toml_without_a_pyproject(tmp_path):
    path, text = save(tmp_path, {"installer": "pip", "port": 8000})
    assert path == "parity.toml"
    assert text == PARITY_TOML_HEADER + 'installer = "pip"\nport = 8000\n'
    assert load_options(tmp_path)["installer"] == "pip"
    # Edited in place afterwards, with the user's comments and sub-tables kept.
    (tmp_path / "parity.toml").write_text(text + "\n[check]\nignore = []\n")
    _, text = save(tmp_path, {"installer": "uv", "port": 8000, "python": "3.13"})
    assert text == (
        PARITY_TOML_HEADER
        + 'installer = "uv"\nport = 8000\npython = "3.13"\n\n[check]\nignore = []\n'
    )


def test_an_existing_parity_toml_wins_over_a_pyproject_without_the_table(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    (tmp_path / "parity.toml").write_text("port = 8001\n")
    assert options_path(tmp_path) == "parity.toml"
    assert load_options(tmp_path)["port"] == 8001
    assert save(tmp_path, {"port": 8002})[0] == "parity.toml"
    assert (tmp_path / "pyproject.toml").read_text() == PYPROJECT
    # Once pyproject.toml has the table, it is the one place options live.
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + "[tool.parity]\nport = 9\n")
    assert load_options(tmp_path)["port"] == 9


@pytest.mark.parametrize(
    "value",
    [
        'plain "quoted" \\ back\\slash',
        "tab\tnew\nline\rcr\bbs\fff",
        "control \x01 \x1f and del \x7f",
        "unicode: é ✓ 🐍",
        "'single' and '''triple'''",
        "",
    ],
)
def test_strings_are_escaped_so_they_read_back_unchanged(value):
    assert tomllib.loads(f"v = {toml_value(value)}")["v"] == value
    assert "\n" not in toml_value(value)


def test_integers_and_booleans_are_toml_literals():
    assert toml_value(8000) == "8000"
    assert toml_value(True) == "true"
    assert toml_value(False) == "false"
    with pytest.raises(TypeError):
        toml_value(1.5)


def test_strings_with_special_characters_round_trip_through_the_file(tmp_path):
    image = 'registry.example/py:3.12 "odd" \\ name'
    option = {"base_image": image, "manage": "dir with spaces/manage.py"}
    (tmp_path / "parity.toml").write_text("")
    save(tmp_path, option)
    loaded = load_options(tmp_path)
    assert (loaded["base_image"], loaded["manage"]) == (image, "dir with spaces/manage.py")


def test_merge_prefers_given_options_and_keeps_saved_ones():
    saved = {**dict.fromkeys(OPTIONS), "port": 8000, "python": "3.11"}
    merged = merge_options(saved, {"python": "3.12", "port": None})
    assert merged == {**dict.fromkeys(OPTIONS), "port": 8000, "python": "3.12"}


# --- bad files ---------------------------------------------------------------


def one_line_error(tmp_path, name, text) -> str:
    (tmp_path / name).write_text(text)
    with pytest.raises(ParityError) as error:
        load_options(tmp_path)
    message = str(error.value)
    assert "\n" not in message
    assert message.startswith(f"{name}:")
    return message


def test_a_pyproject_that_does_not_parse_is_one_clear_line(tmp_path):
    message = one_line_error(tmp_path, "pyproject.toml", "[project\nname = 1\n")
    assert "is not valid TOML" in message
    assert "line 1" in message


def test_a_parity_toml_that_does_not_parse_is_one_clear_line(tmp_path):
    assert "is not valid TOML" in one_line_error(tmp_path, "parity.toml", "port = = 1\n")


def test_an_unknown_key_is_named(tmp_path):
    message = one_line_error(tmp_path, "pyproject.toml", '[tool.parity]\npyhton = "3.12"\n')
    assert "unknown key 'pyhton' in [tool.parity]" in message
    assert "python" in message
    (tmp_path / "other").mkdir()
    assert "unknown key 'x'" in one_line_error(tmp_path / "other", "parity.toml", "x = 1\n")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("python = 3.12", "python must be a string, not 3.12 (quote it)"),
        ('python = "three"', 'python must be a version like "3.12"'),
        ('port = "8000"', 'port must be an integer from 1 to 65535, not "8000"'),
        ("port = 70000", "port must be an integer from 1 to 65535, not 70000"),
        ("port = true", "port must be an integer from 1 to 65535, not true"),
        ('installer = "poetry"', 'installer must be one of pip, uv, not "poetry"'),
        ('server = "daphne"', "server must be one of gunicorn, uvicorn"),
        ('settings = "my-site.settings"', "settings must be a dotted module name"),
        ('manage = "../manage.py"', "manage must be a path inside the repository"),
        ("base_image = []", "base_image must be a string"),
    ],
)
def test_wrong_values_are_named_with_the_file(tmp_path, line, expected):
    message = one_line_error(tmp_path, "pyproject.toml", f"[tool.parity]\n{line}\n")
    assert message.startswith("pyproject.toml: in [tool.parity] ")
    assert expected in message


def test_tool_parity_that_is_not_a_table_is_refused(tmp_path):
    assert "must be a table" in one_line_error(tmp_path, "pyproject.toml", "[tool]\nparity = 1\n")


def test_a_pyproject_that_cannot_be_read_is_one_clear_line(tmp_path):
    (tmp_path / "pyproject.toml").write_bytes(b'[project]\nname = "\xff"\n')
    with pytest.raises(ParityError, match=r"^pyproject.toml: is not UTF-8"):
        load_options(tmp_path)
    (tmp_path / "pyproject.toml").unlink()
    (tmp_path / "pyproject.toml").mkdir()
    with pytest.raises(ParityError, match=r"^pyproject.toml: is a directory"):
        load_options(tmp_path)


def test_a_pyproject_symlinked_outside_is_not_read(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "elsewhere.toml").write_text("[tool.parity]\nport = 1\n")
    (repo / "pyproject.toml").symlink_to(tmp_path / "elsewhere.toml")
    with pytest.raises(ParityError, match="outside the repository"):
        load_options(repo)


def test_the_table_is_added_after_an_existing_sub_table(tmp_path):
    original = PYPROJECT + '\n[tool.parity.check]\nignore = ["DP101"]\n'
    (tmp_path / "pyproject.toml").write_text(original)
    assert load_options(tmp_path) == dict.fromkeys(OPTIONS)
    _, text = save(tmp_path, {"port": 8000})
    assert text == original + "\n[tool.parity]\nport = 8000\n"
    assert tomllib.loads(text)["tool"]["parity"] == {"check": {"ignore": ["DP101"]}, "port": 8000}


def test_a_layout_that_cannot_be_edited_safely_is_refused_not_corrupted(tmp_path):
    # An inline table holds the options: appending [tool.parity] would define it twice.
    text = PYPROJECT + "[tool]\nparity = { port = 8000 }\n"
    (tmp_path / "pyproject.toml").write_text(text.replace("[tool.ruff]\nline-length = 100\n", ""))
    assert load_options(tmp_path)["port"] == 8000
    with pytest.raises(ParityError) as error:
        options_file_update(tmp_path, {"port": 9000})
    assert "cannot update the options automatically" in str(error.value)
    assert "by hand: port = 9000" in str(error.value)


def test_a_bad_value_given_on_the_command_line_names_the_flag(tmp_path):
    with pytest.raises(UsageError) as error:
        options_file_update(tmp_path, {"python": "3", "port": 8000})
    assert str(error.value) == '--python: python must be a version like "3.12", not "3"'
    with pytest.raises(UsageError, match="^--base-image: "):
        options_file_update(tmp_path, {"base_image": " python:3.12-slim"})
    assert not (tmp_path / "parity.toml").exists()


def test_an_unknown_option_name_is_a_caller_bug(tmp_path):
    with pytest.raises(ValueError):
        options_file_update(tmp_path, {"colour": "blue"})


def test_option_problem_checks_command_line_values_too():
    assert option_problem("installer", "uv") is None
    assert option_problem("port", 8000) is None
    assert option_problem("python", "3.13") is None
    assert option_problem("settings", "mysite.settings") is None
    assert option_problem("port", 0) == "port must be an integer from 1 to 65535, not 0"
    assert option_problem("nope", 1).startswith("unknown option 'nope'")


def test_a_concurrent_edit_of_pyproject_is_not_lost(tmp_path):
    (tmp_path / "pyproject.toml").write_text(PYPROJECT)
    path, text = options_file_update(tmp_path, {"port": 8000})
    changes = files.plan_writes(tmp_path, {path: text}, unmanaged={path})
    (tmp_path / "pyproject.toml").write_text(PYPROJECT + "# added meanwhile\n")
    with pytest.raises(ParityError, match="changed while parity was running"):
        files.apply(tmp_path, changes)
    assert (tmp_path / "pyproject.toml").read_text() == PYPROJECT + "# added meanwhile\n"
