"""A trainee seen from outside: log in to a room, get a token, run a notebook through the API.

Used by ``tests/test_room.py`` and ``benchmarks/bench_room.py``. Everything goes through the
room's public URL (the proxy), the way a browser does: the hub's login form, the hub's REST API,
then the trainee's own Jupyter server's REST API and kernel websocket.
"""

from __future__ import annotations

import json
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests
import websocket

HTTP_TIMEOUT_S = 30


@dataclass
class CellRun:
    index: int
    seconds: float
    error: str = ""


@dataclass
class NotebookRun:
    path: str
    cells: list[CellRun] = field(default_factory=list)
    kernel_id: str = ""

    @property
    def errors(self) -> list[str]:
        return [f"cell {c.index}: {c.error}" for c in self.cells if c.error]


def login(base: str, user: str, password: str) -> requests.Session:
    """Log in through the hub's form, as a browser would; the session holds the hub's cookies."""
    session = requests.Session()
    page = session.get(f"{base}hub/login", timeout=HTTP_TIMEOUT_S)
    page.raise_for_status()
    xsrf = session.cookies.get("_xsrf", path="/hub/") or session.cookies.get("_xsrf")
    done = session.post(
        f"{base}hub/login?next=",
        data={"username": user, "password": password, "_xsrf": xsrf},
        allow_redirects=False,
        timeout=HTTP_TIMEOUT_S,
    )
    if done.status_code not in (302, 303):
        raise PermissionError(f"login of {user} refused: HTTP {done.status_code}")
    return session


def api_token(session: requests.Session, base: str, user: str) -> str:
    """A new API token of this user, asked for with the logged-in session (cookie + xsrf)."""
    xsrf = session.cookies.get("_xsrf", path="/hub/") or session.cookies.get("_xsrf")
    reply = session.post(
        f"{base}hub/api/users/{user}/tokens",
        headers={"X-XSRFToken": xsrf},
        json={"note": "room client", "expires_in": 3600},
        timeout=HTTP_TIMEOUT_S,
    )
    reply.raise_for_status()
    return reply.json()["token"]


def hub_api(base: str, token: str, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(
        method,
        f"{base}hub/api/{path}",
        headers={"Authorization": f"token {token}"},
        timeout=HTTP_TIMEOUT_S,
        **kwargs,
    )


def server_api(
    base: str, user: str, token: str, method: str, path: str, **kwargs
) -> requests.Response:
    return requests.request(
        method,
        f"{base}user/{user}/api/{path}",
        headers={"Authorization": f"token {token}"},
        timeout=HTTP_TIMEOUT_S,
        allow_redirects=False,
        **kwargs,
    )


def start_server(base: str, user: str, token: str, timeout_s: float = 180) -> float:
    """Start the user's server (if it is not running) and wait until it answers; seconds taken."""
    started = time.monotonic()
    reply = hub_api(base, token, "POST", f"users/{user}/server")
    if reply.status_code not in (201, 202, 400):  # 400: already running
        reply.raise_for_status()
    while time.monotonic() - started < timeout_s:
        model = hub_api(base, token, "GET", f"users/{user}").json()
        server = (model.get("servers") or {}).get("")
        if server is None and time.monotonic() - started > 10:
            raise RuntimeError(f"server of {user} failed to start (see the hub's log)")
        ready = server and server.get("ready")
        if ready and server_api(base, user, token, "GET", "status").status_code == 200:
            return time.monotonic() - started
        time.sleep(0.5)
    raise TimeoutError(f"server of {user} not ready within {timeout_s:.0f}s")


def _code_cells(notebook_path: Path) -> list[str]:
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    return [
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
    ]


def _message(msg_type: str, content: dict, session_id: str) -> dict:
    return {
        "header": {
            "msg_id": uuid.uuid4().hex,
            "username": "room-client",
            "session": session_id,
            "msg_type": msg_type,
            "version": "5.3",
            "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        },
        "parent_header": {},
        "metadata": {},
        "content": content,
        "channel": "shell",
        "buffers": [],
    }


def run_code(connection, code: str, session_id: str, timeout_s: float) -> tuple[float, str]:
    """Execute one cell on an open kernel websocket: (seconds until its reply, error or '')."""
    request = _message("execute_request", {"code": code, "silent": False}, session_id)
    request_id = request["header"]["msg_id"]
    started = time.monotonic()
    connection.send(json.dumps(request))
    error, replied, idle = "", False, False
    while not (replied and idle):
        remaining = timeout_s - (time.monotonic() - started)
        if remaining <= 0:
            return time.monotonic() - started, f"no reply within {timeout_s:.0f}s"
        connection.settimeout(remaining)
        raw = connection.recv()
        if isinstance(raw, bytes):
            continue
        msg = json.loads(raw)
        if msg.get("parent_header", {}).get("msg_id") != request_id:
            continue
        kind = msg["header"]["msg_type"]
        if kind == "error":
            error = f"{msg['content'].get('ename')}: {msg['content'].get('evalue')}"
        elif kind == "execute_reply":
            replied = True
            elapsed = time.monotonic() - started
            if msg["content"].get("status") != "ok" and not error:
                error = str(msg["content"].get("ename") or msg["content"].get("status"))
        elif kind == "status" and msg["content"].get("execution_state") == "idle":
            idle = True
    return elapsed, error


def open_kernel(base: str, user: str, token: str, notebook: str) -> tuple[str, object]:
    """A session for ``notebook`` (path in the user's home) and a websocket to its kernel."""
    reply = server_api(
        base,
        user,
        token,
        "POST",
        "sessions",
        json={"path": notebook, "type": "notebook", "name": "", "kernel": {"name": "python3"}},
    )
    reply.raise_for_status()
    kernel_id = reply.json()["kernel"]["id"]
    ws_base = base.replace("http://", "ws://").replace("https://", "wss://")
    connection = websocket.create_connection(
        f"{ws_base}user/{user}/api/kernels/{kernel_id}/channels",
        header=[f"Authorization: token {token}"],
        timeout=HTTP_TIMEOUT_S,
    )
    return kernel_id, connection


def run_notebook(
    base: str,
    user: str,
    token: str,
    notebook: str,
    source: Path,
    cell_timeout_s: float = 300,
    think_s=None,
    extra_cells: tuple[str, ...] = (),
) -> NotebookRun:
    """Run the code cells of ``source`` (the course's copy of the notebook at ``notebook`` in the
    user's home) in a new kernel of the user's server, in order; ``think_s()`` (optional) gives the
    pause before each cell, as a trainee reads. ``extra_cells`` run afterwards."""
    kernel_id, connection = open_kernel(base, user, token, notebook)
    session_id = uuid.uuid4().hex
    run = NotebookRun(notebook)
    try:
        for index, code in enumerate([*_code_cells(source), *extra_cells]):
            if think_s is not None and index:
                time.sleep(think_s())
            seconds, error = run_code(connection, code, session_id, cell_timeout_s)
            run.cells.append(CellRun(index, seconds, error))
    finally:
        connection.close()
    run.kernel_id = kernel_id
    return run


def quote_path(path: str) -> str:
    return urllib.parse.quote(path)
