"""plan: turn a Project's facts and the user's options into decisions.

Every Django/Docker decision the generated files embody is made here (with
its data in plan_tables.py); the templates only lay the decisions out.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from parity import __version__
from parity.errors import UsageError
from parity.model import Project
from parity.plan_tables import (
    APP_DIR,
    APP_UID,
    APP_USER,
    DATABASE_SERVICES,
    DEBIAN_RELEASE_BY_PYTHON,
    DEFAULT_DEBIAN_RELEASE,
    DEFAULT_PORT,
    DEPS_DIR,
    PLACEHOLDER_BY_CAST,
    PLACEHOLDER_BY_NAME,
    SERVER_PACKAGES,
    TOOL_CONSTRAINTS,
    TOOL_VERSIONS,
    VENV,
)

INSTALLERS = ("uv", "pip")
SERVERS = ("gunicorn", "uvicorn")
# Variables that configure Django itself: real values, never placeholders.
DJANGO_CONFIG_VARS = frozenset({"DJANGO_SETTINGS_MODULE", "DJANGO_CONFIGURATION"})


@dataclass(frozen=True)
class Options:
    """What the user chose on the command line or in [tool.parity]; None means "decide for me"."""

    name: str | None = None  # image name for tags; default: the directory's
    python: str | None = None
    base_image: str | None = None
    installer: str | None = None
    uv_source: str | None = None  # "pypi" (default) or "image"
    server: str | None = None
    port: int | None = None
    settings: str | None = None
    manage: str | None = None


@dataclass(frozen=True)
class InstallStep:
    """One RUN that installs packages into the virtual environment."""

    command: str
    mounts: tuple[str, ...] = ()  # repo-relative files bind-mounted at DEPS_DIR/<path>
    tools: tuple[str, ...] = ()  # tools mounted from the tools stage ("uv", "poetry", ...)
    cache: tuple[str, ...] = ()  # cache directories mounted for this RUN
    writable_mounts: bool = False  # the manager writes beside its files (lock refresh)


@dataclass(frozen=True)
class Plan:
    tool_version: str
    project_name: str
    python_version: str
    base_image: str
    installer: str
    manager: str
    tools: tuple[tuple[str, str], ...]  # (tool, install command) for the tools stage
    uv_image: str | None  # uv mounted from this image instead of the tools stage
    venv_with_pip: bool
    runtime_packages: tuple[str, ...]
    build_packages: tuple[str, ...]
    prod_install: InstallStep | None
    dev_install: InstallStep | None
    server: str
    server_install: InstallStep | None
    server_command: tuple[str, ...]
    worker_class: str | None
    code_root: str  # repo-relative, "." at the root
    app_dir: str
    venv: str
    app_user: str
    app_uid: int
    port: int
    settings_module: str | None  # set in base when the project names none itself
    prod_settings_module: str | None  # set in prod when production settings differ
    configuration: str | None  # django-configurations class, set in base
    collectstatic: bool
    build_env: tuple[tuple[str, str], ...]  # placeholders for collectstatic, that RUN only
    writable_dirs: tuple[str, ...]  # absolute paths in the image the app user must write
    code_dir_writable: bool  # SQLite lives in the code root: the app user needs the directory
    healthcheck_host: str
    database_service: str | None
    dev_command: tuple[str, ...]
    test_runner: str
    dockerignore_extra: tuple[str, ...]
    # Locale directories whose translations stay in the venv; None keeps every language.
    kept_locales: tuple[str, ...] | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def prune_command(self) -> str:
        """The `find` that drops what Django never reads from the installed packages: every
        translation source (*.po), and the compiled translations of languages the project
        cannot use. Only Django's own gettext domains (django.mo, djangojs.mo) are pruned:
        a library with a domain of its own may switch languages outside Django's settings."""
        drop = "-name '*.po'"
        if self.kept_locales is not None:
            keep = "".join(f" ! -path '*/locale/{name}/*'" for name in self.kept_locales)
            django_domains = "\\( -name django.mo -o -name djangojs.mo \\)"
            drop = f"\\( {drop} -o -path '*/locale/*/LC_MESSAGES/*' {django_domains}{keep} \\)"
        return f"find {self.venv} {drop} -delete"

    @property
    def needs_builder(self) -> bool:
        """Dependencies get a stage of their own only when it holds compilers prod must not get."""
        return bool(self.build_packages)

    @property
    def code_root_source(self) -> str:
        """The COPY source for the code root."""
        return "." if self.code_root == "." else f"{self.code_root}/"

    @property
    def compose_source(self) -> str:
        return "." if self.code_root == "." else f"./{self.code_root}"

    @property
    def server_module(self) -> str:
        """The module gunicorn loads the application from, e.g. "mysite.wsgi"."""
        return self.server_command[-1].partition(":")[0]

    @property
    def prod_setup_commands(self) -> tuple[str, ...]:
        """What prod's one RUN after the source COPY does: static files, bytecode, ownership."""
        commands = []
        if self.collectstatic:
            env = "".join(f"{name}={shlex.quote(value)} " for name, value in self.build_env)
            commands.append(f"{env}python manage.py collectstatic --noinput")
        commands.append(f"python -m compileall -q {self.app_dir}")
        owner = f"{self.app_user}:{self.app_user}"
        if self.writable_dirs:
            dirs = " ".join(self.writable_dirs)
            commands.append(f"install -d -o {self.app_user} -g {self.app_user} {dirs}")
        if self.code_dir_writable:
            commands.append(f"chown {owner} {self.app_dir}")
        return tuple(commands)

    @property
    def healthcheck(self) -> tuple[str, ...]:
        """A probe needing only Python: healthy while the server answers without a 5xx."""
        probe = (
            "import http.client, os, sys; "
            "c = http.client.HTTPConnection('127.0.0.1', int(os.environ.get('PORT', "
            f"'{self.port}')), timeout=4); "
            f"c.request('GET', '/', headers={{'Host': '{self.healthcheck_host}'}}); "
            "sys.exit(c.getresponse().status >= 500)"
        )
        return ("python", "-c", probe)


