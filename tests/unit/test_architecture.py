"""ARCHITECTURE.md's "Layers (rules, not suggestions)", checked on every module's imports.

Every module under src/webapi_contract is parsed with `ast`; every import counts, at any depth
(a function-level import is "lazy" and named so). Each module belongs to one layer of LAYERS, the
table as data; an import of ours outside the layer's `may`, or one the table forbids, fails with
the module, file:line and the import.

A unit is what the table names: the first component after `webapi_contract.` (`contract`,
`client`, `mock`, ...), except the shipped suites, `suites.*` (webapi_contract.suites.<vendor>),
which are not their locator `suites` (webapi_contract.suites itself, `suite_dir`). "" is the
package's own __init__ (its __version__), which any module may import.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = "webapi_contract"


class Layer(TypedDict, total=False):
    units: frozenset[str]  # what belongs to the layer (it may import its own units)
    may: frozenset[str]  # other units of ours it may import
    must_not: frozenset[str]  # units the table forbids outright (named in the message)
    lazy_only: Mapping[str, frozenset[str]]  # module -> units it may import only in a function
    stdlib_only: bool  # no third-party import at all ("the standard library")
    external_must_not: frozenset[str]  # third-party top-level packages it must not import


def _f(*names: str) -> frozenset[str]:
    return frozenset(names)


ALL_OURS = _f(
    "derive", "schemastore", "mock", "contract", "client", "config", "target", "vendors",
    "generated", "reports", "plugin", "reporting", "run", "selfcheck", "suites", "suites.*",
    "paths", "sharding", "heap", "cli", "__main__",
)  # fmt: skip

# ARCHITECTURE.md's table, row by row, in its order.
LAYERS: dict[str, Layer] = {
    "paths, vendors, sharding, heap": {
        "units": _f("paths", "vendors", "sharding", "heap"),
        "may": _f(),
        "must_not": ALL_OURS - _f("paths", "vendors", "sharding", "heap"),
        "stdlib_only": True,
    },
    "derive": {
        "units": _f("derive"),
        "may": _f("paths"),
        "must_not": ALL_OURS - _f("derive", "paths"),
        "stdlib_only": True,
    },
    "schemastore": {
        "units": _f("schemastore"),
        "may": _f("paths"),
        "must_not": _f("mock", "plugin", "contract"),
    },
    "mock": {
        "units": _f("mock"),
        "may": _f("schemastore", "paths"),
        "must_not": _f("plugin", "contract", "client", "config", "suites.*"),
    },
    "contract, client, config, target": {
        "units": _f("contract", "client", "config", "target"),
        "may": _f("schemastore", "paths", "vendors"),
        "must_not": _f("plugin", "derive"),
        # target starts the embedded mock, and only that way.
        "lazy_only": {"webapi_contract.target": _f("mock")},
    },
    "generated": {
        "units": _f("generated"),
        "may": _f("schemastore", "client", "config"),
        "must_not": _f("mock", "derive", "plugin"),
    },
    "reports": {
        "units": _f("reports"),
        "may": _f("client", "paths"),
        "must_not": _f("plugin", "mock", "contract"),
        "stdlib_only": True,
        "external_must_not": _f("pytest", "_pytest"),
    },
    "suites (locator)": {
        "units": _f("suites"),
        "may": _f(),
        "must_not": ALL_OURS - _f("suites"),
        "stdlib_only": True,
    },
    "plugin, reporting": {
        "units": _f("plugin", "reporting"),
        "may": _f(
            "derive",
            "schemastore",
            "mock",
            "contract",
            "client",
            "config",
            "target",
            "vendors",
            "generated",
            "reports",
            "paths",
            "sharding",
            "heap",
            "suites",
        ),
    },
    "run": {
        "units": _f("run"),
        "may": _f("reports", "config", "target", "paths", "suites"),
        "must_not": _f("plugin", "mock", "contract"),
    },
    "selfcheck": {
        "units": _f("selfcheck"),
        "may": _f("mock", "config", "client", "paths", "suites", "reports"),
        "must_not": _f("plugin", "contract", "generated", "derive"),
    },
    "suites.* (the shipped contract suites)": {
        "units": _f("suites.*"),
        "may": _f("contract", "client", "config", "schemastore", "vendors", "generated"),
        "must_not": _f("mock", "derive", "plugin"),
    },
    # `webapi-contract`: imports each subcommand's module by name (see test_cli_subcommands_...).
    "cli": {
        "units": _f("cli", "__main__"),
        "may": _f("derive", "mock", "run", "reports", "selfcheck"),
        "must_not": _f("plugin", "reporting"),
    },
}

# Rules across layers: nothing imports `plugin` (pytest loads it through its `pytest11` entry
# point); only `plugin` imports `reporting`; the mock and the suites never import each other.
IMPORTED_ONLY_BY = {"plugin": _f(), "reporting": _f("plugin")}
NEVER_EACH_OTHER = ("mock", "suites.*")


@dataclass(frozen=True)
class Import:
    module: str  # the importing module
    path: Path
    line: int
    target: str  # the imported module (a name imported from a package counts as its submodule)
    lazy: str | None  # the enclosing function of a function-level import

    def __str__(self) -> str:
        where = f"{self.path.relative_to(SRC.parent)}:{self.line}"
        how = f" (lazy, in {self.lazy}())" if self.lazy else ""
        return f"{where}: {self.module} imports {self.target}{how}"


def module_name(path: Path, root: Path = SRC) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def imports_of(source: str, module: str, path: Path, *, package: bool = False) -> list[Import]:
    """Every import in source, at any depth, resolved to absolute module names."""
    tree = ast.parse(source, filename=str(path))
    found: list[Import] = []

    def visit(node: ast.AST, function: str | None) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                name = getattr(child, "name", "<lambda>")
                visit(child, f"{function}.{name}" if function else name)
                continue
            if isinstance(child, ast.Import):
                for alias in child.names:
                    found.append(Import(module, path, child.lineno, alias.name, function))
            elif isinstance(child, ast.ImportFrom):
                base = _absolute(child, module, package)
                for alias in child.names:
                    # `from webapi_contract import schemastore` imports the submodule.
                    sub = f"{base}.{alias.name}"
                    target = sub if base.split(".")[0] == PACKAGE and _exists(sub) else base
                    found.append(Import(module, path, child.lineno, target, function))
            visit(child, function)

    visit(tree, None)
    return found


def _absolute(node: ast.ImportFrom, module: str, package: bool) -> str:
    if not node.level:
        return node.module or ""
    parts = module.split(".")
    if not package:
        parts.pop()
    if node.level > 1:
        parts = parts[: len(parts) - (node.level - 1)]
    return ".".join([*parts, node.module] if node.module else parts)


def _exists(module: str) -> bool:
    base = SRC.joinpath(*module.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def unit_of(module: str) -> str | None:
    """The table's name for one of our modules; None for anything not ours."""
    parts = module.split(".")
    if parts[0] != PACKAGE:
        return None
    if len(parts) == 1:
        return ""
    if parts[1] == "suites" and len(parts) > 2:
        return "suites.*"
    return parts[1]


