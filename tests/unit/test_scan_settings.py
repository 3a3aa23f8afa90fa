"""Reading Django settings from their AST: modules, values, required environment, bad input."""

from __future__ import annotations

import textwrap
import time
from pathlib import Path

import pytest

from parity.cli import main
from parity.errors import ScanError
from parity.model import Origin, Settings
from parity.scan import scan
from parity.scan.layout import find_layout
from parity.scan.settings import read_settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def settings_of(fixture: str, override: str | None = None) -> Settings:
    root = FIXTURES / fixture
    layout = find_layout(root)
    return read_settings(root, layout.code_root, layout.manage_py.value, override)


def at(fixture: str, rel: str, text: str) -> Origin:
    """The origin of the first line of a fixture file that contains `text`."""
    lines = (FIXTURES / fixture / rel).read_text().splitlines()
    number = next(i for i, line in enumerate(lines, 1) if text in line)
    return Origin(rel, number)


def env_table(settings: Settings) -> dict[str, tuple[str, Origin, str]]:
    return {var.name: (var.cast, var.origin, var.how) for var in settings.required_env}


def project_with(tmp_path: Path, settings: str, more: dict[str, str] | None = None) -> Settings:
    """A one-package project whose settings are `settings`, plus `more` files (path: text)."""
    (tmp_path / "mysite").mkdir(exist_ok=True)
    (tmp_path / "manage.py").write_text(
        'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")\n'
        "from django.core.management import execute_from_command_line\n"
    )
    (tmp_path / "mysite" / "__init__.py").write_text("")
    (tmp_path / "mysite" / "settings.py").write_text(textwrap.dedent(settings))
    for rel, text in (more or {}).items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return read_settings(tmp_path, ".", "manage.py")


# --- which module ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fixture", "module", "where", "text"),
    [
        ("layout_root", "mysite.settings", "manage.py", "DJANGO_SETTINGS_MODULE"),
        ("layout_app", "app.settings", "app/manage.py", "DJANGO_SETTINGS_MODULE"),
        ("settings_package", "config.settings.local", "manage.py", "DJANGO_SETTINGS_MODULE"),
        # manage.py sets nothing: wsgi.py assigns os.environ[...] with single quotes
        ("settings_sibling_production", "portal.settings", "portal/wsgi.py", "DJANGO_SETTINGS"),
    ],
)
def test_settings_module_default_and_where_it_is_set(fixture, module, where, text):
    settings = settings_of(fixture)
    assert settings.module.value == module
    assert settings.module.origin == at(fixture, where, text)  # repo-relative, with the line


def test_no_default_anywhere_says_so_and_settings_option_fills_in():
    settings = settings_of("settings_no_default")
    assert settings.module.value is None
    assert "pass --settings" in settings.module.note
    assert settings.file is None
    chosen = settings_of("settings_no_default", "site.settings")
    assert chosen.module.value == "site.settings"
    assert chosen.module.note == "given with --settings"
    assert chosen.file == "site/settings.py"
    assert chosen.static_url.value == "/s/"


def test_settings_option_wins_over_the_projects_default():
    settings = settings_of("settings_package", "config.settings.base")
    assert settings.module.value == "config.settings.base"
    assert settings.production_module.value == "config.settings.production"


def test_settings_option_naming_a_missing_module_is_one_clear_error():
    with pytest.raises(ScanError) as raised:
        settings_of("layout_root", "mysite.settingz")
    assert str(raised.value) == (
        "--settings mysite.settingz: no mysite/settingz.py or mysite/settingz/__init__.py "
        "in the repository; pass the module as manage.py would import it"
    )


def test_a_default_module_that_does_not_exist_is_a_note_not_an_error(tmp_path):
    (tmp_path / "manage.py").write_text(
        'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "gone.settings")\n'
        "execute_from_command_line()\n"
    )
    settings = read_settings(tmp_path, ".", "manage.py")
    assert settings.module.value == "gone.settings"
    assert "no gone/settings.py" in settings.module.note
    assert settings.file is None


# --- settings packages and production modules --------------------------------------------


