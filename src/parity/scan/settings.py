"""Django settings read from the AST, never imported.

Which settings module (DJANGO_SETTINGS_MODULE's default in manage.py, wsgi.py
or asgi.py, or --settings), which module production uses, and the values that
matter in a container. Values are read from the production module when there
is one (that is what the prod image runs, and collectstatic runs at build
time with an empty environment), else from the default module; `Settings.file`
says which. Star imports are followed, so values a production module takes
from base.py are seen with base.py's lines.
"""

from __future__ import annotations

import ast
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from parity.errors import ScanError
from parity.model import EnvVar, Fact, Origin, Settings
from parity.scan import files
from parity.scan.ast_eval import (
    UNKNOWN,
    Binding,
    BudgetExceeded,
    ClassValue,
    EvalContext,
    Missing,
    ModuleEvaluator,
)
from parity.scan.eval_calls import ConfigValue, configuration_env

PRODUCTION_NAMES = ("production", "prod")
# Files beside a settings.py module that hold production settings.
PRODUCTION_SIBLINGS = (
    "production", "prod", "settings_production", "settings_prod", "production_settings",
    "prod_settings",
)  # fmt: skip
PRODUCTION_CLASSES = ("Production", "Prod")
# Names only a Django settings module assigns: how a production.py is told from other code.
SETTINGS_NAMES = frozenset(
    {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASES", "INSTALLED_APPS", "MIDDLEWARE",
     "STATIC_ROOT", "STATIC_URL", "ROOT_URLCONF", "WSGI_APPLICATION", "STORAGES",
     "SECURE_SSL_REDIRECT", "CSRF_TRUSTED_ORIGINS", "CACHES", "LOGGING", "EMAIL_BACKEND"}
)  # fmt: skip
MAX_MODULE_BYTES = 1_000_000  # parsing alone takes seconds beyond this; no settings file is so big
SQLITE_ENGINES = ("django.db.backends.sqlite3", "django.contrib.gis.db.backends.spatialite")


class SourceLoader:
    """Finds and parses the project's Python modules, relative to the code root."""

    def __init__(self, root: Path, code_root: str) -> None:
        self.root = root
        self.code_root = code_root
        self.trees: dict[str, tuple[str, ast.Module]] = {}

    def rel(self, path: str) -> str:
        return path if self.code_root in ("", ".") else f"{self.code_root}/{path}"

    def find(self, dotted: str, strict: bool = True) -> str | None:
        """The repo-relative file of a dotted module name, or None when it is not in the project.

        strict: the settings import this module, so a symlink out of the repository
        or a symlink loop in its place is an error (Django could not import it either);
        probes for optional modules pass False and just do not find it.
        """
        if not dotted or not all(part.isidentifier() for part in dotted.split(".")):
            return None
        base = dotted.replace(".", "/")
        for candidate in (f"{base}.py", f"{base}/__init__.py"):
            rel = self.rel(candidate)
            if files.exists(self.root, rel):
                return rel
            if strict and os.path.islink(self.root / rel):
                files.inside(self.root, rel)  # raises for a link out of the repository
                hint = "fix the link or pass --settings"
                raise ScanError(f"{rel}: is a symlink loop or points to nothing; {hint}")
        return None

    def load(self, rel: str, what: str = "settings") -> tuple[str, ast.Module]:
        if rel not in self.trees:
            source = files.read_text(self.root, rel)
            if len(source) > MAX_MODULE_BYTES:
                raise ScanError(
                    f"{rel}: {len(source)} characters is too large for a module the scan reads; "
                    "pass --settings with a smaller settings module"
                )
            self.trees[rel] = (source, parse(rel, source, what))
        return self.trees[rel]


def parse(rel: str, source: str, what: str = "settings") -> ast.Module:
    """The module's AST, or one ScanError line naming the file and line."""
    hint = "fix the file or pass --settings" if what == "settings" else "fix the file"
    try:
        return ast.parse(source, filename=rel)
    except SyntaxError as error:
        line = f":{error.lineno}" if error.lineno else ""
        verb = "settings do not parse" if what == "settings" else "does not parse"
        raise ScanError(f"{rel}{line}: {verb} (SyntaxError: {error.msg}); {hint}") from None
    except (RecursionError, MemoryError, ValueError) as error:
        name = type(error).__name__
        raise ScanError(f"{rel}: cannot be parsed ({name}); {hint}") from None


