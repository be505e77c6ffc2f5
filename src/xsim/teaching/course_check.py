"""Check the whole course before anything is built (``tools/build_course.py --check``).

Every file is read through its model (:mod:`xsim.teaching.lessons`); then the names a schema
cannot know are checked: clause ids and law citations, scenario paths and values of ``set``,
forms allowed in a setting, rule codes, lesson folders. The first problem is one
:class:`~xsim.errors.InputError` with file, line and field.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from xsim.errors import InputError
from xsim.teaching.answers import QUIZ_FILES
from xsim.teaching.lessons import (
    course_dir,
    load_exercises_file,
    load_facilitator_file,
    load_glossary_file,
    load_labs_file,
    load_learning_test_file,
    load_quiz_file,
    load_roles_file,
    load_steps_file,
    load_toc,
)
from xsim.teaching.schema import Toc, TocLesson

__all__ = ["validate_course"]


def _fail(path: Path, loc: tuple[Any, ...], en: str, zh: str) -> None:
    from xsim.io import format_path, line_of, load_yaml_file

    lines = load_yaml_file(path).lines
    raise InputError(str(path), format_path(loc), en, zh, line_of(lines, loc))


def _check_answers(here: Path) -> None:
    """The answers the full course must hold (a trainee edition has none): each question's
    answer and a reason for each wrong option, each situation's forms and why, each step's
    reference choice."""
    for quiz in (here / name for name in QUIZ_FILES.values()):
        if not quiz.exists():
            continue
        for i, q in enumerate(load_quiz_file(quiz).questions):
            if q.answer is None:
                _fail(quiz, ("questions", i), "an answer", "缺少答案（answer）")
            for j, c in enumerate(q.choices):
                text = c if isinstance(c, str) else c.text
                if text not in q.answers and (isinstance(c, str) or not c.why.strip()):
                    _fail(
                        quiz,
                        ("questions", i, "choices", j),
                        "every wrong option with its own reason: {text: …, why: …}",
                        "每个错误选项都要写出它错在哪里（写成 {text: …, why: …}）",
                    )
    exercises = here / "exercises.yaml"
    if exercises.exists():
        data = load_exercises_file(exercises)
        for i, c in enumerate(data.calculations or []):
            if c.answer is None or not c.explanation.strip():
                _fail(
                    exercises,
                    ("calculations", i),
                    "answer and explanation",
                    "缺少答案（answer）或解析（explanation）",
                )
        for i, s in enumerate(data.form_situations or []):
            if not s.fits or not s.why.strip():
                _fail(
                    exercises,
                    ("form_situations", i),
                    "fits and why",
                    "缺少合适的形式（fits）或理由（why）",
                )
    steps = here / "steps.yaml"
    if steps.exists():
        for i, step in enumerate(load_steps_file(steps).steps):
            if not any(c.best for c in step.choices):
                _fail(
                    steps,
                    ("steps", i, "choices"),
                    "mark at least one choice with 'best: true'",
                    "至少要有一个选项标注 best: true（参考做法）",
                )


def _refused(path: Path, loc: tuple[Any, ...], err: InputError) -> None:
    """A reference the kit refused (a scenario path, a record field): its own words, placed at
    the field of the course file that holds it."""
    _fail(path, loc, err.message("en"), err.message("zh"))


def _check_folder(folder: Path, toc: Toc) -> None:
    """Each lesson folder is a plain name inside the course folder: no ``..``, no path."""
    for i, entry in enumerate(toc.lessons):
        name = entry.folder
        parts = Path(name).parts
        if len(parts) != 1 or name in (".", "..") or name.startswith((".", "/", "\\")):
            _fail(
                folder / "toc.yaml",
                ("lessons", i, "folder"),
                "a folder name inside the course folder (no path, no '..')",
                f"文件夹应是课程文件夹中的一个名称，不能含路径或“..”：{name}",
            )


def _check_clause(path: Path, loc: tuple[Any, ...], clause: str | None) -> None:
    from xsim.teaching.schema import _known_reference

    if clause and not _known_reference(clause):
        _fail(
            path,
            loc,
            "a notice clause id such as §4.2 or a citation such as 《村民委员会组织法》第二十五条",
            f"没有这个条款：{clause}（应为《通知》条款编号，如 §4.2，或法律条文，如《村民委员会组织法》第二十五条）",
        )


def _check_settings(path: Path, loc: tuple[Any, ...], scenario: str, form, overrides: dict) -> None:
    """A simulation's settings: the scenario paths and values (validated like a scenario file)
    and a form the scenario's setting allows."""
    from xsim.forms import FORMS, forms_for
    from xsim.sim.scenario import load_scenario

    spec = load_scenario(scenario)
    try:
        spec.with_overrides(overrides, source=str(path))
    except InputError as err:
        _refused(path, (*loc, "set"), err)
    if form is not None and form in FORMS and form not in forms_for(spec.setting):
        setting = "农村" if spec.setting == "village" else "城市社区"
        _fail(
            path,
            (*loc, "form"),
            f"a form of the setting {spec.setting}: {', '.join(forms_for(spec.setting))}",
            f"“{FORMS[form].zh}”不适用于{setting}情景（{spec.title}）",
        )