def make_plan(project: Project, options: Options) -> Plan:
    """Every decision for this project's Dockerfile and companions."""
    notes: list[str] = list(project.notes)
    python = _python_version(project, options)
    base_image = options.base_image or default_base_image(python)
    server = _server(project, options)
    installer = _installer(project, options)
    port = options.port or DEFAULT_PORT
    deps = project.dependencies
    runtime = sorted({p for need in project.system_needs for p in need.runtime_packages})
    build = sorted({p for need in project.system_needs for p in need.build_packages} - set(runtime))

    prod_install, dev_install, venv_with_pip = _install_steps(project, installer)
    server_install = _server_install(project, server, installer)
    # The tools stage holds exactly the installers the install steps mount (uv first),
    # unless uv comes from its own image.
    steps = (prod_install, dev_install, server_install)
    needed = sorted(
        dict.fromkeys(tool for step in steps if step for tool in step.tools),
        key=lambda tool: tool != "uv",
    )
    uv_image = None
    if options.uv_source == "image" and "uv" in needed:
        uv_image = f"{UV_IMAGE}:{TOOL_VERSIONS['uv']}"
        needed.remove("uv")
    tools = tuple((tool, _tool_install(tool)) for tool in needed)

    settings = project.settings
    settings_module = None
    if options.settings and options.settings != settings.module.value:
        settings_module = options.settings
    elif settings.module.value is None:
        raise UsageError(
            "no DJANGO_SETTINGS_MODULE default found in manage.py, wsgi.py or asgi.py; "
            "pass --settings your_project.settings"
        )
    prod_settings = settings.production_module.value
    effective = settings_module or settings.module.value
    if prod_settings == effective:
        prod_settings = None

    collectstatic = _can_collectstatic(project, notes)
    if project.frontend:
        notes.append(
            f"{project.frontend.package_json} has a build script, but the generated Dockerfile "
            "does not build front-end assets yet: build them before `docker build`"
        )
    return Plan(
        tool_version=__version__,
        project_name=options.name or project.name,
        python_version=python,
        base_image=base_image,
        installer=installer,
        manager=deps.manager,
        tools=tools,
        uv_image=uv_image,
        venv_with_pip=venv_with_pip,
        runtime_packages=tuple(runtime),
        build_packages=tuple(build),
        prod_install=prod_install,
        dev_install=dev_install,
        server=server,
        server_install=server_install,
        server_command=_server_command(project, server),
        worker_class="uvicorn_worker.UvicornWorker" if server == "uvicorn" else None,
        code_root=project.code_root,
        app_dir=APP_DIR,
        venv=VENV,
        app_user=APP_USER,
        app_uid=APP_UID,
        port=port,
        settings_module=settings_module,
        prod_settings_module=prod_settings,
        configuration=settings.configuration.value,
        collectstatic=collectstatic,
        build_env=_build_env(project) if collectstatic else (),
        writable_dirs=_writable_dirs(project),
        code_dir_writable=_sqlite_in_code_root(project),
        healthcheck_host=_healthcheck_host(project),
        database_service=_database_service(project),
        dev_command=("python", "manage.py", "runserver", f"0.0.0.0:{port}"),
        test_runner=project.test_runner.value,
        dockerignore_extra=_dockerignore_extra(project),
        kept_locales=_kept_locales(project, notes),
        notes=tuple(notes),
    )