# -- DJANGO_SETTINGS_MODULE and DJANGO_CONFIGURATION ---------------------------------------


def environment_default(tree: ast.Module, variable: str) -> tuple[str, int] | None:
    """The first default a module gives an environment variable: setdefault or assignment."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        key = value = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "setdefault" and len(node.args) >= 2:
                key, value = node.args[0], node.args[1]
        elif isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Subscript):
            key, value = node.targets[0].slice, node.value
        text = _text(value) if key is not None and _is_text(key, variable) else None
        if text is not None:
            found.append((node.lineno, text))
    if not found:
        return None
    line, text = min(found)
    return text, line


def _text(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.strip()
    return None


def _is_text(node: ast.expr, expected: str) -> bool:
    return _text(node) == expected


def entry_files(loader: SourceLoader, manage_py: str) -> list[str]:
    """manage.py, then the project's wsgi.py and asgi.py (one package deep), repo-relative."""
    found = [manage_py]
    code_dir = loader.root / loader.code_root
    try:
        packages = sorted(
            entry.name
            for entry in code_dir.iterdir()
            if entry.is_dir() and entry.name not in files.SKIP_DIRS
        )
    except OSError:
        packages = []
    for name in ("wsgi.py", "asgi.py"):
        for candidate in (name, *(f"{package}/{name}" for package in packages)):
            rel = loader.rel(candidate)
            if files.exists(loader.root, rel) and rel not in found:
                found.append(rel)
    return found


def settings_module_default(
    loader: SourceLoader, manage_py: str
) -> tuple[Fact[str | None], Fact[str | None]]:
    """DJANGO_SETTINGS_MODULE's and DJANGO_CONFIGURATION's defaults, with where they are set."""
    module: Fact[str | None] = Fact(None)
    configuration: Fact[str | None] = Fact(None)
    for rel in entry_files(loader, manage_py):
        try:
            _, tree = loader.load(rel, what="entry point")
        except ScanError:
            if rel == manage_py:
                raise
            continue  # a broken wsgi.py or asgi.py elsewhere is not what names the settings
        if module.value is None:
            hit = environment_default(tree, "DJANGO_SETTINGS_MODULE")
            if hit and hit[0]:
                module = Fact(hit[0], Origin(rel, hit[1]))
        if configuration.value is None:
            hit = environment_default(tree, "DJANGO_CONFIGURATION")
            if hit and hit[0]:
                configuration = Fact(hit[0], Origin(rel, hit[1]))
    return module, configuration


# -- which files -------------------------------------------------------------------------------


def looks_like_settings(loader: SourceLoader, rel: str) -> bool:
    _, tree = loader.load(rel)
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
            return True
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id in SETTINGS_NAMES for t in targets):
            return True
    return False


def production_module(loader: SourceLoader, module: str, module_file: str) -> Fact[str | None]:
    """The settings module production uses, when the project has one beside the default."""
    parts = module.split(".")
    if parts[-1] in PRODUCTION_NAMES:
        return Fact(module, Origin(module_file), note="the default settings module is production's")
    if module_file.endswith("/__init__.py") or module_file == "__init__.py":
        package, siblings = module, PRODUCTION_NAMES
    elif parts[-1] == "settings":
        package, siblings = ".".join(parts[:-1]), PRODUCTION_SIBLINGS
    else:  # e.g. mysite.settings.local: its siblings in the settings package
        package, siblings = ".".join(parts[:-1]), PRODUCTION_NAMES
    for name in siblings:
        candidate = f"{package}.{name}" if package else name
        rel = loader.find(candidate, strict=False)
        if rel and rel != module_file and looks_like_settings(loader, rel):
            return Fact(candidate, Origin(rel), note=f"production settings beside {module}")
    return Fact(None)


# -- values --------------------------------------------------------------------------------