def _check_references(here: Path) -> None:
    """The names in a lesson's files that a schema cannot know."""
    from xsim.rules import RULES
    from xsim.teaching.cases import apply_patch, base_record

    labs = here / "labs.yaml"
    if labs.exists():
        for i, lab in enumerate(load_labs_file(labs).labs):
            _check_settings(labs, ("labs", i), lab.scenario, lab.form, {})
            for j, control in enumerate(lab.controls):
                for k, option in enumerate(control.expanded()):
                    where = ("labs", i, "controls", j, "options" if control.options else "forms", k)
                    _check_settings(labs, where, lab.scenario, option.form, dict(option.set))
    steps = here / "steps.yaml"
    if steps.exists():
        from xsim.records import record_from_dict

        spec = load_steps_file(steps)
        for i, step in enumerate(spec.steps):
            _check_clause(steps, ("steps", i, "clause"), step.clause)
            for j, code in enumerate(step.codes):
                if code not in RULES:
                    _fail(
                        steps,
                        ("steps", i, "codes", j),
                        "a rule code of the rules engine",
                        f"规则引擎中没有这个规则编号：{code}",
                    )
            for j, choice in enumerate(step.choices):
                try:
                    record_from_dict(apply_patch(base_record(spec.record), dict(choice.set)))
                except (InputError, KeyError, IndexError, TypeError) as err:
                    if not isinstance(err, InputError):
                        err = InputError(
                            str(steps),
                            "",
                            f"a record field: {err}",
                            f"协商记录中没有这个字段：{err}",
                        )
                    _refused(steps, ("steps", i, "choices", j, "set"), err)
    exercises = here / "exercises.yaml"
    if exercises.exists():
        data = load_exercises_file(exercises)
        for i, s in enumerate(data.form_situations or []):
            _check_clause(exercises, ("form_situations", i, "clause"), s.clause)
        for i, c in enumerate(data.calculations or []):
            _check_clause(exercises, ("calculations", i, "clause"), c.clause)
        for comparison_index, c in enumerate(data.policy_comparisons or []):
            for i, v in enumerate(c.variants):
                where = ("policy_comparisons", comparison_index, "variants", i)
                _check_settings(exercises, where, c.scenario, v.form, dict(v.set))
    claims = here / "claims.yaml"
    if claims.exists():
        from xsim.teaching.lessons import load_claims_file
        from xsim.teaching.measures import known_measure
        from xsim.teaching.schema import _scenario_names

        for i, claim in enumerate(load_claims_file(claims).claims):
            if claim.scenario not in _scenario_names():
                _fail(
                    claims,
                    ("claims", i, "scenario"),
                    "a scenario of the library",
                    f"情景库中没有“{claim.scenario}”",
                )
            if not known_measure(claim.measure):
                _fail(
                    claims,
                    ("claims", i, "measure"),
                    "a known outcome measure",
                    f"没有“{claim.measure}”这项结果指标",
                )
            for j, value in enumerate(claim.values):
                if claim.knob == "form":
                    form, overrides = value, dict(claim.set)
                else:
                    form, overrides = claim.form, {**claim.set, claim.knob: value}
                _check_settings(claims, ("claims", i, "values", j), claim.scenario, form, overrides)