def layer_of(unit: str) -> str | None:
    for name, layer in LAYERS.items():
        if unit in layer["units"]:
            return name
    return None


def _third_party(target: str) -> str | None:
    top = target.split(".")[0]
    return None if top == PACKAGE or top in sys.stdlib_module_names else top


def violations(found: Iterable[Import]) -> list[str]:
    """Each import the layer table forbids, with why."""
    problems: list[str] = []
    for imp in found:
        unit = unit_of(imp.module)
        assert unit is not None, imp
        if unit == "":
            if unit_of(imp.target) is not None and unit_of(imp.target) != "":
                problems.append(f"{imp}: the package's __init__ imports nothing of ours")
            continue
        name = layer_of(unit)
        if name is None:
            problems.append(f"{imp}: module {imp.module} is in no layer of the table")
            continue
        layer = LAYERS[name]
        external = _third_party(imp.target)
        if external is not None:
            if layer.get("stdlib_only") or external in layer.get("external_must_not", ()):
                problems.append(f"{imp}: layer {name!r} imports only the standard library")
            continue
        target = unit_of(imp.target)
        if target is None or target == "" or target in layer["units"]:
            continue
        lazy_only = layer.get("lazy_only", {})
        if target in lazy_only.get(imp.module, ()):
            if not imp.lazy:
                problems.append(f"{imp}: {imp.module} may import {target} only inside a function")
            continue
        if any(target in units for units in lazy_only.values()):
            problems.append(f"{imp}: only {', '.join(lazy_only)} may import {target} (lazily)")
        elif target in layer.get("must_not", ()):
            problems.append(f"{imp}: layer {name!r} must not import {target}")
        elif target not in layer["may"]:
            problems.append(f"{imp}: layer {name!r} may not import {target} (not in its row)")
    for imp in found:
        unit, target = unit_of(imp.module), unit_of(imp.target)
        importers = IMPORTED_ONLY_BY.get(target or "-")
        if importers is not None and unit != target and unit not in importers:
            who = ", ".join(sorted(importers)) or "nothing of ours (pytest loads it)"
            problems.append(f"{imp}: {target} is imported only by {who}")
    return problems


