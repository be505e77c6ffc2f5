#!/usr/bin/env python3
"""Write a collection into the trainer's home — run **as the trainer** by ``collect_service.py``.

Reads one JSON request on stdin: ``{"destination": folder, "room": name, "exports": {login:
{"name": display name, "export": <the trainee's progress.json>}}}`` and writes into
``destination``:

- ``<login>.json`` per trainee: the trainee's progress as an *export*, the file a trainer's class
  summary reads (a progress store is converted with ``xsim.teaching.progress``; without that module,
  or for a file it does not recognise, the trainee's file is written unchanged);
- ``名单.json``: login → display name;
- ``班级汇总.html``: the class summary, when ``xsim.teaching.classroom`` exists.

Prints one JSON line: ``{"files": [...], "summary": path or null, "summary_note": text}``.

The seam to the progress store and class summary (issue 13) is :func:`as_export` and
:func:`write_class_summary`; it uses only their public API — ``progress.STORE_FORMAT``,
``progress.load(path)``, ``progress.export(path, progress=...)``, ``Progress.trainee``,
``classroom.class_summary(files)`` and ``ClassSummary.save_html(path)`` — and a summary that fails
never loses the collected files.
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import sys
import tempfile
from pathlib import Path

PROGRESS_MODULE = "xsim.teaching.progress"
CLASSROOM_MODULE = "xsim.teaching.classroom"
SUMMARY_FILE = "班级汇总.html"


def _module(name: str):
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def as_export(data: object, display_name: str, target: Path) -> Path:
    """Write one trainee's collected file to ``target`` as an export when it is a progress store
    (with the roster's name if the trainee never set one); anything else unchanged."""
    progress = _module(PROGRESS_MODULE)
    is_store = isinstance(data, dict) and progress is not None
    if is_store and data.get("format") == getattr(progress, "STORE_FORMAT", None):
        from_json = getattr(getattr(progress, "Progress", None), "from_json", None)
        if from_json is not None:
            # a damaged store raises (naming the field) instead of loading as empty: written
            # unchanged, so the class summary lists this trainee as 无效, not as 未开始
            from xsim.errors import InputError

            try:
                loaded = from_json(data, target.name)
            except InputError:
                target.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
                return target
        else:
            with tempfile.TemporaryDirectory() as scratch:
                store = Path(scratch) / "progress.json"
                store.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
                loaded = progress.load(store)
        if not loaded.trainee:
            loaded = dataclasses.replace(loaded, trainee=display_name)
        return Path(progress.export(target, progress=loaded))
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def write_class_summary(exports: list[Path], out_dir: Path) -> Path | None:
    """The class summary of these exports, written into ``out_dir``; None without the module."""
    classroom = _module(CLASSROOM_MODULE)
    if classroom is None:
        return None
    summary = classroom.class_summary(exports)
    return Path(summary.save_html(out_dir / SUMMARY_FILE))


def _new_folder(wanted: Path) -> Path:
    """``wanted``, or ``wanted-2``, ``-3`` … when a collection in the same second made it."""
    wanted.parent.mkdir(parents=True, exist_ok=True)
    for attempt in range(1, 1000):
        folder = wanted if attempt == 1 else wanted.with_name(f"{wanted.name}-{attempt}")
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
    raise FileExistsError(wanted)


def main() -> int:
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    destination = _new_folder(Path(request["destination"]))
    files, roster, notes = [], {}, []
    for login, item in sorted(request["exports"].items()):
        target = destination / f"{login}.json"
        try:
            files.append(as_export(item["export"], item["name"], target))
        except Exception as exc:  # one odd file must not stop the room's collection
            target.write_text(json.dumps(item["export"], ensure_ascii=False), encoding="utf-8")
            files.append(target)
            notes.append(f"{login}：未能转换为导出格式（{type(exc).__name__}），已原样保存。")
        roster[login] = item["name"]
    (destination / "名单.json").write_text(
        json.dumps(roster, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    summary = None
    try:
        made = write_class_summary(files, destination)
    except Exception as exc:  # a summary that fails must not lose the collected files
        notes.append(f"班级汇总未能生成（{type(exc).__name__}: {exc}）；已收集的文件不受影响。")
    else:
        if made is None:
            notes.append("未安装班级汇总模块，只收集了各学员的进度文件。")
        else:
            summary = str(made)
    print(
        json.dumps(
            {
                "destination": str(destination),
                "files": [str(f) for f in files],
                "summary": summary,
                "summary_note": " ".join(notes),
            },
            ensure_ascii=False,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
