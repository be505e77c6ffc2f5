#!/usr/bin/env python3
"""The room's "collect" service: the trainer gathers every trainee's progress export.

A JupyterHub-managed service (see ``jupyterhub_config.py``), reachable at ``/services/collect/``
only by accounts holding ``access:services!service=collect`` — the trainer's role; trainees get a
403. It shows the room's roster with each trainee's last activity and a button 收集进度; the same
action is available to the trainer's API token as ``POST /services/collect/api/collect`` (JSON).

Collecting reads ``~/<[collect] progress_file>`` of every trainee **as that trainee** (a child
process with the trainee's uid: a symlink in a trainee's home reaches nothing the trainee could not
read), caps its size, checks it is JSON, and hands the set to ``collect_write.py`` running **as the
trainer**, which writes one file per trainee into ``~/<[collect] folder>/<time>/`` of the trainer
and, where the class-summary module exists, the class summary beside them (the seam is
``collect_write.write_class_summary``). The service itself runs as the hub's user (root) only to
start those two kinds of child process.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import os
import pwd
import subprocess
import sys
import urllib.request
from pathlib import Path

from jupyterhub.services.auth import HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import ioloop, web

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import answer_service  # noqa: E402
from roomaccounts import run_as  # noqa: E402
from roomconfig import Room, load_room  # noqa: E402

# Run as the trainee: print the export's bytes (at most max_bytes + 1) or exit with a status code.
READER = """
import os, stat, sys
path, limit = sys.argv[1], int(sys.argv[2])
try:
    if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO or device would block or never end
        sys.exit(5)
    with open(path, "rb") as f:
        data = f.read(limit + 1)
except FileNotFoundError:
    sys.exit(3)
except IsADirectoryError:
    sys.exit(3)
except PermissionError:
    sys.exit(5)
if len(data) > limit:
    sys.exit(4)
sys.stdout.buffer.write(data)
"""
STATUS_ZH = {
    "ok": "已收集",
    "missing": "尚无进度文件",
    "too_large": "文件过大，未收集",
    "invalid": "文件不是有效的 JSON，未收集",
    "unreadable": "无法读取",
}


# Children run as a room account, with the runtime those accounts run (see roomruntime.py).
RUNTIME = json.loads(os.environ.get("XSIM_ROOM_RUNTIME") or "{}")
ACCOUNT_PYTHON = RUNTIME.get("python") or sys.executable
ACCOUNT_PYTHON_ENV = dict(RUNTIME.get("environment") or {})


def _environment() -> dict[str, str]:
    """What a room account's child process needs of the runtime (see roomruntime.py)."""
    env = dict(ACCOUNT_PYTHON_ENV)
    if RUNTIME.get("root"):
        env["XSIM_COURSE"] = f"{RUNTIME['root']}/course"
    return env


def read_export(room: Room, login: str) -> tuple[str, object | None]:
    """One trainee's export, read with the trainee's own rights: (status, parsed JSON or None)."""
    collect = room.settings.collect
    try:
        path = str(Path(pwd.getpwnam(login).pw_dir) / collect.progress_file)
        done = run_as(
            login,
            _environment(),
            [ACCOUNT_PYTHON, "-I", "-S", "-c", READER, path, str(collect.max_bytes)],
            capture_output=True,
            timeout=30,
        )
    except (KeyError, OSError, subprocess.SubprocessError):
        return "unreadable", None
    status = {0: "ok", 3: "missing", 4: "too_large"}.get(done.returncode, "unreadable")
    if status != "ok":
        return status, None
    return parse_export(done.stdout)


def parse_export(raw: bytes) -> tuple[str, object | None]:
    """("ok", data) for a JSON file, ("invalid", None) for anything else — deep nesting too."""
    try:
        return "ok", json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):  # RecursionError: [[[[…]]]]
        return "invalid", None