def default_base_image(python: str) -> str:
    release = DEBIAN_RELEASE_BY_PYTHON.get(python, DEFAULT_DEBIAN_RELEASE)
    return f"python:{python}-slim-{release}"


def _python_version(project: Project, options: Options) -> str:
    python = options.python or project.python.value
    if not re.fullmatch(r"3\.\d{1,2}", python or ""):
        raise UsageError(f"--python {python!r}: give a major.minor version such as 3.12")
    return python


def _server(project: Project, options: Options) -> str:
    server = options.server or ("uvicorn" if project.is_asgi.value else "gunicorn")
    if server not in SERVERS:
        raise UsageError(f"--server {server!r}: choose one of {', '.join(SERVERS)}")
    has_asgi = project.settings.asgi_application.value or _module_exists(project, "asgi")
    if server == "uvicorn" and not has_asgi:
        raise UsageError(
            "--server uvicorn needs ASGI_APPLICATION or an asgi.py next to the settings"
        )
    return server


def _installer(project: Project, options: Options) -> str:
    installer = options.installer or "uv"
    if installer not in INSTALLERS:
        raise UsageError(f"--installer {installer!r}: choose one of {', '.join(INSTALLERS)}")
    manager = project.dependencies.manager
    if installer == "pip" and manager not in ("requirements", "none"):
        raise UsageError(
            f"--installer pip installs requirement files, but this project's dependencies "
            f"are managed by {manager}; use --installer uv (its own tool is used for locks)"
        )
    return installer


def _tool_install(tool: str) -> str:
    """The tools-stage command that puts `tool` under /opt/<tool>."""
    version = TOOL_VERSIONS[tool]
    if tool == "uv":  # a single static binary: no virtual environment needed
        return f"pip install --target /opt/uv uv=={version}"
    pins = "".join(f" '{pin}'" for pin in TOOL_CONSTRAINTS.get(tool, ()))
    return f"python -m venv /opt/{tool} && /opt/{tool}/bin/pip install {tool}=={version}{pins}"


# uv's own image (--uv-source image): the static binary at /uv.
UV_IMAGE = "ghcr.io/astral-sh/uv"

# uv's settings for every install: bytecode compiled at build time (containers start faster),
# files copied out of the cache mount (hard links would point outside the layer), and the
# image's own Python, never a downloaded one.
UV_PIP = "uv pip install --compile-bytecode --link-mode=copy --no-python-downloads"
UV_SYNC = (
    "uv sync --active --compile-bytecode --link-mode=copy --no-python-downloads"
    f" --project {DEPS_DIR} --no-install-project"
)


def _with_env(env: dict[str, str], command: str) -> str:
    """`command` with settings for that one command (they never reach the image's ENV)."""
    return " ".join(f"{name}={value}" for name, value in env.items()) + " " + command


