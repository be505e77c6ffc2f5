"""Build the course: ``make notebooks`` (executed trainee notebooks) from ``course/``.

Steps: check every course file (``xsim.teaching.course_check.validate_course``: a trainer's typo
stops the build with a Chinese message naming file, line and field, exit 2); evaluate every claim
of the lessons (``claims.yaml``: a simulated effect the text states that the simulation does not
support stops the build, naming it, exit 1); build each lesson's trainee
notebook (``xsim.teaching.edition``); execute it in ``notebooks/`` with the ``python3`` kernel; keep
text, HTML and figures but no widget state; write everything into a temporary folder and only then
move it into ``notebooks/`` — a failed build leaves the stored notebooks as they were. A cell that
raises or writes to stderr fails the build. ``course/README.md`` (the lesson table and the clause
map, for trainers) is written from ``course/toc.yaml``; ``notebooks/`` holds the lesson notebooks and
nothing else — it is what trainees see in JupyterLab's file browser and on Voilà's start page.
A full build removes the stored results (``course/_computed``) no lesson used.

Usage::

    .venv/bin/python tools/build_course.py             # all lessons
    .venv/bin/python tools/build_course.py 01 04       # only these lessons
    .venv/bin/python tools/build_course.py --check     # validate the course files only
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
# The kernels run this tree's sources too (also when the venv's xsim is another checkout).
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT / "src"), os.environ.get("PYTHONPATH", "")) if p
)

from xsim.errors import InputError  # noqa: E402
from xsim.teaching.course_check import validate_course  # noqa: E402
from xsim.teaching.edition import keep_outputs, lesson_notebook, notebook_name  # noqa: E402
from xsim.teaching.lessons import Toc  # noqa: E402
from xsim.teaching.precomputed import LOG_ENV as PRECOMPUTE_LOG  # noqa: E402

COURSE = ROOT / "course"
NOTEBOOKS = ROOT / "notebooks"


def failing_claims(course: Path, lessons: list[str]) -> list[tuple[str, str, str]]:
    """(lesson, claim id, why) of every claim of these lessons (all: empty) the simulation does
    not support."""
    from xsim.teaching.claims import course_claims, evaluate, sentence

    out = []
    for lesson, claim in course_claims(course):
        if lessons and lesson not in lessons:
            continue
        evidence = evaluate(claim)
        if not evidence.holds:
            said = sentence(evidence) if evidence.n else "（没有可比较的模拟结果）"
            out.append((lesson, claim.id, f"{said} {evidence.verdict_zh()}"))
    return out


class BuildError(Exception):
    """A lesson failed to execute (the message names the lesson and the cell)."""


def execute(nb: nbformat.NotebookNode, name: str, timeout: int = 600) -> float:
    from nbclient import NotebookClient

    start = time.perf_counter()
    client = NotebookClient(
        nb,
        kernel_name="python3",
        timeout=timeout,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
        store_widget_state=False,
    )
    try:
        client.execute()
    except Exception as exc:  # nbclient's CellExecutionError and kernel failures
        raise BuildError(f"{name}：执行失败：{str(exc).strip().splitlines()[-1][:300]}") from None
    problems = []
    for i, cell in enumerate(nb.cells):
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                problems.append(f"第 {i} 个单元格出错：{o.get('ename')}: {o.get('evalue')}")
            if o.get("output_type") == "stream" and o.get("name") == "stderr":
                problems.append(f"第 {i} 个单元格有警告输出：{''.join(o.get('text', ''))[:300]}")
    if problems:
        raise BuildError(f"{name}：" + "；".join(problems))
    return time.perf_counter() - start


def build_lesson(entry, toc: Toc, out_dir: Path, course: Path = COURSE) -> tuple[str, float]:
    nb = lesson_notebook(entry, toc, "trainee", course)
    seconds = execute(nb, entry.folder)
    keep_outputs(nb)
    nbformat.validate(nb)
    nbformat.write(nb, out_dir / notebook_name(entry))
    return entry.folder, seconds


def readme_text(toc: Toc) -> str:
    """course/README.md: the lesson table and the clause map, from course/toc.yaml."""
    from xsim.rules.clauses import CLAUSES

    lines = [
        f"# {toc.title}：课程安排与条款对照",
        "",
        "本文件由 `course/toc.yaml` 生成（`make notebooks`），请勿直接修改。课程内容的源文件在 "
        "`course/` 下，每一讲一个文件夹；培训者怎样修改题目、模拟和增加一讲，见 `docs/teaching.md`。",
        "",
        "学员版笔记本在 `notebooks/`（那里只放各讲的笔记本，学员在文件栏和演示模式的目录里只看到课程）；"
        "培训者的班级汇总笔记本在 `trainer/`。学员只需要**运行单元格、点选答案、点击按钮**，不需要修改任何代码。"
        "在工具包根目录运行 `make lab` 打开 JupyterLab，从 `00_导读` 开始，依次打开各讲，"
        "点菜单“运行 → 运行所有单元格”。",
        "",
        "## 课程安排",
        "",
        "| 讲次 | 笔记本 | 内容 | 时长 |",
        "|---|---|---|---|",
    ]
    for e in toc.lessons:
        lines.append(f"| {e.id} | `{notebook_name(e)}` | {e.summary} | {e.minutes} 分钟 |")
    total = sum(e.minutes for e in toc.lessons)
    lines += [
        "",
        f"合计 {total} 分钟。培训者版（含全部参考答案和自测题答案）和打印讲义由 `make handouts` 生成。",
        "",
        "## 《通知》条款与课程的对照",
        "",
        "条款编号是本项目对《通知》各条的固定编号（与规则引擎、协商记录检查结果中的编号一致）。",
        "",
        "| 条款 | 内容 | 讲授的笔记本和练习 |",
        "|---|---|---|",
    ]
    for cid in sorted((c for c in CLAUSES if c.startswith("§")), key=_clause_key):
        where = "；".join(f"{e.id} {e.clauses[cid]}" for e in toc.lessons if cid in e.clauses)
        lines.append(f"| {cid} | {CLAUSES[cid].title_zh} | {where or '—'} |")
    return "\n".join(lines) + "\n"


def _clause_key(cid: str) -> tuple:
    parts = cid.lstrip("§").split(".")
    return (int(parts[0]), parts[1] if len(parts) > 1 else "")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description="build the course notebooks")
    parser.add_argument("lessons", nargs="*", help="lesson numbers (default: all)")
    parser.add_argument("--check", action="store_true", help="validate the course files only")
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--course", type=Path, default=COURSE, help="course folder (tests)")
    parser.add_argument("--out", type=Path, default=NOTEBOOKS, help="output folder (tests)")
    args = parser.parse_args(argv)
    course, out = args.course.resolve(), args.out.resolve()
    os.environ["XSIM_COURSE"] = str(course)  # the kernels read this course's YAML files
    # The lessons' exercises save answers to a progress store: the builder's kernels write into a
    # throw-away Jupyter data folder, never into the builder's own progress.
    scratch = tempfile.TemporaryDirectory(prefix="xsim-build-")
    os.environ["JUPYTER_DATA_DIR"] = scratch.name
    # the kernels store the lessons' static simulation tables for trainees' runs (course/_computed)
    os.environ["XSIM_PRECOMPUTE_WRITE"] = "1"
    try:
        toc = validate_course(course)
    except InputError as err:
        print(f"课程文件有误：{err.message('zh')}", file=sys.stderr)
        return 2
    if args.check:
        print(f"课程文件检查通过：{len(toc.lessons)} 讲")
        return 0
    entries = [e for e in toc.lessons if not args.lessons or e.id in args.lessons]
    unknown = sorted(set(args.lessons) - {e.id for e in toc.lessons})
    if unknown:
        print(f"课程目录中没有这些讲次：{'、'.join(unknown)}", file=sys.stderr)
        return 2
    # every simulated effect the lessons state must hold before any notebook is built; the
    # claims' runs are stored with the course's results (course/_computed), keyed by their inputs
    log = Path(scratch.name) / "used.txt"
    os.environ[PRECOMPUTE_LOG] = str(log)
    failed = failing_claims(course, args.lessons)
    if failed:
        print("构建失败，笔记本未改动：以下模拟结论不成立（课文与模拟结果不符）：", file=sys.stderr)
        for lesson, claim_id, line in failed:
            print(f"  第 {lesson} 讲 {claim_id}：{line}", file=sys.stderr)
        return 1
    start = time.perf_counter()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".build-", dir=out) as tmp:
        out_dir = Path(tmp)
        try:
            with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
                done = list(pool.map(lambda e: build_lesson(e, toc, out_dir, course), entries))
        except (BuildError, InputError) as err:
            msg = err.message("zh") if isinstance(err, InputError) else str(err)
            print(f"构建失败，笔记本未改动：{msg}", file=sys.stderr)
            return 1
        for entry in entries:  # every lesson built: now move them into place
            os.replace(out_dir / notebook_name(entry), out / notebook_name(entry))
    readme = course / "README.md"
    if not readme.exists() or readme.read_text(encoding="utf-8") != readme_text(toc):
        readme.write_text(readme_text(toc), encoding="utf-8")
    if not args.lessons:  # a full build used every stored result the course needs
        from xsim.teaching.precomputed import prune, store_dir, used_files

        gone = prune(store_dir(), used_files(log))
        if gone:
            print(f"removed {len(gone)} stored results no lesson uses")
    for name, seconds in done:
        print(f"{name}: executed in {seconds:.1f} s")
    print(f"built {len(done)} notebooks in {time.perf_counter() - start:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
