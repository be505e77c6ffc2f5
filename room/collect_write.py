#!/usr/bin/env python3
"""Write a collection into the trainer's home — run **as the trainer** by ``collect_service.py``.

Reads one JSON request on stdin: ``{"destination": folder, "room": name, "exports": {login:
{"name": display name, "export": <the trainee's progress.json>}}}``; writes
``<destination>/<login>.json`` (each trainee's export, unchanged) and ``<destination>/名单.json``
(login → display name), then asks for the class summary through :func:`write_class_summary`.
Prints one JSON line: ``{"files": [...], "summary": path or null, "summary_note": text}``.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

CLASSROOM_MODULE = "xsim.teaching.classroom"


def write_class_summary(exports: list[Path], out_dir: Path) -> Path | None:
    """The seam to the class summary (issue 13: "a trainer notebook that merges a room's exports").

    Contract: the module ``xsim.teaching.classroom`` provides
    ``write_class_summary(exports: list[pathlib.Path], out_dir: pathlib.Path) -> pathlib.Path``,
    which reads the given progress exports (each a trainee's ``progress.json``), writes the class
    summary into ``out_dir`` and returns the file the trainer should open. When the module is not
    installed this returns None and the trainer gets the collected files only.
    """
    try:
        classroom = importlib.import_module(CLASSROOM_MODULE)
    except ImportError:
        return None
    return classroom.write_class_summary(exports, out_dir)


def main() -> int:
    request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
    destination = Path(request["destination"])
    destination.mkdir(parents=True, exist_ok=True)
    files, roster = [], {}
    for login, item in sorted(request["exports"].items()):
        path = destination / f"{login}.json"
        path.write_text(json.dumps(item["export"], ensure_ascii=False, indent=1), encoding="utf-8")
        files.append(str(path))
        roster[login] = item["name"]
    (destination / "名单.json").write_text(
        json.dumps(roster, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    summary, note = None, ""
    try:
        made = write_class_summary([Path(f) for f in files], destination)
    except Exception as exc:  # a summary that fails must not lose the collected files
        note = f"班级汇总未能生成（{type(exc).__name__}: {exc}）；已收集的文件不受影响。"
    else:
        if made is None:
            note = "未安装班级汇总模块，只收集了各学员的进度文件。"
        else:
            summary = str(made)
    print(
        json.dumps({"files": files, "summary": summary, "summary_note": note}, ensure_ascii=False)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
