"""Live training rooms (``make room``): two trainees, what a trainee cannot read, idle culling.

Marker ``room``. Each test starts a real room — JupyterHub on loopback on free ports, system
accounts named ``xsrt<random>…`` (removed afterwards with ``userdel -r``), state under
``/var/lib/xsim-room-test/`` (roomctl accepts only root-owned paths), the checkout closed to
other accounts while it runs (roomctl refuses otherwise) — and stops it.

- ``test_a_trainee_reads_nothing_it_should_not``: from trainee A's kernel, every file of the
  checkout (answers, trainer edition, config) and of the room's state (log, accounts, passwords,
  the hub's database) is refused; A's copy of the course has no trainer edition; no quiz answer
  or explanation is in anything A's kernel can read of the runtime or its home; A's kernel gets
  judgements from the room's answer service (root, not a room account, gets none); the fork
  server refuses what is not asked for by whom it may be; with /proc on ``hidepid`` A sees none of
  B's processes; A's kernel came warm from the fork server.
- ``test_two_trainees_in_a_room``: both trainees log in through the hub's page in headless
  Chromium (``/usr/bin/chromium``, never downloaded), JupyterLab opens in Chinese on the course
  home page, a lesson runs in each trainee's kernel at once, isolation between them (tokens,
  files, the collect service), the trainer collects the exports; the room stops with nothing
  left running.
- ``test_an_idle_trainee_server_is_culled``: a room whose culler stops servers idle for 12 s; a
  trainee's server started and left alone is stopped, its processes gone.

Needs root, ``/usr/bin/chromium`` and the proxy (``make room-proxy``): skipped without them,
failed when ``CI`` is set (``.ci/run`` installs them; CI runs as root).
"""

from __future__ import annotations

import json
import pwd
import re
import secrets
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest
from room_support import (
    COURSE_FOLDER,
    ROOT,
    STATE_ROOT,
    checkout_closed,
    credentials,
    processes_mentioning,
    remove_accounts,
    require_live_room,
    roomctl,
    write_room,
)

pytestmark = pytest.mark.room

ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LESSON = "01_协商内容.ipynb"
UI_TIMEOUT_MS = 90_000
EXPORT = ".local/share/jupyter/xsim/progress.json"
START_TIMEOUT_S = 600  # a first start builds the trainee runtime (a minute on a busy machine)


class LiveRoom:
    """A room started for a test; ``stop()`` and ``close()`` are safe to call twice."""

    def __init__(self, trainees: list[str], extra: str = "", browser: bool = False):
        require_live_room(browser=browser)
        tag = secrets.token_hex(3)
        self.trainees = [f"xsrt{tag}{suffix}" for suffix in trainees]
        self.trainer = f"xsrt{tag}t"
        self.folder = Path(tempfile.mkdtemp(prefix="xsim-room-test-"))
        self.state = STATE_ROOT / f"test{tag}"
        names = "".join(f"{login} 学员{i + 1}\n" for i, login in enumerate(self.trainees))
        self.config = write_room(
            self.folder / "room",
            names,
            name=f"test{tag}",
            trainer=self.trainer,
            extra=extra,
            state=self.state,
        )
        port = int(self.config.read_text().split("port = ", 1)[1].split("\n", 1)[0])
        self.base = f"http://127.0.0.1:{port}/"
        self.started = time.monotonic()
        self._closing = checkout_closed()
        self._closing.__enter__()
        done = roomctl("start", self.config, timeout=START_TIMEOUT_S)
        if done.returncode != 0:
            self.close()
            pytest.fail(f"the room did not start:\n{done.stdout}{done.stderr}")
        self.passwords = credentials(self.state)

    def close(self) -> None:
        roomctl("stop", self.config)
        roomctl("remove", self.config)
        remove_accounts(*self.trainees, self.trainer)  # never leave one behind
        shutil.rmtree(self.state, ignore_errors=True)
        shutil.rmtree(self.folder, ignore_errors=True)
        self._closing.__exit__(None, None, None)

    def kernel_of(self, login: str, notebook: str = f"{COURSE_FOLDER}/{LESSON}"):
        import roomclient

        session = roomclient.login(self.base, login, self.passwords[login])
        token = roomclient.api_token(session, self.base, login)
        roomclient.start_server(self.base, login, token, timeout_s=300)
        kernel = roomclient.KernelConnection(f"{self.base}user/{login}/", token, notebook)
        kernel.wait_ready(120)
        return kernel, token


