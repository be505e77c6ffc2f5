"""Built notebooks stay honest: each stored notebook is what its source builds (checked without
running it), holds no widget state and no answers; the trainer edition has every answer."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from xsim.teaching.edition import (
    KEPT_MIME,
    keep_outputs,
    lesson_notebook,
    notebook_name,
    structure,
)
from xsim.teaching.lessons import load_quiz_file, load_toc

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"
NOTEBOOKS = ROOT / "notebooks"
TOC = load_toc(COURSE)
LESSONS = TOC.lessons


def stored(entry) -> dict:
    return json.loads((NOTEBOOKS / notebook_name(entry)).read_text(encoding="utf-8"))


def text_of(nb: dict) -> str:
    """Every cell source and every stored output text of a notebook."""
    parts = []
    for cell in nb["cells"]:
        src = cell["source"]
        parts.append("".join(src) if isinstance(src, list) else src)
        for out in cell.get("outputs", []):
            parts.append("".join(out.get("text", "")))
            for value in out.get("data", {}).values():
                parts.append("".join(value) if isinstance(value, list) else str(value))
    return "\n".join(parts)


def test_every_lesson_of_the_toc_has_a_notebook_and_no_notebook_lacks_a_lesson():
    expected = {notebook_name(e) for e in LESSONS}
    found = {p.name for p in NOTEBOOKS.glob("*.ipynb")}
    assert found == expected


@pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.id)
def test_stored_notebook_is_what_its_source_builds(entry):
    """Cheap: the cells' types, ids and sources, without executing anything."""
    built = structure(lesson_notebook(entry, TOC, "trainee", COURSE))
    assert structure(stored(entry)) == built, (
        f"{notebook_name(entry)} differs from course/{entry.folder}: run `make notebooks`"
    )


@pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.id)
def test_stored_notebook_has_no_widget_state_and_only_text_html_and_figures(entry):
    nb = stored(entry)
    assert "widgets" not in nb["metadata"]
    for cell in nb["cells"]:
        assert "execution" not in cell["metadata"]  # wall-clock times: noise in diffs
        for out in cell.get("outputs", []):
            assert set(out.get("data", {})) <= set(KEPT_MIME), out.get("data", {}).keys()
        if cell["cell_type"] == "code":
            assert cell["metadata"]["jupyter"]["source_hidden"] is True


@pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.id)
def test_trainee_notebook_holds_no_answer(entry):
    nb = stored(entry)
    text = text_of(nb)
    assert "参考答案" not in text and "培训者版" not in text
    source = lesson_notebook(entry, TOC, "trainer", COURSE)
    answers = [
        c.source for c in source.cells if c.cell_type == "markdown" and "参考答案" in c.source
    ]
    for answer in answers:  # no sentence of a reference answer leaks into the trainee's notebook
        for sentence in re.split(r"[。；\n]", answer):
            sentence = sentence.strip("> *")
            if len(sentence) > 25:
                assert sentence not in text, sentence
    quiz = COURSE / entry.folder / "quiz.yaml"
    if quiz.exists():
        for q in load_quiz_file(quiz).questions:
            if len(q.explanation) > 12:
                assert q.explanation not in text, q.explanation


@pytest.mark.parametrize("entry", LESSONS, ids=lambda e: e.id)
def test_trainer_edition_has_every_answer_explanation_and_timing(entry):
    trainer = lesson_notebook(entry, TOC, "trainer", COURSE)
    text = "\n".join(c.source for c in trainer.cells)
    assert f"建议用时 **{entry.minutes} 分钟**" in text
    lesson_md = (COURSE / entry.folder / "lesson.md").read_text(encoding="utf-8")
    assert text.count("【培训者版·参考答案】") == lesson_md.count('+++ {"tags": ["answer"]}')
    quiz = COURSE / entry.folder / "quiz.yaml"
    if quiz.exists():
        for q in load_quiz_file(quiz).questions:
            assert q.explanation in text


def test_build_is_deterministic_and_drops_widget_views():
    entry = LESSONS[0]
    a = lesson_notebook(entry, TOC, "trainee", COURSE)
    b = lesson_notebook(entry, TOC, "trainee", COURSE)
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)
    code = next(c for c in a.cells if c.cell_type == "code")
    code["outputs"] = [
        {
            "output_type": "display_data",
            "data": {
                "text/plain": "<测验题>",
                "application/vnd.jupyter.widget-view+json": {"model_id": "x" * 32},
            },
            "metadata": {},
        }
    ]
    a.metadata["widgets"] = {"state": {}}
    keep_outputs(a)
    assert "widgets" not in a.metadata
    assert [set(o["data"]) for o in code["outputs"]] == [{"text/plain"}]
