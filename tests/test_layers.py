"""Structure: library code leaves exits and messages to the CLI.

The import layers themselves are checked by `lint-imports` (the contract in pyproject.toml), which
`make test` runs before pytest.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "xsim"


def _in_main_block(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "__main__" in ast.unparse(node.test):
            return True
    return False


def test_only_the_cli_exits():
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("cli/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for node in ast.walk(tree):
            called = isinstance(node, ast.Call) and ast.unparse(node.func) in ("sys.exit", "exit")
            raised = isinstance(node, ast.Raise) and "SystemExit" in ast.unparse(node.exc or node)
            if (called or raised) and not _in_main_block(node, parents):
                offenders.append(f"{rel}:{node.lineno}")
    assert not offenders, offenders