@pytest.fixture(scope="module")
def room():
    """A running room of two trainees and a trainer; stopped and its accounts removed after."""
    live = LiveRoom(["a", "b"], browser=True)
    try:
        a, b = live.trainees
        yield {
            "live": live,
            "base": live.base,
            "config": live.config,
            "state": live.state,
            "trainees": (a, b),
            "trainer": live.trainer,
            "passwords": live.passwords,
            "started": live.started,
        }
    finally:
        live.close()


# ---------------------------------------------------------------- what a trainee cannot read

# Run in a trainee's kernel: how each path answers an attempt to read (or list) it.
TRY_READING = """
import json, os
seen = {}
for path in json.loads(%r):
    try:
        if os.path.isdir(path):
            os.listdir(path)
        else:
            with open(path, "rb") as f:
                f.read(1)
        seen[path] = "read"
    except PermissionError:
        seen[path] = "denied"
    except OSError as exc:
        seen[path] = type(exc).__name__
print(json.dumps(seen))
"""

# Run in a trainee's kernel: which of the needles any readable file under the folders holds.
SEARCH = """
import json, os
needles, found = json.loads(%r), set()
for top in json.loads(%r):
    for folder, _, files in os.walk(top):
        for name in files:
            try:
                with open(os.path.join(folder, name), "rb") as f:
                    text = f.read(20_000_000).decode("utf-8", "replace")
            except OSError:
                continue
            found |= {n for n in needles if n in text}
print(json.dumps(sorted(found)))
"""


def _answer_texts() -> list[str]:
    """Every quiz answer's explanation and every wrong choice's "why" in the checkout's course
    (long enough to be unmistakable): none may be readable by a trainee's kernel."""
    import yaml

    texts = set()
    for quiz in sorted((ROOT / "course").glob("*/quiz.yaml")):
        for question in (yaml.safe_load(quiz.read_text(encoding="utf-8")) or {}).get(
            "questions", []
        ):
            texts.add(str(question.get("explanation") or ""))
            for choice in question.get("choices") or []:
                if isinstance(choice, dict):
                    texts.add(str(choice.get("why") or ""))
    return sorted(t for t in texts if len(t) >= 12)