def _install_steps(project: Project, installer: str):
    """(prod step, dev step, venv needs pip) for the project's manager."""
    deps = project.dependencies
    manager = deps.manager
    prod_files = deps_prod_files(project)
    all_files = tuple(deps.files) or prod_files
    uv_cache = ("/root/.cache/uv",)
    pip_cache = ("/root/.cache/pip",)

    def at(path: str) -> str:
        return f"{DEPS_DIR}/{path}"

    if manager == "none":
        return None, None, False
    if manager == "requirements":
        if installer == "pip":
            prod = _each("pip install", "-r", deps.prod_inputs, at)
            dev = _each("pip install", "-r", deps.dev_inputs, at)
            return (
                InstallStep(prod, prod_files, (), pip_cache),
                InstallStep(dev, all_files, (), pip_cache) if deps.dev_inputs else None,
                False,  # the image's own pip installs into the venv (PIP_PYTHON): no ensurepip
            )
        prod = _each(UV_PIP, "-r", deps.prod_inputs, at)
        dev = _each(UV_PIP, "-r", deps.dev_inputs, at)
        return (
            InstallStep(prod, prod_files, ("uv",), uv_cache),
            InstallStep(dev, all_files, ("uv",), uv_cache) if deps.dev_inputs else None,
            False,
        )
    if manager == "pyproject":
        pyproject = at(deps.prod_inputs[0] if deps.prod_inputs else "pyproject.toml")
        selectors = "".join(f" --extra {e}" for e in deps.dev_extras) + "".join(
            f" --group {pyproject}:{g}" for g in deps.dev_groups
        )
        prod = InstallStep(f"{UV_PIP} -r {pyproject}", prod_files, ("uv",), uv_cache)
        dev = InstallStep(f"{UV_PIP} -r {pyproject}{selectors}", all_files, ("uv",), uv_cache)
        return prod, dev if selectors else None, False
    if manager == "uv":
        groups = "".join(f" --group {g}" for g in deps.dev_groups)
        extras = "".join(f" --extra {e}" for e in deps.dev_extras)
        sync = UV_SYNC + (" --locked" if deps.lock_file else "")
        return (
            # Not just --no-dev: any group in default-groups is a development group.
            InstallStep(f"{sync} --no-default-groups", all_files, ("uv",), uv_cache),
            InstallStep(f"{sync}{groups}{extras}", all_files, ("uv",), uv_cache),
            False,
        )
    if manager == "poetry":
        cache = "/root/.cache/pypoetry"
        env = {"POETRY_VIRTUALENVS_CREATE": "false", "POETRY_CACHE_DIR": cache}
        poetry = f"/opt/poetry/bin/poetry install --no-root --no-interaction --directory {DEPS_DIR}"
        groups = ",".join(deps.dev_groups)
        prod = _with_env(env, f"{poetry} --only main")
        dev = _with_env(env, f"{poetry} --with {groups}" if groups else poetry)
        return (
            InstallStep(prod, all_files, ("poetry",), (cache,), True),
            InstallStep(dev, all_files, ("poetry",), (cache,), True),
            True,
        )
    if manager == "pipenv":
        env = {"PIPENV_PIPFILE": at("Pipfile"), "PIPENV_VERBOSITY": "-1", "PIPENV_NOSPIN": "1"}
        pipenv = "/opt/pipenv/bin/pipenv " + ("sync" if deps.lock_file else "install")
        return (
            InstallStep(_with_env(env, pipenv), all_files, ("pipenv",), pip_cache, True),
            InstallStep(_with_env(env, f"{pipenv} --dev"), all_files, ("pipenv",), pip_cache, True),
            True,
        )
    if manager == "pdm":
        cache = "/root/.cache/pdm"
        env = {"PDM_CHECK_UPDATE": "false", "PDM_CACHE_DIR": cache}
        verb = "sync" if deps.lock_file else "install"
        pdm = f"/opt/pdm/bin/pdm {verb} --no-self --project {DEPS_DIR}"
        groups = "".join(f" --group {g}" for g in deps.dev_groups)
        return (
            InstallStep(_with_env(env, f"{pdm} --prod"), all_files, ("pdm",), (cache,), True),
            InstallStep(_with_env(env, f"{pdm}{groups}"), all_files, ("pdm",), (cache,), True),
            True,
        )
    raise UsageError(f"dependency manager {manager!r} is not supported yet")


def _each(installer: str, flag: str, inputs: tuple[str, ...], at) -> str:
    return f"{installer} " + " ".join(f"{flag} {at(p)}" for p in inputs)


def deps_prod_files(project: Project) -> tuple[str, ...]:
    """Files the production install reads: every dependency file but the dev-only inputs.

    Mounting only these keeps a change to a dev file from rebuilding prod's layers.
    """
    deps = project.dependencies
    dev_only = set(deps.dev_inputs) - set(deps.prod_inputs)
    return tuple(f for f in deps.files if f not in dev_only) or tuple(deps.prod_inputs)


def _server_install(project: Project, server: str, installer: str) -> InstallStep | None:
    missing = [p for p in SERVER_PACKAGES[server] if not project.dependencies.find(p)]
    if not missing:
        return None
    specs = " ".join(f"{p}=={TOOL_VERSIONS[p]}" for p in missing)
    if installer == "pip":
        return InstallStep(f"pip install {specs}", (), (), ("/root/.cache/pip",))
    return InstallStep(f"{UV_PIP} {specs}", (), ("uv",), ("/root/.cache/uv",))


def _server_command(project: Project, server: str) -> tuple[str, ...]:
    settings = project.settings
    if server == "uvicorn":
        app = settings.asgi_application.value or _default_app(project, "asgi")
    else:
        app = settings.wsgi_application.value or _default_app(project, "wsgi")
    module, _, attribute = app.rpartition(".")
    return ("gunicorn", f"{module}:{attribute}")


def _default_app(project: Project, kind: str) -> str:
    package = _settings_package(project)
    return f"{package}.{kind}.application"


def _settings_package(project: Project) -> str:
    module = project.settings.module.value or "config.settings"
    return module.split(".")[0]


