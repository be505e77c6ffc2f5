"""The training room (``make room``, ``room/``): refused bad input, and a real room of two trainees.

Marker ``room`` (``pytest -m room``). Two kinds of test:

- **Bad input** (fast; no root, no browser): a trainee list with duplicates or invalid names, a bad
  config, a port in use, a missing proxy — ``room/roomctl.py start`` exits with status 2 and a
  Chinese (and English) message naming the problem, before anything starts: no process, no pid
  file, no account.
- **The room** (``test_two_trainees_in_a_room``): starts the hub on loopback on free ports with two
  trainees and a trainer (system accounts named ``xsrt<random>…``, removed afterwards with
  ``userdel -r``), logs both trainees in through the hub's login page in headless Chromium
  (``/usr/bin/chromium``, never downloaded), checks that JupyterLab opens in Chinese on the
  course home page, runs a lesson notebook for each trainee concurrently through their own
  server's REST API and kernel websocket, checks isolation (A's token cannot list B's kernels or
  read B's files; A's kernel cannot open B's home; trainees cannot use the collect service), has
  the trainer collect the exports, stops the room and checks nothing is left running.

It needs root (to create accounts), ``/usr/bin/chromium`` and the proxy installed by
``make room-proxy`` (``.room/node_modules``). Without them it is skipped — unless ``CI`` is set,
where it fails (``.ci/run`` installs the proxy; CI runs as root with Chromium installed).
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.room

ROOT = Path(__file__).resolve().parents[1]
ROOMCTL = ROOT / "room" / "roomctl.py"
PROXY = ROOT / ".room" / "node_modules" / ".bin" / "configurable-http-proxy"
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
COURSE_FOLDER = "协商课程"
UI_TIMEOUT_MS = 90_000
EXPORT = ".local/share/jupyter/xsim/progress.json"

sys.path.insert(0, str(ROOT / "room"))


def _free_ports(count: int) -> list[int]:
    sockets, ports = [], []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports


def _write_room(
    folder: Path,
    trainees: str,
    name: str = "t",
    trainer: str = "xsrttrainer",
    proxy: Path | None = None,
    ports: list[int] | None = None,
    extra: str = "",
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    port, hub, api, collect = ports or _free_ports(4)
    (folder / "trainees.txt").write_text(trainees, encoding="utf-8")
    config = folder / "room.toml"
    config.write_text(
        f"""[room]
name = "{name}"
ip = "127.0.0.1"
port = {port}
hub_port = {hub}
proxy_api_port = {api}
collect_port = {collect}
state_dir = "{folder / "state"}"
proxy = "{proxy or PROXY}"
{extra}
[accounts]
trainees = "trainees.txt"
trainer = "{trainer}"