def test_a_trainee_reads_nothing_it_should_not(room):
    import roomprocs

    live = room["live"]
    a, b = room["trainees"]
    state = room["state"]
    kernel, _ = live.kernel_of(a)
    _, _ = live.kernel_of(b)  # B's server and kernel run while A looks around
    try:
        private = [
            ROOT,
            ROOT / "course" / "toc.yaml",
            ROOT / "course" / "01_协商内容" / "quiz.yaml",
            ROOT / "trainer",
            ROOT / "room" / "room.toml",
            state,
            state / "jupyterhub.log",
            state / "accounts.json",
            state / "账号密码.txt",
            state / "answers.jsonl",
            state / "hub",
            state / "hub" / "credentials.json",
            state / "hub" / "jupyterhub.sqlite",
            state / "hub" / "jupyterhub_cookie_secret",
            Path(pwd.getpwnam(b).pw_dir),
        ]
        for path in private:
            assert path.exists(), path  # the test names real files
        done = kernel.run(TRY_READING % json.dumps([str(p) for p in private]), 60)
        assert done.error == "", done.error
        seen = json.loads(done.output)
        assert seen == {str(p): "denied" for p in private}
        for path in (state / "jupyterhub.log", state / "accounts.json", state / "账号密码.txt"):
            assert path.stat().st_mode & 0o777 == 0o600, path

        home_course = Path(pwd.getpwnam(a).pw_dir) / COURSE_FOLDER
        assert not (home_course / "trainer").exists()
        # the trainer's copy holds the trainer edition (the checkout's top-level trainer/)
        trainer_course = Path(pwd.getpwnam(room["trainer"]).pw_dir) / COURSE_FOLDER
        assert (trainer_course / "trainer" / "班级汇总.ipynb").is_file()
        assert kernel.run("import os; assert os.getuid() != 0", 30).error == ""

        # A's kernel came from the fork server (warm), not from A's own server
        forkserver = int((state / "forkserver.pid").read_text())
        parent = kernel.run("import os; print(os.getppid())", 30).output.strip()
        assert int(parent) == forkserver
        assert "forked warm" in (state / "jupyterhub.log").read_text(errors="replace")

        # the fork server starts servers only for the hub, kernels only as the asking account
        fork_socket = str(state / "fork.sock")
        as_a = kernel.run(
            "from xsim_room.forkserver import ask\n"
            "try:\n"
            f"    ask({fork_socket!r}, {{'kind': 'server', 'user': {b!r}, 'argv': [],"
            " 'env': {}, 'cwd': '/'})\n"
            "except (OSError, ValueError) as exc:\n"
            "    print('refused:', exc)\n",
            60,
        )
        assert as_a.output.startswith("refused:") and "not allowed" in as_a.output, as_a
        from xsim_room.forkserver import ask

        with pytest.raises(ValueError, match="not an account of this room"):
            ask(fork_socket, {"kind": "kernel", "argv": [], "env": {}, "cwd": "/"})

        # other accounts' processes are hidden where /proc allows it
        if roomprocs.proc_hidepid():
            theirs = set(roomprocs.processes_of({pwd.getpwnam(b).pw_uid}))
            assert theirs, "B has a server and a kernel"
            listed = kernel.run("import os; print(' '.join(os.listdir('/proc')))", 30).output
            assert not theirs & {int(p) for p in listed.split() if p.isdigit()}

        # A's kernel asks the room's answer service (it holds no answers itself); the service
        # knows who asks: the test's own process (root, not a room account) gets no judgement
        ask = (
            "from xsim_room.answers import RoomAnswerKey\n"
            "print(json.dumps(RoomAnswerKey()._ask("
            "{'lesson': '01', 'item': 'q1', 'answer': '50 人'}), ensure_ascii=False))"
        )
        reply = json.loads(kernel.run("import json\n" + ask, 60).output)
        assert reply.get("correct") is True, reply  # 50 人 is the key of lesson 01's q1
        from xsim_room.answers import RoomAnswerKey

        refused = RoomAnswerKey(str(state / "answers.sock"))._ask(
            {"lesson": "01", "item": "q1", "answer": "50 人"}
        )
        assert refused == {
            "error_zh": "只有本教室的学员可以提交答案",
            "error_en": "not a room account",
        }
        if "correct" in reply:
            logged = (state / "answers.jsonl").read_text(encoding="utf-8").splitlines()
            assert json.loads(logged[-1])["login"] == a

        # no answer anywhere A's kernel can read: the runtime's course and xsim, A's home
        site = next((STATE_ROOT / "xsim-runtime" / "venv" / "lib").glob("python*/site-packages"))
        folders = [STATE_ROOT / "xsim-runtime" / "course", site / "xsim", home_course]
        needles = _answer_texts()
        assert len(needles) > 20, "the course's answers were found to look for"
        done = kernel.run(
            SEARCH % (json.dumps(needles), json.dumps([str(f) for f in folders])), 300
        )
        assert done.error == "", done.error
        assert json.loads(done.output) == []
    finally:
        kernel.close()


def _browser_login(browser, base: str, login: str, password: str):
    """Open a fresh browser context (own cookies), submit the hub's login form; return the page."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(UI_TIMEOUT_MS)
    page.goto(f"{base}hub/login", timeout=UI_TIMEOUT_MS)
    page.get_by_text("登录培训教室").wait_for()  # the room's Chinese login page
    page.fill("#username_input", login)
    page.fill("#password_input", password)
    page.click("#login_submit")
    return page


def _browser_token(page, base: str, login: str) -> str:
    """An API token asked for by the browser's own session on the hub's token page, the way the
    page's script does it (the page's xsrf token, the hub's cookie)."""
    page.goto(f"{base}hub/token", timeout=UI_TIMEOUT_MS)
    status, body = page.evaluate(
        """async (login) => {
            const reply = await fetch(`${window.jhdata.base_url}api/users/${login}/tokens`, {
                method: "POST",
                headers: {"X-XSRFToken": window.jhdata.xsrf_token,
                          "Content-Type": "application/json"},
                body: JSON.stringify({note: "room test", expires_in: 600}),
            });
            return [reply.status, await reply.text()];
        }""",
        login,
    )
    assert status == 201, body
    return json.loads(body)["token"]


