"""Debian packages the dependencies need, as a data table.

Each row names the Python packages it applies to, the Debian packages needed
at run time (installed in the shared base stage) and those needed only to
build (kept in a builder stage), and why. Every name exists in both Debian
bookworm (12) and trixie (13), the releases the python:*-slim images use
(checked with apt-cache policy against both releases' package lists).
The official images already carry Python's headers, so a compiler (gcc with
the C library headers) is all a source build adds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from parity.model import Dependencies, Origin, Requirement, Settings, SystemNeed

COMPILER = ("gcc", "libc6-dev")  # without recommends, gcc alone has no <stdio.h>
LIBPQ = ("libpq5",)
LIBPQ_BUILD = ("libpq-dev", *COMPILER)


def _always(_: Requirement, __: Dependencies) -> bool:
    return True


def _built_from_source(requirement: Requirement, _: Dependencies) -> bool:
    return requirement.no_binary


def _psycopg_needs_libpq(requirement: Requirement, deps: Dependencies) -> bool:
    # psycopg[binary] (or psycopg-binary listed beside it) bundles its own libpq;
    # the pure-Python psycopg loads the system's libpq at import.
    return "binary" not in requirement.extras and deps.find("psycopg-binary") is None


def _psycopg_builds_c(requirement: Requirement, _: Dependencies) -> bool:
    return "c" in requirement.extras


@dataclass(frozen=True)
class PackageRow:
    packages: tuple[str, ...]  # canonical Python package names the row applies to
    runtime: tuple[str, ...]
    build: tuple[str, ...]
    reason: str
    applies: Callable[[Requirement, Dependencies], bool] = _always


PACKAGE_TABLE: tuple[PackageRow, ...] = (
    PackageRow(
        ("psycopg2",),
        LIBPQ,
        LIBPQ_BUILD,
        "psycopg2 has no wheels: it compiles against libpq (libpq-dev, gcc) and loads libpq5",
    ),
    PackageRow(
        ("psycopg2-binary",),
        LIBPQ,
        LIBPQ_BUILD,
        "psycopg2-binary is built from source here (--no-binary): it needs libpq-dev and gcc",
        _built_from_source,
    ),
    PackageRow(
        ("psycopg",),
        LIBPQ,
        (),
        "psycopg without [binary] is pure Python and loads the system's libpq5 at run time",
        lambda r, d: _psycopg_needs_libpq(r, d) and not _psycopg_builds_c(r, d),
    ),
    PackageRow(
        ("psycopg",),
        LIBPQ,
        LIBPQ_BUILD,
        "psycopg[c] compiles its C implementation against libpq (libpq-dev, gcc)",
        _psycopg_builds_c,
    ),
    PackageRow(
        ("psycopg-c",),
        LIBPQ,
        LIBPQ_BUILD,
        "psycopg-c compiles against libpq (libpq-dev, gcc) and loads libpq5",
    ),
    PackageRow(
        ("mysqlclient",),
        ("libmariadb3",),
        ("default-libmysqlclient-dev", "pkg-config", *COMPILER),
        "mysqlclient has no Linux wheels: it compiles against the MariaDB client "
        "(found with pkg-config) and loads libmariadb3",
    ),
    PackageRow(
        ("uwsgi",),
        (),
        COMPILER,
        "uWSGI is only published as source: pip compiles it with gcc",
    ),
    PackageRow(
        ("weasyprint",),
        ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"),
        (),
        "WeasyPrint loads Pango and HarfBuzz at run time to lay out and subset fonts",
    ),
    PackageRow(
        ("pillow",),
        ("libjpeg62-turbo", "zlib1g"),
        ("libjpeg62-turbo-dev", "zlib1g-dev", *COMPILER),
        "Pillow is built from source here (--no-binary): it needs the JPEG and zlib headers",
        _built_from_source,
    ),
    PackageRow(
        ("lxml",),
        ("libxml2", "libxslt1.1"),
        ("libxml2-dev", "libxslt1-dev", *COMPILER),
        "lxml is built from source here (--no-binary): it links libxml2 and libxslt",
        _built_from_source,
    ),
)

# GeoDjango loads GDAL, GEOS and PROJ with ctypes. gdal-bin pulls in the right
# libgdal/libgeos-c/libproj for each release: their own names differ between
# bookworm (libgdal32, libgeos-c1v5) and trixie (libgdal36, libgeos-c1t64).
GIS_RUNTIME = ("gdal-bin",)
SPATIALITE_RUNTIME = ("libsqlite3-mod-spatialite",)


def _gis_need(settings: Settings) -> SystemNeed | None:
    engines = [e for e in settings.database_engines if ".gis." in (e.value or "")]
    if "django.contrib.gis" in settings.installed_apps:
        origin = Origin(settings.file) if settings.file else None
        why = "django.contrib.gis is in INSTALLED_APPS"
    elif engines:
        origin = engines[0].origin
        why = f"the database engine is {engines[0].value}"
    else:
        return None
    runtime = GIS_RUNTIME
    if any("spatialite" in (e.value or "") for e in settings.database_engines):
        runtime += SPATIALITE_RUNTIME
    return SystemNeed(
        package="django.contrib.gis",
        reason=f"GeoDjango ({why}) loads GDAL, GEOS and PROJ; gdal-bin brings all three",
        runtime_packages=runtime,
        origin=origin,
    )


def system_needs(dependencies: Dependencies, settings: Settings) -> tuple[SystemNeed, ...]:
    """What each dependency (and GeoDjango) needs from Debian, in table order."""
    needs: list[SystemNeed] = []
    covered: set[str] = set()
    for row in PACKAGE_TABLE:
        for name in row.packages:
            requirement = dependencies.find(name)
            if requirement and row.applies(requirement, dependencies):
                covered.add(name)
                needs.append(
                    SystemNeed(name, row.reason, row.runtime, row.build, requirement.origin)
                )
    for requirement in dependencies.all:
        if requirement.no_binary and requirement.name not in covered:
            covered.add(requirement.name)
            needs.append(
                SystemNeed(
                    requirement.name,
                    f"{requirement.name} is built from source here (--no-binary): it needs gcc",
                    (),
                    COMPILER,
                    requirement.origin,
                )
            )
    gis = _gis_need(settings)
    if gis:
        needs.append(gis)
    return tuple(needs)