def collect(room: Room) -> dict:
    """Gather the room's exports into the trainer's home; return what happened, per trainee."""
    stamp = dt.datetime.now().strftime("%Y-%m-%d_%H%M%S")
    exports, results = {}, []
    for trainee in room.trainees:
        status, data = read_export(room, trainee.login)
        results.append(
            {
                "login": trainee.login,
                "name": trainee.display_name,
                "status": status,
                "status_zh": STATUS_ZH[status],
            }
        )
        if status == "ok":
            exports[trainee.login] = {"name": trainee.display_name, "export": data}
    entry = pwd.getpwnam(room.trainer)
    destination = Path(entry.pw_dir) / room.settings.collect.folder / stamp
    request = {"destination": str(destination), "room": room.name, "exports": exports}
    written = run_as(
        room.trainer,
        _environment(),
        [ACCOUNT_PYTHON, "-I", "-m", "xsim_room.collect_write"],
        input=json.dumps(request, ensure_ascii=False).encode("utf-8"),
        capture_output=True,
        timeout=300,
    )
    try:
        outcome = json.loads(written.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        outcome = {"error": written.stderr.decode("utf-8", errors="replace")[-2000:]}
    home = Path(entry.pw_dir)
    written_to = Path(outcome.get("destination") or destination)
    relative = str(written_to.relative_to(home) if written_to.is_relative_to(home) else destination)
    summary = outcome.get("summary")
    if summary and Path(summary).is_relative_to(home):
        summary = str(Path(summary).relative_to(home))
    return {
        "room": room.name,
        "folder": relative,
        "collected": sum(r["status"] == "ok" for r in results),
        "trainees": results,
        "summary": summary,
        "summary_note": outcome.get("summary_note"),
        "error": outcome.get("error"),
    }


def last_activity() -> dict[str, str]:
    """Each user's last activity, from the hub API (the service's own token)."""
    api = os.environ.get("JUPYTERHUB_API_URL", "")
    token = os.environ.get("JUPYTERHUB_API_TOKEN", "")
    if not api or not token:
        return {}
    request = urllib.request.Request(
        url_path_join(api, "users"), headers={"Authorization": f"token {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            users = json.loads(resp.read())
    except (OSError, ValueError):
        return {}
    return {user["name"]: user.get("last_activity") or "" for user in users}


PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>收集学员进度 · {room}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:60em}}
table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:.3em .8em;text-align:left}}
button{{font-size:1.1em;padding:.4em 1.2em}}</style></head>
<body><h1>培训教室「{room}」· 学员进度</h1>{body}</body></html>"""


class RoomHandler(HubOAuthenticated, web.RequestHandler):
    def initialize(self, room: Room):
        self.room = room

    def roster_html(self, statuses: dict[str, str] | None = None) -> str:
        activity = last_activity()
        rows = []
        for trainee in self.room.trainees:
            seen = activity.get(trainee.login, "")
            seen = seen[:16].replace("T", " ") if seen else "未登录"
            cells = [trainee.display_name, trainee.login, seen]
            if statuses is not None:
                cells.append(statuses.get(trainee.login, ""))
            rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
        head = ["姓名", "登录名", "最近活动（UTC）"] + (
            ["本次收集"] if statuses is not None else []
        )
        return (
            "<table><tr>"
            + "".join(f"<th>{h}</th>" for h in head)
            + "</tr>"
            + "".join(rows)
            + "</table>"
        )

    def form_html(self) -> str:
        action = url_path_join(os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/"), "collect")
        return (
            f'<form method="post" action="{action}">{self.xsrf_form_html()}'
            "<p><button type=submit>收集进度</button> 把每位学员的进度文件收集到您的主目录。</p>"
            "</form>"
        )


class HomeHandler(RoomHandler):
    @web.authenticated
    def get(self):
        body = self.form_html() + self.roster_html()
        self.finish(PAGE.format(room=html.escape(self.room.name), body=body))


class CollectPageHandler(RoomHandler):
    @web.authenticated
    async def post(self):
        result = await ioloop.IOLoop.current().run_in_executor(None, collect, self.room)
        statuses = {r["login"]: r["status_zh"] for r in result["trainees"]}
        user = self.current_user["name"]
        folder = url_path_join("/user", user, "lab/tree", result["folder"])
        parts = [
            f"<p>已收集 {result['collected']} / {len(self.room.trainees)} 名学员的进度，"
            f'保存在您主目录的 <a href="{html.escape(folder)}">{html.escape(result["folder"])}</a>。</p>'
        ]
        if result.get("summary"):
            link = url_path_join("/user", user, "files", result["summary"])
            parts.append(
                f'<p>班级汇总：<a href="{html.escape(link)}" target="_blank">'
                f"{html.escape(result['summary'])}</a></p>"
            )
        if result.get("summary_note"):
            parts.append(f"<p>{html.escape(result['summary_note'])}</p>")
        if result.get("error"):
            parts.append(f"<pre>{html.escape(result['error'])}</pre>")
        body = "".join(parts) + self.form_html() + self.roster_html(statuses)
        self.finish(PAGE.format(room=html.escape(self.room.name), body=body))


class CollectApiHandler(RoomHandler):
    def check_xsrf_cookie(self):
        """Token-authenticated API calls carry no xsrf cookie; cookie callers still need one."""
        if "Authorization" not in self.request.headers:
            super().check_xsrf_cookie()

    @web.authenticated
    async def post(self):
        result = await ioloop.IOLoop.current().run_in_executor(None, collect, self.room)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps(result, ensure_ascii=False))


def main() -> None:
    room = load_room(os.environ["XSIM_ROOM_CONFIG"])
    prefix = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/services/collect/")
    app = web.Application(
        [
            (prefix, HomeHandler, {"room": room}),
            (url_path_join(prefix, "collect"), CollectPageHandler, {"room": room}),
            (url_path_join(prefix, "api/collect"), CollectApiHandler, {"room": room}),
            (url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler),
        ],
        cookie_secret=os.urandom(32),
        xsrf_cookies=True,
    )
    url = os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:8082")
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    app.listen(port, "127.0.0.1")
    ioloop.IOLoop.current().add_callback(answer_service.serve, room)
    with contextlib.suppress(KeyboardInterrupt):  # the hub stops its services with SIGINT
        ioloop.IOLoop.current().start()


if __name__ == "__main__":
    main()