def eager_closure(start: str, graph: Mapping[str, list[Import]]) -> dict[str, Import]:
    """Modules of ours reached from start through module-level imports: each with its import."""
    reached: dict[str, Import] = {}
    todo = [start]
    while todo:
        for imp in graph.get(todo.pop(), []):
            if imp.lazy or unit_of(imp.target) is None:
                continue
            # Importing a.b.c runs a/__init__ and a/b/__init__ too.
            parts = imp.target.split(".")
            for depth in range(2, len(parts) + 1):
                name = ".".join(parts[:depth])
                if name not in reached and name in graph:
                    reached[name] = imp
                    todo.append(name)
    return reached


def _all_imports() -> dict[str, list[Import]]:
    graph: dict[str, list[Import]] = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        name = module_name(path)
        source = path.read_text(encoding="utf-8")
        graph[name] = imports_of(source, name, path, package=_is_package(path))
    return graph


@pytest.fixture(scope="module")
def graph() -> dict[str, list[Import]]:
    return _all_imports()


def test_every_module_keeps_to_its_layer(graph: dict[str, list[Import]]) -> None:
    problems = violations(imp for found in graph.values() for imp in found)
    assert not problems, "ARCHITECTURE.md's layer rules broken:\n" + "\n".join(problems)


def test_every_module_is_in_a_layer(graph: dict[str, list[Import]]) -> None:
    orphans = [m for m in graph if unit_of(m) != "" and layer_of(unit_of(m) or "-") is None]
    assert not orphans, f"modules in no layer of LAYERS (add them to the table): {orphans}"


def test_the_mock_and_the_suites_never_import_each_other(graph: dict[str, list[Import]]) -> None:
    """Not even through another module, at import time."""
    first, second = NEVER_EACH_OTHER
    problems = []
    for module in graph:
        mine = unit_of(module)
        other = second if mine == first else first if mine == second else None
        if other is None:
            continue
        for reached, via in eager_closure(module, graph).items():
            if unit_of(reached) == other:
                problems.append(f"{module} reaches {reached} (through {via})")
    assert not problems, "the mock and the suites import each other:\n" + "\n".join(problems)


def test_cli_subcommands_keep_to_the_cli_layer() -> None:
    """cli imports its subcommands by name (importlib), which ast does not see: check the names."""
    from webapi_contract.cli import SUBCOMMANDS

    layer = LAYERS["cli"]
    wrong = [m for m in SUBCOMMANDS.values() if unit_of(m) not in layer["may"] | layer["units"]]
    assert not wrong, f"cli imports modules outside its row: {wrong}"


# --- the checker itself can fail ---------------------------------------------------------------


def _check(module: str, source: str) -> list[str]:
    path = SRC.joinpath(*module.split(".")).with_suffix(".py")
    return violations(imports_of(source, module, path))