def test_settings_package_reports_the_production_module_and_reads_it():
    settings = settings_of("settings_package")
    assert settings.production_module.value == "config.settings.production"
    assert settings.production_module.origin.path == "config/settings/production.py"
    assert settings.file == "config/settings/production.py"
    # values production.py takes from base.py keep base.py's lines
    base = "config/settings/base.py"
    assert settings.static_root.value == "staticfiles"
    assert settings.static_root.origin == at("settings_package", base, "STATIC_ROOT")
    assert settings.media_root.value == "shop/media"
    assert settings.wsgi_application.value == "config.wsgi.application"
    assert settings.wsgi_application.origin == at("settings_package", base, "WSGI_APPLICATION")
    assert [e.value for e in settings.database_engines] == ["django.db.backends.postgresql"]
    assert settings.database_engines[0].origin == at("settings_package", base, "DATABASES = ")
    assert settings.whitenoise.value is True
    assert settings.whitenoise.origin == at("settings_package", base, "MIDDLEWARE")
    production = "config/settings/production.py"
    assert (
        settings.static_storage.value == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert settings.static_storage.origin == at("settings_package", production, "STORAGES")
    assert settings.allowed_hosts.value == ("shop.example.com",)
    assert settings.secure_ssl_redirect.value is True
    assert settings.csrf_trusted_origins.value == ("https://shop.example.com",)
    assert settings.installed_apps == (
        "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions",
        "django.contrib.staticfiles", "rest_framework", "shop.orders",
    )  # fmt: skip


def test_settings_package_required_env_is_productions():
    env = env_table(settings_of("settings_package"))
    production = "config/settings/production.py"
    assert list(env) == ["DJANGO_SECRET_KEY", "REDIS_URL", "SENTRY_DSN", "DJANGO_ADMIN_URL"]
    assert env["DJANGO_SECRET_KEY"] == (
        "str",
        at("settings_package", production, 'env("DJANGO_SECRET_KEY")'),
        'env("DJANGO_SECRET_KEY")',
    )
    # read with defaults: not required (DJANGO_DEBUG, DATABASE_URL, CONN_MAX_AGE...)
    assert not {"DJANGO_DEBUG", "DATABASE_URL", "CONN_MAX_AGE", "DJANGO_READ_DOT_ENV_FILE"} & set(
        env
    )


def test_package_init_star_import_and_a_prod_sibling():
    settings = settings_of("settings_package_init")
    assert settings.module.value == "mysite.settings"
    assert settings.production_module.value == "mysite.settings.prod"
    assert settings.file == "mysite/settings/prod.py"
    assert settings.static_root.value == "static"
    assert settings.static_root.origin == at(
        "settings_package_init", "mysite/settings/base.py", "STATIC_ROOT"
    )
    assert [e.value for e in settings.database_engines] == ["django.db.backends.postgresql"]
    env = env_table(settings)
    assert list(env) == ["SECRET_KEY", "ALLOWED_HOSTS"]
    assert env["ALLOWED_HOSTS"][2] == 'os.environ["ALLOWED_HOSTS"]'
    assert settings.allowed_hosts.value is None
    assert settings.allowed_hosts.note == "comes from the environment (ALLOWED_HOSTS) at run time"


def test_production_py_beside_settings_py():
    settings = settings_of("settings_sibling_production")
    assert settings.production_module.value == "portal.production"
    assert settings.file == "portal/production.py"
    assert settings.allowed_hosts.value == ("portal.example.com",)
    assert settings.static_root.value == "static"
    assert settings.static_root.origin.path == "portal/settings.py"
    assert list(env_table(settings)) == ["PORTAL_SECRET_KEY"]


def test_a_package_init_that_picks_one_module_is_followed(tmp_path):
    project_with(tmp_path, "")
    (tmp_path / "mysite" / "settings.py").unlink()
    (tmp_path / "mysite" / "settings").mkdir()
    (tmp_path / "mysite" / "settings" / "__init__.py").write_text("from .local import *\n")
    (tmp_path / "mysite" / "settings" / "local.py").write_text('STATIC_URL = "/assets/"\n')
    settings = read_settings(tmp_path, ".", "manage.py")
    assert settings.file == "mysite/settings/__init__.py"
    assert settings.production_module.value is None
    assert settings.static_url.value == "/assets/"
    assert settings.static_url.origin == Origin("mysite/settings/local.py", 1)


# --- values ------------------------------------------------------------------------------


def test_startproject_settings():
    settings = settings_of("layout_root")
    assert settings.file == "mysite/settings.py"
    assert settings.static_url.value == "static/"
    assert settings.static_root.value is None and settings.static_root.origin is None
    assert settings.allowed_hosts.value == ()
    assert settings.sqlite_path.value == "db.sqlite3"
    assert [e.value for e in settings.database_engines] == ["django.db.backends.sqlite3"]
    assert settings.whitenoise.value is False
    assert settings.required_env == ()
    assert settings.wsgi_application.origin == at(
        "layout_root", "mysite/settings.py", "WSGI_APPLICATION"
    )


def test_article_app_settings():
    settings = settings_of("layout_app")
    rel = "app/app/settings.py"
    assert settings.static_root.value == "staticfiles"
    assert settings.static_root.origin == at("layout_app", rel, "STATIC_ROOT")
    assert settings.static_url.value == "/static/"
    assert settings.media_root.value == "/var/lib/app/media"
    assert settings.media_url.value == "/media/"
    assert settings.whitenoise.value is True
    assert (
        settings.static_storage.value == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert settings.allowed_hosts.value == ("localhost", "127.0.0.1")  # the default, split
    assert settings.allowed_hosts.origin == at("layout_app", rel, "ALLOWED_HOSTS")
    assert settings.csrf_trusted_origins.value == ("https://notes.example.com",)
    assert settings.secure_ssl_redirect.value is True  # not DEBUG, DEBUG defaults to "0"
    assert settings.sqlite_path.value == "data/db.sqlite3"
    assert settings.installed_apps[0] == "whitenoise.runserver_nostatic"
    assert settings.required_env == ()


def test_os_path_base_dir_and_paths_outside_the_code_root():
    settings = settings_of("layout_src")
    assert settings.static_root.value == "collected-static"
    assert settings.media_root.value == "../media"  # beside src/, still in the repository
    assert settings.static_storage.value == (
        "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"
    )
    assert settings.asgi_application.value == "config.asgi.application"
    assert [e.value for e in settings.database_engines] == ["django.db.backends.postgresql"]
    assert settings.required_env == ()  # os.getenv with defaults


def test_parents_index_base_dir_and_wsgi_fallback():
    settings = settings_of("layout_src_backend")
    assert settings.static_root.value == "static_root"
    assert settings.sqlite_path.value == "db.sqlite3"
    assert settings.wsgi_application.value == "core.wsgi.application"
    assert settings.wsgi_application.origin == Origin("src/backend/core/wsgi.py")
    assert settings.wsgi_application.note == "WSGI_APPLICATION is not set"


PATH_BASE_DIRS = [
    "Path(__file__).resolve().parent.parent",
    "Path(__file__).resolve().parents[1]",
    "pathlib.Path(__file__).absolute().parent.parent",
]
STR_BASE_DIRS = [
    "os.path.dirname(os.path.dirname(os.path.abspath(__file__)))",
    "os.path.dirname(os.path.dirname(os.path.realpath(__file__)))",
]
ANY_JOIN = [
    'os.path.join(BASE_DIR, "staticfiles")',
    'f"{BASE_DIR}/staticfiles"',
    'Path(BASE_DIR).joinpath("staticfiles")',
    'Path(BASE_DIR) / "staticfiles"',
]
PATH_JOIN = ['BASE_DIR / "staticfiles"', 'str(BASE_DIR / "staticfiles")']


@pytest.mark.parametrize(
    ("base_dir", "static_root"),
    [(b, j) for b in PATH_BASE_DIRS for j in ANY_JOIN + PATH_JOIN]
    + [(b, j) for b in STR_BASE_DIRS for j in ANY_JOIN],
)
def test_base_dir_spellings(tmp_path, base_dir, static_root):
    settings = project_with(
        tmp_path,
        f"""\
        import os
        import pathlib
        from pathlib import Path

        BASE_DIR = {base_dir}
        STATIC_ROOT = {static_root}
        """,
    )
    assert settings.static_root.value == "staticfiles"
    assert settings.static_root.origin == Origin("mysite/settings.py", 6)


def test_lists_grow_with_plus_equals_append_and_insert(tmp_path):
    settings = project_with(
        tmp_path,
        """\
        DEBUG = False
        INSTALLED_APPS = ["django.contrib.staticfiles"]
        INSTALLED_APPS += ["shop"]
        INSTALLED_APPS += ("blog",)
        INSTALLED_APPS.append("news")
        MIDDLEWARE = ["django.middleware.security.SecurityMiddleware"]
        MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
        if DEBUG:
            INSTALLED_APPS.append("debug_toolbar")
        HOST = "example.com"
        CSRF_TRUSTED_ORIGINS = [f"https://{HOST}", "https://%s" % HOST]
        ALLOWED_HOSTS = [h.strip() for h in " a.com, b.com ".split(",")] + [HOST]
        """,
    )
    assert settings.installed_apps == ("django.contrib.staticfiles", "shop", "blog", "news")
    assert settings.whitenoise.value is True
    assert settings.whitenoise.origin == Origin("mysite/settings.py", 6)
    assert settings.csrf_trusted_origins.value == ("https://example.com", "https://example.com")
    assert settings.allowed_hosts.value == ("a.com", "b.com", "example.com")


def test_a_branch_that_does_not_run_changes_nothing(tmp_path):
    settings = project_with(
        tmp_path,
        """\
        import sys
        DEBUG = False
        INSTALLED_APPS = ["django.contrib.staticfiles"]
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
        ALIAS = INSTALLED_APPS
        if DEBUG:
            INSTALLED_APPS.append("debug_toolbar")
            ALIAS.append("silk")
            INSTALLED_APPS[0] = "changed"
            DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
        if "test" in sys.argv:
            DATABASES["default"].update({"NAME": ":memory:"})
        """,
    )
    assert settings.installed_apps == ("django.contrib.staticfiles",)
    assert settings.sqlite_path.value == "db.sqlite3"
    # the engine the skipped branch sets is still one the project may use
    assert [e.value for e in settings.database_engines] == [
        "django.db.backends.sqlite3",
        "django.db.backends.postgresql",
    ]


def test_thousands_of_branches_stay_fast(tmp_path):
    body = "import sys\nHOSTS = []\n" + "".join(
        f"if 'x{i}' in sys.argv:\n    HOSTS.append('h{i}')\nelse:\n    V{i} = {i}\n"
        for i in range(2000)
    )
    started = time.perf_counter()
    settings = project_with(tmp_path, body + "ALLOWED_HOSTS = HOSTS + ['example.com']\n")
    assert settings.allowed_hosts.value == ("example.com",)
    assert time.perf_counter() - started < 5.0


def test_unknown_values_are_reported_as_unknown_not_errors(tmp_path):
    settings = project_with(
        tmp_path,
        """\
        import socket
        from mysite.helpers import static_root

        STATIC_ROOT = static_root()
        ALLOWED_HOSTS = ["example.com", socket.gethostbyname(socket.gethostname())]
        SECURE_SSL_REDIRECT = bool(socket.gethostname())
        """,
    )
    assert settings.static_root.value is None
    assert settings.static_root.origin == Origin("mysite/settings.py", 4)
    assert "cannot follow" in settings.static_root.note
    assert settings.allowed_hosts.value == ("example.com",)
    assert settings.allowed_hosts.note == "some entries are computed at run time"
    assert settings.secure_ssl_redirect.value is None
    assert settings.secure_ssl_redirect.origin == Origin("mysite/settings.py", 6)


# --- databases ---------------------------------------------------------------------------


def test_every_database_the_settings_may_use_is_listed():
    settings = settings_of("settings_env_os")
    rel = "blog/settings.py"
    assert [(e.value, e.origin) for e in settings.database_engines] == [
        ("django.db.backends.postgresql", at("settings_env_os", rel, "DATABASES = {")),
        # only under `"test" in sys.argv`: still a database this project uses
        ("django.db.backends.sqlite3", at("settings_env_os", rel, "sqlite://:memory:")),
    ]
    assert settings.sqlite_path.value is None


@pytest.mark.parametrize(
    ("expression", "engine"),
    [
        ('dj_database_url.config(default="postgres://u:p@db:5432/x")', "postgresql"),
        ('dj_database_url.config(default="postgresql://db/x")', "postgresql"),
        ('dj_database_url.config(default="pgsql://db/x")', "postgresql"),
        ('dj_database_url.parse("postgis://db/geo")', "postgis"),
        ('dj_database_url.parse("mysql://db/x")', "mysql"),
        ('dj_database_url.config(default="sqlite:///db.sqlite3")', "sqlite3"),
        ('env.db(default="postgres:///x")', "postgresql"),
        ('env.db_url("DB", default="mysql://db/x")', "mysql"),
        ('env.db(engine="django.contrib.gis.db.backends.postgis")', "postgis"),
        ('{"ENGINE": "django.db.backends.postgresql", "NAME": "x"}', "postgresql"),
    ],
)
def test_database_url_schemes_map_to_engines(tmp_path, expression, engine):
    settings = project_with(
        tmp_path,
        f"""\
        import dj_database_url
        import environ

        env = environ.Env()
        DATABASES = {{"default": {expression}}}
        """,
    )
    expected = {
        "postgresql": "django.db.backends.postgresql",
        "postgis": "django.contrib.gis.db.backends.postgis",
        "mysql": "django.db.backends.mysql",
        "sqlite3": "django.db.backends.sqlite3",
    }[engine]
    assert [e.value for e in settings.database_engines] == [expected]
    assert settings.database_engines[0].origin == Origin("mysite/settings.py", 5)


def test_sqlite_path_from_a_url_default_built_from_base_dir(tmp_path):
    settings = project_with(
        tmp_path,
        """\
        from pathlib import Path
        import dj_database_url

        BASE_DIR = Path(__file__).resolve().parent.parent
        URL = f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
        DATABASES = {"default": dj_database_url.config(default=URL)}
        """,
    )
    assert settings.sqlite_path.value == "db.sqlite3"
    assert [e.value for e in settings.database_engines] == ["django.db.backends.sqlite3"]


def test_a_database_chosen_by_an_environment_variable_lists_both_and_requires_nothing(tmp_path):
    settings = project_with(
        tmp_path,
        """\
        import os
        import dj_database_url

        if os.environ.get("DATABASE_URL"):
            DATABASES = {"default": dj_database_url.parse(os.environ["DATABASE_URL"])}
            DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"
        else:
            DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
        """,
    )
    assert [e.value for e in settings.database_engines] == [
        "django.db.backends.sqlite3",
        "django.db.backends.postgresql",
    ]
    assert settings.sqlite_path.value == "db.sqlite3"
    assert settings.required_env == ()


# --- required environment ----------------------------------------------------------------


def test_os_environ_and_getenv_requirements():
    settings = settings_of("settings_env_os")
    env = env_table(settings)
    rel = "blog/settings.py"
    assert env == {
        "SECRET_KEY": (
            "str",
            at("settings_env_os", rel, "SECRET_KEY ="),
            'os.environ["SECRET_KEY"]',
        ),
        # getenv without a default whose result is used: .split() on None fails
        "ALLOWED_HOSTS": (
            "str",
            at("settings_env_os", rel, "ALLOWED_HOSTS ="),
            'os.getenv("ALLOWED_HOSTS")',
        ),
        "WEB_WORKERS": (
            "int",
            at("settings_env_os", rel, "WORKERS ="),
            'os.environ["WEB_WORKERS"]',
        ),
        # read with an empty default, but the settings raise when it is empty
        "API_TOKEN": (
            "str",
            at("settings_env_os", rel, "API_TOKEN ="),
            'os.environ.get("API_TOKEN", "")',
        ),
    }
    # not required: bare getenv assigned (SENTRY_DSN), `or` fallback (CONTACT_EMAIL), tested
    # for emptiness without raising (EMAIL_HOST), read inside try/except KeyError (REDIS_URL)
    assert settings.secure_ssl_redirect.value is True


def test_django_environ_requirements_and_casts():
    settings = settings_of("settings_env_environ")
    env = env_table(settings)
    rel = "news/settings.py"
    assert env == {
        "SECRET_KEY": ("str", at("settings_env_environ", rel, "SECRET_KEY"), 'env("SECRET_KEY")'),
        "SECURE_SSL_REDIRECT": (
            "bool",
            at("settings_env_environ", rel, "SECURE_SSL_REDIRECT ="),
            'env.bool("SECURE_SSL_REDIRECT")',
        ),
        "DATABASE_URL": ("db_url", at("settings_env_environ", rel, "env.db()"), "env.db()"),
        "CACHE_URL": ("cache_url", at("settings_env_environ", rel, "env.cache()"), "env.cache()"),
    }
    # Env(DEBUG=(bool, False), ALLOWED_HOSTS=(list, [...])) declares defaults
    assert settings.allowed_hosts.value == ("localhost",)
    assert settings.static_root.value == "static"
    assert [e.value for e in settings.database_engines] == ["django.db.backends.mysql"]
    assert "engine set at run time" in settings.module.note


def test_decouple_requirements_and_casts():
    settings = settings_of("settings_env_decouple")
    env = env_table(settings)
    rel = "wiki/settings.py"
    assert env == {
        "SECRET_KEY": (
            "str",
            at("settings_env_decouple", rel, "SECRET_KEY"),
            'config("SECRET_KEY")',
        ),
        "ALLOWED_HOSTS": (
            "list",
            at("settings_env_decouple", rel, "ALLOWED_HOSTS"),
            'config("ALLOWED_HOSTS", cast=Csv())',
        ),
        "EMAIL_PORT": (
            "int",
            at("settings_env_decouple", rel, "EMAIL_PORT"),
            'config("EMAIL_PORT", cast=int)',
        ),
    }
    assert settings.csrf_trusted_origins.value == ("https://wiki.example.com",)  # Csv default
    assert settings.secure_ssl_redirect.value is True  # "true" through cast=bool
    assert settings.sqlite_path.value == "wiki.sqlite3"  # cast=db_url on an f-string default
    assert settings.static_root.value == "public/static"


def test_django_configurations():
    settings = settings_of("settings_configurations")
    rel = "tracker/settings.py"
    assert settings.configuration.value == "Dev"
    assert settings.configuration.origin == at("settings_configurations", "manage.py", "CONFIG")
    env = env_table(settings)
    assert env == {
        "DJANGO_SECRET_KEY": (
            "str",
            at("settings_configurations", rel, "SecretValue()"),
            "values.SecretValue()",
        ),
        # the Production class's required values are needed where prod runs
        "DJANGO_SENTRY_DSN": (
            "str",
            at("settings_configurations", rel, "SENTRY_DSN"),
            "values.Value(environ_required=True)",
        ),
        "TRACKER_MAILGUN_KEY": (
            "str",
            at("settings_configurations", rel, "MAILGUN_KEY"),
            'values.SecretValue(environ_prefix="TRACKER")',
        ),
    }
    assert settings.allowed_hosts.value == ("localhost",)
    assert settings.sqlite_path.value == "tracker.sqlite3"
    assert settings.static_root.value == "static"
    assert settings.wsgi_application.value == "tracker.wsgi.application"


@pytest.mark.parametrize(
    ("code", "required"),
    [
        ('X = os.environ["A"]', {"A": "str"}),
        ('X = os.environ.get("A")', {}),
        ('X = os.getenv("A")', {}),
        ('X = os.getenv("A").split(",")', {"A": "str"}),
        ('X = os.getenv("A", "").split(",")', {}),
        ('X = os.getenv("A", None).lower()', {"A": "str"}),
        ('X = int(os.getenv("A"))', {"A": "int"}),
        ('X = int(os.getenv("A", "3"))', {}),
        ('X = float(os.environ["A"])', {"A": "float"}),
        ('X = os.getenv("A") + "/x"', {"A": "str"}),
        ('X = os.getenv("A") == "1"', {}),
        ('X = os.getenv("A") or "d"', {}),
        ("X = f\"{os.getenv('A')}\"", {}),
        ('X = "A" in os.environ', {}),
        ('X = dj_database_url.parse(os.environ["A"])', {"A": "db_url"}),
        ('X = dj_database_url.parse(os.getenv("A"))', {"A": "db_url"}),
        ("X = dj_database_url.config()", {}),
        ('X = json.loads(os.getenv("A"))', {"A": "str"}),
        ('from os import environ\nX = environ["A"]', {"A": "str"}),
        ('from os import getenv\nX = getenv("A").strip()', {"A": "str"}),
        ('os.environ["A"] = "set"\nX = os.environ["A"]', {}),
        ('os.environ.setdefault("A", "d")\nX = os.environ["A"]', {}),
        ('env = environ.Env()\nX = env.str("A")', {"A": "str"}),
        ('env = environ.Env()\nX = env("A", cast=int)', {"A": "int"}),
        ('env = environ.Env()\nX = env.list("A")', {"A": "list"}),
        ('env = environ.Env()\nX = env.url("A")', {"A": "url"}),
        ('env = environ.Env()\nX = env.str("A", default="")', {}),
        ('env = environ.Env()\nX = env.bool("A", False)', {}),
        ('env = environ.Env(A=(int, 3))\nX = env("A")', {}),
        ('env = environ.Env(A=int)\nX = env("A")', {"A": "int"}),
        ('X = config("A", cast=bool)', {"A": "bool"}),
        ('X = config("A", default=None)', {}),
        ("X = config('A', cast=Csv())", {"A": "list"}),
        ('if os.environ.get("B"):\n    X = os.environ["A"]', {}),
        ('if "test" in sys.argv:\n    X = 1\nelse:\n    X = os.environ["A"]', {"A": "str"}),
        ('if sys.argv:\n    X = os.environ["A"]', {"A": "str"}),  # unknown test: counted
        ('try:\n    X = os.environ["A"]\nexcept KeyError:\n    X = ""', {}),
        ('try:\n    X = os.environ["A"]\nexcept ImportError:\n    X = ""', {"A": "str"}),
        ('try:\n    X = os.getenv("A").split()\nexcept AttributeError:\n    X = []', {}),
        ('X = os.getenv("A")\nif not X:\n    raise ImproperlyConfigured("A")', {"A": "str"}),
        ('X = os.getenv("A")\nassert X, "A must be set"', {"A": "str"}),
        ('X = os.getenv("A")\nif X is None:\n    X = "d"', {}),
        (
            "def get_env(name):\n"
            "    try:\n"
            "        return os.environ[name]\n"
            "    except KeyError:\n"
            '        raise ImproperlyConfigured(f"Set {name}")\n'
            'X = get_env("A")',
            {"A": "str"},
        ),
        ('def f(name, default="d"):\n    return os.environ.get(name, default)\nX = f("A")', {}),
        (
            'for name in ["A", "B"]:\n    globals()[name] = os.environ[name]',
            {"A": "str", "B": "str"},
        ),
        ('def later():\n    return os.environ["A"]', {}),  # never called at import time
    ],
)
def test_what_counts_as_required(tmp_path, code, required):
    settings = project_with(
        tmp_path,
        "import os\nimport sys\nimport json\nimport environ\nimport dj_database_url\n"
        "from decouple import config, Csv\n"
        "from django.core.exceptions import ImproperlyConfigured\n" + code + "\n",
    )
    assert {var.name: var.cast for var in settings.required_env} == required
    for var in settings.required_env:
        assert var.origin.path == "mysite/settings.py"
        assert var.origin.line and var.origin.line > 7
        assert var.how


# --- bad input ---------------------------------------------------------------------------


def test_a_settings_syntax_error_is_one_line_with_file_and_line(capsys):
    root = FIXTURES / "settings_syntax_error"
    with pytest.raises(ScanError) as raised:
        scan(root)
    message = str(raised.value)
    assert message.startswith("broken/settings.py:")
    assert ": settings do not parse (SyntaxError: " in message
    assert message.endswith("; fix the file or pass --settings")
    assert main(["scan", str(root)]) == 1
    captured = capsys.readouterr()
    assert captured.err.strip() == f"parity scan: error: {message}"
    assert captured.out == ""


def test_a_syntax_error_in_a_star_imported_base_names_that_file(tmp_path):
    with pytest.raises(ScanError, match=r"^mysite/base\.py:2: settings do not parse"):
        project_with(tmp_path, "from .base import *\n", {"mysite/base.py": "X = 1\nY = (\n"})


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"SECRET_KEY = '\xe9'\n", "mysite/settings.py: is not UTF-8 (byte 14)"),
        (b"\x00\x01binary", "mysite/settings.py: is a binary file, expected text"),
    ],
)
def test_an_unreadable_settings_file_is_one_clear_error(tmp_path, content, expected):
    project_with(tmp_path, "")
    (tmp_path / "mysite" / "settings.py").write_bytes(content)
    with pytest.raises(ScanError) as raised:
        scan(tmp_path)
    assert str(raised.value).startswith(expected)


