"""`tools/build_course.py --check` refuses every invalid reference in the course files with the
file, the line and the field (issue 19's part for the course): unknown clause ids, bad ``set``
paths and values, forms of the wrong setting, unknown rule codes, lesson folders outside the
course, claims on unknown measures."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from xsim.errors import InputError
from xsim.teaching.course_check import validate_course

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "course"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    copy = tmp_path_factory.mktemp("pristine") / "course"
    shutil.copytree(COURSE, copy, ignore=shutil.ignore_patterns("_computed"))
    return copy


def broken(tmp_path: Path, pristine: Path, relative: str, old: str, new: str) -> Path:
    course = tmp_path / "course"
    shutil.copytree(pristine, course)
    path = course / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, (relative, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return course


CASES = [
    # (file, old, new, field, words in the Chinese message)
    ("04_协商程序/steps.yaml", "- clause: §4.1", "- clause: §4.9", "steps[0].clause", "§4.9"),
    (
        "04_协商程序/steps.yaml",
        "  - PROC-NOTICE",
        "  - PROC-NOTIC",
        "steps[1].codes[0]",
        "规则编号",
    ),
    ("03_协商形式/quiz.yaml", "clause: §3.b", "clause: §3.z", "questions[0].clause", "条款"),
    (
        "toc.yaml",
        "§4.7: 跨村灌溉渠案例、自测",
        "§4.8: 跨村灌溉渠案例、自测",
        "lessons[4].clauses.§4.8",
        "§4.8",
    ),
    (
        "04_协商程序/labs.yaml",
        "organizer.notice_days: 3",
        "organizer.notice_dayz: 3",
        "labs[0].controls[0].options[1].set",
        "notice_dayz",
    ),
    (
        "04_协商程序/labs.yaml",
        "organizer.notice_days: 3",
        "organizer.notice_days: 9999",
        "labs[0].controls[0].options[1].set",
        "notice_days",
    ),
    (
        "03_协商形式/labs.yaml",
        "    - owners\n    - compound",
        "    - villagers_meeting\n    - compound",
        "labs[2].controls[0].forms[0].form",
        "不适用于城市社区",
    ),
    ("toc.yaml", "folder: 00_导读", "folder: ../00_导读", "lessons[0].folder", ".."),
    (
        "04_协商程序/claims.yaml",
        "  measure: informed_in_time",
        "  measure: informed_on_time",
        "claims[0].measure",
        "informed_on_time",
    ),
    (
        "04_协商程序/claims.yaml",
        "  knob: organizer.notice_days",
        "  knob: organizer.notice",
        "claims[0].values[0].set",
        "notice",
    ),
    (
        "04_协商程序/steps.yaml",
        "timeline.notified: '2026-03-03'",
        "timeline.notifed: '2026-03-03'",
        "steps[1].choices[2].set",
        "notifed",
    ),
]


@pytest.mark.parametrize(("relative", "old", "new", "field", "words"), CASES)
def test_an_invalid_reference_is_refused_with_file_line_and_field(
    tmp_path, pristine, relative, old, new, field, words
):
    course = broken(tmp_path, pristine, relative, old, new)
    if relative == "toc.yaml" and "../" in new:  # the folder must exist for the toc to load
        shutil.copytree(course / "00_导读", tmp_path / "00_导读")
    with pytest.raises(InputError) as caught:
        validate_course(course)
    err = caught.value
    assert Path(err.file).name == Path(relative).name, err.message("zh")
    assert err.field == field, err.message("zh")
    assert err.line is not None and words in err.message("zh"), err.message("zh")


def test_the_cli_says_it_in_chinese_and_exits_2(tmp_path, pristine):
    course = broken(tmp_path, pristine, "04_协商程序/steps.yaml", "  - PROC-NOTICE", "  - PROC-X")
    proc = subprocess.run(
        [
            sys.executable,
            str(ROOT / "tools" / "build_course.py"),
            "--check",
            "--course",
            str(course),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 2, proc.stderr
    assert "steps.yaml:" in proc.stderr and "steps[1].codes[0]" in proc.stderr
    assert "规则编号" in proc.stderr and "Traceback" not in proc.stderr


def test_the_shipped_course_passes(pristine):
    assert len(validate_course(pristine).lessons) == 10
