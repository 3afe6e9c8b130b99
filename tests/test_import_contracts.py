"""The import structure of ``qrsvc``: no cycles, and import-linter's contracts hold.

``make lint`` runs ``lint-imports`` (the contracts are in ``.importlinter``); these tests
run the same contracts from ``make test`` too, and look for import cycles among the
package's own modules.

A cycle is counted over *module-level* imports, the ones that run when a module is
loaded: ``import x``, ``from x import y`` at the top of a module, or inside a top-level
``if``/``try``. Imports inside a function run later, when the function is called (the
app factory imports its blueprints that way); imports under ``if TYPE_CHECKING:`` never
run. ``from package import name`` counts as an import of ``package.name`` when that is a
module of its own, else of ``package`` (its ``__init__``), as Python loads them.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = "qrsvc"
CONFIG = ROOT / ".importlinter"


def module_files(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Path]:
    """Every module of ``package`` under ``root`` by dotted name (``__init__`` is the package)."""
    modules = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level(body: list[ast.stmt]):
    """The import statements that run when the module is loaded."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _type_checking(node.test):
                yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _module_level(block)
            for handler in node.handlers:
                yield from _module_level(handler.body)
        elif isinstance(node, ast.With):
            yield from _module_level(node.body)


def _everywhere(tree: ast.Module):
    """Every import statement, in functions too (but not under ``if TYPE_CHECKING:``)."""
    hidden = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and _type_checking(node.test)
        for statement in node.body
        for child in ast.walk(statement)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom) and id(node) not in hidden:
            yield node


def module_imports(name: str, path: Path, known: set[str], *, everywhere: bool = False) -> set[str]:
    """The modules of ``known`` that module ``name`` (at ``path``) imports at load time.

    With ``everywhere``, the imports inside functions count too.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    found = set()
    for node in _everywhere(tree) if everywhere else _module_level(tree.body):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            targets = []
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.append(submodule if submodule in known else base)
        found.update(target for target in targets if target in known and target != name)
    return found


def import_graph(
    root: Path = ROOT, package: str = PACKAGE, *, everywhere: bool = False
) -> dict[str, set[str]]:
    """Module name -> the package's modules it imports at load time (or ``everywhere``)."""
    files = module_files(root, package)
    known = set(files)
    return {
        name: module_imports(name, path, known, everywhere=everywhere)
        for name, path in files.items()
    }


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (``a -> b -> ... -> a``) for every group of modules that import each other.

    Groups are the strongly connected components (Tarjan, iteratively); each is shown
    by a shortest cycle through its first module, so the message names real edges.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1 or node in graph.get(node, ()):
                    groups.append(sorted(group))
    return [_shortest_cycle(graph, group) for group in sorted(groups)]


def _shortest_cycle(graph: dict[str, set[str]], group: list[str]) -> list[str]:
    members, first = set(group), group[0]
    paths = {first: [first]}
    frontier = [first]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & members):
                if child == first:
                    return [*paths[node], first]
                if child not in paths:
                    paths[child] = [*paths[node], child]
                    following.append(child)
        frontier = following
    raise AssertionError(f"no cycle through {first} in {group}")  # pragma: no cover


# --- the package itself ------------------------------------------------------------

#: Cycles that stay for now, each with what removes it. Remove a line when its cycle is
#: gone. (A blueprint's package once imported its views so that they registered their
#: routes on it, and the views imported the blueprint back; routes are now added where
#: each blueprint is built, issue 13.4.)
KNOWN_CYCLES: set[tuple[str, ...]] = set()
#: Modules below the views that must not hide a cycle inside a function either.
NO_HIDDEN_CYCLES = ("qrsvc.database", "qrsvc.extensions", "qrsvc.models", "qrsvc.media",
                    "qrsvc.cache")  # fmt: skip


def describe(cycles) -> str:
    return "\n".join("  " + " -> ".join(cycle) for cycle in cycles)


def test_the_package_has_no_import_cycles():
    cycles = {tuple(cycle) for cycle in find_cycles(import_graph())}
    new = sorted(cycles - KNOWN_CYCLES)
    assert not new, "import cycles among qrsvc modules:\n" + describe(new)
    gone = sorted(KNOWN_CYCLES - cycles)
    assert not gone, "these cycles are gone; remove them from KNOWN_CYCLES:\n" + describe(gone)


