"""The course's YAML files: a trainer's mistake gets one Chinese message naming file, line and
field — from the loader and from ``make notebooks`` (exit 2, nothing built)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xsim.errors import InputError
from xsim.teaching.course_check import validate_course
from xsim.teaching.lessons import (
    load_labs_file,
    load_steps_file,
    load_toc,
)

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"

LAB = """labs:
- id: '04'
  scenario: village_road
  controls:
  - label: 提前几天通知
    options:
    - label: 提前 7 天
      set:
        organizer.notice_days: 7
  - label: 协商形式
    forms: [council, hearing]
  measures: [participation]
"""


def test_the_shipped_course_is_valid():
    toc = validate_course(COURSE)
    assert [e.id for e in toc.lessons] == [f"{n:02d}" for n in range(10)]


def _error(tmp_path: Path, name: str, text: str, loader) -> InputError:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        loader(path)
    assert err.value.file == str(path)
    return err.value


@pytest.mark.parametrize(
    ("old", "new", "field", "line", "zh"),
    [
        ("scenario: village_road", "scenario: village_raod", "labs[0].scenario", 3, "village_road"),
        (
            "forms: [council, hearing]",
            "forms: [council, hearings]",
            "labs[0].controls[1].forms[1]",
            11,
            "是否应为“hearing”",
        ),
        (
            "measures: [participation]",
            "measures: [participaton]",
            "labs[0].measures[0]",
            12,
            "结果指标",
        ),
        ("  measures:", "  measure:", "labs[0].measure", 12, "是否应为“measures”"),
        (
            "organizer.notice_days: 7",
            "organizer.notice_days: 7\n      labell: x",
            "labs[0].controls[0].options[0].labell",
            10,
            "未知字段",
        ),
        ("- label: 提前 7 天", "- label: 7", "labs[0].controls[0].options[0].label", 7, "应为文字"),
        (
            "    forms: [council, hearing]",
            "    forms: [council, hearing]\n    options: []",
            "labs[0].controls[1].options",
            12,
            "options 或 forms",
        ),
    ],
)
def test_lab_mistakes(tmp_path, old, new, field, line, zh):
    assert old in LAB
    err = _error(tmp_path, "labs.yaml", LAB.replace(old, new), load_labs_file)
    message = err.message("zh")
    assert err.field == field and zh in message, message
    assert err.line == line, (err.line, message)
    assert f"labs.yaml:{line}：" in message


def test_the_good_lab_loads():
    from xsim.teaching.lab import ScenarioLab

    path = COURSE / "04_协商程序" / "labs.yaml"
    lab = ScenarioLab.from_spec(load_labs_file(path).labs[0])
    assert lab.controls and lab.measures


def test_steps_without_a_best_choice_and_with_a_wrong_type(tmp_path):
    text = (COURSE / "04_协商程序" / "steps.yaml").read_text(encoding="utf-8")
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    (course / "04_协商程序" / "steps.yaml").write_text(
        text.replace("best: true", "best: false"), encoding="utf-8"
    )
    with pytest.raises(InputError) as caught:  # the full course must mark a reference choice
        validate_course(course)
    err = caught.value
    assert err.field == "steps[0].choices" and "best: true" in err.message("zh") and err.line
    err = _error(
        tmp_path, "steps2.yaml", text.replace("    best: true", "    best: 是", 1), load_steps_file
    )
    assert err.field.endswith(".best") and "true 或 false" in err.message("zh")


def test_toc_mistakes(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    toc = (course / "toc.yaml").read_text(encoding="utf-8")
    (course / "toc.yaml").write_text(toc.replace("minutes: 40", "minutes: 四十分钟", 1), "utf-8")
    with pytest.raises(InputError) as err:
        load_toc(course)
    assert err.value.field == "lessons[1].minutes" and err.value.line is not None
    (course / "toc.yaml").write_text(
        toc.replace("folder: 01_协商内容", "folder: 01_不存在"), "utf-8"
    )
    with pytest.raises(InputError) as err:
        load_toc(course)
    assert err.value.field == "lessons[1].folder" and "01_不存在" in err.value.message("zh")
    (course / "toc.yaml").write_text(toc.replace("id: '01'", "id: '00'"), "utf-8")
    with pytest.raises(InputError) as err:
        load_toc(course)
    assert err.value.field == "lessons[1].id" and "重复" in err.value.message("zh")


def test_make_notebooks_stops_on_a_bad_quiz_with_a_chinese_message_and_builds_nothing(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    quiz = course / "04_协商程序" / "quiz.yaml"
    text = quiz.read_text(encoding="utf-8")
    quiz.write_text(text.replace("answer: 10 天", "answer: 十天"), encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "build_course.py"),
            "--course",
            str(course),
            "--out",
            str(out),
            "00",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr
    assert "课程文件有误" in proc.stderr and "quiz.yaml:" in proc.stderr
    assert (
        "questions[2].answer" in proc.stderr and "答案必须与某个选项的文字完全相同" in proc.stderr
    )
    assert "Traceback" not in proc.stderr
    assert not out.exists() or not any(out.iterdir())


def test_make_notebooks_check_mode_accepts_the_shipped_course():
    proc = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "build_course.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0 and "检查通过" in proc.stdout, proc.stderr


def test_exercise_data_mistakes(tmp_path):
    from xsim.teaching.lessons import load_exercises_file

    text = (COURSE / "03_协商形式" / "exercises.yaml").read_text(encoding="utf-8")
    err = _error(tmp_path, "ex.yaml", text.replace("- hearing", "- hearng", 1), load_exercises_file)
    assert err.field == "form_situations[0].fits[0]" and "没有这种协商形式" in err.message("zh")
    text = (COURSE / "02_协商主体" / "exercises.yaml").read_text(encoding="utf-8")
    err = _error(
        tmp_path, "ex2.yaml", text.replace("scope: group", "scope: 小组"), load_exercises_file
    )
    assert err.field == "lead_cases[0].scope" and "cross_community" in err.message("zh")
    assert err.line is not None


def test_a_lesson_that_fails_to_run_leaves_the_stored_notebooks_as_they_were(tmp_path):
    course = tmp_path / "course"
    shutil.copytree(COURSE, course)
    lesson = course / "00_导读" / "lesson.md"
    lesson.write_text(
        lesson.read_text(encoding="utf-8") + '\n```{code-cell}\nraise ValueError("坏了")\n```\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    out.mkdir()
    (out / "00_导读.ipynb").write_text("previous build", encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "build_course.py"),
            "--course",
            str(course),
            "--out",
            str(out),
            "00",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1, proc.stderr
    assert "构建失败，笔记本未改动" in proc.stderr and "00_导读" in proc.stderr
    assert (out / "00_导读.ipynb").read_text(encoding="utf-8") == "previous build"
    assert sorted(p.name for p in out.iterdir()) == ["00_导读.ipynb"]  # no temporary folder left


def test_lesson_text_has_no_unrendered_emphasis():
    """CommonMark ignores ``**`` beside Chinese punctuation on the wrong side (``**跨村（社区）**的``
    shows its asterisks); every bold span of every lesson must render."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    broken = []
    for path in sorted((ROOT / "course").glob("*/lesson.md")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "**" in line and "**" in md.render(line):
                broken.append(f"{path.parent.name}/lesson.md:{number}")
    assert not broken, broken


def test_every_lesson_table_says_how_its_columns_align():
    """A markdown table's header row is centred unless its rule says otherwise (``|:---|``); the
    kit's tables read text from the left (:func:`xsim.teaching.display.cell_align`), so every
    lesson table says so for each column. In a browser: tests/test_browser_tables.py."""
    import re

    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark").enable("table")
    tables, unaligned = 0, []
    for path in sorted((ROOT / "course").glob("*/lesson.md")):
        html = md.render(path.read_text(encoding="utf-8"))
        tables += html.count("<table>")
        for cell in re.findall(r"<t[hd](?: [^>]*)?>", html):
            if not re.search(r'style="text-align:(left|right)"', cell):
                unaligned.append(f"{path.parent.name}: {cell}")
    assert tables >= 7 and not unaligned, unaligned