[course]
source = "{ROOT / "notebooks"}"
folder = "{COURSE_FOLDER}"
""",
        encoding="utf-8",
    )
    return config


def _roomctl(action: str, config: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOMCTL), action, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def _processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and int(entry.name) != os.getpid():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if text in cmdline:
                found.append(int(entry.name))
    return found


def _account_exists(login: str) -> bool:
    try:
        pwd.getpwnam(login)
    except KeyError:
        return False
    return True


def _start_in_process(config: Path, capsys) -> subprocess.CompletedProcess:
    """``roomctl.py start`` called in this process (the checks are the same; no interpreter
    start-up per case)."""
    import roomctl

    code = roomctl.main(["start", "--config", str(config)])
    out = capsys.readouterr()
    return subprocess.CompletedProcess(["roomctl", "start"], code, out.out, out.err)


def _assert_refused(done: subprocess.CompletedProcess, config: Path, *phrases: str) -> None:
    message = done.stdout + done.stderr
    assert done.returncode == 2, message
    assert "Traceback" not in message, message
    for phrase in phrases:
        assert phrase in message, message
    state = config.parent / "state"
    assert not (state / "jupyterhub.pid").exists()
    assert not _processes_mentioning(str(state)), "something was started"


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("trainees", "phrases"),
    [
        ("xsrtdupa 甲\nxsrtdupb 乙\nxsrtdupa 丙\n", ["重复", "第 1 行和第 3 行", "trainees.txt:3"]),
        ("xsrtok 甲\nZhangSan 张三\n", ["不是合法的登录名", "ZhangSan", ":2"]),
        ("张三\n", ["不是合法的登录名", "张三", ":1"]),
        ("1abc\n", ["不是合法的登录名", "1abc"]),
        ("a" * 33 + "\n", ["不是合法的登录名"]),
        ("xsrt;rm 甲\n", ["不是合法的登录名"]),
        ("xsrttrainer 培训师\n", ["培训师的登录名"]),
        ("# only a comment\n\n", ["学员名单是空的"]),
    ],
    ids=[
        "duplicate",
        "uppercase",
        "chinese",
        "digit-first",
        "too-long",
        "shell",
        "trainer",
        "empty",
    ],
)
def test_bad_trainee_list_is_refused_before_anything_starts(tmp_path, capsys, trainees, phrases):
    config = _write_room(tmp_path / "room", trainees)
    done = _start_in_process(config, capsys)
    _assert_refused(done, config, "教室配置有误", *phrases)
    for line in trainees.splitlines():
        login = line.split(" ")[0]
        if login.startswith("xsrt"):
            assert not _account_exists(login)


@pytest.mark.parametrize(
    ("extra", "phrases"),
    [
        ('colour = "red"', ["room.colour", "room.toml:"]),
        ('ssl_cert = "/nonexistent/cert.pem"', ["ssl_cert"]),
    ],
    ids=["unknown-key", "half-https"],
)
def test_bad_config_is_refused(tmp_path, capsys, extra, phrases):
    config = _write_room(tmp_path / "room", "xsrtcfg 甲\n", extra=extra)
    _assert_refused(_start_in_process(config, capsys), config, "教室配置有误", *phrases)


def _hostile_config(tmp_path: Path, kind: str) -> Path:
    """A room.toml that is not one (issue 19): each must end in one message and exit 2."""
    good = _write_room(tmp_path / "room", "xsrthostile 甲\n")
    text = good.read_text(encoding="utf-8")
    target = tmp_path / "hostile.toml"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "dev-zero":
        return Path("/dev/zero")
    elif kind == "folder":
        target.mkdir()
    elif kind == "gbk":
        target.write_bytes(text.replace('name = "t"', 'name = "t" # 教室').encode("gbk"))
    elif kind == "utf-16":
        target.write_bytes(text.encode("utf-16"))
    elif kind == "nul":
        target.write_bytes(text.encode() + b"\x00")
    elif kind == "deep-array":
        target.write_text(text + "deep = " + "[" * 100_000 + "]" * 100_000 + "\n")
    elif kind == "deep-table":
        target.write_text(text + "deep = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n")
    elif kind == "symlink-loop":
        target.symlink_to(tmp_path / "other.toml")
        (tmp_path / "other.toml").symlink_to(target)
    elif kind == "huge":
        target.write_text(text + "#" * (2 * 1024 * 1024))
    elif kind == "port-true":
        target.write_text(text.replace("port = ", "port = true\n#", 1))
    elif kind == "port-float":
        target.write_text(text.replace("port = ", "port = 8000.0\n#", 1))
    elif kind == "port-text":
        target.write_text(text.replace("port = ", 'port = "8000"\n#', 1))
    elif kind == "password-newline":
        target.write_text(
            text.replace(
                "[accounts]",
                '[accounts]\npasswords = "shared"\nshared_password = "abcdefgh\\nroot:X"',
            )
        )
    elif kind == "path-nul":
        target.write_text(text.replace("[course]", '[course]\nhome_page = "a\\u0000b"'))
    elif kind == "ip-text":
        target.write_text(text.replace('ip = "127.0.0.1"', 'ip = "127.0.0.1; rm -rf /"'))
    elif kind == "minutes-bool":
        target.write_text(text + "[culling]\nserver_idle_minutes = true\n")
    elif kind == "trainees-fifo":
        os.mkfifo(tmp_path / "room" / "fifo.txt")
        target.write_text(text.replace('trainees = "trainees.txt"', 'trainees = "fifo.txt"'))
        return _relocated(target, tmp_path)
    elif kind == "trainees-gbk":
        (tmp_path / "room" / "gbk.txt").write_bytes("xsrtgbk 张三\n".encode("gbk"))
        target.write_text(text.replace('trainees = "trainees.txt"', 'trainees = "gbk.txt"'))
        return _relocated(target, tmp_path)
    return target


def _relocated(target: Path, tmp_path: Path) -> Path:
    """The config beside its trainee list (relative paths are relative to the config)."""
    moved = tmp_path / "room" / target.name
    target.rename(moved)
    return moved


HOSTILE = {
    "fifo": "普通文件",
    "dev-zero": "普通文件",
    "folder": "目录",
    "gbk": "GBK",
    "utf-16": "UTF-16",
    "nul": "空字节",
    "deep-array": "嵌套",
    "deep-table": "嵌套",
    "symlink-loop": "无法读取",
    "huge": "过大",
    "port-true": "room.port",
    "port-float": "room.port",
    "port-text": "room.port",
    "password-newline": "accounts.shared_password",
    "path-nul": "course.home_page",
    "ip-text": "room.ip",
    "minutes-bool": "culling.server_idle_minutes",
    "trainees-fifo": "普通文件",
    "trainees-gbk": "GBK",
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_room_config_ends_in_one_message_and_exit_2(tmp_path, kind):
    """Every bad room.toml (or trainee list) ends in one clear Chinese message, exit 2: no hang
    (FIFO, /dev/zero), no traceback (encodings, nesting, symlink loops), no `true` taken as 1."""
    config = _hostile_config(tmp_path, kind)
    done = subprocess.run(
        [sys.executable, str(ROOMCTL), "start", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    message = done.stdout + done.stderr
    assert done.returncode == 2, message
    assert "Traceback" not in message, message
    assert message.startswith("教室配置有误："), message
    assert HOSTILE[kind] in message, message
    assert len(message) < 2000, message  # one message, not a dump of the input
    assert "root:X" not in message, message  # a password is never repeated


def test_the_command_line_exits_2_on_bad_input(tmp_path):
    config = _write_room(tmp_path / "room", "xsrtcli 甲\nxsrtcli 乙\n")
    _assert_refused(_roomctl("start", config), config, "重复")


def test_port_in_use_is_refused(tmp_path, capsys):
    ports = _free_ports(4)
    with socket.socket() as busy:
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        busy.bind(("127.0.0.1", ports[0]))
        busy.listen()
        config = _write_room(tmp_path / "room", "xsrtport 甲\n", ports=ports)
        done = _start_in_process(config, capsys)
    _assert_refused(done, config, f"127.0.0.1:{ports[0]}", "已被占用")
    assert not _account_exists("xsrtport")


def test_same_port_twice_is_refused(tmp_path, capsys):
    port, hub, _, collect = _free_ports(4)
    config = _write_room(tmp_path / "room", "xsrtsame 甲\n", ports=[port, hub, hub, collect])
    _assert_refused(_start_in_process(config, capsys), config, "四个不同的端口")


def test_missing_proxy_is_refused(tmp_path, capsys):
    config = _write_room(tmp_path / "room", "xsrtproxy 甲\n", proxy=tmp_path / "no" / "proxy")
    done = _start_in_process(config, capsys)
    _assert_refused(done, config, "configurable-http-proxy", "make room")
    assert not _account_exists("xsrtproxy")


def test_stop_when_nothing_runs_is_harmless(tmp_path, capsys):
    import roomctl

    config = _write_room(tmp_path / "room", "xsrtstop 甲\n")
    assert roomctl.main(["stop", "--config", str(config)]) == 0
    assert "没有在运行" in capsys.readouterr().out


def test_remove_keeps_the_accounts_while_their_processes_are_left(tmp_path, capsys, monkeypatch):
    import roomctl

    config = _write_room(tmp_path / "room", "xsrtkeep 甲\n")
    room = roomctl.load_room(config)
    room.paths.accounts_file.parent.mkdir(parents=True, exist_ok=True)
    room.paths.accounts_file.write_text('["xsrtkeep"]')
    monkeypatch.setattr(roomctl.os, "geteuid", lambda: 0)
    monkeypatch.setattr(roomctl, "stop", lambda room, quiet=False: 1)
    userdel = []
    monkeypatch.setattr(roomctl.subprocess, "run", lambda *a, **k: userdel.append(a))
    assert roomctl.remove(room) == 1
    assert "账号未删除" in capsys.readouterr().out
    assert userdel == [] and room.paths.accounts_file.is_file()


def test_stop_also_ends_what_starts_while_stopping():
    """One pass over the accounts' processes is not enough (CI once found a kernel left)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "room_stop_support.py"), str(ROOT / "room")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"ended": 2, "left": [], "after": []}