@pytest.mark.parametrize(
    ("module", "source", "said"),
    [
        ("webapi_contract.mock.x", "from webapi_contract.contract import Verdict", "must not"),
        ("webapi_contract.mock.x", "def f():\n    import webapi_contract.client\n", "client"),
        ("webapi_contract.derive.x", "import jsonschema", "standard library"),
        ("webapi_contract.reports.x", "def f():\n    from pytest import fail\n", "standard"),
        ("webapi_contract.target", "from webapi_contract.mock import MockServer", "inside a func"),
        ("webapi_contract.config", "def f():\n    from webapi_contract import mock\n", "lazily"),
        ("webapi_contract.run", "from webapi_contract.plugin import x", "must not import plugin"),
        ("webapi_contract.run", "from webapi_contract.derive import x", "not in its row"),
        ("webapi_contract.selfcheck", "import webapi_contract.reporting", "only by plugin"),
        ("webapi_contract.suites.acme.test_x", "from webapi_contract.mock import x", "must not"),
        ("webapi_contract.suites", "from webapi_contract.suites.acme import x", "must not"),
        ("webapi_contract.schemastore", "from . import plugin", "must not import plugin"),
        ("webapi_contract.newthing", "import os", "in no layer"),
    ],
)
def test_the_checker_names_a_broken_rule(module: str, source: str, said: str) -> None:
    problems = _check(module, source)
    assert problems, f"{module}: {source!r} passed"
    assert any(said in problem for problem in problems), problems
    for problem in problems:
        assert f".py:{source.count(chr(10), 0, source.find('import')) + 1}: " in problem, problem
        assert f"{module} imports " in problem, problem


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("webapi_contract.target", "def start():\n    from webapi_contract.mock import x\n"),
        ("webapi_contract.plugin", "from webapi_contract import reporting, target"),
        ("webapi_contract.mock.x", "from .shape import Shape\nimport starlette\n"),
        ("webapi_contract.suites.acme.test_x", "from webapi_contract.contract import clause"),
        ("webapi_contract.cli", "from webapi_contract import __version__"),
    ],
)
def test_the_checker_lets_allowed_imports_pass(module: str, source: str) -> None:
    assert _check(module, source) == []


def test_the_closure_sees_an_indirect_import() -> None:
    here = SRC / PACKAGE
    graph = {
        "webapi_contract.suites.acme.t": imports_of(
            "from webapi_contract.client import x", "webapi_contract.suites.acme.t", here
        ),
        "webapi_contract.client": imports_of(
            "import webapi_contract.mock.app", "webapi_contract.client", here
        ),
        "webapi_contract.mock": [],
        "webapi_contract.mock.app": [],
    }
    assert "webapi_contract.mock.app" in eager_closure("webapi_contract.suites.acme.t", graph)
    graph["webapi_contract.client"] = imports_of(
        "def f():\n    import webapi_contract.mock.app\n", "webapi_contract.client", here
    )
    assert eager_closure("webapi_contract.suites.acme.t", graph) == {
        "webapi_contract.client": graph["webapi_contract.suites.acme.t"][0]
    }


# --- vendor modules are reached only by name --------------------------------------------------
#
# ARCHITECTURE.md "Vendor specifics vs machinery": a vendor lives in `vendors/<vendor>.py` and the
# vendor packages `derive/<vendor>/`, `mock/<vendor>/`, `suites/<vendor>/`. Shared machinery
# (everything else, the `vendors` registry aside) reaches them only by name at run time
# (`importlib.import_module(f"webapi_contract.mock.{vendor}")`, `vendors.PROFILES[name]`): no
# import of a vendor module or of a vendor's profile, and no vendor module spelled out as text.

VENDOR_HOMES = ("derive", "mock", "suites")


def _vendors() -> frozenset[str]:
    """Every vendor: a profile module in vendors/, or a folder of one of VENDOR_HOMES."""
    found = {
        p.stem
        for p in (SRC / PACKAGE / "vendors").glob("*.py")
        if p.stem not in {"__init__", "profile"}
    }
    for home in VENDOR_HOMES:
        found |= {p.parent.name for p in (SRC / PACKAGE / home).glob("*/__init__.py")}
    return frozenset(found)


VENDORS = _vendors()


def vendor_of(module: str, vendors: frozenset[str] = VENDORS) -> str | None:
    """The vendor a module of ours belongs to (webapi_contract.mock.odyssee.service: odyssee; the
    profile SUPEROFFICE of webapi_contract.vendors: superoffice), None for shared machinery."""
    parts = module.split(".")
    if len(parts) < 3 or parts[0] != PACKAGE:
        return None
    if parts[1] in (*VENDOR_HOMES, "vendors") and parts[2].lower() in vendors:
        return parts[2].lower()
    return None


