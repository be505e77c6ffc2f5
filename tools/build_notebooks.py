"""Build the teaching notebooks from their readable sources and execute them with the venv's kernel.

Sources live in ``tools/notebooks_src/NN_名称.md``. A source is Markdown split into cells by marker
lines::

    <!-- md -->        the following lines, up to the next marker, form a Markdown cell
    <!-- code -->      the following lines form a code cell

Each notebook is written to ``notebooks/NN_名称.ipynb``, executed in ``notebooks/`` by nbclient with
the ``python3`` kernel of the venv, and stored WITH its outputs (nbval compares them). The build
fails when a cell writes to stderr or raises, so a stored notebook never carries a warning.

Usage::

    .venv/bin/python tools/build_notebooks.py            # all notebooks
    .venv/bin/python tools/build_notebooks.py 01 04      # only those whose number is given
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "tools" / "notebooks_src"
OUT = ROOT / "notebooks"
MARKER = re.compile(r"^<!--\s*(md|code)\s*-->\s*$")
KERNEL = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def parse_source(text: str) -> list[nbformat.NotebookNode]:
    """The cells of a source file (see the module docstring for the format)."""
    cells: list[nbformat.NotebookNode] = []
    kind: str | None = None
    lines: list[str] = []

    def flush() -> None:
        body = "\n".join(lines).strip("\n")
        if kind is None:
            if body.strip():
                raise ValueError("text before the first <!-- md --> / <!-- code --> marker")
            return
        if not body.strip():
            raise ValueError(f"empty {kind} cell")
        cells.append(
            nbformat.v4.new_markdown_cell(body) if kind == "md" else nbformat.v4.new_code_cell(body)
        )

    for line in text.splitlines():
        m = MARKER.match(line)
        if m:
            flush()
            kind, lines = m.group(1), []
        else:
            lines.append(line)
    flush()
    return cells


def build(source: Path, execute: bool = True) -> float:
    """Write (and execute) one notebook; returns the execution time in seconds."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = KERNEL
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells = parse_source(source.read_text(encoding="utf-8"))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{source.stem[:2]}-{i:03d}"  # stable ids: clean diffs between builds
    seconds = 0.0
    if execute:
        start = time.perf_counter()
        client = NotebookClient(
            nb,
            kernel_name="python3",
            timeout=600,
            resources={"metadata": {"path": str(OUT)}},
            store_widget_state=True,
        )
        client.execute()
        seconds = time.perf_counter() - start
        problems = _problems(nb)
        if problems:
            raise SystemExit(f"{source.name}: " + "; ".join(problems))
        for cell in nb.cells:
            cell.metadata.pop("execution", None)  # wall-clock timestamps: noise in diffs
    target = OUT / f"{source.stem}.ipynb"
    nbformat.validate(nb)
    nbformat.write(nb, target)
    return seconds


def _problems(nb) -> list[str]:
    out = []
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                out.append(f"cell {i}: {o.get('ename')}: {o.get('evalue')}")
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                out.append(f"cell {i}: stderr: {''.join(o.get('text', ''))[:300]}")
    return out


def main(argv: list[str]) -> int:
    wanted = set(argv)
    sources = sorted(SRC.glob("[0-9][0-9]_*.md"))
    if wanted:
        sources = [s for s in sources if s.stem[:2] in wanted]
    if not sources:
        print("no notebook sources matched", file=sys.stderr)
        return 2
    for source in sources:
        seconds = build(source)
        print(f"{source.stem}: executed in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
