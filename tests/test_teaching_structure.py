"""The teaching package as a widget library over course data: small modules, no import circles,
no lesson id written in Python (every widget reads its lesson's YAML by the id a cell passes)."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

TEACHING = Path(__file__).resolve().parents[1] / "src" / "xsim" / "teaching"
MODULES = sorted(TEACHING.rglob("*.py"))
MAX_LINES = 600


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(TEACHING)))
def test_no_module_is_over_600_lines(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.name}: {lines} lines"


def _cycles(graph, names: set[str]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), imports at any level
    (a function's lazy import counts: it is a dependency all the same)."""
    edges = {m: graph.find_modules_directly_imported_by(m) & names for m in names}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(names):
        if v not in index:
            visit(v)
    return out


def test_teaching_has_no_import_circles():
    graph = grimp.build_graph("xsim", cache_dir=None)
    names = {m for m in graph.modules if m.startswith("xsim.teaching.")}
    # a package's __init__ serves names lazily (importlib): it imports none of its modules
    assert _cycles(graph, names) == []


def _string_constants(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
        ):
            yield node


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(TEACHING)))
def test_no_lesson_id_is_written_in_python(path):
    """A widget takes its lesson's data by the id its cell passes, never by a lesson number of
    its own (``"04"``): moving or adding a lesson touches course files only."""
    from xsim.teaching.lessons import load_toc

    ids = {e.id for e in load_toc().lessons}
    found = [
        (node.lineno, node.value)
        for node in _string_constants(path)
        if node.value in ids or any(node.value.startswith(f"{i}_") for i in ids)
    ]
    assert found == []