#: exercise items named by a word → how a lesson shows that it has the exercise
_NAMED_ITEMS = {
    "picker": lambda here: "course.picker(" in _lesson_text(here),
    "quorum": lambda here: "QuorumCalculator(" in _lesson_text(here),
    "fix": lambda here: "course.editor(" in _lesson_text(here),
    "capstone": lambda here: (here / "capstone.yaml").exists(),
}


def _lesson_text(here: Path) -> str:
    return (here / "lesson.md").read_text(encoding="utf-8")


def lesson_items(here: Path) -> set[str]:
    """The exercise item ids a lesson's exercises register in the progress store (those a
    facilitator plan may point at): numbered ones from the lesson's YAML, named ones from what
    the lesson shows."""
    items = {name for name, shown in _NAMED_ITEMS.items() if shown(here)}
    if (here / "quiz.yaml").exists():
        n = len(load_quiz_file(here / "quiz.yaml").questions)
        items |= {f"q{i}" for i in range(1, n + 1)}
    if (here / "steps.yaml").exists():
        n = len(load_steps_file(here / "steps.yaml").steps)
        items |= {f"step{i}" for i in range(1, n + 1)}
    if (here / "exercises.yaml").exists():
        data = load_exercises_file(here / "exercises.yaml")
        for prefix, listed in (
            ("lead", data.lead_cases),
            ("form", data.form_situations),
            ("calc", data.calculations),
        ):
            items |= {f"{prefix}{i}" for i in range(1, len(listed or []) + 1)}
    return items


def _check_facilitator(here: Path, entry: TocLesson) -> None:
    """Every lesson has a facilitator plan whose minutes add up to the lesson's, whose mistakes
    point at exercise items the lesson has and whose text cites only existing clauses."""
    from xsim.rules.clauses import CLAUSES

    path = here / "facilitator.yaml"
    if not path.exists():
        raise InputError(
            str(path),
            "",
            "the lesson's facilitator plan (facilitator.yaml)",
            "缺少本讲的授课安排文件 facilitator.yaml",
        )
    plan = load_facilitator_file(path).facilitator
    if plan.minutes != entry.minutes:
        _fail(
            path,
            ("facilitator", "segments"),
            f"segments adding up to the lesson's {entry.minutes} minutes (toc.yaml)",
            f"各环节分钟数之和应为 {entry.minutes}（toc.yaml 中本讲的时长），现为 {plan.minutes}",
        )
    known = lesson_items(here)
    for i, mistake in enumerate(plan.mistakes):
        for j, item in enumerate(mistake.items):
            if item not in known:
                _fail(
                    path,
                    ("facilitator", "mistakes", i, "items", j),
                    f"an exercise item of this lesson: {', '.join(sorted(known))}",
                    f"本讲没有这项练习：{item}（本讲有：{'、'.join(sorted(known))}）",
                )
    for loc, text in _facilitator_texts(plan):
        for clause in re.findall(r"§\d(?:\.[a-z0-9]+)?", text):
            if clause not in CLAUSES:
                _fail(path, loc, "existing notice clause ids", f"没有这个条款：{clause}")


def _facilitator_texts(plan) -> list[tuple[tuple[Any, ...], str]]:
    texts: list[tuple[tuple[Any, ...], str]] = []
    for i, seg in enumerate(plan.segments):
        texts += [(("facilitator", "segments", i, "activity"), seg.activity)]
        texts += [(("facilitator", "segments", i, "project"), seg.project)]
    texts += [(("facilitator", "questions", i), q) for i, q in enumerate(plan.questions)]
    for i, m in enumerate(plan.mistakes):
        texts += [(("facilitator", "mistakes", i, "mistake"), m.mistake)]
        texts += [(("facilitator", "mistakes", i, "remedy"), m.remedy)]
    return texts


