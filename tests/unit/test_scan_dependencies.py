"""Dependencies as `parity scan` reads them: manager, prod/dev sets, installer inputs, origins."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from parity.errors import ScanError
from parity.model import Origin
from parity.scan.dependencies import read_dependencies

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
DEV_ONLY = {"pytest-django", "django-debug-toolbar"}


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return root


def names(requirements) -> list[str]:
    return [r.name for r in requirements]


def scan_error(root: Path, code_root: str = ".") -> str:
    with pytest.raises(ScanError) as caught:
        read_dependencies(root, code_root)
    message = str(caught.value)
    assert "\n" not in message
    return message


# --- the fixture projects: one per manager -------------------------------------------------


@pytest.mark.parametrize(
    "fixture", ["requirements", "piptools", "pyproject", "uv", "poetry", "pipenv", "pdm"]
)
def test_dev_only_packages_never_reach_production(fixture):
    deps = read_dependencies(FIXTURES / f"deps_{fixture}", ".")
    assert {"django", "whitenoise"} <= set(names(deps.prod))
    assert set(names(deps.dev)) >= DEV_ONLY
    assert not DEV_ONLY & set(names(deps.prod))
    assert not set(names(deps.prod)) & set(names(deps.dev))
    for path in deps.files:  # every file an install reads is in the fixture
        assert (FIXTURES / f"deps_{fixture}" / path).is_file()


def test_requirement_files_fixture():
    deps = read_dependencies(FIXTURES / "deps_requirements", ".")
    assert deps.manager == "requirements"
    assert deps.prod_inputs == ("requirements.txt",)
    assert deps.dev_inputs == ("requirements.dev.txt",)
    assert deps.files == ("requirements.txt", "requirements.dev.txt")
    assert deps.lock_file is None
    assert deps.origin == Origin("requirements.txt")
    django = deps.find("django")
    assert django.spec == "Django>=5.2,<5.3"
    assert django.origin == Origin("requirements.txt", 2)
    assert deps.find("pytest-django").origin == Origin("requirements.dev.txt", 2)


def test_pip_tools_pairs_install_the_compiled_txt():
    deps = read_dependencies(FIXTURES / "deps_piptools", ".")
    assert deps.manager == "requirements"
    assert deps.prod_inputs == ("requirements.txt",)
    assert deps.dev_inputs == ("dev.txt",)
    assert deps.files == ("requirements.txt", "dev.txt")
    assert deps.find("django").spec == "django==5.2.19"
    assert deps.find("django").origin == Origin("requirements.txt", 9)
    # dev.txt repeats the prod pins (compiled with -c requirements.txt): only additions count
    assert "django" not in names(deps.dev)
    assert "pytest" in names(deps.dev)


def test_pyproject_without_lock_fixture():
    deps = read_dependencies(FIXTURES / "deps_pyproject", ".")
    assert deps.manager == "pyproject"
    assert deps.prod_inputs == deps.dev_inputs == deps.files == ("pyproject.toml",)
    assert deps.dev_extras == ("dev",)
    assert deps.dev_groups == ()
    assert deps.lock_file is None
    assert deps.package_mode is False  # no [build-system]
    assert deps.find("whitenoise").origin == Origin("pyproject.toml", 7)
    assert deps.find("pytest-django").origin == Origin("pyproject.toml", 12)


def test_uv_fixture():
    deps = read_dependencies(FIXTURES / "deps_uv", ".")
    assert deps.manager == "uv"
    assert deps.lock_file == "uv.lock"
    assert deps.files == ("pyproject.toml", "uv.lock")
    assert deps.prod_inputs == ("pyproject.toml", "uv.lock")
    assert deps.dev_groups == ("dev",)
    assert deps.package_mode is False  # [tool.uv] package = false
    assert deps.origin == Origin("uv.lock")
    assert deps.find("django").origin == Origin("pyproject.toml", 6)


def test_poetry_2_fixture():
    deps = read_dependencies(FIXTURES / "deps_poetry", ".")
    assert deps.manager == "poetry"
    assert deps.lock_file == "poetry.lock"
    assert deps.files == ("pyproject.toml", "poetry.lock")
    assert deps.dev_groups == ("dev",)
    assert deps.package_mode is False
    assert deps.origin == Origin("pyproject.toml", 10)  # [tool.poetry]
    # Poetry 2 reads [project] dependencies (PEP 508, with Poetry's parentheses)
    assert deps.find("django").spec == "Django (>=5.2,<5.3)"
    # group constraints in Poetry's own syntax, kept as written
    assert deps.find("pytest-django").spec == "pytest-django ^4.9"
    assert deps.find("pytest-django").origin == Origin("pyproject.toml", 14)


def test_pipenv_fixture():
    deps = read_dependencies(FIXTURES / "deps_pipenv", ".")
    assert deps.manager == "pipenv"
    assert deps.lock_file == "Pipfile.lock"
    assert deps.files == ("Pipfile", "Pipfile.lock")
    assert deps.dev_groups == ("dev-packages",)
    assert deps.find("django").spec == "django>=5.2,<5.3"
    assert deps.find("django").origin == Origin("Pipfile", 7)
    assert deps.find("django-debug-toolbar").origin == Origin("Pipfile", 12)


def test_pdm_fixture():
    deps = read_dependencies(FIXTURES / "deps_pdm", ".")
    assert deps.manager == "pdm"
    assert deps.lock_file == "pdm.lock"
    assert deps.files == ("pyproject.toml", "pdm.lock")
    assert deps.dev_groups == ("dev",)
    assert deps.package_mode is False  # [tool.pdm] distribution = false
    assert deps.find("pytest-django").origin == Origin("pyproject.toml", 15)


# --- where the files are ---------------------------------------------------------------------


def test_nothing_found_is_manager_none(tmp_path):
    write(tmp_path, {"pyproject.toml": "[tool.ruff]\nline-length = 100\n"})
    deps = read_dependencies(tmp_path, ".")
    assert deps.manager == "none"
    assert deps.prod == deps.dev == deps.files == ()


def test_files_in_the_code_root_are_repo_relative(tmp_path):
    write(
        tmp_path,
        {
            "app/requirements.txt": "Django==5.2.19\n",
            "app/requirements-dev.txt": "-r requirements.txt\npytest\n",
        },
    )
    deps = read_dependencies(tmp_path, "app")
    assert deps.prod_inputs == ("app/requirements.txt",)
    assert deps.dev_inputs == ("app/requirements-dev.txt",)
    assert deps.files == ("app/requirements.txt", "app/requirements-dev.txt")
    assert deps.find("django").origin == Origin("app/requirements.txt", 1)
    assert names(deps.dev) == ["pytest"]


def test_repository_root_comes_before_the_code_root(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\n", "app/requirements.txt": "Flask\n"})
    assert names(read_dependencies(tmp_path, "app").prod) == ["django"]


def test_a_lock_file_decides_over_requirement_files(tmp_path):
    write(
        tmp_path,
        {
            "requirements.txt": "Django\n",
            "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["Django"]\n',
            "uv.lock": "version = 1\n",
        },
    )
    assert read_dependencies(tmp_path, ".").manager == "uv"


def test_requirement_files_decide_over_plain_pyproject(tmp_path):
    write(
        tmp_path,
        {
            "requirements.txt": "Django==5.2.19\n",
            "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["Django"]\n',
        },
    )
    assert read_dependencies(tmp_path, ".").manager == "requirements"


def test_production_file_under_requirements_is_preferred_over_base(tmp_path):
    write(
        tmp_path,
        {
            "requirements/base.txt": "Django\n",
            "requirements/production.txt": "-r base.txt\ngunicorn\n",
            "requirements/local.txt": "-r base.txt\ndjango-debug-toolbar\n",
            "requirements/test.txt": "-r base.txt\npytest-django\n",
        },
    )
    deps = read_dependencies(tmp_path, ".")
    assert deps.prod_inputs == ("requirements/production.txt",)
    assert deps.dev_inputs == ("requirements/local.txt", "requirements/test.txt")
    assert names(deps.prod) == ["django", "gunicorn"]
    assert names(deps.dev) == ["django-debug-toolbar", "pytest-django"]
    assert deps.find("django").origin == Origin("requirements/base.txt", 1)
    assert deps.files == (
        "requirements/production.txt",
        "requirements/base.txt",
        "requirements/local.txt",
        "requirements/test.txt",
    )


def test_uncompiled_requirements_in_is_the_input(tmp_path):
    write(tmp_path, {"requirements.in": "Django\n"})
    deps = read_dependencies(tmp_path, ".")
    assert deps.prod_inputs == ("requirements.in",)


# --- requirement file syntax ---------------------------------------------------------------


def test_hashes_continuations_comments_and_indentation(tmp_path):
    write(
        tmp_path,
        {
            "requirements.txt": (
                "# pinned by pip-compile --generate-hashes\n"
                "--require-hashes\n"
                "django==5.2.19 \\\n"
                "    --hash=sha256:aaaa \\\n"
                "    --hash=sha256:bbbb\n"
                "    # via -r requirements.in\n"
                "   whitenoise==6.12.0   # serves static files\n"
                "\n"
                "asgiref  ==  3.13.0\n"
            )
        },
    )
    deps = read_dependencies(tmp_path, ".")
    assert [(r.name, r.spec, r.origin.line) for r in deps.prod] == [
        ("django", "django==5.2.19", 3),
        ("whitenoise", "whitenoise==6.12.0", 7),
        ("asgiref", "asgiref == 3.13.0", 9),
    ]


def test_markers_and_extras(tmp_path):
    write(
        tmp_path,
        {
            "requirements.txt": (
                'psycopg[binary,pool]>=3.2 ; python_version >= "3.11"\n'
                "tzdata; sys_platform == 'win32'\n"
            )
        },
    )
    deps = read_dependencies(tmp_path, ".")
    psycopg = deps.find("psycopg")
    assert psycopg.extras == ("binary", "pool")
    assert psycopg.marker == 'python_version >= "3.11"'
    assert psycopg.spec == 'psycopg[binary,pool]>=3.2 ; python_version >= "3.11"'
    assert deps.find("tzdata").marker == 'sys_platform == "win32"'


def test_editables_urls_and_paths_are_kept_as_written(tmp_path):
    write(
        tmp_path,
        {
            "requirements.txt": (
                "-e git+https://github.com/example/django-thing.git@v1#egg=django-thing\n"
                "Some_Lib @ https://example.org/some_lib-1.0.tar.gz\n"
                "https://example.org/files/other_pkg-2.1-py3-none-any.whl\n"
                "./libs/local-helpers\n"
                "--editable=git+https://example.org/r.git#egg=Edit_Me\n"
            ),
            "libs/local-helpers/pyproject.toml": "",
        },
    )
    deps = read_dependencies(tmp_path, ".")
    assert [(r.name, r.spec) for r in deps.prod] == [
        ("django-thing", "-e git+https://github.com/example/django-thing.git@v1#egg=django-thing"),
        ("some-lib", "Some_Lib @ https://example.org/some_lib-1.0.tar.gz"),
        ("other-pkg", "https://example.org/files/other_pkg-2.1-py3-none-any.whl"),
        ("local-helpers", "./libs/local-helpers"),
        ("edit-me", "-e git+https://example.org/r.git#egg=Edit_Me"),
    ]


def test_no_binary_marks_the_packages_it_names(tmp_path):
    write(
        tmp_path,
        {
            "requirements.txt": "--no-binary psycopg2-binary,Pillow\n-r more.txt\nDjango\n",
            "more.txt": "pillow\npsycopg2-binary\nlxml\n",
        },
    )
    deps = read_dependencies(tmp_path, ".")
    assert {r.name for r in deps.prod if r.no_binary} == {"pillow", "psycopg2-binary"}


def test_no_binary_all_applies_to_the_whole_install(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\n--no-binary=:all:\nlxml\n"})
    assert all(r.no_binary for r in read_dependencies(tmp_path, ".").prod)


def test_includes_are_relative_to_the_including_file(tmp_path):
    write(
        tmp_path,
        {
            "requirements.txt": "-r requirements/base.txt\n-c constraints/pins.txt\ngunicorn\n",
            "requirements/base.txt": "--requirement=../shared/common.txt\nDjango\n",
            "shared/common.txt": "whitenoise\n",
            "constraints/pins.txt": "Django==5.2.19\nsqlparse==0.5.0\n",
        },
    )
    deps = read_dependencies(tmp_path, ".")
    assert deps.files == (
        "requirements.txt",
        "requirements/base.txt",
        "shared/common.txt",
        "constraints/pins.txt",
    )
    assert names(deps.prod) == ["whitenoise", "django", "gunicorn"]  # constraints add nothing
    assert deps.find("whitenoise").origin == Origin("shared/common.txt", 1)


def test_include_cycles_end(tmp_path):
    write(
        tmp_path,
        {"requirements.txt": "-r b.txt\nDjango\n", "b.txt": "-r requirements.txt\nwhitenoise\n"},
    )
    deps = read_dependencies(tmp_path, ".")
    assert deps.files == ("requirements.txt", "b.txt")
    assert names(deps.prod) == ["whitenoise", "django"]


def test_include_escaping_the_repository_is_refused_with_file_and_line(tmp_path):
    repo = write(tmp_path / "repo", {"requirements.txt": "Django\n-r ../../outside.txt\n"})
    write(tmp_path, {"outside.txt": "evil\n"})
    message = scan_error(repo)
    assert message.startswith("requirements.txt:2: includes ../../outside.txt")
    assert "outside the repository" in message


def test_include_by_absolute_path_is_refused(tmp_path):
    message = scan_error(write(tmp_path, {"requirements.txt": "-r /etc/passwd\n"}))
    assert message.startswith("requirements.txt:1:")
    assert "outside the repository" in message


def test_include_through_a_symlink_leaving_the_repository_is_refused(tmp_path):
    write(tmp_path, {"secret.txt": "x\n"})
    repo = write(tmp_path / "repo", {"requirements.txt": "-r base.txt\n"})
    os.symlink(tmp_path / "secret.txt", repo / "base.txt")
    message = scan_error(repo)
    assert "base.txt" in message and "outside the repository" in message


def test_missing_include_names_file_and_line(tmp_path):
    write(tmp_path, {"requirements/prod.txt": "# prod\n-r base.txt\n"})
    message = scan_error(tmp_path)
    assert message.startswith("requirements/prod.txt:2: includes base.txt, which does not exist")
    assert "requirements/base.txt" in message


def test_include_by_url_is_refused(tmp_path):
    message = scan_error(write(tmp_path, {"requirements.txt": "-r https://example.org/r.txt\n"}))
    assert message.startswith("requirements.txt:1: includes https://example.org/r.txt by URL")


def test_a_line_naming_no_package_is_an_error(tmp_path):
    message = scan_error(
        write(tmp_path, {"requirements.txt": "Django\nhttps://example.org/download\n"})
    )
    assert message.startswith("requirements.txt:2: cannot tell which package")


def test_non_utf8_requirement_file_is_one_clear_error(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\n", "requirements-dev.txt": b"caf\xe9\n"})
    message = scan_error(tmp_path)
    assert message.startswith("requirements-dev.txt: is not UTF-8")


# --- pyproject.toml -------------------------------------------------------------------------

PEP735 = """\
[project]
name = "site"
version = "1.0"
dependencies = [
    "Django>=5.2",
]

