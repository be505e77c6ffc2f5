#!/usr/bin/env python3
"""Start, stop and clear a training room: JupyterHub serving the course to trainees' accounts.

    roomctl.py start  [--config room/room.toml]   check everything, create accounts, start the hub
    roomctl.py stop   [--config ...]               stop the hub, its proxy, services and servers
    roomctl.py remove [--config ...]               delete the room's accounts and homes (userdel -r)
    roomctl.py status [--config ...]

``make room`` runs ``start``; ``make room STOP=1`` runs ``stop``; ``make room STOP=1 PURGE=1``
runs ``stop`` then ``remove``. All settings come from one TOML file (see ``room/room.toml`` and
``docs/room.md``).

``start`` checks the whole request before it changes anything — the config, the trainee list
(duplicates, invalid names), the proxy, every port, root rights, clashes with existing accounts,
whether trainees can run this Python — and exits with status 2 and a message in Chinese and
English when one fails, leaving nothing running and no account created. If the hub does not come
up, everything started is stopped again (exit 1).

Accounts: every trainee and the trainer get a system account (``useradd``, home 0700, no login
shell) marked ``xsim-room/<room>`` in its comment field; the room never modifies or deletes an
account without its own marker. Passwords are set with ``chpasswd`` and checked by PAM.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pwd
import secrets
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from roomconfig import DEFAULT_CONFIG, REPO, Room, load_room  # noqa: E402
from roompython import AccountPython, account_python, nogroup  # noqa: E402

from xsim.errors import InputError  # noqa: E402

HUB_START_S = 120  # a busy machine (other rooms, a class logging in) starts slowly
STOP_WAIT_S = 20
TERM_GRACE_S = 5  # a trainee's server gets this long to stop its kernels
KILL_WAIT_S = 5
ACCOUNTS_WAIT_S = 30
PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud, typed by hand


class RoomError(Exception):
    """A refusal before anything starts: Chinese and English message, exit status 2."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


def _say(zh: str, en: str = "") -> None:
    print(zh + (f"\n  {en}" if en else ""), flush=True)


# ---------------------------------------------------------------- checks (nothing changes yet)


def _port_free(ip: str, port: int) -> bool:
    family = socket.AF_INET6 if ":" in ip else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As servers bind (the proxy does too): connections left in TIME_WAIT by a room that
        # just stopped do not count, a program listening on the port does.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip or "0.0.0.0", port))
        except OSError:
            return False
    return True