_VENDOR_TEXT = re.compile(rf"^{PACKAGE}\.(?:{'|'.join(VENDOR_HOMES)}|vendors)\.(\w+)")


def vendor_reach(
    source: str, module: str, path: Path, vendors: frozenset[str] = VENDORS
) -> list[str]:
    """Each place where module reaches a vendor module other than its own by import or by a
    module path written out as text (file:line and what it names)."""
    own = vendor_of(module, vendors)
    package = _is_package(path)
    tree = ast.parse(source, filename=str(path))
    problems: list[str] = []

    def note(line: int, target: str) -> None:
        vendor = vendor_of(target, vendors)
        if vendor is not None and vendor != own:
            problems.append(f"{path.name}:{line}: {module} reaches {target} ({vendor})")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                note(node.lineno, alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(node, module, package)
            for alias in node.names:
                note(node.lineno, f"{base}.{alias.name}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found = _VENDOR_TEXT.match(node.value)
            if found:
                note(node.lineno, node.value)
    return problems


def test_vendor_modules_are_where_a_newcomer_looks():
    assert {"superoffice", "odyssee"} <= VENDORS
    for vendor in VENDORS:
        assert (SRC / PACKAGE / "vendors" / f"{vendor}.py").is_file(), vendor
        for home in VENDOR_HOMES:
            assert (SRC / PACKAGE / home / vendor / "__init__.py").is_file(), (home, vendor)


def test_shared_machinery_reaches_vendor_modules_only_by_name():
    """derive, mock, generated, reports, plugin, reporting, run, target, selfcheck, client,
    config, contract, schemastore, cli, the suite locator: none imports a vendor module (nor a
    vendor's profile) or names one as text; a vendor module reaches no other vendor's."""
    problems: list[str] = []
    checked: set[str] = set()
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        module = module_name(path)
        if module == f"{PACKAGE}.vendors":  # the registry of the profiles
            continue
        checked.add(module.split(".")[1] if "." in module else "")
        problems += vendor_reach(path.read_text(encoding="utf-8"), module, path)
    assert not problems, "shared machinery reaches a vendor module directly:\n" + "\n".join(
        problems
    )
    shared = {"derive", "mock", "generated", "reports", "plugin", "run", "target", "selfcheck"}
    assert shared | {"client", "config", "reporting", "contract", "schemastore"} <= checked


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("webapi_contract.target", "from webapi_contract.vendors import SUPEROFFICE"),
        ("webapi_contract.target", "from webapi_contract.vendors.odyssee import ODYSSEE"),
        ("webapi_contract.plugin", "def f():\n    from webapi_contract.mock import superoffice\n"),
        ("webapi_contract.run", "import webapi_contract.suites.odyssee.contact_api"),
        ("webapi_contract.derive.profiles", "from .superoffice import api"),
        ("webapi_contract.generated.x", "from webapi_contract.suites.superoffice import c"),
        ("webapi_contract.reports.x", "from ..derive.odyssee import schemas"),
        ("webapi_contract.client", "import importlib\nm = 'webapi_contract.mock.odyssee'\n"),
        ("webapi_contract.mock.odyssee.x", "from webapi_contract.mock.superoffice import s"),
    ],
)
def test_the_vendor_check_names_a_direct_reach(module, source):
    path = SRC.joinpath(*module.split(".")).with_suffix(".py")
    problems = vendor_reach(source, module, path)
    assert problems, f"{module}: {source!r} passed"
    assert all(f"{module} reaches" in p for p in problems)


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("webapi_contract.mock.server", "import importlib\nimportlib.import_module(f'x.{v}')\n"),
        ("webapi_contract.target", "from webapi_contract.vendors import PROFILES, VendorProfile"),
        ("webapi_contract.mock.odyssee.service", "from webapi_contract.mock.odyssee import x"),
        ("webapi_contract.mock.odyssee.service", "from . import faults\nfrom ..storage import S"),
        ("webapi_contract.suites.odyssee.t", "from webapi_contract.vendors.odyssee import x"),
    ],
)
def test_the_vendor_check_lets_reaching_by_name_pass(module, source):
    path = SRC.joinpath(*module.split(".")).with_suffix(".py")
    assert vendor_reach(source, module, path) == []