def test_a_broken_wsgi_py_in_another_package_does_not_stop_the_scan(tmp_path):
    settings = project_with(tmp_path, 'STATIC_URL = "s/"\n', {"legacy/wsgi.py": "def (:\n"})
    assert settings.module.value == "mysite.settings"
    assert settings.static_url.value == "s/"


def test_a_manage_py_that_does_not_parse_names_it(tmp_path):
    project_with(tmp_path, "")
    (tmp_path / "manage.py").write_text("execute_from_command_line(\n")
    with pytest.raises(ScanError, match=r"^manage\.py:1: does not parse \(SyntaxError"):
        scan(tmp_path)


def test_a_settings_module_of_megabytes_is_refused_before_parsing(tmp_path):
    body = "".join(f"SETTING_{i} = [{i}] * 10\n" for i in range(60_000))
    with pytest.raises(ScanError, match=r"^mysite/settings\.py: \d+ characters is too large"):
        project_with(tmp_path, body)


def test_import_cycles_between_settings_modules_end(tmp_path):
    settings = project_with(
        tmp_path,
        "from .base import *\nSTATIC_URL = '/s/'\n",
        {"mysite/base.py": "from .settings import *\nDEBUG = True\n"},
    )
    assert settings.static_url.value == "/s/"


# --- never running the project's code ----------------------------------------------------


