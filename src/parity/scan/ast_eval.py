"""A small, safe evaluator for Django settings: it reads the AST and never runs project code.

Settings files are mostly simple assignments (constants, lists, dicts, paths
built from __file__, environment reads with defaults, star imports of sibling
settings modules). This module follows those and gives up quietly with
UNKNOWN on anything else. The environment is taken to be empty, as it is when
collectstatic runs at image build time: every environment read yields its
default, and a read with no default is recorded as a required variable.

Branches that do not run with an empty environment are still evaluated, on a
throwaway copy of the namespace, so the caller can see every database a
project may use (`shadow_bindings`); environment reads in them do not count
as required unless the branch condition itself could not be worked out.

Safety: only whitelisted pure functions on plain values run; sizes, steps and
recursion are bounded, so a hostile settings file cannot hang or exhaust the scan.
"""

from __future__ import annotations

import ast
import copy
import operator
import re
from collections import ChainMap
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from parity.model import Origin

MAX_STEPS = 100_000  # expression nodes evaluated per scan
MAX_SIZE = 100_000  # longest string or list a computation may produce
MAX_CALL_DEPTH = 8  # nested calls of functions defined in the settings
MAX_LOOP_ITEMS = 1_000
MAX_MODULES = 64  # settings modules followed through imports


class _Unknown:
    """A value the evaluator could not work out (it depends on code it does not run)."""

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __deepcopy__(self, memo: dict) -> _Unknown:
        return self


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class EnvRead:
    """One read of an environment variable, as written in the settings."""

    name: str
    origin: Origin
    how: str
    cast: str = "str"


@dataclass(frozen=True)
class Missing:
    """The result of os.getenv("X") with no default: None unless X is set.

    Using it (an attribute, a call, arithmetic) fails when X is unset, which
    is what makes X required; assigning or testing it does not.
    """

    read: EnvRead


@dataclass(frozen=True)
class Ref:
    """Something imported from code we do not read: a module, class or function, by dotted name."""

    dotted: str


@dataclass
class Binding:
    """A name's value, where it was last set, and the environment reads it came from."""

    value: Any
    origin: Origin
    env: tuple[EnvRead, ...] = ()


@dataclass(frozen=True)
class BoundMethod:
    """A whitelisted method of a plain value (str.split, list.append, Path.resolve...)."""

    obj: Any
    name: str


@dataclass
class LocalFunction:
    """A function defined in a settings module: evaluated when the settings call it."""

    node: ast.FunctionDef | ast.AsyncFunctionDef
    module: ModuleEvaluator

    def __deepcopy__(self, memo: dict) -> LocalFunction:
        return self


@dataclass
class ClassValue:
    """A class defined in a settings module, with the attributes its body (and bases) set."""

    name: str
    bases: tuple[str, ...]  # dotted names of imported bases, names of local ones
    attrs: dict[str, Binding]
    is_configuration: bool  # a django-configurations Configuration subclass


class Overlay(ChainMap):
    """A scope as a branch that does not run sees it: writes stay in the top layer.

    Values are shared with the scope below until the branch changes one in
    place; `owned` names have been given a private copy by then.
    """

    def __init__(self, top: dict, below: MutableMapping) -> None:
        super().__init__(top, below)
        self.owned: set[str] = set()


class BudgetExceeded(Exception):
    """The step budget ran out: stop evaluating, keep what is known."""


class _Raised(Exception):
    """A `raise` statement ran."""


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _Fail(Exception):
    """An operation failed inside a `try` that catches it (so it is not a requirement)."""

    def __init__(self, kinds: frozenset[str], reads: tuple[EnvRead, ...] = ()) -> None:
        self.kinds = kinds
        self.reads = reads


# Exception names whose handlers catch each kind of failure.
KEY_ERRORS = frozenset({"KeyError", "LookupError", "Exception", "BaseException", "*"})
IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception", "BaseException", "*"})
TYPE_ERRORS = frozenset({"AttributeError", "TypeError", "Exception", "BaseException", "*"})
VALUE_ERRORS = frozenset({"ValueError", "TypeError", "Exception", "BaseException", "*"})
CONFIG_ERRORS = frozenset(
    {"ImproperlyConfigured", "UndefinedValueError", "ValueError", "KeyError", "Exception",
     "BaseException", "*"}
)  # fmt: skip

PLAIN_TYPES = (str, bytes, int, float, bool, type(None), list, tuple, dict, set, frozenset,
               PurePosixPath, type(PurePosixPath("/").parents))  # fmt: skip

BUILTIN_NAMES = frozenset(
    {"str", "int", "float", "bool", "list", "tuple", "dict", "set", "frozenset", "len",
     "sorted", "min", "max", "print", "isinstance", "open", "getattr", "hasattr", "repr",
     "Exception", "ValueError", "KeyError", "ImportError", "range", "enumerate", "zip",
     "any", "all", "abs", "round", "reversed", "object", "type", "super", "property",
     "staticmethod", "classmethod"}
)  # fmt: skip

_BINOPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul,
    ast.Div: operator.truediv, ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod,
    ast.Pow: operator.pow, ast.BitOr: operator.or_, ast.BitAnd: operator.and_,
    ast.BitXor: operator.xor, ast.LShift: operator.lshift, ast.RShift: operator.rshift,
}  # fmt: skip
_COMPARE = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}  # fmt: skip
# A %-format or str.format with a width could allocate without bound.
_WIDE_FORMAT = re.compile(r"%[-+ #0]*[\d*]|\{[^}]*[:!]")

# Methods of plain values that are pure (or mutate only the value itself).
SAFE_METHODS: dict[type, frozenset[str]] = {
    str: frozenset(
        {"split", "rsplit", "strip", "lstrip", "rstrip", "lower", "upper", "replace",
         "startswith", "endswith", "join", "format", "removeprefix", "removesuffix",
         "splitlines", "title", "casefold", "partition", "rpartition", "encode",
         "isdigit", "isnumeric", "count", "find", "index"}
    ),
    bytes: frozenset({"decode", "strip", "split"}),
    list: frozenset({"append", "extend", "insert", "remove", "index", "count", "copy", "pop"}),
    tuple: frozenset({"index", "count"}),
    dict: frozenset({"get", "update", "copy", "keys", "values", "items", "setdefault", "pop"}),
    set: frozenset({"add", "update", "union", "copy", "discard"}),
}  # fmt: skip
MUTATING_METHODS = frozenset(
    {"append", "extend", "insert", "remove", "pop", "update", "setdefault", "add", "discard"}
)
PATH_METHODS = frozenset(
    {"resolve", "absolute", "expanduser", "joinpath", "as_posix", "with_name", "with_suffix",
     "is_absolute", "relative_to"}
)  # fmt: skip
PATH_PROPERTIES = frozenset({"parent", "parents", "name", "stem", "suffix", "parts"})


def is_plain(value: Any) -> bool:
    return isinstance(value, PLAIN_TYPES)


def plain(value: Any) -> Any:
    """The value as the settings would see it in a test or comparison (Missing is None)."""
    return None if isinstance(value, Missing) else value


def truth(value: Any) -> bool | None:
    """Truthiness, or None when it cannot be known."""
    value = plain(value)
    if value is UNKNOWN:
        return None
    if is_plain(value):
        return bool(value)
    if isinstance(value, (Ref, LocalFunction, ClassValue, BoundMethod)):
        return True
    return None


def too_big(value: Any) -> bool:
    return isinstance(value, (str, bytes, list, tuple, dict, set)) and len(value) > MAX_SIZE


def short_source(source: str, node: ast.AST, limit: int = 80) -> str:
    """The expression as written, on one line and short."""
    text = ast.get_source_segment(source, node) or ast.unparse(node)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class EvalContext:
    """What one settings evaluation shares across the modules it reads."""

    root: PurePosixPath  # absolute repository root
    code_root: str  # repo-relative directory holding manage.py
    loader: Any  # callable(rel_path) -> (source, tree); raises ScanError
    modules: dict[str, dict[str, Binding]] = field(default_factory=dict)
    loading: list[str] = field(default_factory=list)
    required: dict[str, EnvRead] = field(default_factory=dict)
    set_env: dict[str, Any] = field(default_factory=dict)  # os.environ writes seen so far
    shadow_bindings: list[tuple[str, Binding]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    steps: int = 0
    shadow: int = 0  # >0 inside a branch that does not run with an empty environment
    record_env: bool = True  # whether environment reads count as required right now
    call_depth: int = 0

    def require(self, read: EnvRead, cast: str | None = None) -> None:
        if not self.record_env:
            return
        cast = cast or read.cast
        known = self.required.get(read.name)
        if known is None:
            self.required[read.name] = EnvRead(read.name, read.origin, read.how, cast)
        elif known.cast == "str" and cast != "str":
            self.required[read.name] = EnvRead(known.name, known.origin, known.how, cast)

    def upgrade_cast(self, reads: list[EnvRead], cast: str) -> None:
        """A required variable's value is parsed (int(...), dj_database_url.parse(...))."""
        for read in reads:
            if read.name in self.required:
                self.require(self.required[read.name], cast)

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)


