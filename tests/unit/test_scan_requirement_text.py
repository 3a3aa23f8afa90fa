"""Requirement text: the plain forms are read without packaging, and read exactly as packaging does.

packaging is imported only for requirements the simple form does not cover
(markers, URLs, pre-releases...). These tests hold the two readings together:
every string the shortcut takes must give the Requirement packaging gives.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from packaging.requirements import InvalidRequirement
from packaging.requirements import Requirement as Pep508
from packaging.utils import canonicalize_name

from parity.model import Origin, Requirement
from parity.scan import requirement_text
from parity.scan.requirement_text import canonical, name_of_reference, normalize_spaces

NAMES = ["Django", "django-environ", "psycopg", "a", "A1", "zope.interface", "Foo_Bar", "a..b"]
BAD_NAMES = ["x-", "-x", "_a", "a.", "ä"]
EXTRAS = ["", "[binary]", "[binary,pool]", "[Pool,pool]", "[a_b.c]", "[]", "[ binary ]", "[a,]"]
SPECIFIERS = [
    "", "==5.2.19", ">=5.0,<6", ">= 5.0, < 6", ">=5.0 ,<6", "~=5.2", "~=5", "~= 5.2.1", "==5.*",
    "==5.2.*", "!=1.*", "!=1.0", ">=1.*", "<=1.*", "===1.0", "==1.0rc1", "==1.0.post1",
    "==1.0.dev0", "==1!2.0", "==1.0+local", "<1", ">1", "<= 2", "==01.02", ">=1,", ",>=1", "==",
    ">=1 <2", "==1.0.*.*", "== 1.0", ">=1 , <2", "==1.*.0", "(>=1.0)", " (>=1.0)",
    "; python_version < '3.11'", "==1.0; sys_platform == 'win32'", " @ https://x.example/y.whl",
    "==1.0 --hash=sha256:00", ">=1,<2,!=1.5.*",
]  # fmt: skip


def packaging_reading(text: str) -> Requirement | None:
    """What parse_requirement gave before the shortcut, when packaging read every line."""
    spec = normalize_spaces(text)
    try:
        parsed = Pep508(spec)
    except InvalidRequirement:
        name = name_of_reference(spec)
        return None if name is None else Requirement(canonical(name), spec, None)
    return Requirement(
        name=str(canonicalize_name(parsed.name)),
        spec=spec,
        extras=tuple(sorted(str(canonicalize_name(e)) for e in parsed.extras)),
        marker=str(parsed.marker) if parsed.marker else None,
    )


CORPUS = [
    name + extras + spec
    for name, extras, spec in itertools.product(NAMES + BAD_NAMES, EXTRAS, SPECIFIERS)
]


def test_every_requirement_reads_as_packaging_reads_it():
    differences = [
        text
        for text in CORPUS
        if requirement_text.parse_requirement(text, None) != packaging_reading(text)
    ]
    assert differences == []


def test_the_shortcut_takes_only_what_packaging_accepts_without_marker_or_url():
    taken = [text for text in CORPUS if requirement_text._SIMPLE.fullmatch(normalize_spaces(text))]
    assert len(taken) > 300  # the common forms do take it
    for text in taken:
        parsed = Pep508(normalize_spaces(text))
        assert parsed.marker is None and parsed.url is None, text


@pytest.mark.parametrize(
    "text",
    [
        "Django==5.2.19",
        "django-environ>=0.11,<1",
        "psycopg[binary,pool]==3.2.3",
        "gunicorn",
        "whitenoise~=6.7",
        "Django==5.2.*",
    ],
)
def test_plain_pins_and_ranges_take_the_shortcut(text):
    assert requirement_text._SIMPLE.fullmatch(text)


@pytest.mark.parametrize(
    "text",
    [
        'tzdata; sys_platform == "win32"',
        "Django==5.2rc1",
        "pkg @ https://example.com/pkg-1.0.whl",
        "Django (>=5.0)",
        "Django===5.0",
    ],
)
def test_markers_urls_and_pre_releases_still_go_to_packaging(text):
    assert not requirement_text._SIMPLE.fullmatch(text)
    expected = replace(packaging_reading(text), origin=Origin("r.txt", 1))
    assert requirement_text.parse_requirement(text, Origin("r.txt", 1)) == expected


@pytest.mark.parametrize(
    "name",
    ["Django", "zope.interface", "Foo__Bar", "a-_.-b", "A.B_C-D", "--x..", "ÄÖ_ü", "İstanbul", "K"],
)
def test_canonical_is_packagings_canonicalize_name(name):
    assert canonical(name) == canonicalize_name(name)


def test_a_plain_project_is_scanned_without_importing_packaging_tomllib_or_jinja(tmp_path: Path):
    """The start-up cost this module avoids, checked in a fresh interpreter."""
    (tmp_path / "mysite").mkdir()
    (tmp_path / "manage.py").write_text(
        'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
        "from django.core.management import execute_from_command_line\n"
    )
    (tmp_path / "mysite" / "__init__.py").write_text("")
    (tmp_path / "mysite" / "settings.py").write_text('STATIC_ROOT = "static"\n')
    (tmp_path / "requirements.txt").write_text("Django>=5.2,<6\npsycopg[binary]==3.2.3\n")
    (tmp_path / ".python-version").write_text("3.12\n")
    code = (
        "import json, sys\n"
        "from parity.cli import main\n"
        f"main(['scan', {str(tmp_path)!r}])\n"
        "print(json.dumps(sorted(m for m in ('packaging', 'tomllib', 'tomli', 'jinja2')"
        " if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "Django>=5.2,<6" in result.stdout
    assert json.loads(result.stdout.splitlines()[-1]) == []
