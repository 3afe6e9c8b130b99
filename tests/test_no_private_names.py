"""No private name of another package in ``qrsvc/`` or ``tests/`` (run by ``make lint`` too).

A leading underscore is a package saying "not for you": such a name can change or vanish
in any minor release, and whatever used it breaks silently. This test reads every
``.py`` file with :mod:`ast` and fails on any private name (``_name``; dunders such as
``__name__`` are fine) taken from a third-party package (not ``qrsvc``, not ``tests``,
not the standard library):

* imports: ``from flask_limiter import _x``, ``import werkzeug._internal``;
* attribute chains from a name bound to such a package or to an object of one, whatever
  it is called: ``current_app._get_current_object()``, ``login_manager._update_...``,
  ``db.session._x``. Names imported from ``qrsvc`` modules are resolved to the object
  they are bound to (``db`` is Flask-SQLAlchemy's, ``limiter`` is ours);
* ``getattr``/``hasattr``/``setattr`` with a private name on such an object, and private
  keyword arguments in calls to one (``signal.send(app, _async_wrapper=...)``);
* in a subclass of a third-party class, ``self._x`` that the subclass does not set itself;
* Jinja's runtime internals, which carry no underscore: ``blocks`` and
  ``root_render_func`` of a template or context (from ``get_template``, ``new_context``...);
* Flask-Login's own session keys (``session["_user_id"]``): tests sign in through the form.
"""

from __future__ import annotations

import ast
import importlib
import sys
import textwrap
import types
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
OWN_PACKAGES = {"qrsvc", "tests"}
#: Modules a test imports by their bare name (``from conftest import ...``).
LOCAL_MODULES = {path.stem for path in (ROOT / "tests").rglob("*.py")}
#: Jinja calls that give a template, a context or a module.
JINJA_MAKERS = {
    "get_template", "select_template", "get_or_select_template", "from_string",
    "new_context", "make_module",
}  # fmt: skip
#: Jinja's runtime internals, without an underscore but not part of its API.
JINJA_INTERNALS = {"blocks", "root_render_func"}
#: Flask-Login keeps these in the session; only Flask-Login may touch them.
LOGIN_SESSION_KEYS = {"_user_id", "_fresh", "_id", "_remember", "_remember_seconds"}
#: Uses still allowed, each with why. Remove one here when the code no longer needs it.
#: (Flask-Login's remember-me hook, once moved by hand, is now the admin's own: the admin
#: is a Flask application of its own, mounted with werkzeug's DispatcherMiddleware.)
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()


def is_private(name: str) -> bool:
    """``_name`` and ``__name`` are private; ``__name__`` is not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def is_third_party(module: str) -> bool:
    """Whether ``module`` (dotted) belongs to another package."""
    top = module.split(".")[0]
    if not top or top in OWN_PACKAGES or top in LOCAL_MODULES:
        return False
    return top not in sys.stdlib_module_names


@cache
def resolved(module: str, name: str) -> str:
    """What ``from module import name`` (a ``qrsvc`` module) binds: "third" for another
    package's object (an extension, a proxy, a class or function it re-exports)."""
    try:
        value = getattr(importlib.import_module(module), name)
    except Exception:  # noqa: BLE001 - a module that cannot be imported here is judged by name
        return "own"
    if isinstance(value, type | types.FunctionType):
        home = value.__module__ or ""
    else:
        home = type(value).__module__ or ""
    return "third" if is_third_party(home) else "own"


@dataclass
class Scope:
    """Names bound in one scope: "third" (another package's), "jinja" (a Jinja object)."""

    names: dict[str, str] = field(default_factory=dict)

    def child(self, shadowed: set[str]) -> Scope:
        """A function's scope: the enclosing names, less its parameters."""
        return Scope({k: v for k, v in self.names.items() if k not in shadowed})


