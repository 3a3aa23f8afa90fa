"""Decisions kept as data: versions, defaults and per-manager install commands.

Everything that changes when a tool releases or a default is reconsidered
lives here, not in templates or in plan logic.
"""

from __future__ import annotations

# Versions of the tools the generated Dockerfile installs itself (pinned so builds repeat).
TOOL_VERSIONS = {
    "uv": "0.13.9",
    "poetry": "2.5.1",
    "pipenv": "2026.10.3",
    "pdm": "2.29.4",
    "gunicorn": "27.0.1",
    "uvicorn-worker": "0.4.0",
}

# Extra pins installed beside a tool where its own requirements admit a release that breaks it.
TOOL_CONSTRAINTS = {
    "pdm": ("hishel<2",),  # pdm 2.29.4 fails at install time with hishel 2.0 (API removed)
}

# Newer Pythons go on the current Debian stable; older ones stay on the release
# their official images were first built on. --base-image overrides this.
DEBIAN_RELEASE_BY_PYTHON = {
    "3.9": "bookworm",
    "3.10": "bookworm",
    "3.11": "bookworm",
    "3.12": "trixie",
    "3.13": "trixie",
    "3.14": "trixie",
}
DEFAULT_DEBIAN_RELEASE = "trixie"

DEFAULT_PORT = 8000
VENV = "/opt/venv"
APP_DIR = "/app"
DEPS_DIR = "/deps"  # where dependency files are bind-mounted while installing
APP_USER = "app"
APP_UID = 10001

# Servers that, when already in the production dependencies, need no extra install.
SERVER_PACKAGES = {
    "gunicorn": ("gunicorn",),
    "uvicorn": ("gunicorn", "uvicorn-worker"),
}

# Placeholder values the settings get while collectstatic runs at build time,
# by the type the settings parse them as. Never real secrets; never left in the image.
PLACEHOLDER_BY_CAST = {
    "str": "parity-build-placeholder",
    "bool": "False",
    "int": "0",
    "float": "0",
    "list": "localhost",
    "url": "http://localhost",
    "db_url": "sqlite:////tmp/parity-build.sqlite3",
    "cache_url": "locmem://",
}
# Names whose meaning fixes the placeholder whatever the parse type says.
PLACEHOLDER_BY_NAME = {
    "DATABASE_URL": "sqlite:////tmp/parity-build.sqlite3",
    "CACHE_URL": "locmem://",
    "REDIS_URL": "redis://localhost:6379/0",
    "CELERY_BROKER_URL": "memory://",
    "EMAIL_URL": "consolemail://",
}

# Database services compose.yaml gets, by the Django engine the settings use.
DATABASE_SERVICES = {
    "django.db.backends.postgresql": "postgres",
    "django.contrib.gis.db.backends.postgis": "postgres",
    "django.db.backends.mysql": "mysql",
    "django.contrib.gis.db.backends.mysql": "mysql",
}