def _pid_alive(pid_file: Path) -> int | None:
    try:
        pid = int(pid_file.read_text().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return None
    return pid


def _account(login: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(login)
    except KeyError:
        return None


def check_ports(room: Room) -> None:
    section = room.settings.room
    wanted = {
        "port": (section.ip, section.port),
        "hub_port": ("127.0.0.1", section.hub_port),
        "proxy_api_port": ("127.0.0.1", section.proxy_api_port),
        "collect_port": ("127.0.0.1", section.collect_port),
    }
    numbers = [port for _, port in wanted.values()]
    if len(set(numbers)) != len(numbers):
        raise RoomError(
            f"配置 {room.paths.config}：[room] 里的 port、hub_port、proxy_api_port、collect_port "
            "必须是四个不同的端口",
            "port, hub_port, proxy_api_port and collect_port must be four different ports",
        )
    for key, (ip, port) in wanted.items():
        if not _port_free(ip, port):
            raise RoomError(
                f"端口 {ip}:{port}（[room] {key}）已被占用：请关闭占用它的程序，"
                f"或在 {room.paths.config} 里换一个端口。",
                f"port {ip}:{port} ([room] {key}) is already in use",
            )


def check_proxy(room: Room) -> None:
    proxy = room.paths.proxy
    if not (proxy.is_file() and os.access(proxy, os.X_OK)):
        raise RoomError(
            f"找不到代理程序 configurable-http-proxy：{proxy}\n"
            "  请用 `make room` 启动（它会先用 npm 把代理装进 .room/node_modules），"
            "或先运行 `make room-proxy`。",
            f"configurable-http-proxy not found at {proxy}: run `make room-proxy` (needs npm)",
        )
    if shutil.which("node") is None:
        raise RoomError(
            "找不到 node：代理 configurable-http-proxy 需要 Node.js（apt-get install nodejs npm）。",
            "node not found: configurable-http-proxy needs Node.js",
        )


def check_root_and_tools() -> None:
    if os.geteuid() != 0:
        raise RoomError(
            "开设教室需要 root 权限：要为每位学员建系统账号，并让每位学员的笔记本服务以其本人身份"
            "运行（学员的服务从不以 root 运行）。请用 sudo make room。",
            "the room needs root: it creates system accounts and starts each trainee's server "
            "as that trainee",
        )
    for tool in ("useradd", "userdel", "chpasswd"):
        if shutil.which(tool) is None:
            raise RoomError(f"找不到系统命令 {tool}。", f"{tool} not found")


def check_accounts(room: Room) -> None:
    for login in [room.trainer, *room.logins]:
        entry = _account(login)
        if entry is None:
            continue
        if entry.pw_gecos != room.account_comment:
            raise RoomError(
                f"系统里已有账号「{login}」，但不是本教室（{room.name}）创建的：为安全起见不会使用它。"
                "请在学员名单里换一个登录名。",
                f"system account '{login}' exists and was not created by room '{room.name}'",
            )


def check_python_for_others() -> AccountPython:
    """Trainees' servers run this environment's Python as the trainee (see roompython.py)."""
    python, why = account_python(REPO / ".room")
    if python is None:
        raise RoomError(
            f"学员账号无法运行本环境的 Python（{sys.executable}）：{why}\n"
            "  学员的服务以学员本人身份运行，所以项目和虚拟环境必须放在其他用户可读的位置"
            "（例如 /opt/xsim），不要放在 /root 下面。",
            f"room accounts cannot run this Python: {why}",
        )
    return python


def preflight(room: Room) -> AccountPython:
    """Everything that can refuse the request, before anything on the machine changes (it may
    prepare a copy of the interpreter under .room/ for the accounts; see roompython.py)."""
    running = _pid_alive(room.paths.pid_file)
    if running:
        raise RoomError(
            f"教室「{room.name}」已在运行（进程 {running}）。先用 make room STOP=1 停止。",
            f"room '{room.name}' is already running (pid {running})",
        )
    check_ports(room)
    check_proxy(room)
    check_root_and_tools()
    check_accounts(room)
    return check_python_for_others()


# ---------------------------------------------------------------- accounts and homes


def _password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(10))


def _load_credentials(room: Room) -> dict[str, str]:
    path = room.paths.hub_dir / "credentials.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    return {}


def _passwords(room: Room) -> dict[str, str]:
    """Keep every password already handed out; make new ones only for new accounts."""
    known = _load_credentials(room)
    accounts = room.settings.accounts
    out = {room.trainer: known.get(room.trainer) or _password()}
    shared = ""
    if accounts.passwords == "shared":
        shared = accounts.shared_password or known.get("*shared*") or _password()
        out["*shared*"] = shared
    for login in room.logins:
        out[login] = shared or known.get(login) or _password()
    return out


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(path, 0o600)


def _credentials_sheet(room: Room, passwords: dict[str, str], url: str) -> str:
    lines = [
        f"培训教室「{room.name}」账号与密码 — 请裁开分发，勿外传",
        f"登录地址：{url}",
        "",
        f"培训师：{room.trainer}    密码：{passwords[room.trainer]}",
        "",
    ]
    if "*shared*" in passwords:
        lines += [f"学员共用密码：{passwords['*shared*']}（每人用自己的登录名）", ""]
    lines.append("姓名\t登录名\t密码")
    for trainee in room.trainees:
        lines.append(f"{trainee.display_name}\t{trainee.login}\t{passwords[trainee.login]}")
    return "\n".join(lines) + "\n"


def _run_as(
    login: str, python: AccountPython, argv: list[str], **kwargs
) -> subprocess.CompletedProcess:
    entry = pwd.getpwnam(login)
    env = {
        "HOME": entry.pw_dir,
        "USER": login,
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        **python.environment,
    }
    return subprocess.run(
        argv,
        user=entry.pw_uid,
        group=entry.pw_gid,
        extra_groups=[],
        env=env,
        cwd=entry.pw_dir,
        check=True,
        timeout=120,
        **kwargs,
    )


def _seed_course(room: Room, python: AccountPython, login: str, with_trainer_edition: bool) -> None:
    """Copy the course into the account's home, as that account, keeping files already there
    (a trainee's work survives a restart of the room)."""
    course = room.paths.course
    exclude = set(room.settings.course.exclude)
    if with_trainer_edition:
        exclude.discard("trainer")
    files = [
        path
        for path in sorted(course.rglob("*"))
        if path.is_file()
        and not any(part in exclude for part in path.relative_to(course).parts)
        and ".ipynb_checkpoints" not in path.parts
    ]
    target = Path(pwd.getpwnam(login).pw_dir) / room.settings.course.folder
    # Copy as the account itself, so a path planted in the home cannot redirect a root write.
    script = (
        "import shutil, sys, pathlib\n"
        "src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])\n"
        "for rel in sys.argv[3:]:\n"
        "    out = dst / rel\n"
        "    if out.exists(): continue\n"
        "    out.parent.mkdir(parents=True, exist_ok=True)\n"
        "    shutil.copyfile(src / rel, out)\n"
    )
    rels = [str(path.relative_to(course)) for path in files]
    _run_as(
        login,
        python,
        [python.executable, "-I", "-S", "-c", script, str(course), str(target), *rels],
    )


def create_accounts(room: Room, python: AccountPython, passwords: dict[str, str]) -> list[str]:
    """Create the missing accounts (home 0700, no login shell) and set every password."""
    created = []
    shell = "/usr/sbin/nologin" if Path("/usr/sbin/nologin").exists() else "/bin/false"
    for login in [room.trainer, *room.logins]:
        if _account(login) is None:
            subprocess.run(
                ["useradd", "--create-home", "--shell", shell, "--comment", room.account_comment]
                + ["--user-group", login],
                check=True,
                capture_output=True,
                timeout=60,
            )
            created.append(login)
        home = Path(pwd.getpwnam(login).pw_dir)
        os.chmod(home, 0o700)
    feed = "".join(f"{login}:{passwords[login]}\n" for login in [room.trainer, *room.logins])
    subprocess.run(["chpasswd"], input=feed.encode(), check=True, capture_output=True, timeout=60)
    for login in room.logins:
        _seed_course(room, python, login, with_trainer_edition=False)
    _seed_course(room, python, room.trainer, with_trainer_edition=True)
    return created


def _record_accounts(room: Room) -> None:
    path = room.paths.accounts_file
    known = set(json.loads(path.read_text())) if path.is_file() else set()
    known |= {room.trainer, *room.logins}
    path.write_text(json.dumps(sorted(known)), encoding="utf-8")


# ---------------------------------------------------------------- settings of trainees' servers


def write_lab_settings(room: Room) -> None:
    """JupyterLab setting overrides for every single-user server of the room: the zh-CN interface,
    no news, no update checks. Passed to the servers as their app settings folder (see
    jupyterhub_config.py); nothing is written into anyone's home."""
    overrides = {
        "@jupyterlab/translation-extension:plugin": {"locale": "zh_CN"},
        "@jupyterlab/apputils-extension:notification": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    folder = room.paths.lab_settings
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "overrides.json").write_text(
        json.dumps(overrides, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    os.chmod(folder, 0o755)
    os.chmod(folder / "overrides.json", 0o644)


def _readable_by_accounts(path: Path, python: AccountPython) -> bool:
    """Can an unprivileged account (nobody) read ``path``? (The trainees' servers must.)"""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **python.environment}
    try:
        done = subprocess.run(
            [
                python.executable,
                "-I",
                "-S",
                "-c",
                "import sys; open(sys.argv[1]).close()",
                str(path),
            ],
            user=pwd.getpwnam("nobody").pw_uid,
            group=nogroup(),
            extra_groups=[],
            env=env,
            cwd="/",
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


# ---------------------------------------------------------------- start / stop


def public_url(room: Room) -> str:
    section = room.settings.room
    scheme = "https" if room.paths.ssl_cert else "http"
    host = section.ip if section.ip not in ("", "0.0.0.0", "::") else socket.gethostname()
    if ":" in host:
        host = f"[{host}]"
    return f"{scheme}://{host}:{section.port}/"


def _wait_for_hub(room: Room, proc: subprocess.Popen) -> None:
    """Until the hub answers through the proxy on the public port (routes are in place)."""
    section = room.settings.room
    host = "127.0.0.1" if section.ip in ("", "0.0.0.0", "::") else section.ip
    host = f"[{host}]" if ":" in host else host
    scheme = "https" if room.paths.ssl_cert else "http"
    url = f"{scheme}://{host}:{section.port}/hub/api/"
    unverified = ssl.create_default_context()
    unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE  # our own cert
    deadline = time.monotonic() + HUB_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"JupyterHub exited with status {proc.returncode}")
        with (
            contextlib.suppress(OSError),
            urllib.request.urlopen(url, timeout=3, context=unverified) as resp,
        ):
            if resp.status == 200:
                return
        time.sleep(0.3)
    raise RuntimeError(f"JupyterHub did not answer within {HUB_START_S}s")


def start(room: Room) -> int:
    python = preflight(room)
    paths = room.paths
    paths.state.mkdir(parents=True, exist_ok=True)
    os.chmod(paths.state, 0o711)  # trainees reach lab-settings/, nothing else
    paths.hub_dir.mkdir(exist_ok=True)
    os.chmod(paths.hub_dir, 0o700)
    passwords = _passwords(room)
    _write_private(paths.hub_dir / "credentials.json", json.dumps(passwords, ensure_ascii=False))
    _write_private(paths.credentials, _credentials_sheet(room, passwords, public_url(room)))
    proxy_token = paths.hub_dir / "proxy_token"
    if not proxy_token.is_file():
        _write_private(proxy_token, secrets.token_hex(32))
    write_lab_settings(room)
    if not _readable_by_accounts(room.paths.lab_settings / "overrides.json", python):
        _say(
            f"学员账号读不到 {room.paths.lab_settings}：教室的状态文件夹（[room] state_dir）"
            "及其上级文件夹必须允许其他用户进入（例如不要放在 /root 或权限为 0700 的文件夹下）。",
            "room accounts cannot read the room's lab settings: choose a state_dir others can reach",
        )
        return 2
    _record_accounts(room)
    try:
        created = create_accounts(room, python, passwords)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        _say(
            f"创建账号或复制课程时出错：{exc} {detail.decode(errors='replace')}",
            "creating accounts or seeding the course failed",
        )
        return 1
    if created:
        _say(f"已创建 {len(created)} 个系统账号。", f"created {len(created)} accounts")

    env = dict(
        os.environ,
        XSIM_ROOM_CONFIG=str(paths.config),
        XSIM_ROOM_PYTHON=python.executable,
        XSIM_ROOM_PYTHON_ENV=json.dumps(python.environment),
    )
    env["CONFIGPROXY_AUTH_TOKEN"] = proxy_token.read_text().strip()
    log = paths.log.open("ab")
    hub = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterhub",
            "-f",
            str(REPO / "room" / "jupyterhub_config.py"),
        ],
        cwd=paths.hub_dir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    paths.pid_file.write_text(str(hub.pid))
    try:
        _wait_for_hub(room, hub)
    except RuntimeError as exc:
        stop(room, quiet=True)
        tail = paths.log.read_text(encoding="utf-8", errors="replace")[-3000:]
        _say(f"教室没能启动：{exc}\n日志 {paths.log} 的最后部分：\n{tail}", str(exc))
        return 1
    _say(
        f"教室「{room.name}」已开：{public_url(room)}\n"
        f"  学员 {len(room.trainees)} 名；账号与密码见 {paths.credentials}（仅 root 可读）\n"
        f"  培训师 {room.trainer}：登录后打开 {public_url(room)}services/collect/ 收集进度\n"
        f"  停止：make room STOP=1",
        f"room '{room.name}' is up at {public_url(room)}",
    )
    return 0


def _room_uids(room: Room) -> set[int]:
    path = room.paths.accounts_file
    logins = set(json.loads(path.read_text())) if path.is_file() else set()
    logins |= {room.trainer, *room.logins}
    uids = set()
    for login in logins:
        entry = _account(login)
        if entry is not None and entry.pw_gecos == room.account_comment:
            uids.add(entry.pw_uid)
    return uids


def _processes_of(uids: set[int]) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if entry.stat().st_uid in uids:
                pids.append(int(entry.name))
    return pids


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _running(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists() and not _zombie(pid)


def _end_until_gone(
    list_pids: Callable[[], list[int]], grace_s: float, wait_s: float
) -> tuple[int, list[int]]:
    """End the processes ``list_pids()`` names until it names none, or ``wait_s`` has passed.

    One pass is not enough: a server that is stopping may still start a process (a kernel's
    shutdown, a collection's reader) after the list was taken, and a killed process stays in
    /proc until its parent reaps it. So: list, SIGTERM each new process once, SIGKILL it once it
    has had ``grace_s``, repeat. Returns how many processes there were and those still listed at
    the deadline."""
    start = time.monotonic()
    told: dict[int, float] = {}  # pid -> when it was sent SIGTERM
    while time.monotonic() - start < wait_s:
        pids = list_pids()
        if not pids:
            return len(told), []
        now = time.monotonic()
        for pid in pids:
            if pid not in told:
                told[pid] = now
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGTERM)
            elif now - told[pid] >= grace_s and _running(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)
    return len(told), list_pids()


def _end_one(pid: int, grace_s: float) -> None:
    _end_until_gone(lambda: [pid] if _running(pid) else [], grace_s, grace_s + KILL_WAIT_S)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return True


def stop(room: Room, quiet: bool = False) -> int:
    """Stop the hub (it stops the servers, proxy and services it started), then anything of the
    room that is left: the proxy by its pid file, processes owned by the room's accounts."""
    paths = room.paths
    stopped = []
    hub_pid = _pid_alive(paths.pid_file)
    if hub_pid and "jupyterhub" in _cmdline(hub_pid):
        _end_one(hub_pid, STOP_WAIT_S)
        stopped.append(f"JupyterHub（进程 {hub_pid}）")
    proxy_pid = _pid_alive(paths.proxy_pid_file)
    if proxy_pid and "configurable-http-proxy" in _cmdline(proxy_pid):
        _end_one(proxy_pid, TERM_GRACE_S)
        stopped.append(f"代理（进程 {proxy_pid}）")
    uids = _room_uids(room)
    ended, left = _end_until_gone(lambda: _processes_of(uids), TERM_GRACE_S, ACCOUNTS_WAIT_S)
    if ended:
        stopped.append(f"学员进程 {ended} 个")
    for path in (paths.pid_file, paths.proxy_pid_file):
        path.unlink(missing_ok=True)
    if left:
        _say(
            f"教室账户仍有 {len(left)} 个进程未结束（进程号 {', '.join(map(str, left))}），"
            "请稍后再运行一次“停止”。",
            f"{len(left)} processes of the room's accounts are still there: {left}",
        )
        return 1
    if not quiet:
        if stopped:
            _say("已停止：" + "、".join(stopped), "stopped the room")
        else:
            _say(f"教室「{room.name}」没有在运行。", "nothing was running")
    return 0


def remove(room: Room) -> int:
    """Delete the room's accounts and their homes (only accounts carrying the room's marker)."""
    if os.geteuid() != 0:
        raise RoomError("删除账号需要 root 权限。", "removing accounts needs root")
    if stop(room, quiet=True) != 0:
        _say(
            "账号未删除：请稍后再运行一次。",
            "accounts not removed: some of their processes are left",
        )
        return 1
    path = room.paths.accounts_file
    logins = set(json.loads(path.read_text())) if path.is_file() else set()
    logins |= {room.trainer, *room.logins}
    removed, refused = [], []
    for login in sorted(logins):
        entry = _account(login)
        if entry is None or entry.pw_gecos != room.account_comment:
            continue
        done = subprocess.run(["userdel", "--remove", login], capture_output=True, timeout=60)
        if _account(login) is None:
            removed.append(login)
        else:
            refused.append(login)
            why = done.stderr.decode(errors="replace").strip()
            _say(f"账号 {login} 未能删除：{why}", f"could not remove {login}")
    if refused:
        # the accounts file stays, so that running remove again finds them
        _say(
            f"已删除 {len(removed)} 个账号；{len(refused)} 个未能删除，处理后请再运行一次。",
            f"removed {len(removed)}, {len(refused)} left",
        )
        return 1
    path.unlink(missing_ok=True)
    (room.paths.hub_dir / "credentials.json").unlink(missing_ok=True)
    room.paths.credentials.unlink(missing_ok=True)
    _say(f"已删除 {len(removed)} 个账号及其主目录。", f"removed {len(removed)} accounts")
    return 0


def status(room: Room) -> int:
    pid = _pid_alive(room.paths.pid_file)
    if pid:
        _say(f"教室「{room.name}」正在运行（进程 {pid}）：{public_url(room)}")
        return 0
    _say(f"教室「{room.name}」没有在运行。")
    return 3


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop", "remove", "status"])
    parser.add_argument("--config", default=os.environ.get("ROOM") or str(DEFAULT_CONFIG))
    args = parser.parse_args(argv)
    try:
        room = load_room(args.config)
        action = {"start": start, "stop": stop, "remove": remove, "status": status}[args.action]
        return action(room)
    except InputError as exc:
        print(f"教室配置有误：{exc.message('zh')}\n  {exc.message('en')}", file=sys.stderr)
        return 2
    except RoomError as exc:
        print(f"{exc.zh}\n  {exc.en}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
