"""Which translations reach the image: read from the settings, pruned by one `find`."""

from __future__ import annotations

import subprocess
from dataclasses import replace

import pytest
from test_plan_render import article_project
from test_scan_settings import project_with

from parity.model import Fact, Origin
from parity.plan import Options, make_plan
from parity.render import render

SETTINGS = Origin("mysite/settings.py", 1)


# --- what the scan reads -------------------------------------------------------------------


def test_languages_codes_are_read_past_lazy_translated_names(tmp_path):
    settings = project_with(
        tmp_path,
        """
        from django.utils.translation import gettext_lazy as _
        USE_I18N = True
        LANGUAGE_CODE = "en-us"
        LANGUAGES = [("en", _("English")), ("pt-br", _("Brazilian Portuguese"))]
        """,
    )
    assert settings.use_i18n.value is True
    assert settings.language_code.value == "en-us"
    assert settings.languages.value == ("en", "pt-br")
    assert settings.languages.origin == Origin("mysite/settings.py", 5)


def test_languages_from_the_environment_are_unknown_with_the_reason(tmp_path):
    settings = project_with(
        tmp_path,
        """
        import os
        LANGUAGES = [(code, code) for code in os.environ["SITE_LANGUAGES"].split(",")]
        """,
    )
    assert settings.languages.value is None
    assert settings.languages.origin is not None and settings.languages.note


def test_settings_without_i18n_settings_leave_them_unset(tmp_path):
    settings = project_with(tmp_path, "DEBUG = False\n")
    assert settings.use_i18n == Fact(None)
    assert settings.languages == Fact(None)


# --- what the plan keeps -----------------------------------------------------------------


def plan_with(**facts):
    project = article_project()
    settings = replace(project.settings, **facts)
    return make_plan(replace(project, settings=settings), Options())


def test_every_translation_stays_when_the_settings_do_not_say_which_languages():
    plan = plan_with()
    assert plan.kept_locales is None
    assert plan.prune_command == "find /opt/venv -name '*.po' -delete"


def test_no_translation_stays_when_i18n_is_off():
    plan = plan_with(use_i18n=Fact(False, SETTINGS))
    assert plan.kept_locales == ()
    assert plan.prune_command == (
        r"find /opt/venv \( -name '*.po' -o -path '*/locale/*/LC_MESSAGES/*'"
        r" \( -name django.mo -o -name djangojs.mo \) \) -delete"
    )
    assert any("USE_I18N = False" in note for note in plan.notes)


def test_languages_and_language_code_are_kept_with_their_fallbacks():
    plan = plan_with(
        languages=Fact(("de", "pt-br", "zh-hans", "sr-latn"), SETTINGS),
        language_code=Fact("en-gb", SETTINGS),
    )
    # Django looks for pt_BR, then pt: both stay (as to_locale names them).
    assert plan.kept_locales == (
        *("de", "en", "en_GB", "pt", "pt_BR"),
        *("sr", "sr_Latn", "zh", "zh_Hans"),
    )
    assert "! -path '*/locale/pt_BR/*'" in plan.prune_command


def test_default_language_code_is_kept_when_only_languages_is_set():
    plan = plan_with(languages=Fact(("fr",), SETTINGS))
    assert plan.kept_locales == ("en", "en_US", "fr")


@pytest.mark.parametrize(
    "facts",
    [
        {"use_i18n": Fact(None, SETTINGS, note="comes from the environment (I18N)")},
        {"languages": Fact(None, SETTINGS, note="comes from the environment (LANGS)")},
        {
            "languages": Fact(("fr",), SETTINGS),
            "language_code": Fact(None, SETTINGS, note="comes from the environment (LANG)"),
        },
    ],
)
def test_anything_decided_at_run_time_keeps_every_translation(facts):
    assert plan_with(**facts).kept_locales is None


# --- what the generated command deletes ----------------------------------------------------


def test_the_prune_command_deletes_exactly_the_other_languages(tmp_path):
    venv = tmp_path / "opt" / "venv"
    site = venv / "lib" / "python3.11" / "site-packages"
    files = [
        "django/conf/locale/en/LC_MESSAGES/django.mo",
        "django/conf/locale/en/LC_MESSAGES/django.po",
        "django/conf/locale/en/formats.py",
        "django/conf/locale/fr/LC_MESSAGES/django.mo",
        "django/conf/locale/fr/formats.py",
        "django/conf/locale/de/LC_MESSAGES/django.mo",
        "django/contrib/admin/locale/fr/LC_MESSAGES/djangojs.mo",
        "django/contrib/admin/locale/de/LC_MESSAGES/djangojs.mo",
        "django/contrib/admin/locale/en_US/LC_MESSAGES/django.mo",
        "somepkg/data/LC_MESSAGES/not_a_locale_dir.mo",
        # A library's own gettext domain: it may switch languages outside Django's settings.
        "humanize/locale/de/LC_MESSAGES/humanize.mo",
    ]
    for rel in files:
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text("x")
    plan = plan_with(languages=Fact(("fr",), SETTINGS))
    command = plan.prune_command.replace("/opt/venv", str(venv))
    subprocess.run(["sh", "-c", command], check=True)
    left = sorted(p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file())
    assert left == sorted(
        [
            "django/conf/locale/en/LC_MESSAGES/django.mo",
            "django/conf/locale/en/formats.py",  # locale formats are code: never deleted
            "django/conf/locale/fr/LC_MESSAGES/django.mo",
            "django/conf/locale/fr/formats.py",
            "django/contrib/admin/locale/fr/LC_MESSAGES/djangojs.mo",
            "django/contrib/admin/locale/en_US/LC_MESSAGES/django.mo",
            "somepkg/data/LC_MESSAGES/not_a_locale_dir.mo",
            "humanize/locale/de/LC_MESSAGES/humanize.mo",
        ]
    )


def test_with_i18n_off_the_prune_command_deletes_every_django_translation(tmp_path):
    site = tmp_path / "venv"
    files = {
        "django/conf/locale/en/LC_MESSAGES/django.mo": False,
        "django/contrib/admin/locale/fr/LC_MESSAGES/djangojs.mo": False,
        "django/contrib/admin/locale/fr/LC_MESSAGES/django.po": False,
        "django/conf/locale/fr/formats.py": True,
        "humanize/locale/de/LC_MESSAGES/humanize.mo": True,
    }
    for rel in files:
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text("x")
    command = plan_with(use_i18n=Fact(False, SETTINGS)).prune_command
    subprocess.run(["sh", "-c", command.replace("/opt/venv", str(site))], check=True)
    assert {rel: (site / rel).exists() for rel in files} == files


def test_the_generated_dockerfile_prunes_in_the_dependency_install():
    plan = plan_with(languages=Fact(("fr",), SETTINGS))
    dockerfile = render(plan)["Dockerfile"]
    [install] = [block for block in dockerfile.split("\n\n") if "python -m venv" in block]
    assert f" && {plan.prune_command}\n" in install
    assert "languages outside LANGUAGES" in install