[project.optional-dependencies]
test = ["pytest-django"]
postgres = ["psycopg[binary]"]

[dependency-groups]
lint = ["ruff"]
dev = [
    {include-group = "lint"},
    "django-debug-toolbar",
    "Django>=5.2",
]
"""


def test_dependency_groups_expand_include_group(tmp_path):
    deps = read_dependencies(write(tmp_path, {"pyproject.toml": PEP735}), ".")
    assert deps.manager == "pyproject"
    assert deps.dev_groups == ("lint", "dev")
    assert deps.dev_extras == ("test",)  # postgres is a feature, not development
    assert names(deps.prod) == ["django"]
    assert names(deps.dev) == ["ruff", "django-debug-toolbar", "pytest-django"]
    assert deps.find("ruff").origin == Origin("pyproject.toml", 13)
    assert deps.find("pytest-django").origin == Origin("pyproject.toml", 9)
    assert deps.origin == Origin("pyproject.toml", 1)


def test_dependency_group_cycle_is_an_error(tmp_path):
    text = '[dependency-groups]\na = [{include-group = "b"}]\nb = [{include-group = "a"}]\n'
    message = scan_error(write(tmp_path, {"pyproject.toml": text}))
    assert message.startswith("pyproject.toml: [dependency-groups] include each other in a cycle")


def test_unknown_include_group_is_an_error(tmp_path):
    text = '[dependency-groups]\ndev = [{include-group = "nope"}]\n'
    message = scan_error(write(tmp_path, {"pyproject.toml": text}))
    assert "includes group 'nope', which is not defined" in message


def test_pyproject_that_does_not_parse_names_the_file(tmp_path):
    write(tmp_path, {"requirements.txt": "Django\n", "pyproject.toml": '[project]\nname = "x\n'})
    message = scan_error(tmp_path)
    assert message.startswith("pyproject.toml: is not valid TOML (")
    assert "line 2" in message


def test_dependencies_that_are_not_a_list_are_an_error(tmp_path):
    write(tmp_path, {"pyproject.toml": '[project]\nname = "x"\ndependencies = "Django"\n'})
    message = scan_error(tmp_path)
    assert message == "pyproject.toml: [project] dependencies must be a list of requirement strings"


def test_invalid_pep508_string_names_file_and_line(tmp_path):
    write(
        tmp_path,
        {"pyproject.toml": '[project]\nname = "x"\ndependencies = [\n  "Django >>> 5",\n]\n'},
    )
    message = scan_error(tmp_path)
    assert message.startswith("pyproject.toml:4: 'Django >>> 5'")


def test_build_system_makes_the_project_a_package(tmp_path):
    text = (
        '[build-system]\nrequires = ["setuptools"]\n'
        '[project]\nname = "x"\nversion = "1"\ndependencies = []\n'
    )
    assert read_dependencies(write(tmp_path, {"pyproject.toml": text}), ".").package_mode is True


# --- Poetry ---------------------------------------------------------------------------------

POETRY_1 = """\
[tool.poetry]
name = "legacy"
version = "0.1.0"

