"""A trainee seen from outside: log in to a room, get a token, run a notebook through the API.

Used by ``tests/test_room.py`` and ``benchmarks/bench_room.py``. Everything goes through the
room's public URL (the proxy), the way a browser does: the hub's login form, the hub's REST API,
then the trainee's own Jupyter server's REST API and kernel websocket.
"""

from __future__ import annotations

import contextlib
import json
import re
import struct
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
    output: str = ""  # what the cell printed (run() only)


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


# What JupyterLab asks its server for while the page opens a notebook (besides static chunks).
LAB_REQUESTS = (
    "lab/api/settings",
    "lab/api/translations/zh_CN",
    "api/kernelspecs",
    "lab/api/workspaces/default",
    "api/sessions",
)


def open_lab(session: requests.Session, base: str, user: str, token: str, notebook: str) -> None:
    """What a browser does before the notebook's kernel starts: the lab page for the notebook
    (through the hub's OAuth redirects, with the session's cookies), its main script, the
    settings, translations and kernel specs, the folder listing and the notebook itself.
    Raises NoAnswer when the server does not answer one of them."""
    server = f"{base}user/{user}/"
    try:
        page = session.get(
            f"{server}lab/tree/{urllib.parse.quote(notebook)}", timeout=HTTP_TIMEOUT_S
        )
        page.raise_for_status()
        for src in re.findall(r'src="(/[^"]+\.js[^"]*)"', page.text):
            session.get(base.rstrip("/") + src, timeout=HTTP_TIMEOUT_S).raise_for_status()
        folder = notebook.rsplit("/", 1)[0] if "/" in notebook else ""
        quoted = urllib.parse.quote
        for path in (
            *LAB_REQUESTS,
            f"api/contents/{quoted(folder)}",
            f"api/contents/{quoted(notebook)}?content=1",
        ):
            reply = requests.get(
                f"{server}{path}",
                headers={"Authorization": f"token {token}"},
                timeout=HTTP_TIMEOUT_S,
            )
            reply.raise_for_status()
    except requests.RequestException as exc:
        raise NoAnswer(f"lab page: {exc}") from exc


def code_cells(notebook_path: Path) -> list[str]:
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    return [
        "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        for cell in notebook["cells"]
        if cell["cell_type"] == "code"
    ]


_code_cells = code_cells  # the name tests/test_room.py used first


class NoAnswer(TimeoutError):
    """The kernel (or the server in front of it) did not answer in time: a counted failure."""


def _message(msg_type: str, content: dict, session_id: str, channel: str = "shell") -> dict:
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
        "channel": channel,
        "buffers": [],
    }


def _decode_frame(raw: str | bytes) -> dict:
    """A kernel message from the websocket: JSON text, or jupyter_server's binary frame for a
    message with buffers (count, offsets, then the JSON part and the buffers; buffers dropped)."""
    if isinstance(raw, str):
        return json.loads(raw)
    (count,) = struct.unpack("!I", raw[:4])
    offsets = struct.unpack(f"!{count}I", raw[4 : 4 + 4 * count])
    end = offsets[1] if count > 1 else len(raw)
    return json.loads(raw[offsets[0] : end].decode("utf-8"))


# What a trainee can do with a widget, and how a front end tells the kernel (ipywidgets 8).
CLICKABLE = {"ButtonModel"}
CHOICES = {"DropdownModel", "RadioButtonsModel", "ToggleButtonsModel", "SelectModel"}
TOGGLES = {"CheckboxModel", "ToggleButtonModel"}
TEXTS = {"TextareaModel", "TextModel"}
# A trainee's actions: buttons (submit, run, next case) most, then choices, ticks, writing.
ACTION_WEIGHTS = {"click": 4, "choose": 3, "tick": 2, "write": 1}
FILL_FIRST = 0.6
WRITING = "本次协商先广泛征求了居民意见，按程序提前通知，会上各方轮流发言，结果及时公示。"


@dataclass
class Action:
    kind: str  # click, choose, tick, write
    description: str
    seconds: float = 0.0
    error: str = ""