def _module_exists(project: Project, name: str) -> bool:
    """True when <settings package>/<name>.py exists in the code root."""
    path = Path(project.root) / project.code_root / _settings_package(project) / f"{name}.py"
    return path.is_file()


def _kept_locales(project: Project, notes: list[str]) -> tuple[str, ...] | None:
    """The locale directories (Django's names, e.g. "pt_BR") of the languages the project can
    use, or None to keep every translation.

    Only what the settings say outright prunes: USE_I18N = False (Django then never reads a
    translation), or a LANGUAGES list (with LANGUAGE_CODE, the languages Django offers).
    """
    settings = project.settings
    if settings.use_i18n.value is False:
        notes.append(
            "USE_I18N = False: Django's translations (django.mo, djangojs.mo) are left out "
            "of the image"
        )
        return ()
    if settings.use_i18n.value is None and settings.use_i18n.origin is not None:
        return None  # decided at run time
    if settings.languages.value is None:
        return None
    code = settings.language_code
    if code.value is None and code.origin is not None:
        return None  # LANGUAGE_CODE decided at run time: it may name any language
    codes = (*settings.languages.value, code.value or DJANGO_DEFAULT_LANGUAGE_CODE)
    kept = tuple(sorted({name for c in codes for name in _locale_names(c)}))
    notes.append(
        f"LANGUAGES lists {len(settings.languages.value)} language(s): Django's translations "
        f"of other languages are left out of the image (kept: {', '.join(kept)})"
    )
    return kept


DJANGO_DEFAULT_LANGUAGE_CODE = "en-us"


def _locale_names(language: str) -> tuple[str, ...]:
    """Where Django looks for a language's translations: its locale name (as
    django.utils.translation.to_locale makes it) and, as its fallback, the bare language."""
    lang, _, rest = language.lower().partition("-")
    if not rest:
        return (lang,)
    country, _, tail = rest.partition("-")
    country = country.title() if len(country) > 2 else country.upper()
    return (lang, f"{lang}_{country}{'-' + tail if tail else ''}")


def _can_collectstatic(project: Project, notes: list[str]) -> bool:
    settings = project.settings
    if settings.installed_apps and "django.contrib.staticfiles" not in settings.installed_apps:
        return False
    if settings.static_root.value is None and settings.static_root.origin is None:
        notes.append(
            "STATIC_ROOT is not set, so static files are not collected at build time; "
            'set STATIC_ROOT (e.g. BASE_DIR / "staticfiles") and run parity init again'
        )
        return False
    return True


def _build_env(project: Project) -> tuple[tuple[str, str], ...]:
    """Placeholder values for exactly the variables the settings need at import time."""
    env: dict[str, str] = {}
    for var in project.settings.required_env:
        if var.name in DJANGO_CONFIG_VARS or var.name in env:
            continue
        env[var.name] = PLACEHOLDER_BY_NAME.get(
            var.name, PLACEHOLDER_BY_CAST.get(var.cast, PLACEHOLDER_BY_CAST["str"])
        )
    return tuple(sorted(env.items()))


def _under_code_root(path: str | None) -> bool:
    """True for a settings path inside the code root (scan gives those relative to it)."""
    return bool(path) and not path.startswith(("/", ".."))


def _writable_dirs(project: Project) -> tuple[str, ...]:
    media = project.settings.media_root.value
    if not _under_code_root(media) or not media.strip("/"):
        return ()
    return (f"{APP_DIR}/{media}".rstrip("/"),)


def _sqlite_in_code_root(project: Project) -> bool:
    path = project.settings.sqlite_path.value
    # The file sits directly in the code root, not in a directory below it.
    return _under_code_root(path) and "/" not in path.strip("/")


def _healthcheck_host(project: Project) -> str:
    """A Host header the settings' ALLOWED_HOSTS accepts ("localhost" when unknown or any)."""
    for host in project.settings.allowed_hosts.value or ():
        if host and host != "*" and "*" not in host:
            return host.lstrip(".")
    return "localhost"


def _database_service(project: Project) -> str | None:
    for engine in project.settings.database_engines:
        service = DATABASE_SERVICES.get(engine.value)
        if service:
            return service
    return None


def _dockerignore_extra(project: Project) -> tuple[str, ...]:
    """Project-specific paths to keep out of the build context: local media and collected files."""
    extra = []
    for path in (project.settings.media_root.value, project.settings.static_root.value):
        if _under_code_root(path):
            prefix = "" if project.code_root == "." else f"{project.code_root}/"
            extra.append(f"{prefix}{path.rstrip('/')}")
    return tuple(dict.fromkeys(extra))
