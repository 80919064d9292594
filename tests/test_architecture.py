"""The tree is the architecture: layers that import only downward, no cycles, no private names
across modules, short modules, classes and functions, and ruff clean."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sheets_plan"
# The layers, highest first (pyproject.toml, [tool.importlinter]); docs/architecture.md says what each holds.
LAYERS = ["cli", "jobs", "backends | sources | channels | rendering", "tabs | model", "core", "sheets"]
LIMITS = {"module": 450, "class": 150, "function": 60}   # lines


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def lint_imports(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([_tool("lint-imports"), "--no-cache", *args], cwd=ROOT, capture_output=True, text=True)


def test_nothing_imports_upward_and_the_pure_layers_do_no_io():
    done = lint_imports()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "2 kept, 0 broken" in done.stdout


def test_the_contract_catches_an_upward_import(tmp_path):
    """A core module that imports a job breaks the contract (the check can fail)."""
    planted = PACKAGE / "core" / "_planted_upward.py"
    planted.write_text("from sheets_plan.jobs import project  # noqa: F401\n")
    try:
        done = lint_imports()
    finally:
        planted.unlink()
    assert done.returncode == 1
    assert "sheets_plan.core._planted_upward -> sheets_plan.jobs.project" in done.stdout


def test_layers_in_the_test_match_the_contract():
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    assert next(c for c in config if c["type"] == "layers")["layers"] == LAYERS


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of modules (Tarjan), each a cycle of imports."""
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m) & set(modules)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str):
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 5000))
    for m in modules:
        if m not in index:
            visit(m)
    return found


def test_no_import_cycles():
    assert _cycles(grimp.build_graph("sheets_plan")) == []


def _modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path, ast.parse(path.read_text(), str(path))


def test_no_private_name_is_imported_from_another_module():
    private = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("sheets_plan")):
                private += [f"{path.relative_to(ROOT)}: {node.module}.{a.name}" for a in node.names
                            if a.name.startswith("_") and not a.name.startswith("__")]
    assert private == []


def test_no_module_imports_from_the_library_surface():
    """`sheets_plan/__init__.py` is the library surface: it imports every layer, so a module that
    takes a name from it (not a subpackage) would import upward."""
    layers = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()} | {"errors"}
    found = []
    for path, tree in _modules():
        if path == PACKAGE / "__init__.py":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "sheets_plan" and not node.level:
                found += [f"{path.relative_to(ROOT)}: {a.name}" for a in node.names if a.name not in layers]
    assert found == []


def _sizes():
    for path, tree in _modules():
        where = path.relative_to(ROOT)
        yield "module", str(where), len(path.read_text().splitlines())
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                yield "class", f"{where}:{node.name}", node.end_lineno - node.lineno + 1
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield "function", f"{where}:{node.name}", node.end_lineno - node.lineno + 1


@pytest.mark.parametrize("kind", sorted(LIMITS))
def test_modules_classes_and_functions_stay_short(kind):
    long = sorted(((n, name) for k, name, n in _sizes() if k == kind and n > LIMITS[kind]), reverse=True)
    assert long == [], f"over {LIMITS[kind]} lines"


def test_ruff_is_clean():
    done = subprocess.run([_tool("ruff"), "check", "--no-cache", "."], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:]
