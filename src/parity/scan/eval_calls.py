"""What the settings evaluator knows about the functions settings files call.

Each entry models one library call on plain values: os.environ/os.getenv,
os.path and pathlib, django-environ, python-decouple, dj-database-url and
django-configurations values. With an empty environment every read yields
its default; a read with no default is recorded as required (see ast_eval).
Anything not listed evaluates to UNKNOWN.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from parity.model import Origin
from parity.scan.ast_eval import (
    CONFIG_ERRORS,
    MAX_SIZE,
    TYPE_ERRORS,
    UNKNOWN,
    VALUE_ERRORS,
    EnvRead,
    Missing,
    ModuleEvaluator,
    Ref,
    is_plain,
    plain,
    short_source,
    truth,
)

# URL schemes of dj-database-url and django-environ, and the Django engine each selects.
DATABASE_SCHEMES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "pgsql": "django.db.backends.postgresql",
    "psql": "django.db.backends.postgresql",
    "postgis": "django.contrib.gis.db.backends.postgis",
    "mysql": "django.db.backends.mysql",
    "mysql2": "django.db.backends.mysql",
    "mysqlgis": "django.contrib.gis.db.backends.mysql",
    "mysql-connector": "mysql.connector.django",
    "mariadb": "django.db.backends.mysql",
    "sqlite": "django.db.backends.sqlite3",
    "spatialite": "django.contrib.gis.db.backends.spatialite",
    "oracle": "django.db.backends.oracle",
    "oraclegis": "django.contrib.gis.db.backends.oracle",
    "redshift": "django_redshift_backend",
    "cockroach": "django_cockroachdb",
    "cockroachdb": "django_cockroachdb",
    "timescale": "timescale.db.backends.postgresql",
    "timescalegis": "timescale.db.backends.postgis",
    "mssql": "mssql",
}


@dataclass(frozen=True)
class EnvReader:
    """A django-environ Env() object; schema holds Env(NAME=(cast, default)) declarations."""

    schema: tuple[tuple[str, str | None, Any, bool], ...] = ()  # name, cast, default, has_default

    def declared(self, name: str) -> tuple[str | None, Any, bool]:
        for declared_name, cast, default, has_default in self.schema:
            if declared_name == name:
                return cast, default, has_default
        return None, None, False


@dataclass(frozen=True)
class EnvMethod:
    reader: EnvReader
    method: str


@dataclass(frozen=True)
class DecoupleReader:
    """python-decouple's config (or an AutoConfig/Config instance)."""


@dataclass(frozen=True)
class CastSpec:
    """A decouple cast object such as Csv()."""

    cast: str
    delimiter: str = ","


@dataclass(frozen=True)
class ConfigValue:
    """A django-configurations values.*Value(...) declared in a Configuration class."""

    kind: str
    default: Any
    environ: bool
    environ_name: str | None
    environ_prefix: str | None
    required: bool
    cast: str
    origin: Origin
    how: str

    def env_name(self, attribute: str) -> str:
        name = self.environ_name or attribute.upper()
        return f"{self.environ_prefix}_{name}" if self.environ_prefix else name


NOTSET: Any = object()
Handler = Callable[[ModuleEvaluator, list, dict, ast.Call, list], Any]
CALLS: dict[str, Handler] = {}