class ModuleEvaluator:
    """Executes one settings module's top level over plain values, never the real code."""

    def __init__(self, ctx: EvalContext, rel: str, source: str, tree: ast.Module) -> None:
        self.ctx = ctx
        self.rel = rel
        self.source = source
        self.tree = tree
        self.globals: MutableMapping[str, Binding] = {}
        self.scopes: list[MutableMapping[str, Binding]] = [self.globals]
        self.touched: list[list[EnvRead]] = [[]]
        self.test_reads: list[list[EnvRead]] = []  # reads in the tests of the running if-branches
        self.catching: list[frozenset[str]] = []  # exception names enclosing try-blocks catch
        self.handling: list[_Fail] = []  # failures whose except-blocks are running
        self.try_depth = 0
        self.module_name = module_name(ctx.code_root, rel)
        self.package = package_name(ctx.code_root, rel)

    # -- running --------------------------------------------------------------

    def run(self) -> dict[str, Binding]:
        try:
            self.exec_block(self.tree.body)
        except _Raised:
            self.ctx.note(f"{self.rel}: raises at import time; values after that are not read")
        except (_Fail, _Return, _Break, _Continue):
            pass
        except RecursionError:
            self.ctx.note(f"{self.rel}: too deeply nested to evaluate fully")
        return self.globals

    def origin(self, node: ast.AST) -> Origin:
        return Origin(self.rel, getattr(node, "lineno", None))

    def step(self) -> None:
        self.ctx.steps += 1
        if self.ctx.steps > MAX_STEPS:
            raise BudgetExceeded

    def exec_block(self, statements: list[ast.stmt]) -> None:
        for statement in statements:
            self.step()
            handler = getattr(self, "s_" + type(statement).__name__, None)
            if handler is not None:
                handler(statement)

    # -- names ----------------------------------------------------------------

    def lookup(self, name: str) -> Any:
        for scope in reversed(self.scopes):
            binding = scope.get(name)
            if binding is not None:
                self.touched[-1].extend(binding.env)
                return binding.value
        if name == "__file__":
            return str(self.ctx.root / self.rel)
        if name == "__name__":
            return self.module_name
        if name in BUILTIN_NAMES:
            return Ref("builtins." + name)
        return UNKNOWN

    def bind(self, name: str, value: Any, node: ast.AST, env: tuple[EnvRead, ...] = ()) -> None:
        binding = Binding(value, self.origin(node), env)
        self.scopes[-1][name] = binding
        if isinstance(self.scopes[-1], Overlay):
            self.scopes[-1].owned.discard(name)  # the new value may be shared with outer names
        if self.ctx.shadow and self.scopes[-1] is self.globals:
            self.ctx.shadow_bindings.append((name, binding))

    def own(self, name: str | None) -> None:
        """Before a branch that does not run changes a value in place, give it a private copy."""
        if not self.ctx.shadow or name is None:
            return
        for scope in reversed(self.scopes):
            if name in scope:
                if isinstance(scope, Overlay) and name not in scope.owned:
                    binding = scope[name]
                    scope[name] = Binding(copy.deepcopy(binding.value), binding.origin, binding.env)
                    scope.owned.add(name)
                return

    def mark_changed(self, name: str) -> None:
        """A name's value was changed in place (DATABASES["default"]["ENGINE"] = ...).

        Its origin stays the assignment; inside a branch that does not run by
        default the change is still reported, so its databases are seen.
        """
        binding = self.globals.get(name)
        if binding is not None and self.ctx.shadow:
            self.ctx.shadow_bindings.append((name, binding))

    def eval_tracked(self, node: ast.expr) -> tuple[Any, list[EnvRead]]:
        """Evaluate, also returning the environment reads the value depends on."""
        self.touched.append([])
        try:
            value = self.ev(node)
        finally:
            reads = self.touched.pop()
            self.touched[-1].extend(reads)
        return value, reads

    # -- statements -----------------------------------------------------------

    def s_Assign(self, node: ast.Assign) -> None:
        value, reads = self.eval_tracked(node.value)
        for target in node.targets:
            self.assign(target, value, node, tuple(reads))

    def s_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            value, reads = self.eval_tracked(node.value)
            self.assign(node.target, value, node, tuple(reads))

    def s_AugAssign(self, node: ast.AugAssign) -> None:
        current = self.ev(_load(node.target))
        addition, reads = self.eval_tracked(node.value)
        if isinstance(current, list) and isinstance(node.op, ast.Add):
            # list += iterable extends; build a new list so other names sharing it keep theirs
            value = current + list(addition) if isinstance(addition, (list, tuple)) else UNKNOWN
        else:
            value = self.binop(node.op, current, addition)
        self.assign(node.target, value, node, tuple(reads))

    def assign(self, target: ast.expr, value: Any, node: ast.AST, env: tuple[EnvRead, ...]) -> None:
        if isinstance(target, ast.Name):
            self.bind(target.id, value, node, env)
        elif isinstance(target, (ast.Tuple, ast.List)):
            items = list(value) if isinstance(value, (list, tuple)) else None
            if items is not None and len(items) != len(target.elts):
                items = None
            for index, element in enumerate(target.elts):
                if isinstance(element, ast.Starred):
                    element, items = element.value, None
                self.assign(element, items[index] if items is not None else UNKNOWN, node, env)
        elif isinstance(target, ast.Subscript):
            self.own(_root_name(target))
            container = self.ev(target.value)
            key = self.ev(target.slice)
            if container == Ref("os.environ") and isinstance(key, str):
                self.ctx.set_env[key] = value
            elif isinstance(container, (dict, list)) and is_plain(key) and key is not UNKNOWN:
                try:
                    container[key] = value
                except (TypeError, IndexError):
                    return
                root = _root_name(target)
                if root:
                    self.mark_changed(root)
        # attribute targets (sys.modules[...], obj.x = ...) do not change settings

    def s_Expr(self, node: ast.Expr) -> None:
        self.ev(node.value)
        # a method call that changes a list or dict in place: INSTALLED_APPS.append("x")
        call = node.value
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute):
            root = _root_name(call.func.value)
            if root:
                self.mark_changed(root)

    def s_If(self, node: ast.If) -> None:
        test, reads = self.eval_tracked(node.test)
        known = truth(test)
        if known is None:
            # Cannot tell: take the else-branch's values (conditions like "test" in sys.argv
            # are usually false in a container) but count reads in both.
            self.run_shadow(node.body, record_env=True)
            self.run_branch(node.orelse, reads)
        else:
            taken, other = (node.body, node.orelse) if known else (node.orelse, node.body)
            self.run_shadow(other, record_env=False)
            self.run_branch(taken, reads)

    def run_branch(self, statements: list[ast.stmt], reads: list[EnvRead]) -> None:
        self.test_reads.append(reads)
        try:
            self.exec_block(statements)
        except _Raised:
            pass  # the branch raises: the import fails unless its condition changes
        finally:
            self.test_reads.pop()

    def run_shadow(self, statements: list[ast.stmt], record_env: bool) -> None:
        """Evaluate a branch that does not run by default on a throwaway layer over the names."""
        if not statements:
            return
        saved_scopes = self.scopes
        saved_globals = self.globals
        saved_env = dict(self.ctx.set_env)
        saved_record = self.ctx.record_env
        self.scopes = [Overlay({}, scope) for scope in saved_scopes]
        self.globals = self.scopes[0]
        self.ctx.shadow += 1
        self.ctx.record_env = saved_record and record_env
        try:
            self.exec_block(statements)
        except (_Raised, _Fail, _Return, _Break, _Continue):
            pass
        finally:
            self.ctx.shadow -= 1
            self.ctx.record_env = saved_record
            self.scopes = saved_scopes
            self.globals = saved_globals
            self.ctx.set_env = saved_env

    def s_Raise(self, node: ast.Raise) -> None:
        # Settings that raise when a variable is unset or empty need that variable.
        for reads in self.test_reads:
            for read in reads:
                if read.cast == "str":
                    self.ctx.require(read)
        for failure in self.handling:
            for read in failure.reads:
                self.ctx.require(read)
        raise _Raised

    def s_Assert(self, node: ast.Assert) -> None:
        test, reads = self.eval_tracked(node.test)
        if truth(test) is False:
            self.test_reads.append(reads)
            try:
                self.s_Raise(ast.Raise())
            except _Raised:
                pass
            finally:
                self.test_reads.pop()

    def s_Try(self, node: ast.Try) -> None:
        handlers = [(handler, _handler_names(handler)) for handler in node.handlers]
        catches = frozenset().union(*(names for _, names in handlers))
        self.catching.append(catches)
        self.try_depth += 1
        failure: _Fail | None = None
        try:
            self.exec_block(node.body)
        except _Fail as caught:
            failure = caught
        finally:
            self.catching.pop()
            self.try_depth -= 1
        try:
            if failure is None:
                self.exec_block(node.orelse)
            else:
                handler = next((h for h, names in handlers if names & failure.kinds), None)
                if handler is None:
                    raise failure
                if handler.name:
                    self.bind(handler.name, UNKNOWN, handler)
                self.handling.append(failure)
                try:
                    self.exec_block(handler.body)
                finally:
                    self.handling.pop()
        finally:
            self.exec_block(node.finalbody)

    s_TryStar = s_Try

    def fail(self, kinds: frozenset[str], reads: tuple[EnvRead, ...] = ()) -> bool:
        """Raise _Fail when an enclosing try catches this failure; False when nothing does."""
        if any(catches & kinds for catches in self.catching):
            raise _Fail(kinds, reads)
        return False

    def missing_env(self, read: EnvRead, cast: str, kinds: frozenset[str]) -> Any:
        """An environment variable the code cannot do without, unless a try catches the error."""
        self.fail(kinds, (read,))
        self.ctx.require(read, cast)
        return UNKNOWN

    def s_With(self, node: ast.With) -> None:
        for item in node.items:
            self.ev(item.context_expr)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, UNKNOWN, node, ())
        self.exec_block(node.body)

    def s_For(self, node: ast.For) -> None:
        iterable = plain(self.ev(node.iter))
        if isinstance(iterable, dict):
            iterable = list(iterable)
        if not isinstance(iterable, (list, tuple, str, set)) or len(iterable) > MAX_LOOP_ITEMS:
            self.run_shadow(node.body, record_env=True)
            return
        for item in list(iterable):
            self.assign(node.target, item, node, ())
            try:
                self.exec_block(node.body)
            except _Break:
                return
            except _Continue:
                continue
        self.exec_block(node.orelse)

    def s_Break(self, node: ast.Break) -> None:
        raise _Break

    def s_Continue(self, node: ast.Continue) -> None:
        raise _Continue

    def s_Return(self, node: ast.Return) -> None:
        raise _Return(self.ev(node.value) if node.value is not None else None)

    def s_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.scopes[-1].pop(target.id, None)

    def s_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.bind(node.name, LocalFunction(node, self), node)

    s_AsyncFunctionDef = s_FunctionDef

    def s_ClassDef(self, node: ast.ClassDef) -> None:
        bases = [self.ev(base) for base in node.bases]
        attrs: dict[str, Binding] = {}
        names: list[str] = []
        is_configuration = False
        for base in reversed(bases):
            if isinstance(base, ClassValue):
                attrs.update(base.attrs)
                is_configuration = is_configuration or base.is_configuration
                names.append(base.name)
            elif isinstance(base, Ref):
                is_configuration = is_configuration or base.dotted.startswith("configurations")
                names.append(base.dotted)
        body: dict[str, Binding] = {}
        self.scopes.append(body)
        try:
            self.exec_block(node.body)
        except (_Raised, _Fail, _Return, _Break, _Continue):
            pass
        finally:
            self.scopes.pop()
        attrs.update({k: v for k, v in body.items() if not isinstance(v.value, LocalFunction)})
        self.bind(node.name, ClassValue(node.name, tuple(names), attrs, is_configuration), node)

    def s_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.bind(alias.asname, Ref(alias.name), node)
            else:
                top = alias.name.split(".")[0]
                self.bind(top, Ref(top), node)

    def s_ImportFrom(self, node: ast.ImportFrom) -> None:
        dotted = resolve_relative(self.package, node.module, node.level)
        if dotted is None:
            return
        rel = self.ctx.loader.find(dotted)
        if rel is None:
            if node.level:  # a sibling module that does not exist (e.g. a git-ignored local.py)
                if self.try_depth:
                    self.fail(IMPORT_ERRORS)
                self.ctx.note(
                    f"{self.rel}:{node.lineno}: imports {dotted}, which is not in the repository"
                )
                return
            for alias in node.names:
                if alias.name != "*":
                    self.bind(alias.asname or alias.name, Ref(f"{dotted}.{alias.name}"), node)
            return
        namespace = self.load(rel)
        for alias in node.names:
            if alias.name == "*":
                for name, binding in namespace.items():
                    if not name.startswith("_"):
                        binding = Binding(binding.value, binding.origin, binding.env)
                        self.scopes[-1][name] = binding
                        if self.ctx.shadow and self.scopes[-1] is self.globals:
                            self.ctx.shadow_bindings.append((name, binding))
            elif alias.name in namespace:
                self.scopes[-1][alias.asname or alias.name] = namespace[alias.name]
            else:
                # a submodule (from . import base) or a name we did not see: opaque
                self.bind(alias.asname or alias.name, Ref(f"{dotted}.{alias.name}"), node)

    def load(self, rel: str) -> dict[str, Binding]:
        ctx = self.ctx
        if rel in ctx.modules:
            return ctx.modules[rel]
        if rel in ctx.loading or len(ctx.modules) >= MAX_MODULES:
            return {}  # an import cycle, or far more modules than settings ever use
        source, tree = ctx.loader.load(rel)
        ctx.loading.append(rel)
        try:
            namespace = ModuleEvaluator(ctx, rel, source, tree).run()
        finally:
            ctx.loading.pop()
        ctx.modules[rel] = namespace
        return namespace

    # -- expressions ----------------------------------------------------------

    def ev(self, node: ast.expr | None) -> Any:
        if node is None:
            return None
        self.step()
        handler = getattr(self, "e_" + type(node).__name__, None)
        if handler is None:
            return UNKNOWN
        value = handler(node)
        return UNKNOWN if too_big(value) else value

    def e_Constant(self, node: ast.Constant) -> Any:
        return node.value

    def e_Name(self, node: ast.Name) -> Any:
        return self.lookup(node.id)

    def e_NamedExpr(self, node: ast.NamedExpr) -> Any:
        value, reads = self.eval_tracked(node.value)
        self.assign(node.target, value, node, tuple(reads))
        return value

    def e_JoinedStr(self, node: ast.JoinedStr) -> Any:
        parts: list[str] = []
        for part in node.values:
            if isinstance(part, ast.Constant):
                parts.append(str(part.value))
                continue
            assert isinstance(part, ast.FormattedValue)
            value = plain(self.ev(part.value))
            if value is UNKNOWN or not is_plain(value) or part.format_spec is not None:
                return UNKNOWN
            parts.append(repr(value) if part.conversion == ord("r") else str(value))
        return "".join(parts)

    def e_List(self, node: ast.List) -> Any:
        return self.sequence(node.elts)

    def e_Tuple(self, node: ast.Tuple) -> Any:
        items = self.sequence(node.elts)
        return tuple(items) if isinstance(items, list) else UNKNOWN

    def e_Set(self, node: ast.Set) -> Any:
        items = self.sequence(node.elts)
        try:
            return set(items) if isinstance(items, list) else UNKNOWN
        except TypeError:
            return UNKNOWN

    def sequence(self, elements: list[ast.expr]) -> Any:
        items: list[Any] = []
        for element in elements:
            if isinstance(element, ast.Starred):
                spread = plain(self.ev(element.value))
                if not isinstance(spread, (list, tuple, set, dict, str)):
                    return UNKNOWN
                items.extend(spread)
            else:
                items.append(plain(self.ev(element)))
        return items

    def e_Dict(self, node: ast.Dict) -> Any:
        result: dict[Any, Any] = {}
        for key_node, value_node in zip(node.keys, node.values, strict=True):
            if key_node is None:  # {**other}
                other = self.ev(value_node)
                if not isinstance(other, dict):
                    return UNKNOWN
                result.update(other)
                continue
            key = plain(self.ev(key_node))
            value = plain(self.ev(value_node))
            if key is UNKNOWN or not is_plain(key):
                continue
            try:
                result[key] = value
            except TypeError:
                return UNKNOWN
        return result

    def e_Attribute(self, node: ast.Attribute) -> Any:
        obj = self.ev(node.value)
        return self.attribute(obj, node.attr)

    def attribute(self, obj: Any, attr: str) -> Any:
        if isinstance(obj, Ref):
            return Ref(f"{obj.dotted}.{attr}")
        if isinstance(obj, Missing):
            return self.missing_env(obj.read, "str", TYPE_ERRORS)
        if isinstance(obj, PurePosixPath):
            if attr in PATH_PROPERTIES:
                return getattr(obj, attr)
            return BoundMethod(obj, attr) if attr in PATH_METHODS else UNKNOWN
        if isinstance(obj, ClassValue):
            binding = obj.attrs.get(attr)
            return binding.value if binding else UNKNOWN
        for kind, methods in SAFE_METHODS.items():
            if type(obj) is kind and attr in methods:
                return BoundMethod(obj, attr)
        from parity.scan import eval_calls  # the library table; imported late to avoid a cycle

        return eval_calls.attribute(self, obj, attr)

    def e_Subscript(self, node: ast.Subscript) -> Any:
        obj = self.ev(node.value)
        key = plain(self.ev(node.slice))
        if obj == Ref("os.environ"):
            if not isinstance(key, str):
                return UNKNOWN
            if key in self.ctx.set_env:
                return self.ctx.set_env[key]
            read = self.env_read(key, node)
            self.touched[-1].append(read)
            return self.missing_env(read, "str", KEY_ERRORS)
        if isinstance(obj, Missing):
            return self.missing_env(obj.read, "str", TYPE_ERRORS)
        if obj is UNKNOWN or key is UNKNOWN or not is_plain(obj) or not is_plain(key):
            return UNKNOWN
        try:
            return obj[key]
        except (LookupError, TypeError, ValueError):
            return UNKNOWN

    def e_Slice(self, node: ast.Slice) -> Any:
        parts = [plain(self.ev(part)) for part in (node.lower, node.upper, node.step)]
        if any(part is not None and not isinstance(part, int) for part in parts):
            return UNKNOWN
        return slice(*parts)

    def e_BinOp(self, node: ast.BinOp) -> Any:
        return self.binop(node.op, self.ev(node.left), self.ev(node.right))

    def binop(self, op: ast.operator, left: Any, right: Any) -> Any:
        for side in (left, right):
            if isinstance(side, Missing):
                return self.missing_env(side.read, "str", TYPE_ERRORS)
        if left is UNKNOWN or right is UNKNOWN or not (is_plain(left) and is_plain(right)):
            return UNKNOWN
        if isinstance(op, ast.Mult):
            for sequence, count in ((left, right), (right, left)):
                sized = isinstance(sequence, (str, bytes, list, tuple)) and isinstance(count, int)
                if sized and len(sequence) * count > MAX_SIZE:
                    return UNKNOWN
        if isinstance(op, (ast.Pow, ast.LShift)) and (
            not isinstance(right, (int, float))
            or abs(right) > 64
            or (isinstance(left, int) and abs(left) > 2**64)
        ):
            return UNKNOWN
        if isinstance(op, ast.Mod) and isinstance(left, str) and _WIDE_FORMAT.search(left):
            return UNKNOWN
        function = _BINOPS.get(type(op))
        if function is None:
            return UNKNOWN
        try:
            return function(left, right)
        except Exception:  # whatever plain values raise (TypeError, ZeroDivisionError...)
            return UNKNOWN

    def e_UnaryOp(self, node: ast.UnaryOp) -> Any:
        value = self.ev(node.operand)
        if isinstance(node.op, ast.Not):
            known = truth(value)
            return UNKNOWN if known is None else not known
        value = plain(value)
        if not isinstance(value, (int, float)):
            return UNKNOWN
        return {ast.USub: operator.neg, ast.UAdd: operator.pos, ast.Invert: operator.invert}[
            type(node.op)
        ](value)

    def e_BoolOp(self, node: ast.BoolOp) -> Any:
        is_and = isinstance(node.op, ast.And)
        value: Any = None
        for operand in node.values:
            value = self.ev(operand)
            known = truth(value)
            if known is None:
                return UNKNOWN
            if known != is_and:  # `or` stops at a true value, `and` at a false one
                return value
        return value

    def e_Compare(self, node: ast.Compare) -> Any:
        left = self.ev(node.left)
        result: Any = True
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = self.ev(right_node)
            outcome = self.compare(op, left, right)
            if outcome is UNKNOWN:
                return UNKNOWN
            if not outcome:
                return False
            left = right
        return result

    def compare(self, op: ast.cmpop, left: Any, right: Any) -> Any:
        if isinstance(op, (ast.In, ast.NotIn)):
            if right == Ref("os.environ"):
                found = isinstance(left, str) and left in self.ctx.set_env
                return found if isinstance(op, ast.In) else not found
            if isinstance(right, Missing):
                return self.missing_env(right.read, "str", TYPE_ERRORS)
        left, right = plain(left), plain(right)
        if left is UNKNOWN or right is UNKNOWN or not (is_plain(left) and is_plain(right)):
            return UNKNOWN
        try:
            if isinstance(op, ast.In):
                return left in right
            if isinstance(op, ast.NotIn):
                return left not in right
            return _COMPARE[type(op)](left, right)
        except Exception:  # comparing unlike plain values
            return UNKNOWN

    def e_IfExp(self, node: ast.IfExp) -> Any:
        known = truth(self.ev(node.test))
        if known is None:
            return UNKNOWN
        return self.ev(node.body if known else node.orelse)

    def e_ListComp(self, node: ast.ListComp) -> Any:
        items = self.comprehension(node.generators, lambda: plain(self.ev(node.elt)))
        return items if items is not UNKNOWN else UNKNOWN

    def e_GeneratorExp(self, node: ast.GeneratorExp) -> Any:
        return self.e_ListComp(node)  # type: ignore[arg-type]

    def e_SetComp(self, node: ast.SetComp) -> Any:
        items = self.comprehension(node.generators, lambda: plain(self.ev(node.elt)))
        try:
            return set(items) if isinstance(items, list) else UNKNOWN
        except TypeError:
            return UNKNOWN

    def e_DictComp(self, node: ast.DictComp) -> Any:
        pairs = self.comprehension(
            node.generators, lambda: (plain(self.ev(node.key)), plain(self.ev(node.value)))
        )
        try:
            return dict(pairs) if isinstance(pairs, list) else UNKNOWN
        except TypeError:
            return UNKNOWN

    def comprehension(self, generators: list[ast.comprehension], element: Any) -> Any:
        results: list[Any] = []
        scope: dict[str, Binding] = {}
        self.scopes.append(scope)
        try:
            if not self._generate(generators, element, results):
                return UNKNOWN
        finally:
            self.scopes.pop()
        return results

    def _generate(self, generators: list[ast.comprehension], element: Any, out: list) -> bool:
        first, rest = generators[0], generators[1:]
        iterable = plain(self.ev(first.iter))
        if isinstance(iterable, dict):
            iterable = list(iterable)
        if not isinstance(iterable, (list, tuple, str, set)) or len(iterable) > MAX_LOOP_ITEMS:
            return False
        for item in list(iterable):
            self.assign(first.target, item, first.iter, ())
            conditions = [truth(self.ev(test)) for test in first.ifs]
            if None in conditions:
                return False
            if not all(conditions):
                continue
            if rest:
                if not self._generate(rest, element, out):
                    return False
            else:
                out.append(element())
                if len(out) > MAX_LOOP_ITEMS:
                    return False
        return True

    def e_Call(self, node: ast.Call) -> Any:
        if isinstance(node.func, ast.Attribute) and node.func.attr in MUTATING_METHODS:
            self.own(_root_name(node.func.value))
        function = self.ev(node.func)
        self.touched.append([])
        try:
            args: list[Any] = []
            for arg in node.args:
                if isinstance(arg, ast.Starred):
                    spread = self.ev(arg.value)
                    if not isinstance(spread, (list, tuple)):
                        return UNKNOWN
                    args.extend(spread)
                else:
                    args.append(self.ev(arg))
            kwargs: dict[str, Any] = {}
            for keyword in node.keywords:
                if keyword.arg is None:
                    spread = self.ev(keyword.value)
                    if not isinstance(spread, dict):
                        return UNKNOWN
                    kwargs.update({str(k): v for k, v in spread.items()})
                else:
                    kwargs[keyword.arg] = self.ev(keyword.value)
        finally:
            reads = self.touched.pop()
            self.touched[-1].extend(reads)
        return self.call(function, args, kwargs, node, reads)

    def call(self, function: Any, args: list, kwargs: dict, node: ast.Call, reads: list) -> Any:
        if isinstance(function, BoundMethod):
            return self.call_method(function, args, kwargs)
        if isinstance(function, LocalFunction):
            return function.module.call_local(function, args, kwargs, self)
        from parity.scan import eval_calls

        return eval_calls.call(self, function, args, kwargs, node, reads)

    def call_method(self, method: BoundMethod, args: list, kwargs: dict) -> Any:
        values = [plain(a) for a in args]
        named = {k: plain(v) for k, v in kwargs.items()}
        if any(v is UNKNOWN or not is_plain(v) for v in [*values, *named.values()]):
            return UNKNOWN
        obj = method.obj
        if isinstance(obj, PurePosixPath) and method.name in {"resolve", "absolute", "expanduser"}:
            # no disk access: __file__-based paths are already absolute
            return obj if obj.is_absolute() and not str(obj).startswith("~") else UNKNOWN
        if method.name == "format" and _WIDE_FORMAT.search(obj):
            return UNKNOWN
        try:
            result = getattr(obj, method.name)(*values, **named)
        except Exception:  # whatever a plain method raises on bad input
            return UNKNOWN
        if isinstance(result, (type({}.keys()), type({}.values()), type({}.items()))):
            result = list(result)
        return result if is_plain(result) else UNKNOWN

    def call_local(
        self, function: LocalFunction, args: list, kwargs: dict, caller: ModuleEvaluator
    ) -> Any:
        """Run a function defined in this module with the given arguments."""
        ctx = self.ctx
        if ctx.call_depth >= MAX_CALL_DEPTH:
            return UNKNOWN
        spec = function.node.args
        params = [*spec.posonlyargs, *spec.args]
        local: dict[str, Binding] = {}
        origin_node = function.node
        defaults = spec.defaults
        for index, param in enumerate(params):
            if index < len(args):
                value = args[index]
            elif param.arg in kwargs:
                value = kwargs.pop(param.arg)
            else:
                default_index = index - (len(params) - len(defaults))
                value = self.ev(defaults[default_index]) if default_index >= 0 else UNKNOWN
            local[param.arg] = Binding(value, self.origin(origin_node))
        if spec.vararg:
            local[spec.vararg.arg] = Binding(tuple(args[len(params) :]), self.origin(origin_node))
        for param, default in zip(spec.kwonlyargs, spec.kw_defaults, strict=True):
            value = kwargs.pop(param.arg) if param.arg in kwargs else self.ev(default)
            local[param.arg] = Binding(value, self.origin(origin_node))
        if spec.kwarg:
            local[spec.kwarg.arg] = Binding(dict(kwargs), self.origin(origin_node))
        saved = (self.scopes, self.test_reads, self.catching, self.handling, self.try_depth)
        self.scopes = [self.globals, local]
        self.test_reads, self.catching, self.handling, self.try_depth = [], [], [], 0
        ctx.call_depth += 1
        try:
            self.exec_block(function.node.body)
        except _Return as returned:
            return returned.value
        except (_Raised, _Fail, _Break, _Continue):
            return UNKNOWN
        finally:
            ctx.call_depth -= 1
            self.scopes, self.test_reads, self.catching, self.handling, self.try_depth = saved
        return None

    def env_read(self, name: str, node: ast.AST, cast: str = "str") -> EnvRead:
        return EnvRead(name, self.origin(node), short_source(self.source, node), cast)