@dataclass
class Reading:
    """The evaluated settings: final names plus what the evaluation learned on the way."""

    names: dict[str, Binding]
    ctx: EvalContext
    loader: SourceLoader
    notes: list[str] = field(default_factory=list)

    @property
    def code_abs(self) -> PurePosixPath:
        return (
            self.ctx.root / self.loader.code_root
            if self.loader.code_root != "."
            else (self.ctx.root)
        )

    def path(self, value: Any) -> str | None:
        """A path as settings compute it: relative to the code root when it falls under it."""
        if isinstance(value, PurePosixPath):
            value = str(value)
        if not isinstance(value, str) or not value:
            return None
        if not value.startswith("/"):
            return value
        normal = PurePosixPath(posixpath.normpath(value))
        root = self.ctx.root
        if normal == root or root in normal.parents:  # under the repository: code-root relative
            return posixpath.relpath(normal, self.code_abs)
        return str(normal)


def evaluate(loader: SourceLoader, rel: str) -> Reading:
    root = PurePosixPath(str(loader.root))
    ctx = EvalContext(root=root, code_root=loader.code_root, loader=loader)
    source, tree = loader.load(rel)
    evaluator = ModuleEvaluator(ctx, rel, source, tree)
    ctx.loading.append(rel)
    try:
        names = evaluator.run()
    except BudgetExceeded:
        names = evaluator.globals
        ctx.note(f"{rel}: too large to evaluate fully; later values are not read")
    return Reading(names, ctx, loader)


def apply_configuration(reading: Reading, name: str | None, origin: Origin | None) -> str:
    """django-configurations: settings are a class's attributes; its SecretValues are required."""
    classes = {
        key: b.value
        for key, b in reading.names.items()
        if isinstance(b.value, ClassValue) and b.value.is_configuration
    }
    if not classes:
        return ""
    chosen = classes.get(name or "")
    if chosen is None:
        return f"configuration class {name!r} not found in the settings" if name else ""
    reading.names = configuration_names(reading, chosen)
    # The production class's required values too: prod sets DJANGO_CONFIGURATION to it.
    for production in PRODUCTION_CLASSES:
        if production in classes and production != chosen.name:
            configuration_names(reading, classes[production])
            return f"required variables include those of class {production}"
    return ""


def configuration_names(reading: Reading, cls: ClassValue) -> dict[str, Binding]:
    names: dict[str, Binding] = {}
    for attribute, binding in cls.attrs.items():
        value = binding.value
        if isinstance(value, ConfigValue):
            if value.environ and value.required:
                reading.ctx.require(configuration_env(attribute, value))
            names[attribute] = Binding(value.default, binding.origin)
        else:
            names[attribute] = binding
    return names


def known_strings(value: Any) -> tuple[tuple[str, ...], bool] | None:
    """The strings of a list setting, and whether some entries could not be read."""
    value = _plain(value)
    if not isinstance(value, (list, tuple, set)):
        return None
    items = [item for item in value if isinstance(item, str)]
    return tuple(items), len(items) != len(value)


def _plain(value: Any) -> Any:
    return None if isinstance(value, Missing) else value


UNREADABLE = "set here, but computed in a way the scan cannot follow"


def unreadable(binding: Binding) -> str:
    """Why a set value is unknown: the environment decides it, or code the scan does not follow."""
    names = ", ".join(dict.fromkeys(read.name for read in binding.env))
    return f"comes from the environment ({names}) at run time" if names else UNREADABLE


def string_fact(names: dict[str, Binding], name: str) -> Fact[str | None]:
    binding = names.get(name)
    if binding is None:
        return Fact(None)
    value = _plain(binding.value)
    if isinstance(value, str):
        return Fact(value, binding.origin)
    return Fact(
        None, binding.origin, note=unreadable(binding) if value is not None else "set to None"
    )


def path_fact(reading: Reading, name: str) -> Fact[str | None]:
    binding = reading.names.get(name)
    if binding is None:
        return Fact(None)
    shown = reading.path(_plain(binding.value))
    if shown is None:
        return Fact(None, binding.origin, note=unreadable(binding))
    return Fact(shown, binding.origin)


def list_fact(names: dict[str, Binding], name: str) -> Fact[tuple[str, ...] | None]:
    binding = names.get(name)
    if binding is None:
        return Fact(None)
    known = known_strings(binding.value)
    if known is None:
        return Fact(None, binding.origin, note=unreadable(binding))
    items, partial = known
    return Fact(
        items, binding.origin, note="some entries are computed at run time" if partial else ""
    )