class Checker(ast.NodeVisitor):
    """Finds the private names of other packages used in one module."""

    def __init__(self) -> None:
        """Start at module level."""
        self.scope = Scope()
        self.found: list[tuple[int, str]] = []
        self.classes: list[tuple[bool, set[str]]] = []  # (third-party base, own attributes)

    def report(self, node: ast.AST, text: str) -> None:
        """Note ``text`` at ``node``'s line."""
        self.found.append((node.lineno, text))

    # --- what names are bound to ---------------------------------------------------------

    def visit_Import(self, node: ast.Import) -> None:  # noqa: N802 - ast's naming
        """``import a.b as c``."""
        for alias in node.names:
            if is_third_party(alias.name):
                for part in alias.name.split("."):
                    if is_private(part):
                        self.report(node, f"import {alias.name}")
                bound = alias.asname or alias.name.split(".")[0]
                self.scope.names[bound] = "third"

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:  # noqa: N802
        """``from a import b as c``."""
        module = node.module or ""
        if node.level:
            return
        third = is_third_party(module)
        for alias in node.names:
            bound = alias.asname or alias.name
            if third:
                if any(is_private(part) for part in module.split(".")) or is_private(alias.name):
                    self.report(node, f"from {module} import {alias.name}")
                self.scope.names[bound] = "third"
            elif module.split(".")[0] == "qrsvc" and resolved(module, alias.name) == "third":
                self.scope.names[bound] = "third"

    def kind_of(self, node: ast.AST) -> str | None:
        """ "third", "jinja" or None: what the expression ``node`` comes from."""
        while True:
            if isinstance(node, ast.Name):
                return self.scope.names.get(node.id)
            if isinstance(node, ast.Call):
                func = node.func
                if isinstance(func, ast.Attribute) and func.attr in JINJA_MAKERS:
                    return "jinja"
                if (
                    isinstance(func, ast.Call)
                    and isinstance(func.func, ast.Name)
                    and func.func.id == "super"
                    and self.classes
                    and self.classes[-1][0]
                ):
                    return "third"
                node = func
            elif isinstance(node, ast.Attribute | ast.Subscript | ast.Starred):
                node = node.value
            else:
                return None

    def visit_Assign(self, node: ast.Assign) -> None:  # noqa: N802
        """``x = <a third-party object or a Jinja object>`` binds ``x`` to it."""
        self.visit(node.value)
        kind = self.kind_of(node.value)
        for target in node.targets:
            self.visit(target)
            names = target.elts if isinstance(target, ast.Tuple | ast.List) else [target]
            for name in names:  # x = ... or x, y = ...; never the x of x.y = ...
                if isinstance(name, ast.Name):
                    if kind:
                        self.scope.names[name.id] = kind
                    else:
                        self.scope.names.pop(name.id, None)

    def visit_withitem(self, node: ast.withitem) -> None:
        """``with <object> as x``."""
        self.visit(node.context_expr)
        if isinstance(node.optional_vars, ast.Name):
            kind = self.kind_of(node.context_expr)
            if kind:
                self.scope.names[node.optional_vars.id] = kind

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:  # noqa: N802
        """A function: its own scope, its parameters shadowing outer names."""
        for decorator in node.decorator_list:
            self.visit(decorator)
        arguments = node.args
        params = {
            a.arg
            for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
            + tuple(x for x in (arguments.vararg, arguments.kwarg) if x)
        }
        outer, self.scope = self.scope, self.scope.child(params)
        for statement in node.body:
            self.visit(statement)
        self.scope = outer

    visit_AsyncFunctionDef = visit_FunctionDef  # noqa: N815

    def visit_ClassDef(self, node: ast.ClassDef) -> None:  # noqa: N802
        """A class: whether it extends another package's class, and what it sets itself."""
        third_base = any(self.kind_of(base) == "third" for base in node.bases)
        own = set()
        for child in ast.walk(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                own.add(child.name)
            elif isinstance(child, ast.Attribute) and isinstance(child.ctx, ast.Store):
                own.add(child.attr)
            elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                own.add(child.id)
        self.classes.append((third_base, own))
        self.generic_visit(node)
        self.classes.pop()

    # --- what is used ---------------------------------------------------------------------

    def visit_Attribute(self, node: ast.Attribute) -> None:  # noqa: N802
        """``<third-party object>._x``, ``self._x`` of a base class, Jinja's internals."""
        kind = self.kind_of(node.value)
        private = is_private(node.attr)
        of_base_class = (
            isinstance(node.value, ast.Name)
            and node.value.id in ("self", "cls")
            and bool(self.classes)
            and self.classes[-1][0]
            and node.attr not in self.classes[-1][1]
        )
        if (
            (kind == "third" and private)
            or (kind == "jinja" and (private or node.attr in JINJA_INTERNALS))
            or (of_base_class and private)
        ):
            self.report(node, ast.unparse(node))
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        """``getattr(obj, "_x")`` and ``call(_x=...)`` on another package's objects."""
        func = node.func
        if (
            isinstance(func, ast.Name)
            and func.id in ("getattr", "hasattr", "setattr", "delattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and is_private(node.args[1].value)
            and self.kind_of(node.args[0]) in ("third", "jinja")
        ):
            self.report(node, ast.unparse(node))
        if (
            isinstance(func, ast.Attribute)
            and func.attr in ("get", "pop", "setdefault")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value in LOGIN_SESSION_KEYS
        ):
            self.report(node, ast.unparse(node))
        if self.kind_of(func) == "third":
            for keyword in node.keywords:
                if keyword.arg and is_private(keyword.arg):
                    self.report(node, f"{ast.unparse(func)}({keyword.arg}=...)")
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:  # noqa: N802
        """``session["_user_id"]``: Flask-Login's session keys are Flask-Login's."""
        key = node.slice
        if isinstance(key, ast.Constant) and key.value in LOGIN_SESSION_KEYS:
            self.report(node, ast.unparse(node))
        self.generic_visit(node)


def private_names(source: str) -> list[tuple[int, str]]:
    """(line, what) for each private name of another package used in ``source``."""
    checker = Checker()
    checker.visit(ast.parse(source))
    return sorted(set(checker.found))


def python_files() -> list[Path]:
    """Every module of the service and of its tests."""
    return sorted(p for folder in ("qrsvc", "tests") for p in (ROOT / folder).rglob("*.py"))


def test_no_private_names_of_other_packages():
    found, used_exceptions = [], set()
    for path in python_files():
        relative = path.relative_to(ROOT).as_posix()
        for line, text in private_names(path.read_text(encoding="utf-8")):
            if (relative, text) in KNOWN_EXCEPTIONS:
                used_exceptions.add((relative, text))
            else:
                found.append(f"{relative}:{line}: {text}")
    assert not found, "private names of other packages:\n" + "\n".join(found)
    # An exception the code no longer needs goes from the list, so it cannot come back.
    assert used_exceptions == KNOWN_EXCEPTIONS


# --- the check itself catches what it must -----------------------------------------------

CAUGHT = {
    "Flask-Limiter's check, called": """
        from flask_limiter import Limiter
        limiter = Limiter()
        limiter._check_request_limit()
    """,
    "Flask-Limiter's request state, looked for": """
        from flask.globals import request_ctx
        hasattr(request_ctx, "_limiter_request_context")
    """,
    "a proxy's object taken out": """
        from flask import current_app
        app = current_app._get_current_object()
    """,
    "a proxy's object, through a local name": """
        from flask_login import current_user
        def view():
            user = current_user
            return user._get_current_object()
    """,
    "an extension object imported from qrsvc": """
        from qrsvc.extensions import login_manager
        hook = login_manager._update_remember_cookie
    """,
    "Flask-SQLAlchemy's object imported from qrsvc": """
        from qrsvc.extensions import db
        db.session._x
    """,
    "a private import": """
        from jinja2.ext import _make_new_gettext
    """,
    "a private attribute of a module": """
        import jinja2.ext
        jinja2.ext._make_new_gettext
    """,
    "a private module": """
        import werkzeug._internal
    """,
    "Jinja's block table of a context": """
        def render(env, context):
            page = env.get_template("page.html")
            ctx = page.new_context(context)
            ctx.blocks.setdefault("main", [])
    """,
    "Jinja's block table of a template": """
        def render(app):
            layout = app.jinja_env.get_template("base.html")
            return list(layout.blocks)
    """,
    "a signal's private keyword": """
        from flask import before_render_template
        before_render_template.send(object(), _async_wrapper=None)
    """,
    "a base class's private attribute": """
        from flask import Flask
        class App(Flask):
            def go(self):
                return self._got_first_request
    """,
    "Flask-Login's session key": """
        def sign_in(client):
            with client.session_transaction() as sess:
                sess["_user_id"] = "1"
                sess.get("_fresh")
    """,
}

ALLOWED = {
    "dunders": """
        import flask
        flask.__name__, flask.Flask.__mro__
    """,
    "our own private names": """
        from qrsvc.ratelimit import RateLimits
        RateLimits()._storages
    """,
    "the standard library's": """
        import sys
        sys._getframe()
    """,
    "a subclass's own private attribute": """
        from flask import Flask
        class App(Flask):
            def __init__(self):
                self._kept = {}
            def go(self):
                return self._kept
    """,
    "an attribute called blocks of something not Jinja's": """
        from html.parser import HTMLParser
        class Page(HTMLParser):
            def __init__(self):
                self.blocks = []
        Page().blocks
    """,
    "a local name that shadows an import": """
        from flask import request
        def view(request):
            return request._private
    """,
}


@pytest.mark.parametrize("case", sorted(CAUGHT))
def test_the_check_catches(case):
    assert private_names(textwrap.dedent(CAUGHT[case])), case


@pytest.mark.parametrize("case", sorted(ALLOWED))
def test_the_check_allows(case):
    assert private_names(textwrap.dedent(ALLOWED[case])) == [], case


def test_the_check_reads_every_module_of_the_service_and_its_tests():
    files = {p.relative_to(ROOT).as_posix() for p in python_files()}
    assert {"qrsvc/__init__.py", "qrsvc/admin/__init__.py", "tests/conftest.py"} <= files
    assert "tests/test_no_private_names.py" in files
