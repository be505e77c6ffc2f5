"""The course covers the whole notice, and every lesson notebook has the parts a lesson needs.

- ``course/toc.yaml`` maps every clause id of the package's own notice data
  (``xsim.rules.clauses.CLAUSES``, the ``§`` ids) to the lessons that teach it (the source of
  ``course/README.md``'s table); every lesson named there exists and really mentions the clause.
- Each lesson notebook (``01_*`` … ``09_*``) opens with its learning goals (``## 本讲目标``), quotes
  the notice in Chinese (a stored output carries the exact text of a clause), has an exercise widget,
  a simulation, a self-check quiz, reference answers (trainer edition only) and ends with a summary
  (``## 小结``) followed by the navigation line.
- Notebooks are stored with outputs, without errors or stderr, and with the venv's ``python3`` kernel.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from xsim.rules.clauses import CLAUSES

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
README = ROOT / "course" / "README.md"
LESSONS = [f"{n:02d}" for n in range(1, 10)]
NOTICE_IDS = sorted(cid for cid in CLAUSES if cid.startswith("§"))

#: plain-text forms of the widgets (``TeachingWidget.__repr__``) that are not exercises
QUIZ_REPR = "<自测题>"
SIMULATION_REPRS = ("<模拟实验>", "<综合演练>", "<协商形式与组织选择模拟>")


def lesson_path(number: str) -> Path | None:
    found = sorted(NOTEBOOKS.glob(f"{number}_*.ipynb"))
    return found[0] if found else None


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def outputs_text(cell: dict) -> list[str]:
    """Every text/plain, text/html and stream text of a code cell's outputs."""
    out = []
    for o in cell.get("outputs", []):
        if o.get("output_type") == "stream":
            out.append("".join(o.get("text", "")))
        for mime in ("text/plain", "text/html"):
            value = o.get("data", {}).get(mime)
            if value is not None:
                out.append("".join(value) if isinstance(value, list) else value)
    return out


WIDGET_REPR = re.compile(r"^<[^<>\s]+>$")  # TeachingWidget.__repr__: <测验题>, <模拟实验> …


def has_widget(cell: dict) -> bool:
    """A widget's plain-text form is stored (its view and state are not)."""
    return any(
        WIDGET_REPR.match("".join(o.get("data", {}).get("text/plain", "")).strip())
        for o in cell.get("outputs", [])
    )


def sections(nb: dict) -> dict[str, list[dict]]:
    """Cells grouped under their last ``## `` heading (the heading text, numbering stripped)."""
    out: dict[str, list[dict]] = {"": []}
    current = ""
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            for line in source(cell).splitlines():
                m = re.match(r"^##\s+(?:[一二三四五六七八九十]+、)?(.+?)\s*$", line)
                if m:
                    current = m.group(1)
                    out.setdefault(current, [])
        out[current].append(cell)
    return out


def section_cells(nb: dict, word: str) -> list[dict]:
    return [c for title, cells in sections(nb).items() if word in title for c in cells]


def clause_map() -> dict[str, list[str]]:
    """Clause id → lesson numbers that teach it (course/toc.yaml)."""
    from xsim.teaching.lessons import load_toc

    table: dict[str, list[str]] = {}
    for entry in load_toc(ROOT / "course").lessons:
        for cid in entry.clauses:
            table.setdefault(cid, []).append(entry.id)
    return table


# --------------------------------------------------------------------------------------------------
# coverage of the notice


def test_toc_maps_every_clause_of_the_notice():
    table = clause_map()
    missing = [cid for cid in NOTICE_IDS if cid not in table]
    assert not missing, f"clauses no lesson of course/toc.yaml teaches: {missing}"
    unknown = [cid for cid in table if cid not in CLAUSES]
    assert not unknown, f"course/toc.yaml names clause ids the notice data does not have: {unknown}"


def test_readme_table_is_generated_from_the_toc():
    import sys

    sys.path.insert(0, str(ROOT / "tools"))
    from build_course import readme_text

    from xsim.teaching.lessons import load_toc

    assert README.read_text(encoding="utf-8") == readme_text(load_toc(ROOT / "course")), (
        "course/README.md differs from course/toc.yaml: run `make notebooks`"
    )