[tool.poetry.dependencies]
python = "^3.11"
Django = "^4.2"
psycopg = {version = "^3.2", extras = ["binary"]}
redis = {version = "*", optional = true}
mylib = {git = "https://example.org/mylib.git", tag = "v2"}

[tool.poetry.dev-dependencies]
pytest-django = "^4.5"

[tool.poetry.group.docs]
optional = true

[tool.poetry.group.docs.dependencies]
Sphinx = ">=7"
"""


def test_poetry_1_legacy_dev_dependencies_and_groups(tmp_path):
    deps = read_dependencies(write(tmp_path, {"pyproject.toml": POETRY_1}), ".")
    assert deps.manager == "poetry"
    assert deps.lock_file is None
    assert deps.files == ("pyproject.toml",)
    assert deps.package_mode is True  # Poetry's default
    assert [(r.name, r.spec) for r in deps.prod] == [
        ("django", "Django ^4.2"),
        ("psycopg", "psycopg[binary] ^3.2"),
        ("mylib", "mylib @ git+https://example.org/mylib.git@v2"),
    ]  # python is not a package; the optional redis is installed only with its extra
    assert deps.find("psycopg").extras == ("binary",)
    assert deps.find("django").origin == Origin("pyproject.toml", 7)
    assert set(deps.dev_groups) == {"docs", "dev"}
    assert names(deps.dev) == ["sphinx", "pytest-django"]
    assert deps.find("pytest-django").origin == Origin("pyproject.toml", 13)
    assert deps.origin == Origin("pyproject.toml", 1)


def test_poetry_lock_alone_means_poetry(tmp_path):
    write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["Django"]\n',
            "poetry.lock": '[metadata]\nlock-version = "2.1"\n',
        },
    )
    deps = read_dependencies(tmp_path, ".")
    assert deps.manager == "poetry"
    assert deps.origin == Origin("poetry.lock")


def test_broken_lock_file_names_the_file(tmp_path):
    write(
        tmp_path, {"pyproject.toml": "[tool.poetry]\nname = 'x'\n", "poetry.lock": "[[package]\n"}
    )
    assert scan_error(tmp_path).startswith("poetry.lock: is not valid TOML")


# --- uv, PDM, Pipenv edge cases ---------------------------------------------------------------


def test_uv_legacy_dev_dependencies_and_workspace_members(tmp_path):
    write(
        tmp_path,
        {
            "pyproject.toml": (
                '[project]\nname = "site"\nversion = "1"\ndependencies = ["Django"]\n'
                '[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n'
                '[tool.uv]\ndev-dependencies = ["pytest"]\n'
                '[tool.uv.workspace]\nmembers = ["packages/*"]\n'
            ),
            "uv.lock": "version = 1\n",
            "packages/one/pyproject.toml": '[project]\nname = "one"\n',
            "packages/two/README": "not a member: no pyproject.toml\n",
        },
    )
    deps = read_dependencies(tmp_path, ".")
    assert deps.dev_groups == ("dev",)
    assert names(deps.dev) == ["pytest"]
    assert deps.package_mode is True
    assert deps.files == ("pyproject.toml", "uv.lock", "packages/one/pyproject.toml")


def test_uv_lock_without_pyproject_is_an_error(tmp_path):
    message = scan_error(write(tmp_path, {"uv.lock": "version = 1\n"}))
    assert message.startswith("uv.lock: has no pyproject.toml beside it")


def test_pdm_without_lock(tmp_path):
    text = (
        '[project]\nname = "x"\nversion = "1"\ndependencies = ["Django"]\n'
        '[tool.pdm]\n[tool.pdm.dev-dependencies]\ntest = ["pytest"]\n'
        '[dependency-groups]\nlint = ["ruff"]\n'
    )
    deps = read_dependencies(write(tmp_path, {"pyproject.toml": text}), ".")
    assert deps.manager == "pdm"
    assert deps.lock_file is None
    assert deps.files == ("pyproject.toml",)
    assert deps.dev_groups == ("test", "lint")
    assert deps.origin == Origin("pyproject.toml", 5)


def test_pipfile_without_lock_tables_and_custom_categories(tmp_path):
    text = (
        '[packages]\nDjango = "==5.2.19"\npsycopg = {version = ">=3.2", extras = ["c"]}\n'
        'mylib = {path = "./libs/mylib", editable = true}\nwhitenoise = "*"\n'
        '[dev-packages]\npytest-django = "*"\n[docs]\nsphinx = "*"\n'
        '[requires]\npython_version = "3.12"\n'
    )
    deps = read_dependencies(write(tmp_path, {"Pipfile": text}), ".")
    assert deps.manager == "pipenv"
    assert deps.lock_file is None
    assert deps.files == ("Pipfile",)
    assert [(r.name, r.spec) for r in deps.prod] == [
        ("django", "Django==5.2.19"),
        ("psycopg", "psycopg[c]>=3.2"),
        ("mylib", "-e mylib @ ./libs/mylib"),
        ("whitenoise", "whitenoise"),
    ]
    assert deps.find("psycopg").extras == ("c",)
    assert deps.dev_groups == ("dev-packages", "docs")
    assert names(deps.dev) == ["pytest-django", "sphinx"]


def test_broken_pipfile_lock_names_the_file(tmp_path):
    write(tmp_path, {"Pipfile": "[packages]\n", "Pipfile.lock": '{\n  "_meta": \n'})
    assert scan_error(tmp_path).startswith("Pipfile.lock: is not valid JSON")


def test_editable_install_of_the_project_itself_is_named_after_its_directory(tmp_path):
    repo = write(tmp_path / "My_Site", {"requirements.txt": "Django\n-e .\n"})
    deps = read_dependencies(repo, ".")
    assert [(r.name, r.spec) for r in deps.prod] == [("django", "Django"), ("my-site", "-e .")]


def test_poetry_2_dependency_groups_join_its_own_groups(tmp_path):
    text = (
        '[project]\nname = "x"\nversion = "1"\ndependencies = ["Django"]\n'
        "[tool.poetry]\npackage-mode = false\n"
        '[tool.poetry.group.dev.dependencies]\npytest = "^8"\n'
        '[dependency-groups]\ndev = ["ruff"]\ndocs = ["sphinx"]\n'
    )
    deps = read_dependencies(write(tmp_path, {"pyproject.toml": text}), ".")
    assert deps.dev_groups == ("dev", "docs")
    assert names(deps.dev) == ["pytest", "ruff", "sphinx"]
    assert deps.find("ruff").origin == Origin("pyproject.toml", 10)