def languages_fact(names: dict[str, Binding]) -> Fact[tuple[str, ...] | None]:
    """The language codes LANGUAGES lists: the first item of each (code, name) pair.

    The names are usually gettext_lazy() calls the scan does not follow; only codes matter.
    """
    binding = names.get("LANGUAGES")
    if binding is None:
        return Fact(None)
    pairs = _plain(binding.value)
    if isinstance(pairs, (list, tuple)) and all(
        isinstance(pair, (list, tuple)) and pair and isinstance(pair[0], str) for pair in pairs
    ):
        return Fact(tuple(pair[0] for pair in pairs), binding.origin)
    return Fact(None, binding.origin, note=unreadable(binding))


def bool_fact(names: dict[str, Binding], name: str) -> Fact[bool | None]:
    binding = names.get(name)
    if binding is None:
        return Fact(None)
    value = _plain(binding.value)
    if isinstance(value, bool):
        return Fact(value, binding.origin)
    return Fact(None, binding.origin, note=unreadable(binding))


def whitenoise_fact(names: dict[str, Binding]) -> Fact[bool]:
    for setting in ("MIDDLEWARE", "INSTALLED_APPS", "STORAGES", "STATICFILES_STORAGE"):
        binding = names.get(setting)
        if binding is not None and "whitenoise" in _strings_in(binding.value):
            return Fact(True, binding.origin)
    return Fact(False)