def test_the_data_media_and_cache_modules_hide_no_cycle_in_a_function():
    """An import moved into a function still ties two modules: here that counts too."""
    graph = import_graph(everywhere=True)
    inside = {
        name
        for name in graph
        if any(name == top or name.startswith(top + ".") for top in NO_HIDDEN_CYCLES)
    }
    cycles = find_cycles({name: graph[name] & inside for name in inside})
    assert not cycles, "import cycles, counting imports inside functions:\n" + describe(cycles)


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` of this venv on the ``qrsvc`` found in ``root``."""
    program = Path(sys.executable).with_name("lint-imports")
    assert program.exists(), "import-linter is missing: pip install -e '.[test]'"
    return subprocess.run(
        [str(program), "--no-cache", str(root / CONFIG.name)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(root)},
    )


def test_the_import_contracts_hold():
    """``lint-imports`` with the project's contracts, as ``make lint`` runs it."""
    result = lint_imports(ROOT)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Contracts: 3 kept, 0 broken." in output, output


def test_the_contracts_catch_a_new_edge(tmp_path):
    """A copy of the package with three bad imports added breaks each contract."""
    for path in module_files().values():
        copy = tmp_path / path.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_bytes(path.read_bytes())
    (tmp_path / CONFIG.name).write_bytes(CONFIG.read_bytes())
    added = {
        "qrsvc/gs1/check_digit.py": "import flask  # a pure core takes Flask\n",
        "qrsvc/stamps/states.py": "from sqlalchemy import select  # and SQLAlchemy\n",
        "qrsvc/models/base.py": "from qrsvc.public import views  # the data takes a view\n",
        "qrsvc/scans/store.py": "from qrsvc.admin.access import role_required  # not ours\n",
    }
    for name, line in added.items():
        with open(tmp_path / name, "a", encoding="utf-8") as module:
            module.write(line)
    result = lint_imports(tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Contracts: 0 kept, 3 broken." in output, output
    for edge in (
        "qrsvc.gs1.check_digit -> flask",
        "qrsvc.stamps.states -> sqlalchemy",
        "qrsvc.models.base -> qrsvc.public.views",
        "qrsvc.scans.store -> qrsvc.admin.access",
    ):
        assert edge in output, (edge, output)


def test_every_contract_is_checked():
    """The configuration names the contracts the README promises, none left out."""
    text = CONFIG.read_text(encoding="utf-8")
    for contract in ("layers", "pure-cores", "admin-private"):
        assert f"[importlinter:contract:{contract}]" in text, contract


# --- the cycle finder, on small made-up packages ----------------------------------


def write_package(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")


def test_a_cycle_is_found_and_named(tmp_path):
    write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg.b import thing\n",
            "pkg/b.py": "import pkg.c\n",
            "pkg/c.py": "from pkg import a\n",
            "pkg/d.py": "from pkg import a\n",  # imports the cycle, is not part of it
        },
    )
    cycles = find_cycles(import_graph(tmp_path, "pkg"))
    assert cycles == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]


def test_relative_imports_and_packages_count(tmp_path):
    write_package(
        tmp_path,
        {
            "pkg/__init__.py": "from .sub import helper\n",
            "pkg/sub/__init__.py": "from .inner import helper\n",
            "pkg/sub/inner.py": "from .. import pkg_name\n",  # pkg's __init__
        },
    )
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg"] == {"pkg.sub"}
    assert graph["pkg.sub"] == {"pkg.sub.inner"}
    assert graph["pkg.sub.inner"] == {"pkg"}
    assert find_cycles(graph) == [["pkg", "pkg.sub", "pkg.sub.inner", "pkg"]]


def test_imports_that_do_not_run_at_load_time_are_no_cycle(tmp_path):
    write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg import b\n",
            "pkg/b.py": """\
                from typing import TYPE_CHECKING
                if TYPE_CHECKING:
                    from pkg.a import A
                def later():
                    from pkg import a
                class C:
                    def method(self):
                        import pkg.a
            """,
        },
    )
    graph = import_graph(tmp_path, "pkg")
    assert graph["pkg.b"] == set()
    assert find_cycles(graph) == []


def test_imports_in_top_level_blocks_count(tmp_path):
    write_package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "try:\n    from pkg import b\nexcept ImportError:\n    b = None\n",
            "pkg/b.py": "import sys\nif sys.platform:\n    import pkg.a\n",
        },
    )
    assert find_cycles(import_graph(tmp_path, "pkg")) == [["pkg.a", "pkg.b", "pkg.a"]]


@pytest.mark.parametrize(
    "source",
    ["from pkg import a\n", "import pkg.a\n", "from . import a\n", "from .a import x\n"],
)
def test_a_module_importing_itself_is_not_a_cycle(tmp_path, source):
    write_package(tmp_path, {"pkg/__init__.py": "", "pkg/a.py": source})
    assert find_cycles(import_graph(tmp_path, "pkg")) == []