def _load(target: ast.expr) -> ast.expr:
    """The expression that reads what an assignment target writes."""
    clone = copy.copy(target)
    clone.ctx = ast.Load()  # type: ignore[attr-defined]
    return clone


def _root_name(node: ast.expr) -> str | None:
    """The name at the root of a chain like DATABASES["default"]["ENGINE"]."""
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _handler_names(handler: ast.ExceptHandler) -> frozenset[str]:
    if handler.type is None:
        return frozenset({"*"})
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    names = set()
    for node in types:
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
    return frozenset(names)


def module_name(code_root: str, rel: str) -> str:
    """The dotted module name of a repo-relative .py file, as imported from the code root."""
    path = PurePosixPath(rel)
    if code_root not in ("", "."):
        try:
            path = path.relative_to(code_root)
        except ValueError:
            return path.stem
    parts = list(path.with_suffix("").parts)
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def package_name(code_root: str, rel: str) -> str:
    """The package a module's relative imports start from."""
    name = module_name(code_root, rel)
    if PurePosixPath(rel).name == "__init__.py":
        return name
    return name.rpartition(".")[0]


def resolve_relative(package: str, module: str | None, level: int) -> str | None:
    """The absolute dotted name of `from <level dots><module> import ...`."""
    if not level:
        return module
    parts = package.split(".") if package else []
    if level - 1 > len(parts):
        return None
    base = parts[: len(parts) - (level - 1)]
    if module:
        base.append(module)
    return ".".join(base) or None
