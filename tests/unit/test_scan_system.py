"""Debian packages `parity scan` says the dependencies need, at run time and only to build."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from parity.model import Fact, Origin, Settings
from parity.scan.dependencies import read_dependencies
from parity.scan.system_packages import PACKAGE_TABLE, system_needs

NO_SETTINGS = Settings(module=Fact(None))


def needs_for(tmp_path: Path, requirements: str, settings: Settings = NO_SETTINGS):
    (tmp_path / "requirements.txt").write_text(requirements)
    return system_needs(read_dependencies(tmp_path, "."), settings)


def by_package(needs) -> dict:
    return {n.package: (n.runtime_packages, n.build_packages) for n in needs}


def test_psycopg2_builds_against_libpq(tmp_path):
    needs = needs_for(tmp_path, "Django\npsycopg2==2.9.10\n")
    assert by_package(needs) == {"psycopg2": (("libpq5",), ("libpq-dev", "gcc", "libc6-dev"))}
    assert needs[0].origin == Origin("requirements.txt", 2)
    assert "libpq" in needs[0].reason


def test_psycopg2_binary_needs_nothing_unless_built_from_source(tmp_path):
    assert needs_for(tmp_path, "psycopg2-binary\n") == ()
    needs = needs_for(tmp_path, "--no-binary psycopg2-binary\npsycopg2-binary\n")
    assert by_package(needs)["psycopg2-binary"][1] == ("libpq-dev", "gcc", "libc6-dev")


@pytest.mark.parametrize(
    ("requirements", "expected"),
    [
        ("psycopg>=3.2\n", {"psycopg": (("libpq5",), ())}),
        ("psycopg[pool]\n", {"psycopg": (("libpq5",), ())}),
        ("psycopg[binary]\n", {}),
        ("psycopg\npsycopg-binary\n", {}),
        ("psycopg[c]\n", {"psycopg": (("libpq5",), ("libpq-dev", "gcc", "libc6-dev"))}),
    ],
)
def test_psycopg_3_variants(tmp_path, requirements, expected):
    assert by_package(needs_for(tmp_path, requirements)) == expected


def test_mysqlclient(tmp_path):
    runtime, build = by_package(needs_for(tmp_path, "mysqlclient\n"))["mysqlclient"]
    assert runtime == ("libmariadb3",)
    assert build == ("default-libmysqlclient-dev", "pkg-config", "gcc", "libc6-dev")


def test_uwsgi_needs_a_compiler(tmp_path):
    assert by_package(needs_for(tmp_path, "uWSGI==2.0.28\n")) == {
        "uwsgi": ((), ("gcc", "libc6-dev"))
    }


def test_weasyprint_needs_pango_at_run_time(tmp_path):
    runtime, build = by_package(needs_for(tmp_path, "weasyprint\n"))["weasyprint"]
    assert runtime == ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0")
    assert build == ()


def test_pillow_and_lxml_only_when_built_from_source(tmp_path):
    assert needs_for(tmp_path, "Pillow\nlxml\n") == ()
    needs = by_package(needs_for(tmp_path, "--no-binary :all:\nPillow\nlxml\n"))
    assert needs["pillow"] == (
        ("libjpeg62-turbo", "zlib1g"),
        ("libjpeg62-turbo-dev", "zlib1g-dev", "gcc", "libc6-dev"),
    )
    assert needs["lxml"] == (
        ("libxml2", "libxslt1.1"),
        ("libxml2-dev", "libxslt1-dev", "gcc", "libc6-dev"),
    )


def test_any_other_package_built_from_source_needs_a_compiler(tmp_path):
    needs = needs_for(tmp_path, "--no-binary=markupsafe\nMarkupSafe\nDjango\n")
    assert by_package(needs) == {"markupsafe": ((), ("gcc", "libc6-dev"))}
    assert needs[0].origin == Origin("requirements.txt", 2)


def test_dev_dependencies_count_too(tmp_path):
    (tmp_path / "requirements-dev.txt").write_text("mysqlclient\n")
    needs = needs_for(tmp_path, "Django\n")
    assert [n.package for n in needs] == ["mysqlclient"]
    assert needs[0].origin == Origin("requirements-dev.txt", 1)


def test_geodjango_from_installed_apps(tmp_path):
    settings = Settings(
        module=Fact("config.settings"),
        file="config/settings.py",
        installed_apps=("django.contrib.staticfiles", "django.contrib.gis"),
    )
    needs = needs_for(tmp_path, "Django\n", settings)
    assert by_package(needs) == {"django.contrib.gis": (("gdal-bin",), ())}
    assert needs[0].origin == Origin("config/settings.py")
    assert "GDAL" in needs[0].reason


def test_geodjango_from_a_postgis_engine(tmp_path):
    engine = Fact("django.contrib.gis.db.backends.postgis", Origin("config/settings.py", 40))
    settings = Settings(module=Fact(None), database_engines=(engine,))
    needs = needs_for(tmp_path, "psycopg[binary]\n", settings)
    assert by_package(needs) == {"django.contrib.gis": (("gdal-bin",), ())}
    assert needs[0].origin == Origin("config/settings.py", 40)


def test_spatialite_adds_its_sqlite_module(tmp_path):
    engine = Fact("django.contrib.gis.db.backends.spatialite", Origin("s.py", 3))
    settings = Settings(module=Fact(None), database_engines=(engine,))
    assert by_package(needs_for(tmp_path, "Django\n", settings)) == {
        "django.contrib.gis": (("gdal-bin", "libsqlite3-mod-spatialite"), ())
    }


def test_plain_django_needs_nothing(tmp_path):
    engine = Fact("django.db.backends.postgresql", Origin("s.py", 3))
    settings = Settings(module=Fact(None), database_engines=(engine,))
    assert needs_for(tmp_path, "Django\nwhitenoise\npsycopg[binary]\n", settings) == ()


def test_poetry_table_extras_are_understood(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.poetry.dependencies]\npython = "^3.12"\n'
        'psycopg = {version = "^3.2", extras = ["binary"]}\npsycopg2 = "^2.9"\n'
    )
    needs = system_needs(read_dependencies(tmp_path, "."), NO_SETTINGS)
    assert [n.package for n in needs] == ["psycopg2"]
    assert needs[0].origin == Origin("pyproject.toml", 4)


_DEBIAN_NAME = re.compile(r"^[a-z0-9][a-z0-9+.-]+$")


def test_every_row_is_documented_and_names_debian_packages():
    for row in PACKAGE_TABLE:
        assert row.reason and row.packages
        assert not set(row.runtime) & set(row.build)  # runtime ones are already in base
        for package in row.runtime + row.build:
            assert _DEBIAN_NAME.match(package), package
        # a row that builds always has a compiler
        if row.build:
            assert "gcc" in row.build