def _strings_in(value: Any) -> str:
    """Every string inside a value, joined (to look for a module name)."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return " ".join(_strings_in(v) for v in [*value.keys(), *value.values()])
    if isinstance(value, (list, tuple, set)):
        return " ".join(_strings_in(v) for v in value)
    return ""


def storage_fact(names: dict[str, Binding]) -> Fact[str | None]:
    storages = names.get("STORAGES")
    if storages is not None:
        value = storages.value
        backend = value.get("staticfiles", {}) if isinstance(value, dict) else UNKNOWN
        backend = backend.get("BACKEND") if isinstance(backend, dict) else UNKNOWN
        if isinstance(backend, str):
            return Fact(backend, storages.origin)
        if backend is not None:
            return Fact(None, storages.origin, note=UNREADABLE)
    return string_fact(names, "STATICFILES_STORAGE")


def database_facts(reading: Reading) -> tuple[tuple[Fact[str], ...], Fact[str | None], list[str]]:
    """Every database engine the settings may use, the SQLite file, and notes."""
    engines: list[Fact[str]] = []
    notes: list[str] = []
    sqlite: Fact[str | None] = Fact(None)
    candidates: list[Binding] = []
    if "DATABASES" in reading.names:
        candidates.append(reading.names["DATABASES"])
    candidates += [b for name, b in reading.ctx.shadow_bindings if name == "DATABASES"]
    for index, binding in enumerate(candidates):
        databases = binding.value
        if not isinstance(databases, dict):
            if index == 0:
                notes.append(f"DATABASES ({binding.origin}) cannot be read statically")
            continue
        ordered = sorted(databases.items(), key=lambda item: item[0] != "default")
        for alias, config in ordered:
            engine = config.get("ENGINE") if isinstance(config, dict) else UNKNOWN
            if not isinstance(engine, str):
                notes.append(f"DATABASES[{alias!r}] ({binding.origin}): engine set at run time")
                continue
            if all(fact.value != engine for fact in engines):
                engines.append(Fact(engine, binding.origin))
            if index == 0 and sqlite.value is None and engine in SQLITE_ENGINES:
                name = config.get("NAME") if isinstance(config, dict) else None
                shown = reading.path(name)
                sqlite = Fact(shown, binding.origin, note="" if shown else UNREADABLE)
    return tuple(engines), sqlite, list(dict.fromkeys(notes))


def application_fact(
    reading: Reading | None, loader: SourceLoader, name: str, module: str | None
) -> Fact[str | None]:
    fact = string_fact(reading.names, name) if reading else Fact(None)
    if fact.value is not None or name != "WSGI_APPLICATION" or fact.origin is not None:
        return fact
    # Not set: Django's runserver then uses get_wsgi_application(); the startproject
    # wsgi.py beside the settings package is what gunicorn should serve.
    packages = [module.split(".")[0]] if module else _wsgi_packages(loader)
    for package in packages:
        rel = loader.find(f"{package}.wsgi", strict=False)
        if rel:
            return Fact(
                f"{package}.wsgi.application", Origin(rel), note="WSGI_APPLICATION is not set"
            )
    return fact


def _wsgi_packages(loader: SourceLoader) -> list[str]:
    code_dir = loader.root / loader.code_root
    try:
        found = sorted(entry.name for entry in code_dir.iterdir() if (entry / "wsgi.py").is_file())
    except OSError:
        return []
    return found if len(found) == 1 else []


def required_env(reading: Reading) -> tuple[EnvVar, ...]:
    return tuple(
        EnvVar(read.name, read.origin, read.how, read.cast)
        for read in reading.ctx.required.values()
    )


# -- entry point ---------------------------------------------------------------------------


def read_settings(
    root: Path, code_root: str, manage_py: str, settings_override: str | None = None
) -> Settings:
    """What the project's settings say, read from their AST (never imported)."""
    loader = SourceLoader(Path(root), code_root or ".")
    default, configuration = settings_module_default(loader, manage_py)
    if settings_override:
        module: Fact[str | None] = Fact(settings_override.strip(), note="given with --settings")
    elif default.value is None:
        module = Fact(
            None,
            note="no DJANGO_SETTINGS_MODULE default in manage.py, wsgi.py or asgi.py; "
            "pass --settings",
        )
    else:
        module = default
    name = module.value
    module_file = loader.find(name) if name else None
    if name and module_file is None:
        where = f"under {code_root}" if code_root not in ("", ".") else "in the repository"
        path = name.replace(".", "/")
        if settings_override:
            raise ScanError(
                f"--settings {name}: no {path}.py or {path}/__init__.py {where}; "
                "pass the module as manage.py would import it"
            )
        module = Fact(name, module.origin, note=f"no {path}.py or {path}/__init__.py {where}")
    if module_file is None:
        return Settings(
            module=module,
            configuration=configuration,
            wsgi_application=application_fact(None, loader, "WSGI_APPLICATION", None),
        )

    production = production_module(loader, name or "", module_file)
    read_file = production.origin.path if production.origin else module_file
    reading = evaluate(loader, read_file)
    configuration_note = apply_configuration(reading, configuration.value, configuration.origin)
    if configuration_note:
        configuration = Fact(configuration.value, configuration.origin, note=configuration_note)
    engines, sqlite_path, database_notes = database_facts(reading)
    names = reading.names
    notes = [*reading.ctx.notes, *database_notes]
    if notes:
        module = Fact(
            module.value, module.origin, note="; ".join([module.note, *notes]).strip("; ")
        )
    return Settings(
        module=module,
        file=read_file,
        production_module=production,
        wsgi_application=application_fact(reading, loader, "WSGI_APPLICATION", name),
        asgi_application=application_fact(reading, loader, "ASGI_APPLICATION", name),
        static_root=path_fact(reading, "STATIC_ROOT"),
        static_url=string_fact(names, "STATIC_URL"),
        media_root=path_fact(reading, "MEDIA_ROOT"),
        media_url=string_fact(names, "MEDIA_URL"),
        whitenoise=whitenoise_fact(names),
        static_storage=storage_fact(names),
        database_engines=engines,
        sqlite_path=sqlite_path,
        allowed_hosts=list_fact(names, "ALLOWED_HOSTS"),
        csrf_trusted_origins=list_fact(names, "CSRF_TRUSTED_ORIGINS"),
        secure_ssl_redirect=bool_fact(names, "SECURE_SSL_REDIRECT"),
        use_i18n=bool_fact(names, "USE_I18N"),
        language_code=string_fact(names, "LANGUAGE_CODE"),
        languages=languages_fact(names),
        installed_apps=(list_fact(names, "INSTALLED_APPS").value or ()),
        required_env=required_env(reading),
        configuration=configuration,
    )