def test_settings_code_is_never_executed(tmp_path):
    marker = tmp_path / "executed"
    settings = project_with(
        tmp_path,
        f"""\
        import os
        import subprocess

        open({str(marker)!r}, "w").write("ran")
        os.system("touch {marker}")
        subprocess.run(["touch", {str(marker)!r}])
        __import__("os").system("touch {marker}")
        STATIC_URL = "static/"
        """,
        {"mysite/urls.py": f"open({str(marker)!r}, 'w')\n"},
    )
    assert not marker.exists()
    assert settings.static_url.value == "static/"


def test_hostile_settings_end_quickly_with_unknown_values(tmp_path):
    settings = project_with(
        tmp_path,
        """\
        A = "x" * 10 ** 12
        B = 9 ** 9 ** 9
        C = [0] * 10 ** 9
        D = "%999999999s" % "x"
        E = "{:>999999999}".format("x")
        def forever(n):
            return forever(n + 1)
        F = forever(0)
        while True:
            pass
        for i in range(10 ** 12):
            STATIC_URL = "loop/"
        G = [x for x in "ab" for y in "cd" for z in "ef"]
        STATIC_URL = "static/"
        """,
    )
    assert settings.static_url.value == "static/"
    assert settings.static_url.origin == Origin("mysite/settings.py", 14)
