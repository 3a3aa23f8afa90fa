"""The facts `parity scan` finds in a project.

Everything here is immutable and holds only facts, each with the place it
came from, so `parity scan` can explain itself. Decisions belong to plan.py.
Paths are POSIX strings relative to the repository root unless said otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Origin:
    """Where a fact was read: a repository-relative file and, where it applies, a line."""

    path: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True)
class Fact(Generic[T]):
    """A value and where it came from; origin None: nothing was found, value is a default."""

    value: T
    origin: Origin | None = None
    note: str = ""  # how it was derived, e.g. "default: no version file found"


@dataclass(frozen=True)
class Requirement:
    """One dependency as declared (name canonicalized per PEP 503)."""

    name: str
    spec: str  # the requirement as written, e.g. "Django>=5.0,<6" or "psycopg[binary]==3.2.1"
    origin: Origin | None = None
    extras: tuple[str, ...] = ()
    marker: str | None = None
    no_binary: bool = False  # --no-binary applies: it builds from source


@dataclass(frozen=True)
class Dependencies:
    """Production and development dependency sets and how they are installed.

    manager is one of: "requirements" (pip requirement files, pip-tools pairs
    included), "pyproject" (PEP 621 metadata, no lock), "uv", "poetry",
    "pipenv", "pdm", or "none" (nothing found).
    """

    manager: str
    prod: tuple[Requirement, ...] = ()
    dev: tuple[Requirement, ...] = ()  # only what development adds on top of prod
    # Files handed to the installer for prod (e.g. requirements.txt) and for dev.
    prod_inputs: tuple[str, ...] = ()
    dev_inputs: tuple[str, ...] = ()  # e.g. requirements.dev.txt
    files: tuple[str, ...] = ()  # every file an install reads (inputs, -r/-c includes, locks)
    lock_file: str | None = None
    # PEP 735 / Poetry / PDM / Pipenv groups, and [project.optional-dependencies] names,
    # that are development-only.
    dev_groups: tuple[str, ...] = ()
    dev_extras: tuple[str, ...] = ()
    # The project itself is an installable package (Poetry package-mode etc.).
    package_mode: bool = False
    origin: Origin | None = None  # the file that told us the manager

    @property
    def all(self) -> tuple[Requirement, ...]:
        return self.prod + self.dev

    def find(self, name: str) -> Requirement | None:
        """The requirement with this canonical name, production first."""
        return next((r for r in self.all if r.name == name), None)


@dataclass(frozen=True)
class EnvVar:
    """An environment variable the settings read at import time with no fallback."""

    name: str
    origin: Origin
    how: str  # the call as found, e.g. 'os.environ["SECRET_KEY"]', 'env.db("DATABASE_URL")'
    # What a placeholder must parse as: str, bool, int, float, list, url, db_url, cache_url.
    cast: str = "str"


@dataclass(frozen=True)
class Settings:
    """What the Django settings say that matters in a container."""

    module: Fact[str | None]  # DJANGO_SETTINGS_MODULE default, e.g. "mysite.settings"
    file: str | None = None  # the settings file read (repo-relative)
    production_module: Fact[str | None] = field(default_factory=lambda: Fact(None))
    wsgi_application: Fact[str | None] = field(default_factory=lambda: Fact(None))
    asgi_application: Fact[str | None] = field(default_factory=lambda: Fact(None))
    # Paths are as the settings compute them, relative to the code root when
    # they fall under it (e.g. "staticfiles"), absolute otherwise.
    static_root: Fact[str | None] = field(default_factory=lambda: Fact(None))
    static_url: Fact[str | None] = field(default_factory=lambda: Fact(None))
    media_root: Fact[str | None] = field(default_factory=lambda: Fact(None))
    media_url: Fact[str | None] = field(default_factory=lambda: Fact(None))
    whitenoise: Fact[bool] = field(default_factory=lambda: Fact(False))
    static_storage: Fact[str | None] = field(default_factory=lambda: Fact(None))
    database_engines: tuple[Fact[str], ...] = ()  # e.g. "django.db.backends.postgresql"
    sqlite_path: Fact[str | None] = field(default_factory=lambda: Fact(None))
    allowed_hosts: Fact[tuple[str, ...] | None] = field(default_factory=lambda: Fact(None))
    csrf_trusted_origins: Fact[tuple[str, ...] | None] = field(default_factory=lambda: Fact(None))
    secure_ssl_redirect: Fact[bool | None] = field(default_factory=lambda: Fact(None))
    # Which translations the project can use: USE_I18N, LANGUAGE_CODE and LANGUAGES' codes.
    use_i18n: Fact[bool | None] = field(default_factory=lambda: Fact(None))
    language_code: Fact[str | None] = field(default_factory=lambda: Fact(None))
    languages: Fact[tuple[str, ...] | None] = field(default_factory=lambda: Fact(None))
    installed_apps: tuple[str, ...] = ()
    required_env: tuple[EnvVar, ...] = ()
    # The django-configurations class.
    configuration: Fact[str | None] = field(default_factory=lambda: Fact(None))


@dataclass(frozen=True)
class SystemNeed:
    """Debian packages a Python dependency needs: at run time (base) and only to build (builder)."""

    package: str  # the Python package (or Django feature) that needs them
    reason: str
    runtime_packages: tuple[str, ...] = ()
    build_packages: tuple[str, ...] = ()
    origin: Origin | None = None


@dataclass(frozen=True)
class Frontend:
    """A package.json with a build script: a front-end build stage is needed."""

    package_json: str
    build_script: str  # the npm script name, e.g. "build"
    lock_file: str | None = None  # package-lock.json, yarn.lock or pnpm-lock.yaml
    origin: Origin | None = None


@dataclass(frozen=True)
class Project:
    root: str  # absolute path of the repository root (the build context)
    name: str  # a Docker-safe name for images, from the directory
    manage_py: Fact[str]  # repo-relative path to manage.py
    code_root: str  # repo-relative directory holding manage.py ("." at the root)
    settings: Settings
    dependencies: Dependencies
    python: Fact[str]  # "3.12"
    is_asgi: Fact[bool] = field(default_factory=lambda: Fact(False))
    system_needs: tuple[SystemNeed, ...] = ()
    celery_app: Fact[str | None] = field(default_factory=lambda: Fact(None))
    frontend: Frontend | None = None
    # Existing Docker files, repo-relative.
    dockerfile: Fact[str | None] = field(default_factory=lambda: Fact(None))
    dockerignore: Fact[str | None] = field(default_factory=lambda: Fact(None))
    compose_file: Fact[str | None] = field(default_factory=lambda: Fact(None))
    test_runner: Fact[str] = field(default_factory=lambda: Fact("django"))  # "pytest" or "django"
    # Things a user should know (e.g. "no STATIC_ROOT: collectstatic will fail").
    notes: tuple[str, ...] = ()


def to_data(value: Any) -> Any:
    """Plain JSON-ready data for any model value (dataclasses become dicts, tuples lists)."""
    if isinstance(value, Origin):
        return {"path": value.path, "line": value.line}
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, (tuple, list)):
        return [to_data(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_data(v) for k, v in value.items()}
    return value