def _check_learning_tests(folder: Path, toc: Toc) -> None:
    """The 前测 and the 后测: both or neither, the 前测 in an earlier lesson, on the same clauses
    with different questions (the gain per clause compares them)."""
    found = {
        name: [folder / e.folder / name for e in toc.lessons if (folder / e.folder / name).exists()]
        for name in (QUIZ_FILES["pre"], QUIZ_FILES["post"])
    }
    pre_files, post_files = found[QUIZ_FILES["pre"]], found[QUIZ_FILES["post"]]
    if not pre_files and not post_files:
        return
    for files in (pre_files, post_files):
        if len(files) > 1:
            _fail(files[1], (), "one such file in the course", "整门课程只能有一份这样的测验")
    if not pre_files or not post_files:
        (lonely,) = pre_files or post_files
        missing = QUIZ_FILES["post"] if pre_files else QUIZ_FILES["pre"]
        _fail(
            lonely, (), f"a {missing} to pair with", f"缺少与之配对的 {missing}（前测、后测要成对）"
        )
    pre, post = load_learning_test_file(pre_files[0]), load_learning_test_file(post_files[0])
    folders = [e.folder for e in toc.lessons]
    if folders.index(pre_files[0].parent.name) >= folders.index(post_files[0].parent.name):
        _fail(post_files[0], (), "a lesson after the pre-test's", "后测要放在前测之后的一讲")
    if set(pre.clauses) != set(post.clauses):
        _fail(
            post_files[0],
            ("questions",),
            f"the pre-test's clauses {sorted(pre.clauses)}",
            f"后测考的条款必须与前测相同（前测：{'、'.join(pre.clauses)}）",
        )
    asked = {q.prompt for q in pre.questions}
    for i, q in enumerate(post.questions):
        if q.prompt in asked:
            _fail(
                post_files[0],
                ("questions", i, "prompt"),
                "a question other than the pre-test's",
                "后测要换一道题（与前测同一条款、不同题目）",
            )


def validate_course(folder: Path | None = None) -> Toc:
    """Read and check every file of the course; the first problem raises :class:`InputError`."""
    folder = folder or course_dir()
    toc = load_toc(folder)
    _check_folder(folder, toc)
    for i, entry in enumerate(toc.lessons):
        for clause in entry.clauses:
            _check_clause(folder / "toc.yaml", ("lessons", i, "clauses", clause), clause)
    for entry in toc.lessons:
        here = folder / entry.folder
        if toc.edition == "full":
            _check_answers(here)
        _check_references(here)
        if (here / "quiz.yaml").exists():
            load_quiz_file(here / "quiz.yaml")
        for name in (QUIZ_FILES["pre"], QUIZ_FILES["post"]):
            if (here / name).exists():
                load_learning_test_file(here / name)
        if (here / "labs.yaml").exists():
            load_labs_file(here / "labs.yaml")
        if (here / "steps.yaml").exists():
            load_steps_file(here / "steps.yaml")
        if (here / "exercises.yaml").exists():
            load_exercises_file(here / "exercises.yaml")
        if (here / "roles.yaml").exists():
            load_roles_file(here / "roles.yaml")
        if (here / "rubric.yaml").exists():  # lesson 09's capstone
            from xsim.teaching.capstone.scoring import load_rubric

            load_rubric(here / "rubric.yaml")
        if (here / "capstone.yaml").exists():
            from xsim.teaching.capstone.plan import load_options

            load_options(path=here / "capstone.yaml")
        if toc.edition == "full" or (here / "facilitator.yaml").exists():
            _check_facilitator(here, entry)
    _check_learning_tests(folder, toc)
    if (folder / "handouts" / "glossary.yaml").exists():
        load_glossary_file(folder / "handouts" / "glossary.yaml")
    return toc
