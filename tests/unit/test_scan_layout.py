"""Finding manage.py and the code root: layouts, ambiguity, symlinks, unreadable files, speed."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from parity.cli import main
from parity.errors import ScanError
from parity.scan import scan
from parity.scan.layout import find_layout

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

MANAGE_PY = """\
import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "{module}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
"""


def django_project(root: Path, where: str = ".", package: str = "mysite") -> Path:
    """A minimal Django project with its manage.py in `where` (relative to root)."""
    code = root / where
    (code / package).mkdir(parents=True, exist_ok=True)
    (code / "manage.py").write_text(MANAGE_PY.format(module=f"{package}.settings"))
    (code / package / "__init__.py").write_text("")
    (code / package / "settings.py").write_text('SECRET_KEY = "x"\nSTATIC_URL = "static/"\n')
    return code / "manage.py"


def one_line_error(capsys, *argv: str) -> str:
    """Run the CLI, expecting failure; the error it prints (one line, no traceback)."""
    status = main(list(argv))
    captured = capsys.readouterr()
    assert status == 1
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    return lines[0]


# --- layouts -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "manage_py", "code_root"),
    [
        ("layout_root", "manage.py", "."),
        ("layout_app", "app/manage.py", "app"),
        ("layout_src", "src/manage.py", "src"),
        ("layout_src_backend", "src/backend/manage.py", "src/backend"),
    ],
)
def test_each_layout_gives_manage_py_and_code_root(fixture, manage_py, code_root):
    layout = find_layout(FIXTURES / fixture)
    assert layout.manage_py.value == manage_py
    assert layout.manage_py.origin.path == manage_py
    assert layout.code_root == code_root


def test_the_article_layout_scans_end_to_end_with_the_build_context_at_the_repo_root():
    project = scan(FIXTURES / "layout_app")
    assert project.root == str((FIXTURES / "layout_app").resolve())
    assert project.code_root == "app"
    assert project.settings.module.value == "app.settings"
    assert project.settings.file == "app/app/settings.py"


def test_manage_py_under_a_test_data_directory_is_ignored_next_to_the_real_one():
    layout = find_layout(FIXTURES / "layout_test_data")
    assert layout.manage_py.value == "manage.py"
    assert "tests/fixtures/sample/manage.py" in layout.manage_py.note


def test_a_manage_py_only_under_test_data_is_still_found(tmp_path):
    django_project(tmp_path, "tests/project")
    assert find_layout(tmp_path).code_root == "tests/project"


def test_a_manage_py_that_is_not_djangos_is_not_a_candidate(tmp_path):
    django_project(tmp_path, "web")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "manage.py").write_text("print('deploy helper')\n")
    assert find_layout(tmp_path).manage_py.value == "web/manage.py"


def test_virtualenvs_and_node_modules_are_not_searched(tmp_path):
    django_project(tmp_path)
    django_project(tmp_path, ".venv/lib/python3.12/site-packages/django/conf/project_template")
    django_project(tmp_path, "node_modules/some-package")
    django_project(tmp_path, "venv/src/other")
    assert find_layout(tmp_path).manage_py.value == "manage.py"


# --- errors ------------------------------------------------------------------------------


def test_two_projects_is_an_error_listing_both_and_how_to_choose():
    with pytest.raises(ScanError) as raised:
        find_layout(FIXTURES / "layout_ambiguous")
    message = str(raised.value)
    assert "blog/manage.py, shop/manage.py" in message
    assert "use --manage PATH to choose one" in message
    assert "\n" not in message


def test_two_projects_through_the_cli_is_one_line_and_status_1(capsys):
    line = one_line_error(capsys, "scan", str(FIXTURES / "layout_ambiguous"))
    assert line.startswith("parity scan: error: several Django projects")
    assert "--manage PATH" in line


def test_no_manage_py_says_where_it_looked_and_what_to_do():
    root = FIXTURES / "layout_none"
    with pytest.raises(ScanError) as raised:
        find_layout(root)
    assert str(raised.value) == (
        f"no manage.py found under {root}; run parity in your Django project's repository, "
        "or pass --manage PATH"
    )


def test_manage_option_chooses_among_several_projects():
    layout = find_layout(FIXTURES / "layout_ambiguous", "shop/manage.py")
    assert layout.manage_py.value == "shop/manage.py"
    assert layout.code_root == "shop"
    project = scan(FIXTURES / "layout_ambiguous", manage="blog/manage.py")
    assert project.settings.module.value == "blog.settings"
    assert project.settings.file == "blog/blog/settings.py"


def test_manage_option_accepts_the_directory_and_an_absolute_path():
    root = FIXTURES / "layout_ambiguous"
    assert find_layout(root, "./blog/").manage_py.value == "blog/manage.py"
    assert find_layout(root, str(root / "shop" / "manage.py")).manage_py.value == "shop/manage.py"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("nowhere/manage.py", "no such file"),
        ("../layout_root/manage.py", "is not inside"),
        ("/etc/hostname", "is not inside"),
    ],
)
def test_manage_option_naming_nothing_usable_is_an_error(given, expected):
    with pytest.raises(ScanError, match=expected):
        find_layout(FIXTURES / "layout_ambiguous", given)


# --- symlinks ----------------------------------------------------------------------------


def test_a_symlinked_manage_py_inside_the_repo_counts_under_the_link_path(tmp_path):
    target = django_project(tmp_path, "project")
    (tmp_path / "project" / "manage.py").rename(tmp_path / "project" / "manage_real.py")
    (tmp_path / "project" / "manage.py").symlink_to("manage_real.py")
    assert target.is_symlink()
    layout = find_layout(tmp_path)
    assert layout.manage_py.value == "project/manage.py"
    assert layout.code_root == "project"
    assert scan(tmp_path).settings.module.value == "mysite.settings"


def test_a_symlink_loop_does_not_hang_or_duplicate(tmp_path):
    django_project(tmp_path)
    (tmp_path / "mysite" / "loop").symlink_to("..")  # mysite/loop/mysite/loop/...
    (tmp_path / "self.py").symlink_to("self.py")
    assert find_layout(tmp_path).manage_py.value == "manage.py"


def test_a_manage_py_symlink_to_itself_is_not_a_project_and_the_error_says_why(tmp_path):
    (tmp_path / "manage.py").symlink_to("manage.py")
    with pytest.raises(ScanError) as raised:
        find_layout(tmp_path)
    assert str(raised.value).startswith(
        f"no manage.py found under {tmp_path} (manage.py is a symlink loop or points to nothing)"
    )


def test_a_symlink_pointing_outside_the_repository_is_never_followed(tmp_path):
    outside = tmp_path / "outside"
    django_project(outside)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "manage.py").symlink_to(outside / "manage.py")
    (repo / "code").symlink_to(outside, target_is_directory=True)
    with pytest.raises(ScanError) as raised:
        find_layout(repo)
    message = str(raised.value)
    assert message.startswith(f"no manage.py found under {repo}")
    assert "manage.py points outside the repository and is not followed" in message
    with pytest.raises(ScanError, match="pointing outside the repository"):
        find_layout(repo, "manage.py")


def test_a_settings_symlink_pointing_outside_is_an_error_and_never_read(tmp_path, capsys):
    django_project(tmp_path / "repo")
    secret = tmp_path / "secret_settings.py"
    secret.write_text('SECRET_KEY = "stolen"\n')
    settings = tmp_path / "repo" / "mysite" / "settings.py"
    settings.unlink()
    settings.symlink_to(secret)
    line = one_line_error(capsys, "scan", str(tmp_path / "repo"))
    assert line == (
        "parity scan: error: mysite/settings.py: is a symlink pointing outside the repository; "
        "it is not followed"
    )
    assert "stolen" not in line


def test_a_settings_symlink_loop_is_an_error(tmp_path, capsys):
    django_project(tmp_path)
    settings = tmp_path / "mysite" / "settings.py"
    settings.unlink()
    settings.symlink_to("settings.py")
    line = one_line_error(capsys, "scan", str(tmp_path))
    assert line == (
        "parity scan: error: mysite/settings.py: is a symlink loop or points to nothing; "
        "fix the link or pass --settings"
    )


def test_a_production_sibling_that_is_a_dangling_link_is_just_not_found(tmp_path):
    django_project(tmp_path)
    (tmp_path / "mysite" / "production.py").symlink_to("nowhere.py")
    assert scan(tmp_path).settings.production_module.value is None


# --- unreadable manage.py ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"import os\0\0\x01", "manage.py: is a binary file, expected text"),
        (b"# caf\xe9\nexecute_from_command_line\n", "manage.py: is not UTF-8 (byte 5)"),
    ],
)
def test_an_unreadable_only_manage_py_says_why(tmp_path, capsys, content, expected):
    (tmp_path / "manage.py").write_bytes(content)
    with pytest.raises(ScanError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        find_layout(tmp_path)
    line = one_line_error(capsys, "scan", str(tmp_path))
    assert expected in line


def test_a_manage_py_without_read_permission_says_so(tmp_path, monkeypatch):
    django_project(tmp_path)
    # Tests run as root, which reads any file: inject the refusal a normal user would get.
    real_read_bytes = Path.read_bytes

    def refuse(path):
        if path.name == "manage.py":
            raise PermissionError(13, "Permission denied")
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    with pytest.raises(ScanError, match="manage.py: permission denied"):
        find_layout(tmp_path)


def test_an_unreadable_file_elsewhere_does_not_stop_the_search(tmp_path):
    django_project(tmp_path, "web")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "manage.py").write_bytes(b"\xff\xfe binary \0")
    assert find_layout(tmp_path).manage_py.value == "web/manage.py"


# --- speed -------------------------------------------------------------------------------


def test_a_repository_of_five_thousand_files_is_searched_quickly(tmp_path):
    django_project(tmp_path, "src/backend")
    for package in range(50):
        directory = tmp_path / "src" / "backend" / f"app{package}" / "templates" / "pages"
        directory.mkdir(parents=True)
        for index in range(50):
            (directory / f"page{index}.html").write_text("<p>hi</p>")
        for index in range(48):
            (directory.parent.parent / f"module{index}.py").write_text("x = 1\n")
    node_modules = tmp_path / "frontend" / "node_modules"
    for package in range(200):
        (node_modules / f"pkg{package}").mkdir(parents=True)
        (node_modules / f"pkg{package}" / "manage.py").write_text("execute_from_command_line")
    files = sum(len(names) for _, _, names in os.walk(tmp_path))
    assert files >= 5000
    started = time.perf_counter()
    layout = find_layout(tmp_path)
    elapsed = time.perf_counter() - started
    assert layout.manage_py.value == "src/backend/manage.py"
    assert elapsed < 2.0, f"{files} files took {elapsed:.2f}s"