@pytest.mark.parametrize("clause_id", NOTICE_IDS)
def test_each_clause_is_taught_by_existing_notebooks_that_mention_it(clause_id):
    numbers = clause_map().get(clause_id, [])
    assert numbers, f"{clause_id}: no lesson in course/toc.yaml teaches it"
    for number in numbers:
        path = lesson_path(number)
        assert path is not None, f"{clause_id}: notebook {number} is listed but does not exist"
        # the trainee's notebook, or the lesson's sources (answers belong to the trainer edition)
        text = path.read_text(encoding="utf-8") + "".join(
            f.read_text(encoding="utf-8") for f in (ROOT / "course" / path.stem).iterdir()
        )
        # "§1" must be mentioned as itself, not only as the prefix of "§1.a"
        mention = re.compile(re.escape(clause_id) + r"(?![.\w])")
        assert mention.search(text), f"{clause_id}: listed for {path.name}, which never mentions it"


# --------------------------------------------------------------------------------------------------
# the parts of a lesson


@pytest.fixture(params=LESSONS)
def lesson(request) -> tuple[str, dict]:
    path = lesson_path(request.param)
    assert path is not None, f"lesson notebook {request.param}_*.ipynb is missing"
    return path.name, load(path)


def test_learning_goals_come_first(lesson):
    name, nb = lesson
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and "## 本讲目标" in source(first), name


def test_summary_comes_last_then_the_navigation(lesson):
    name, nb = lesson
    *_, summary, navigation = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert source(summary).lstrip().startswith("## 小结"), name
    assert "课程目录" in source(navigation) and "上一讲" in source(navigation), name


def test_quotes_the_notice_in_chinese(lesson):
    name, nb = lesson
    cells = section_cells(nb, "通知原文")
    assert cells, f"{name}: no 通知原文 section"
    texts = [t for c in cells if c["cell_type"] == "code" for t in outputs_text(c)]
    quoted = [cid for cid in NOTICE_IDS if any(CLAUSES[cid].text_zh in t for t in texts)]
    assert quoted, f"{name}: the 通知原文 section shows no exact clause text of the notice"


def test_has_an_exercise_widget_and_folded_solutions(lesson):
    name, nb = lesson
    cells = section_cells(nb, "练习")
    widgets = [
        c
        for c in cells
        if c["cell_type"] == "code"
        and has_widget(c)
        and not any(t.strip() in (QUIZ_REPR, *SIMULATION_REPRS) for t in outputs_text(c))
    ]
    assert widgets, f"{name}: no exercise widget under a 练习 heading"
    lesson_md = (ROOT / "course" / Path(name).stem / "lesson.md").read_text(encoding="utf-8")
    assert '+++ {"tags": ["answer"]}' in lesson_md, f"{name}: no reference answer in its source"
    assert "参考答案" not in "".join(source(c) for c in nb["cells"]), (
        f"{name}: the trainee's notebook shows reference answers"
    )


def test_has_a_simulation(lesson):
    name, nb = lesson
    cells = [c for c in section_cells(nb, "模拟") if c["cell_type"] == "code"]
    assert cells, f"{name}: no code under a 模拟 heading"
    steered = [
        c
        for c in cells
        if has_widget(c) and any(t.strip() in SIMULATION_REPRS for t in outputs_text(c))
    ]
    assert steered, f"{name}: no simulation widget the trainee steers under a 模拟 heading"


def test_has_a_quiz(lesson):
    name, nb = lesson
    cells = section_cells(nb, "自测")
    assert any(
        c["cell_type"] == "code" and QUIZ_REPR in [t.strip() for t in outputs_text(c)]
        for c in cells
    ), f"{name}: no quiz under a 自测 heading"


def test_stored_with_clean_outputs(lesson):
    name, nb = lesson
    assert nb["metadata"]["kernelspec"]["name"] == "python3", name
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(c.get("execution_count") for c in code), f"{name}: not executed in order"
    for c in code:
        for o in c.get("outputs", []):
            assert o.get("output_type") != "error", f"{name}: stored error output"
            assert not (o.get("output_type") == "stream" and o.get("name") == "stderr"), (
                f"{name}: stderr output: {''.join(o.get('text', ''))[:200]}"
            )
    assert "course.ready()" in source(code[0]), f"{name}: the first code cell loads the course"