# ---------------------------------------------------------------- the room


def _require_room_prerequisites() -> None:
    missing = []
    if os.geteuid() != 0:
        missing.append("root (the room creates system accounts)")
    if not Path(CHROMIUM).exists():
        missing.append(CHROMIUM)
    if not PROXY.exists():
        missing.append(f"{PROXY} (make room-proxy)")
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail("CI is set but the room test cannot run: missing " + ", ".join(missing))
    pytest.skip("room test needs " + ", ".join(missing))


def _credentials(state: Path) -> dict[str, str]:
    data = json.loads((state / "hub" / "credentials.json").read_text(encoding="utf-8"))
    return {login: password for login, password in data.items() if not login.startswith("*")}


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


@pytest.fixture
def room():
    """A running room of two trainees and a trainer; stopped and its accounts removed after."""
    _require_room_prerequisites()
    # Not pytest's tmp_path (0700 under root): the trainees' servers read the room's settings.
    tmp_path = Path(tempfile.mkdtemp(prefix="xsim-room-test-"))
    tmp_path.chmod(0o711)
    tag = secrets.token_hex(3)
    a, b, trainer = f"xsrt{tag}a", f"xsrt{tag}b", f"xsrt{tag}t"
    config = _write_room(
        tmp_path / "room", f"{a} 学员甲\n{b} 学员乙\n", name=f"test{tag}", trainer=trainer
    )
    state = tmp_path / "room" / "state"
    started = time.monotonic()
    reopened = _open_ancestors_for_traversal(ROOT)
    try:
        done = _roomctl("start", config, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
        port = int(config.read_text().split("port = ", 1)[1].split("\n", 1)[0])
        yield {
            "base": f"http://127.0.0.1:{port}/",
            "config": config,
            "state": state,
            "trainees": (a, b),
            "trainer": trainer,
            "passwords": _credentials(state),
            "started": started,
        }
    finally:
        _roomctl("stop", config)
        _roomctl("remove", config)
        for login in (a, b, trainer):
            if _account_exists(login):  # never leave an account behind, even if remove failed
                subprocess.run(["userdel", "--remove", login], capture_output=True)
        shutil.rmtree(tmp_path, ignore_errors=True)
        for folder, mode in reopened:
            folder.chmod(mode)


def _open_ancestors_for_traversal(path: Path) -> list[tuple[Path, int]]:
    """Let other accounts pass through (o+x, not list) the folders above the checkout, for the
    test's duration only; returns what to restore.

    Trainees' servers run as the trainees and import this checkout's packages, so a clone under a
    0700 folder such as /root (where CI may clone it) cannot serve a room; docs/room.md tells a
    trainer to install under /opt instead. The test must not depend on where it was cloned.
    """
    changed = []
    for folder in [path, *path.parents]:
        mode = folder.stat().st_mode & 0o7777
        if not mode & 0o001:
            folder.chmod(mode | 0o001)
            changed.append((folder, mode))
    return changed


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

    # 5. Stop: nothing of the room is left running.
    uids = {pwd.getpwnam(login).pw_uid for login in (a, b, trainer)}
    done = _roomctl("stop", room["config"])
    assert done.returncode == 0, done.stderr
    left = [
        _describe(entry)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit() and _owner(entry) in uids
    ]
    assert left == [], left
    assert not _processes_mentioning(str(room["state"]))
    port = int(base.rsplit(":", 1)[1].strip("/"))
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # ignore TIME_WAIT leftovers
        probe.bind(("127.0.0.1", port))  # nothing listens on the public port any more
    timings["total"] = time.monotonic() - room["started"]
    print("room test timings (s):", {k: round(v, 1) for k, v in timings.items()})


def _describe(entry: Path) -> str:
    """pid, state, parent and command line of a process, for a failure message."""
    import roomctl

    try:
        state, parent = (entry / "stat").read_text().rsplit(") ", 1)[1].split()[:2]
    except (OSError, IndexError, ValueError):
        return f"{entry.name} (gone)"
    return f"{entry.name} {state} parent={parent} {roomctl._cmdline(int(entry.name))[:120]}"


def _owner(entry: Path) -> int:
    try:
        return entry.stat().st_uid
    except OSError:
        return -1


# ---------------------------------------------------------------- the seam to the class summary


def test_collect_without_the_progress_modules_keeps_the_files(tmp_path, monkeypatch):
    import collect_write

    monkeypatch.setattr(collect_write, "_module", lambda name: None)
    data = {"format": "xsim-progress", "attempts": []}
    written = collect_write.as_export(data, "学员甲", tmp_path / "a.json")
    assert json.loads(written.read_text(encoding="utf-8")) == data
    assert collect_write.write_class_summary([written], tmp_path) is None


def test_collect_converts_a_store_and_asks_for_the_summary(tmp_path, monkeypatch):
    """The contract with xsim.teaching.progress / classroom, with stand-ins for both."""
    import dataclasses
    import types

    import collect_write

    @dataclasses.dataclass
    class FakeProgress:
        trainee: str = ""

    calls = {}

    def export(path, progress):
        calls["export"] = progress
        Path(path).write_text(json.dumps({"format": "export", "trainee": progress.trainee}))
        return Path(path)

    class FakeSummary:
        def save_html(self, path):
            Path(path).write_text("<html>汇总</html>", encoding="utf-8")
            return Path(path)

    def class_summary(files):
        calls["summary_of"] = [Path(f).name for f in files]
        return FakeSummary()

    fakes = {
        collect_write.PROGRESS_MODULE: types.SimpleNamespace(
            STORE_FORMAT="xsim-progress", load=lambda path: FakeProgress(), export=export
        ),
        collect_write.CLASSROOM_MODULE: types.SimpleNamespace(class_summary=class_summary),
    }
    monkeypatch.setattr(collect_write, "_module", fakes.get)
    store = {"format": "xsim-progress", "attempts": []}
    written = collect_write.as_export(store, "学员甲", tmp_path / "xsrta.json")
    assert calls["export"].trainee == "学员甲"  # the roster's name when the trainee set none
    other = collect_write.as_export({"format": "other"}, "学员乙", tmp_path / "xsrtb.json")
    assert json.loads(other.read_text()) == {"format": "other"}  # not a store: unchanged
    summary = collect_write.write_class_summary([written, other], tmp_path)
    assert summary == tmp_path / collect_write.SUMMARY_FILE
    assert calls["summary_of"] == ["xsrta.json", "xsrtb.json"]


def test_collect_with_the_real_class_summary(tmp_path):
    """Runs once xsim.teaching.progress and .classroom are merged (issue 13's store)."""
    progress = pytest.importorskip("xsim.teaching.progress")
    pytest.importorskip("xsim.teaching.classroom")
    import collect_write

    store = tmp_path / "store.json"
    progress.record_answer("01", "q1", correct=False, answer="B", path=store)
    progress.record_answer("01", "q1", correct=True, answer="A", path=store)
    data = json.loads(store.read_text(encoding="utf-8"))
    out = tmp_path / "out"
    out.mkdir()
    written = collect_write.as_export(data, "学员甲", out / "xsrta.json")
    assert progress.load_export(written).trainee == "学员甲"
    summary = collect_write.write_class_summary([written], out)
    assert summary is not None and "学员甲" in summary.read_text(encoding="utf-8")