def handles(*names: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        for name in names:
            CALLS[name] = function
        return function

    return register


def argument(args: list, kwargs: dict, index: int | None, name: str, default: Any = NOTSET) -> Any:
    if index is not None and index < len(args):
        return args[index]
    return kwargs.get(name, default)


def cast_name(value: Any) -> str | None:
    """The model's cast name for a cast argument (bool, int, Csv(), dj_database_url.parse...)."""
    if isinstance(value, CastSpec):
        return value.cast
    if isinstance(value, Ref):
        last = value.dotted.rpartition(".")[2]
        return {
            "bool": "bool", "int": "int", "float": "float", "list": "list", "tuple": "list",
            "str": "str", "parse": "db_url" if "database" in value.dotted else "str",
            "Decimal": "float",
        }.get(last, "str")  # fmt: skip
    return None


def database_from_url(url: Any, engine: Any = None) -> Any:
    """The DATABASES entry a database URL stands for: its ENGINE and, for SQLite, its NAME."""
    if isinstance(engine, str) and engine:
        result: dict[str, Any] = {"ENGINE": engine}
    else:
        result = {}
    if not isinstance(url, str) or "://" not in url:
        # known at run time only; still a dict, so later ["ENGINE"] = ... assignments land
        return result or {"ENGINE": UNKNOWN}
    scheme = url.split("://", 1)[0].lower()
    result.setdefault("ENGINE", DATABASE_SCHEMES.get(scheme, UNKNOWN))
    if scheme in ("sqlite", "spatialite"):
        rest = url.split("://", 1)[1].split("?", 1)[0]
        name = rest[1:] if rest.startswith("/") else rest
        result["NAME"] = name if name and name != ":memory:" else ":memory:"
    else:
        path = urlsplit(url).path
        result["NAME"] = path.lstrip("/") or UNKNOWN
    return result


# -- os.environ, os.getenv --------------------------------------------------------------


@handles("os.environ.setdefault")
def env_setdefault(
    ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list
) -> Any:
    name = plain(argument(args, kwargs, 0, "key"))
    if not isinstance(name, str):
        return UNKNOWN
    return ev.ctx.set_env.setdefault(name, argument(args, kwargs, 1, "default", None))


@handles("os.getenv", "os.environ.get")
def env_get(ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list) -> Any:
    name = plain(argument(args, kwargs, 0, "key"))
    if not isinstance(name, str):
        return UNKNOWN
    default = argument(args, kwargs, 1, "default", None)
    if name in ev.ctx.set_env:
        return ev.ctx.set_env[name]
    read = ev.env_read(name, node)
    ev.touched[-1].append(read)
    return Missing(read) if plain(default) is None else default


# -- paths ---------------------------------------------------------------------------------


def _path_args(ev: ModuleEvaluator, args: list) -> list[str] | None:
    texts = []
    for value in args:
        if isinstance(value, Missing):
            ev.missing_env(value.read, "str", TYPE_ERRORS)
            return None
        if isinstance(value, PurePosixPath):
            texts.append(str(value))
        elif isinstance(value, str):
            texts.append(value)
        else:
            return None
    return texts


@handles("pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath")
def make_path(ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list) -> Any:
    texts = _path_args(ev, args)
    if texts is None or any(t.startswith("~") for t in texts[:1]):
        return UNKNOWN
    return PurePosixPath(*texts)


def _absolute(text: str) -> Any:
    return posixpath.normpath(text) if text.startswith("/") else UNKNOWN  # cwd-relative otherwise


_OS_PATH: dict[str, Callable[..., Any]] = {
    "join": posixpath.join,
    "dirname": posixpath.dirname,
    "basename": posixpath.basename,
    "normpath": posixpath.normpath,
    "abspath": _absolute,
    "realpath": _absolute,
    "expanduser": lambda text: UNKNOWN if text.startswith("~") else text,
}


def _os_path(function: Callable[..., Any]) -> Handler:
    def handler(ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list) -> Any:
        texts = _path_args(ev, args)
        if not texts or kwargs:
            return UNKNOWN
        try:
            return function(*texts)
        except TypeError:
            return UNKNOWN

    return handler


for _name, _function in _OS_PATH.items():
    CALLS[f"os.path.{_name}"] = _os_path(_function)
    CALLS[f"posixpath.{_name}"] = _os_path(_function)


# -- builtins ------------------------------------------------------------------------------


def _convert(kind: type, cast: str) -> Handler:
    def handler(ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list) -> Any:
        if not args:
            return kind()
        value = args[0]
        if isinstance(value, Missing):
            return ev.missing_env(value.read, cast, TYPE_ERRORS)
        ev.ctx.upgrade_cast(reads, cast)
        value = plain(value)
        if not isinstance(value, (str, int, float, bool)) or len(args) > 2:
            return UNKNOWN
        try:
            return kind(*[plain(a) for a in args])
        except (TypeError, ValueError, OverflowError):
            return ev.fail(VALUE_ERRORS) or UNKNOWN

    return handler


CALLS["builtins.int"] = _convert(int, "int")
CALLS["builtins.float"] = _convert(float, "float")


@handles("builtins.str")
def to_str(ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list) -> Any:
    if not args:
        return ""
    value = plain(args[0])
    return str(value) if is_plain(value) and not isinstance(value, bytes) else UNKNOWN


@handles("builtins.bool")
def to_bool(ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list) -> Any:
    known = truth(args[0]) if args else False
    return UNKNOWN if known is None else known


def _collection(kind: Callable[[Any], Any]) -> Handler:
    def handler(ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list) -> Any:
        if not args:
            return kind([])
        value = args[0]
        if isinstance(value, Missing):
            return ev.missing_env(value.read, "list", TYPE_ERRORS)
        if isinstance(value, dict):
            value = list(value)
        if not isinstance(value, (list, tuple, set, frozenset, str)) or kwargs:
            return UNKNOWN
        try:
            return kind(plain(v) for v in value)
        except TypeError:
            return UNKNOWN

    return handler


CALLS["builtins.list"] = _collection(list)
CALLS["builtins.tuple"] = _collection(tuple)
CALLS["builtins.set"] = _collection(set)
CALLS["builtins.frozenset"] = _collection(frozenset)
CALLS["builtins.sorted"] = _collection(sorted)


@handles("builtins.dict")
def to_dict(ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list) -> Any:
    if args and not isinstance(args[0], dict):
        return UNKNOWN
    return {**(args[0] if args else {}), **{k: plain(v) for k, v in kwargs.items()}}


@handles("builtins.len")
def length(ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list) -> Any:
    if args and isinstance(args[0], Missing):
        return ev.missing_env(args[0].read, "str", TYPE_ERRORS)
    value = plain(args[0]) if args else UNKNOWN
    return len(value) if isinstance(value, (str, list, tuple, dict, set)) else UNKNOWN


@handles("json.loads")
def json_loads(ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list) -> Any:
    import json

    if args and isinstance(args[0], Missing):
        return ev.missing_env(args[0].read, "str", TYPE_ERRORS)
    value = plain(args[0]) if args else UNKNOWN
    if not isinstance(value, str) or len(value) > MAX_SIZE:
        return UNKNOWN
    try:
        return json.loads(value)
    except ValueError:
        return ev.fail(VALUE_ERRORS) or UNKNOWN


# -- dj-database-url -----------------------------------------------------------------------


@handles("dj_database_url.config")
def dj_database_url_config(
    ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list
) -> Any:
    name = plain(argument(args, kwargs, 0, "env", "DATABASE_URL"))
    default = plain(argument(args, kwargs, 1, "default", None))
    engine = plain(argument(args, kwargs, 2, "engine", None))
    if not isinstance(name, str):
        return UNKNOWN
    if name in ev.ctx.set_env:
        return database_from_url(plain(ev.ctx.set_env[name]), engine)
    ev.touched[-1].append(ev.env_read(name, node, "db_url"))
    if default is None:
        # dj-database-url returns {} when the variable is unset: not an import-time failure
        ev.ctx.note(f"{ev.rel}:{node.lineno}: the database comes from {name}, with no default")
        return database_from_url(None, engine) if engine else {}
    return database_from_url(default, engine)


@handles("dj_database_url.parse")
def dj_database_url_parse(
    ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list
) -> Any:
    url = argument(args, kwargs, 0, "url", None)
    engine = plain(argument(args, kwargs, 1, "engine", None))
    if isinstance(url, Missing):
        ev.missing_env(url.read, "db_url", TYPE_ERRORS)
        return database_from_url(None, engine)
    ev.ctx.upgrade_cast(reads, "db_url")
    return database_from_url(plain(url), engine)


# -- django-environ ------------------------------------------------------------------------

# method: (index of the positional default, cast)
ENVIRON_METHODS = {
    "__call__": (2, None), "str": (1, "str"), "unicode": (1, "str"), "bytes": (1, "str"),
    "bool": (1, "bool"), "int": (1, "int"), "float": (1, "float"), "json": (1, "str"),
    "list": (2, "list"), "tuple": (2, "list"), "dict": (2, "str"), "url": (1, "url"),
    "db_url": (1, "db_url"), "db": (1, "db_url"), "cache_url": (1, "cache_url"),
    "cache": (1, "cache_url"), "email_url": (1, "url"), "email": (1, "url"),
    "search_url": (1, "url"), "path": (1, "str"),
}  # fmt: skip
ENVIRON_DEFAULT_VARS = {
    "db_url": "DATABASE_URL", "db": "DATABASE_URL", "cache_url": "CACHE_URL",
    "cache": "CACHE_URL", "email_url": "EMAIL_URL", "email": "EMAIL_URL",
    "search_url": "SEARCH_URL",
}  # fmt: skip


@handles("environ.Env", "environ.FileAwareEnv", "environ.environ.Env")
def environ_env(ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list) -> Any:
    schema = []
    for name, spec in kwargs.items():
        if isinstance(spec, tuple) and spec:
            has_default = len(spec) > 1
            schema.append((name, cast_name(spec[0]), spec[1] if has_default else None, has_default))
        else:
            schema.append((name, cast_name(spec), None, False))
    return EnvReader(tuple(schema))


@handles("environ.Env.read_env", "environ.Env.smart_cast")
def environ_noop(ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list) -> Any:
    return None  # reads a .env file, which is not in the image at build time


def environ_read(
    ev: ModuleEvaluator, reader: EnvReader, method: str, args: list, kwargs: dict, node: ast.Call
) -> Any:
    if method == "read_env":
        return None
    if method not in ENVIRON_METHODS:
        return UNKNOWN
    default_index, cast = ENVIRON_METHODS[method]
    name = plain(argument(args, kwargs, 0, "var", ENVIRON_DEFAULT_VARS.get(method, NOTSET)))
    if not isinstance(name, str):
        return UNKNOWN
    declared_cast, declared_default, has_declared = reader.declared(name)
    if cast is None:
        cast = cast_name(argument(args, kwargs, 1, "cast", None)) or declared_cast or "str"
    default = argument(args, kwargs, default_index, "default", NOTSET)
    if default is NOTSET and has_declared:
        default = declared_default
    engine = plain(kwargs.get("engine"))
    is_database = cast == "db_url"
    if name in ev.ctx.set_env:
        value = plain(ev.ctx.set_env[name])
        return database_from_url(value, engine) if is_database else value
    read = ev.env_read(name, node, cast)
    ev.touched[-1].append(read)
    if default is NOTSET:
        ev.missing_env(read, cast, CONFIG_ERRORS)
        return database_from_url(None, engine) if is_database else UNKNOWN
    default = plain(default)
    return database_from_url(default, engine) if is_database else default


# -- python-decouple -----------------------------------------------------------------------


@handles("decouple.AutoConfig", "decouple.Config")
def decouple_reader(
    ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list
) -> Any:
    return DecoupleReader()


@handles("decouple.Csv")
def decouple_csv(ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list) -> Any:
    delimiter = plain(argument(args, kwargs, 1, "delimiter", ","))
    return CastSpec("list", delimiter if isinstance(delimiter, str) and delimiter else ",")


@handles("decouple.Choices")
def decouple_choices(
    ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list
) -> Any:
    return CastSpec("str")


_TRUE = {"1", "yes", "y", "true", "on", "t"}
_FALSE = {"0", "no", "n", "false", "off", "f", ""}


def decouple_cast(value: Any, cast: Any) -> Any:
    """A decouple default goes through the cast like a value read from the environment."""
    kind = cast_name(cast) if cast is not NOTSET else None
    if kind is None or not isinstance(value, str):
        return value
    if kind == "bool":
        lowered = value.strip().lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else UNKNOWN
    if kind == "list":
        delimiter = cast.delimiter if isinstance(cast, CastSpec) else ","
        return [item.strip() for item in value.split(delimiter) if item.strip()]
    if kind == "db_url":
        return database_from_url(value)
    try:
        return {"int": int, "float": float}.get(kind, str)(value)
    except ValueError:
        return UNKNOWN


@handles("decouple.config")
def decouple_config(
    ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list
) -> Any:
    name = plain(argument(args, kwargs, 0, "option"))
    if not isinstance(name, str):
        return UNKNOWN
    cast = argument(args, kwargs, 2, "cast", NOTSET)
    kind = (cast_name(cast) if cast is not NOTSET else None) or "str"
    default = argument(args, kwargs, 1, "default", NOTSET)
    if name in ev.ctx.set_env:
        return decouple_cast(plain(ev.ctx.set_env[name]), cast)
    read = ev.env_read(name, node, kind)
    ev.touched[-1].append(read)
    if default is NOTSET:
        return ev.missing_env(read, kind, CONFIG_ERRORS)
    return decouple_cast(plain(default), cast)


# -- django-configurations -----------------------------------------------------------------

CONFIGURATION_VALUES = {
    "Value": "str", "BooleanValue": "bool", "IntegerValue": "int", "PositiveIntegerValue": "int",
    "FloatValue": "float", "DecimalValue": "float", "ListValue": "list", "TupleValue": "list",
    "SetValue": "list", "SingleNestedListValue": "list", "SingleNestedTupleValue": "list",
    "DictValue": "str", "URLValue": "url", "EmailValue": "str", "IPValue": "str",
    "RegexValue": "str", "PathValue": "str", "SecretValue": "str", "BackendsValue": "list",
    "DatabaseURLValue": "db_url", "CacheURLValue": "cache_url", "EmailURLValue": "url",
    "SearchURLValue": "url",
}  # fmt: skip
# Values that name their own variable, without the DJANGO_ prefix.
CONFIGURATION_URL_VARS = {
    "DatabaseURLValue": "DATABASE_URL", "CacheURLValue": "CACHE_URL",
    "EmailURLValue": "EMAIL_URL", "SearchURLValue": "SEARCH_URL",
}  # fmt: skip


def configuration_value(kind: str) -> Handler:
    def handler(ev: ModuleEvaluator, args: list, kwargs: dict, node: ast.Call, reads: list) -> Any:
        default = plain(argument(args, kwargs, 0, "default", None))
        environ_name = plain(kwargs.get("environ_name", CONFIGURATION_URL_VARS.get(kind)))
        prefix_default = None if kind in CONFIGURATION_URL_VARS else "DJANGO"
        prefix = plain(kwargs.get("environ_prefix", prefix_default))
        if isinstance(prefix, str):
            prefix = prefix.rstrip("_") or None
        required = kind == "SecretValue" or truth(kwargs.get("environ_required", False)) is True
        if kind == "DatabaseURLValue":
            alias = plain(kwargs.get("alias", "default"))
            default = {alias: database_from_url(default)} if isinstance(default, str) else {}
        elif kind in ("ListValue", "TupleValue", "SetValue") and default is None:
            default = []
        return ConfigValue(
            kind=kind,
            default=default,
            environ=truth(kwargs.get("environ", True)) is not False,
            environ_name=environ_name if isinstance(environ_name, str) else None,
            environ_prefix=prefix if isinstance(prefix, str) else None,
            required=required,
            cast=CONFIGURATION_VALUES[kind],
            origin=ev.origin(node),
            how=short_source(ev.source, node),
        )

    return handler


for _kind in CONFIGURATION_VALUES:
    CALLS[f"configurations.values.{_kind}"] = configuration_value(_kind)


def configuration_env(attribute: str, value: ConfigValue) -> EnvRead:
    return EnvRead(value.env_name(attribute), value.origin, value.how, value.cast)


# -- dispatch ------------------------------------------------------------------------------


def attribute(ev: ModuleEvaluator, obj: Any, attr: str) -> Any:
    """Attributes of the library objects above (env.str, env.db...)."""
    if isinstance(obj, EnvReader):
        return EnvMethod(obj, attr)
    return UNKNOWN


def call(
    ev: ModuleEvaluator, function: Any, args: list, kwargs: dict, node: ast.Call, reads: list
) -> Any:
    if isinstance(function, Ref):
        handler = CALLS.get(function.dotted)
        return handler(ev, args, kwargs, node, reads) if handler else UNKNOWN
    if isinstance(function, EnvReader):
        return environ_read(ev, function, "__call__", args, kwargs, node)
    if isinstance(function, EnvMethod):
        return environ_read(ev, function.reader, function.method, args, kwargs, node)
    if isinstance(function, DecoupleReader):
        return decouple_config(ev, args, kwargs, node, reads)
    return UNKNOWN