def test_two_trainees_in_a_room(room):
    import roomclient
    from playwright.sync_api import expect, sync_playwright

    base, (a, b), trainer = room["base"], room["trainees"], room["trainer"]
    passwords = room["passwords"]
    ARTIFACTS.mkdir(exist_ok=True)
    expect.set_options(timeout=UI_TIMEOUT_MS)
    timings = {"start": time.monotonic() - room["started"]}

    # 1. Both trainees log in through the hub's page in Chromium; JupyterLab opens in Chinese on
    #    the course home page of their own server.
    tokens = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, timeout=UI_TIMEOUT_MS
        )
        try:
            sessions = {
                login: _browser_login(browser, base, login, passwords[login]) for login in (a, b)
            }
            for login, page in sessions.items():
                page.wait_for_url(f"**/user/{login}/lab/**", timeout=UI_TIMEOUT_MS)
                menubar = page.locator(".lm-MenuBar-itemLabel")
                expect(menubar.filter(has_text="文件").first).to_be_visible()
                expect(page.locator(".lm-TabBar-tabLabel", has_text="00_").first).to_be_visible()
                expect(page.locator(".jp-Notebook").first).to_be_visible()
                # the home page's text has rendered (not just the empty notebook frame)
                expect(page.locator(".jp-MarkdownOutput").first).to_be_visible()
                page.screenshot(path=str(ARTIFACTS / f"room-{'ab'[login == b]}.png"))
                tokens[login] = _browser_token(page, base, login)
        finally:
            browser.close()
    timings["login"] = time.monotonic() - room["started"] - timings["start"]

    # 2. Each runs a lesson in their own kernel, at the same time; A also saves a progress export.
    export = json.dumps({"who": a, "answers": {"01": [1, 2]}}, ensure_ascii=False)
    write_export = (
        "import os, pathlib\n"
        f"p = pathlib.Path.home() / {EXPORT!r}\n"
        "p.parent.mkdir(parents=True, exist_ok=True)\n"
        f"p.write_text({export!r}, encoding='utf-8')\n"
    )
    probes = {
        a: (
            write_export,
            f"open('/home/{b}/{COURSE_FOLDER}/{LESSON}')",
            f"os.listdir('/home/{b}')",
        ),
        b: (f"os.listdir('/home/{a}')",),
    }
    runs, failures = {}, []

    def run(login):
        try:
            runs[login] = roomclient.run_notebook(
                base,
                login,
                tokens[login],
                f"{COURSE_FOLDER}/{LESSON}",
                ROOT / "notebooks" / LESSON,
                cell_timeout_s=120,
                extra_cells=("import os",) + probes[login],
            )
        except Exception as exc:  # reported below, with the other trainee's outcome
            failures.append(f"{login}: {exc!r}")

    threads = [threading.Thread(target=run, args=(login,)) for login in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert not failures, failures
    lesson_cells = len(roomclient._code_cells(ROOT / "notebooks" / LESSON))
    for login in (a, b):
        cells = runs[login].cells
        assert [c.error for c in cells[: lesson_cells + 1]] == [""] * (lesson_cells + 1), login
    timings["lesson"] = time.monotonic() - room["started"] - timings["start"] - timings["login"]

    # 3. Isolation: the operating system keeps homes apart ...
    a_cells, b_cells = runs[a].cells, runs[b].cells
    assert a_cells[lesson_cells + 1].error == "", "A could not write its own export"
    assert a_cells[lesson_cells + 2].error.startswith("PermissionError"), a_cells[-2]
    assert a_cells[lesson_cells + 3].error.startswith("PermissionError"), a_cells[-1]
    assert b_cells[lesson_cells + 1].error.startswith("PermissionError"), b_cells[-1]
    # ... and the hub keeps servers apart: A's token opens nothing of B's.
    api = roomclient.server_api
    assert api(base, a, tokens[a], "GET", "kernels").status_code == 200
    for path in ("kernels", "sessions", f"contents/{COURSE_FOLDER}"):
        reply = api(base, b, tokens[a], "GET", path)
        assert reply.status_code in (302, 403), (path, reply.status_code)
        assert runs[b].kernel_id not in reply.text
    assert api(base, a, tokens[a], "GET", f"kernels/{runs[b].kernel_id}").status_code == 404
    collect_url = f"{base}services/collect/api/collect"
    for login in (a, b):
        refused = roomclient.requests.post(
            collect_url, headers={"Authorization": f"token {tokens[login]}"}, timeout=30
        )
        assert refused.status_code == 403, login

    # 4. The trainer: sees the room, collects exports, and has no access to trainees' servers.
    session = roomclient.login(base, trainer, passwords[trainer])
    trainer_token = roomclient.api_token(session, base, trainer)
    users = roomclient.hub_api(base, trainer_token, "GET", "users")
    assert users.status_code == 200
    assert {a, b} <= {u["name"] for u in users.json()}
    assert api(base, a, trainer_token, "GET", "kernels").status_code in (302, 403)
    stop_a = roomclient.hub_api(base, trainer_token, "DELETE", f"users/{a}/server")
    assert stop_a.status_code in (403, 404)
    collected = roomclient.requests.post(
        collect_url, headers={"Authorization": f"token {trainer_token}"}, timeout=120
    )
    assert collected.status_code == 200, collected.text
    result = collected.json()
    statuses = {t["login"]: t["status"] for t in result["trainees"]}
    # B ran a lesson, whose exercises register in B's own progress store: collected as well
    assert statuses == {a: "ok", b: "ok"}
    trainer_home = Path(pwd.getpwnam(trainer).pw_dir)
    copy = trainer_home / result["folder"] / f"{a}.json"
    assert json.loads(copy.read_text(encoding="utf-8"))["who"] == a
    assert copy.stat().st_uid == pwd.getpwnam(trainer).pw_uid
    assert oct(Path(f"/home/{a}").stat().st_mode & 0o777) == "0o700"
    # A trainee's "export" that points at a file only root may read is not collected.
    planted = Path(pwd.getpwnam(b).pw_dir) / EXPORT
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.unlink(missing_ok=True)
    planted.symlink_to("/etc/shadow")
    again = roomclient.requests.post(
        collect_url, headers={"Authorization": f"token {trainer_token}"}, timeout=120
    ).json()
    assert {t["login"]: t["status"] for t in again["trainees"]} == {a: "ok", b: "unreadable"}
    assert not (trainer_home / again["folder"] / f"{b}.json").exists()

    # 5. Stop: nothing of the room is left running — no account's process, and nothing the hub
    #    started as root either (its idle culler and collect service run in sessions of their own).
    import roomprocs

    uids = {pwd.getpwnam(login).pw_uid for login in (a, b, trainer)}
    hub_family = roomprocs.family(int((room["state"] / "jupyterhub.pid").read_text()))
    assert len(hub_family) >= 4, hub_family  # hub, proxy, culler, collect service
    done = roomctl("stop", room["config"])
    assert done.returncode == 0, done.stderr
    left = [
        _describe(entry)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _owner(entry) in uids
    ]
    assert left == [], left
    assert not processes_mentioning(str(room["state"]))
    assert roomprocs.still_running(hub_family) == [], [
        roomprocs.cmdline(pid) for pid in roomprocs.still_running(hub_family)
    ]
    port = int(base.rsplit(":", 1)[1].strip("/"))
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # ignore TIME_WAIT leftovers
        probe.bind(("127.0.0.1", port))  # nothing listens on the public port any more
    timings["total"] = time.monotonic() - room["started"]
    print("room test timings (s):", {k: round(v, 1) for k, v in timings.items()})


def _describe(entry: Path) -> str:
    """pid, state, parent and command line of a process, for a failure message."""
    import roomprocs

    try:
        state, parent = (entry / "stat").read_text().rsplit(") ", 1)[1].split()[:2]
    except (OSError, IndexError, ValueError):
        return f"{entry.name} (gone)"
    return f"{entry.name} {state} parent={parent} {roomprocs.cmdline(int(entry.name))[:120]}"


def _owner(entry: Path) -> int:
    try:
        return entry.stat().st_uid
    except OSError:
        return -1


# ---------------------------------------------------------------- culling


def test_an_idle_trainee_server_is_culled():
    """The room's culler (jupyterhub-idle-culler, configured from [culling]) stops a trainee's
    server once it has been idle for server_idle_minutes: here 0.2 min (12 s), checked every 6 s;
    the test allows three minutes on a busy machine."""
    import roomclient
    import roomprocs

    live = LiveRoom(
        ["c"],
        extra="[culling]\nserver_idle_minutes = 0.2\nkernel_idle_minutes = 0.2\n"
        "check_every_minutes = 0.1\n",
    )
    try:
        (login,) = live.trainees
        session = roomclient.login(live.base, login, live.passwords[login])
        token = roomclient.api_token(session, live.base, login)
        roomclient.start_server(live.base, login, token, timeout_s=300)
        uid = pwd.getpwnam(login).pw_uid
        assert roomprocs.processes_of({uid}), "the server runs"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            model = roomclient.hub_api(live.base, token, "GET", f"users/{login}").json()
            if not model.get("servers") and not roomprocs.processes_of({uid}):
                break
            time.sleep(2)
        else:
            pytest.fail(f"the idle server of {login} was not culled within 180 s: {model}")
        log = (live.state / "jupyterhub.log").read_text(errors="replace")
        assert re.search(rf"Culling server {login}|DELETE /hub/api/users/{login}/server", log)
    finally:
        live.close()