class KernelConnection:
    """A notebook's kernel seen through the server's REST API and kernel websocket, as JupyterLab
    sees it: runs cells, keeps the state of the widgets the kernel opens, and sends the messages a
    click, a choice, a tick or typed text in a widget sends. Every wait has a deadline; missing it
    raises :class:`NoAnswer`."""

    def __init__(self, server: str, token: str, notebook: str, timeout_s: float = HTTP_TIMEOUT_S):
        """``server``: the server's base URL (``…/user/<name>/``); ``notebook``: its path there."""
        reply = requests.post(
            f"{server}api/sessions",
            headers={"Authorization": f"token {token}"},
            json={"path": notebook, "type": "notebook", "name": "", "kernel": {"name": "python3"}},
            timeout=timeout_s,
            allow_redirects=False,
        )
        if reply.status_code >= 300:
            raise NoAnswer(f"new session: HTTP {reply.status_code}")
        self.kernel_id = reply.json()["kernel"]["id"]
        ws_base = server.replace("http://", "ws://").replace("https://", "wss://")
        try:
            self.ws = websocket.create_connection(
                f"{ws_base}api/kernels/{self.kernel_id}/channels",
                header=[f"Authorization: token {token}"],
                timeout=timeout_s,
            )
        except (OSError, websocket.WebSocketException) as exc:
            raise NoAnswer(f"kernel websocket: {exc}") from exc
        self.session_id = uuid.uuid4().hex
        self.widgets: dict[str, dict] = {}  # comm id -> the widget's state

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.ws.close()

    def _send(self, msg: dict) -> str:
        try:
            self.ws.send(json.dumps(msg))
        except (OSError, websocket.WebSocketException) as exc:
            raise NoAnswer(f"send: {exc}") from exc
        return msg["header"]["msg_id"]

    def _receive(self, deadline: float) -> dict:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise NoAnswer("no answer in time")
        try:
            self.ws.settimeout(remaining)
            msg = _decode_frame(self.ws.recv())
        except (OSError, websocket.WebSocketException) as exc:
            raise NoAnswer(f"no answer in time ({type(exc).__name__})") from exc
        except (ValueError, struct.error) as exc:
            raise NoAnswer(f"unreadable message: {exc}") from exc
        self._track_widget(msg)
        return msg

    def _track_widget(self, msg: dict) -> None:
        kind, content = msg.get("header", {}).get("msg_type"), msg.get("content", {})
        if kind == "comm_open":
            self.widgets[content.get("comm_id")] = dict(content.get("data", {}).get("state", {}))
        elif kind == "comm_msg":
            data = content.get("data", {})
            if data.get("method") in ("update", "echo_update") and content.get("comm_id") in (
                self.widgets
            ):
                self.widgets[content["comm_id"]].update(data.get("state", {}))
        elif kind == "comm_close":
            self.widgets.pop(content.get("comm_id"), None)

    def wait_ready(self, timeout_s: float) -> float:
        """Until the kernel answers ``kernel_info`` (it is started and connected): seconds."""
        started = time.monotonic()
        msg_id = self._send(_message("kernel_info_request", {}, self.session_id))
        deadline = started + timeout_s
        while True:
            msg = self._receive(deadline)
            if (
                msg.get("parent_header", {}).get("msg_id") == msg_id
                and msg["header"]["msg_type"] == "kernel_info_reply"
            ):
                return time.monotonic() - started

    def run_all(self, cells: list[str], timeout_s: float) -> list[CellRun]:
        """Send every cell at once, as 运行全部 does; each cell's seconds from that moment until its
        reply (so the last is how long until the whole lesson has run)."""
        started = time.monotonic()
        ids = [
            self._send(_message("execute_request", {"code": c, "silent": False}, self.session_id))
            for c in cells
        ]
        index = {msg_id: i for i, msg_id in enumerate(ids)}
        runs: dict[int, CellRun] = {}
        errors: dict[int, str] = {}
        deadline = started + timeout_s
        while len(runs) < len(ids):
            msg = self._receive(deadline)
            i = index.get(msg.get("parent_header", {}).get("msg_id"))
            if i is None:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "error":
                errors[i] = f"{msg['content'].get('ename')}: {msg['content'].get('evalue')}"
            elif kind == "execute_reply":
                error = errors.get(i, "")
                if msg["content"].get("status") != "ok" and not error:
                    error = str(msg["content"].get("ename") or msg["content"].get("status"))
                runs[i] = CellRun(i, time.monotonic() - started, error)
        return [runs[i] for i in range(len(ids))]

    def run(self, code: str, timeout_s: float) -> CellRun:
        """One cell, waiting for its reply and for the kernel to be idle again."""
        started = time.monotonic()
        msg_id = self._send(_message("execute_request", {"code": code}, self.session_id))
        deadline = started + timeout_s
        error, replied, idle, seconds, output = "", False, False, 0.0, []
        while not (replied and idle):
            msg = self._receive(deadline)
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["header"]["msg_type"]
            if kind == "stream":
                output.append(msg["content"].get("text", ""))
            elif kind == "error":
                error = f"{msg['content'].get('ename')}: {msg['content'].get('evalue')}"
            elif kind == "execute_reply":
                replied, seconds = True, time.monotonic() - started
                if msg["content"].get("status") != "ok" and not error:
                    error = str(msg["content"].get("ename") or msg["content"].get("status"))
            elif kind == "status" and msg["content"].get("execution_state") == "idle":
                idle = True
        return CellRun(-1, seconds, error, "".join(output))

    def actions(self) -> list[tuple[str, str]]:
        """(kind, comm id) of every widget a trainee could use now."""
        found = []
        for comm_id, state in self.widgets.items():
            model = state.get("_model_name")
            if state.get("disabled"):
                continue
            if model in CLICKABLE:
                found.append(("click", comm_id))
            elif model in CHOICES and len(state.get("_options_labels") or ()) > 1:
                found.append(("choose", comm_id))
            elif model in TOGGLES:
                found.append(("tick", comm_id))
            elif model in TEXTS:
                found.append(("write", comm_id))
        return found

    def act(self, rng, timeout_s: float) -> Action:
        """One human action on a widget chosen by ``rng`` (kinds weighted by ACTION_WEIGHTS):
        send it and wait until the kernel has handled it (status idle for that message)."""
        available = self.actions()
        if not available:
            return Action("none", "", error="no widget to use")
        # Most steps fill in what is still open (a choice at 请选择, an empty text), as a trainee
        # works through an exercise before pressing its button; the rest are any action.
        unfilled = [(kind, c) for kind, c in available if self._unfilled(kind, c)]
        if unfilled and rng.random() < FILL_FIRST:
            kind, comm_id = rng.choice(unfilled)
        else:
            weights = [ACTION_WEIGHTS[kind] for kind, _ in available]
            kind, comm_id = rng.choices(available, weights=weights)[0]
        return self.use(kind, comm_id, rng, timeout_s)

    def _unfilled(self, kind: str, comm_id: str) -> bool:
        state = self.widgets[comm_id]
        if kind == "choose":
            return state.get("index") in (None, 0) and str(
                (state.get("_options_labels") or [""])[0]
            ).startswith("请选择")
        return kind == "write" and not state.get("value")

    def use(self, kind: str, comm_id: str, rng, timeout_s: float) -> Action:
        """Send one action on one widget and wait until the kernel has handled it."""
        state = self.widgets[comm_id]
        if kind == "click":
            data = {"method": "custom", "content": {"event": "click"}}
        elif kind == "choose":
            options = state.get("_options_labels") or ()
            # a trainee picks an answer, not the placeholder (请选择) in front of them
            first = 1 if str(options[0]).startswith("请选择") else 0
            data = {"method": "update", "state": {"index": rng.randrange(first, len(options))}}
        elif kind == "tick":
            data = {"method": "update", "state": {"value": not state.get("value")}}
        else:
            data = {"method": "update", "state": {"value": WRITING}}
        if data["method"] == "update":
            data["buffer_paths"] = []
            state.update(data["state"])
        action = Action(kind, str(state.get("description") or state.get("_model_name")))
        started = time.monotonic()
        msg_id = self._send(
            _message("comm_msg", {"comm_id": comm_id, "data": data}, self.session_id)
        )
        deadline = started + timeout_s
        while True:
            msg = self._receive(deadline)
            if (
                msg.get("parent_header", {}).get("msg_id") == msg_id
                and msg["header"]["msg_type"] == "status"
                and msg["content"].get("execution_state") == "idle"
            ):
                action.seconds = time.monotonic() - started
                return action
            if msg.get("parent_header", {}).get("msg_id") == msg_id and msg["header"][
                "msg_type"
            ] in ("error", "stream"):
                text = msg["content"].get("evalue") or ""
                if msg["header"]["msg_type"] == "error":
                    action.error = text


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
    kernel = KernelConnection(f"{base}user/{user}/", token, notebook)
    run = NotebookRun(notebook, kernel_id=kernel.kernel_id)
    try:
        for index, code in enumerate([*code_cells(source), *extra_cells]):
            if think_s is not None and index:
                time.sleep(think_s())
            try:
                done = kernel.run(code, cell_timeout_s)
            except NoAnswer as exc:
                run.cells.append(CellRun(index, cell_timeout_s, f"no reply: {exc}"))
                break
            run.cells.append(CellRun(index, done.seconds, done.error))
    finally:
        kernel.close()
    return run


def quote_path(path: str) -> str:
    return urllib.parse.quote(path)
