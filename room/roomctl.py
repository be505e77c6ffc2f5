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
a checkout other accounts could read, the state folder (root-owned path only) — and exits with
status 2 and a message in Chinese and English when one fails, leaving nothing running and no
account created. It then builds the trainee runtime (``roomruntime``: what accounts run, outside
the checkout, course without answers), creates the accounts (``roomaccounts``), hides other
accounts' processes (``hidepid``), starts the warm fork server (``xsim_room.forkserver``) and the
hub. If the hub does not come up, everything started is stopped again (exit 1).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import roomaccounts as accounts  # noqa: E402
import roomprocs as procs  # noqa: E402
import roomruntime  # noqa: E402
from roomconfig import DEFAULT_CONFIG, REPO, Room, load_room  # noqa: E402
from roomstate import StateDir, StateError, open_state  # noqa: E402

from xsim.errors import InputError  # noqa: E402

HUB_START_S = 120  # a busy machine (other rooms, a class logging in) starts slowly
FORK_START_S = 120
STOP_WAIT_S = 20
TERM_GRACE_S = 5  # a trainee's server gets this long to stop its kernels
ACCOUNTS_WAIT_S = 30
# What the checkout holds that no trainee may read (checked from an unrelated account's view).
PRIVATE_IN_CHECKOUT = ("course/toc.yaml", "trainer", "room/room.toml")
_end_until_gone = procs.end_until_gone  # tests/room_stop_support.py uses this name


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


def _pid_alive(state: StateDir, name: str) -> int | None:
    try:
        pid = int((state.read(name, 64) or b"").decode().strip())
        os.kill(pid, 0)
    except (OSError, ValueError, StateError):
        return None
    return pid


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


def check_checkout_closed() -> None:
    """Trainees' kernels run any code: the checkout (trainer edition, answers, config) must be
    closed to accounts that are not its owner (the room runs them from the runtime instead)."""
    open_to_others = [
        name
        for name in PRIVATE_IN_CHECKOUT
        if (REPO / name).exists() and roomruntime.readable_by_others(REPO / name)
    ]
    if open_to_others:
        raise RoomError(
            f"学员账号能读到项目文件夹 {REPO}（其中有培训师版课程和测验答案，例如 "
            f"{open_to_others[0]}）。请先关闭它：sudo chmod o-rwx {REPO}"
            "（教室给学员用的是另建的运行环境，不需要读项目文件夹）",
            f"other accounts can read the checkout {REPO} ({open_to_others[0]}): "
            f"run chmod o-rwx {REPO}",
        )


def check_accounts(room: Room, state: StateDir) -> None:
    for login in accounts.foreign_accounts(room, state):
        raise RoomError(
            f"系统里已有账号「{login}」，但不是本教室（{room.name}）创建的：为安全起见不会使用它。"
            "请在学员名单里换一个登录名。",
            f"system account '{login}' exists and was not created by room '{room.name}'",
        )


def preflight(room: Room) -> StateDir:
    """Everything that can refuse the request, before anything on the machine changes (the
    state folder is created if missing, nothing else)."""
    check_ports(room)
    check_proxy(room)
    check_root_and_tools()
    check_checkout_closed()
    try:
        state = open_state(room.paths.state)
    except StateError as exc:
        raise RoomError(exc.zh, exc.en) from None
    running = _pid_alive(state, "jupyterhub.pid")
    if running:
        raise RoomError(
            f"教室「{room.name}」已在运行（进程 {running}）。先用 make room STOP=1 停止。",
            f"room '{room.name}' is already running (pid {running})",
        )
    try:
        check_accounts(room, state)
    except accounts.AccountError as exc:
        raise RoomError(exc.zh, exc.en) from None
    return state


# ---------------------------------------------------------------- what trainees' servers read


def write_lab_settings(state: StateDir) -> Path:
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
    folder = state.folder("lab-settings", 0o755)
    try:
        folder.write("overrides.json", json.dumps(overrides, ensure_ascii=False, indent=2), 0o644)
    finally:
        folder.close()
    return folder.path


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


def _start_fork_server(room: Room, state: StateDir, runtime, uids: set[int], log: int) -> int:
    """The warm process trainees' servers and kernels are forked from (root, clean environment:
    no token of the hub's in its memory, which every child inherits)."""
    home = state.folder("forkserver-home", 0o755)  # matplotlib's font cache, built as root
    home.close()
    env = {
        "PATH": f"{runtime.root / 'venv' / 'bin'}:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "HOME": str(home.path),
        "XSIM_COURSE": str(runtime.course),
        **runtime.environment,
    }
    proc = subprocess.Popen(
        [runtime.python, "-I", "-m", "xsim_room.forkserver"]
        + ["--socket", str(room.paths.fork_socket), "--uids", ",".join(map(str, sorted(uids)))],
        cwd="/",
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        start_new_session=True,
        umask=0o022,
    )
    state.write("forkserver.pid", str(proc.pid))
    deadline = time.monotonic() + FORK_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the fork server exited with status {proc.returncode}")
        if room.paths.fork_socket.is_socket():
            return proc.pid
        time.sleep(0.2)
    raise RuntimeError(f"the fork server was not ready within {FORK_START_S}s")


def start(room: Room) -> int:
    state = preflight(room)
    paths = room.paths
    try:
        runtime = roomruntime.build(paths.runtime)
    except roomruntime.RuntimeError_ as exc:
        _say(exc.zh, exc.en)
        return 2
    hub = state.folder("hub", 0o700)
    try:
        pw = accounts.passwords(room, hub)
        accounts.save_passwords(room, state, hub, pw, public_url(room))
        if not hub.exists("proxy_token"):
            hub.write("proxy_token", secrets.token_hex(32))
        proxy_token = (hub.read("proxy_token") or b"").decode().strip()
    except accounts.AccountError as exc:
        _say(exc.zh, exc.en)
        return 2
    finally:
        hub.close()
    write_lab_settings(state)
    try:
        created = accounts.create(room, state, runtime, pw)
    except (OSError, subprocess.SubprocessError, accounts.AccountError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        _say(
            f"创建账号或复制课程时出错：{exc} {detail.decode(errors='replace')}",
            "creating accounts or seeding the course failed",
        )
        return 1
    if created:
        _say(f"已创建 {len(created)} 个系统账号。", f"created {len(created)} accounts")
    if room.settings.room.hide_processes:
        hidden, how = procs.hide_processes()
        if not hidden:
            _say(
                f"注意：未能隐藏其他账号的进程（/proc 的 hidepid：{how}）；学员能看到彼此的进程名。",
                f"note: could not remount /proc with hidepid ({how})",
            )

    log = state.append_fd("jupyterhub.log")
    uids = accounts.room_uids(state)
    try:
        fork_socket = ""
        if room.settings.room.warm_start:
            _start_fork_server(room, state, runtime, uids, log)
            fork_socket = str(paths.fork_socket)
        env = {
            key: value
            for key, value in os.environ.items()
            if key in ("PATH", "LANG", "LC_ALL", "HOME", "TZ")
        }
        env.update(
            XSIM_ROOM_CONFIG=str(paths.config),
            XSIM_ROOM_RUNTIME=json.dumps(
                {
                    "root": str(runtime.root),
                    "python": runtime.python,
                    "environment": runtime.environment,
                    "fork_socket": fork_socket,
                }
            ),
            CONFIGPROXY_AUTH_TOKEN=proxy_token,
        )
        hub_process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(REPO / "room" / "jupyterhub_config.py")],
            cwd=paths.hub_dir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            umask=0o077,  # its database, pid file and cookie secret: root only
        )
        state.write("jupyterhub.pid", str(hub_process.pid))
        _wait_for_hub(room, hub_process)
    except (RuntimeError, OSError) as exc:
        stop(room, quiet=True)
        tail = paths.log.read_text(encoding="utf-8", errors="replace")[-3000:]
        _say(f"教室没能启动：{exc}\n日志 {paths.log} 的最后部分：\n{tail}", str(exc))
        return 1
    finally:
        os.close(log)
    _say(
        f"教室「{room.name}」已开：{public_url(room)}\n"
        f"  学员 {len(room.trainees)} 名；账号与密码见 {paths.credentials}（仅 root 可读）\n"
        f"  培训师 {room.trainer}：登录后打开 {public_url(room)}services/collect/ 收集进度\n"
        f"  停止：make room STOP=1",
        f"room '{room.name}' is up at {public_url(room)}",
    )
    return 0


def _open_existing_state(room: Room) -> StateDir | None:
    """The state folder for stop / remove / status (None when there is none yet)."""
    if not room.paths.state.is_dir():
        return None
    try:
        return open_state(room.paths.state)
    except StateError as exc:
        raise RoomError(exc.zh, exc.en) from None


def stop(room: Room, quiet: bool = False) -> int:
    """Stop the hub (it stops the servers, proxy and services it started), the fork server,
    then anything of the room that is left: processes owned by the room's uids."""
    state = _open_existing_state(room)
    if state is None:
        if not quiet:
            _say(f"教室「{room.name}」没有在运行。", "nothing was running")
        return 0
    stopped = []
    # The hub's services (idle culler, collect) are its children in sessions of their own; a hub
    # that had to be killed leaves them behind, so its family is taken before it is stopped.
    hub_pid = _pid_alive(state, "jupyterhub.pid")
    hub_family = procs.family(hub_pid) if hub_pid and "jupyterhub" in procs.cmdline(hub_pid) else {}
    for name, marker, label, grace in (
        ("jupyterhub.pid", "jupyterhub", "JupyterHub", STOP_WAIT_S),
        ("proxy.pid", "configurable-http-proxy", "代理", TERM_GRACE_S),
        ("forkserver.pid", "xsim_room.forkserver", "预热进程", TERM_GRACE_S),
    ):
        pid = _pid_alive(state, name)
        if pid and marker in procs.cmdline(pid):
            procs.end_one(pid, grace)
            stopped.append(f"{label}（进程 {pid}）")
        state.unlink(name)
    services, _ = procs.end_until_gone(
        lambda: procs.still_running(hub_family), TERM_GRACE_S, ACCOUNTS_WAIT_S
    )
    if services:
        stopped.append(f"教室服务进程 {services} 个")
    try:
        uids = accounts.room_uids(state)
    except accounts.AccountError as exc:
        _say(exc.zh, exc.en)
        return 1
    ended, left = procs.end_until_gone(
        lambda: procs.processes_of(uids), TERM_GRACE_S, ACCOUNTS_WAIT_S
    )
    if ended:
        stopped.append(f"学员进程 {ended} 个")
    state.unlink("fork.sock")
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
    """Delete the room's accounts and their homes: those in the uid list the room keeps."""
    if os.geteuid() != 0:
        raise RoomError("删除账号需要 root 权限。", "removing accounts needs root")
    if stop(room, quiet=True) != 0:
        _say(
            "账号未删除：请稍后再运行一次。",
            "accounts not removed: some of their processes are left",
        )
        return 1
    state = _open_existing_state(room)
    if state is None:
        _say("已删除 0 个账号及其主目录。", "removed 0 accounts")
        return 0
    removed, refused = accounts.remove(state)
    for line in refused:
        _say(f"账号未能删除：{line}", "could not remove an account")
    if refused:
        _say(
            f"已删除 {len(removed)} 个账号；{len(refused)} 个未能删除，处理后请再运行一次。",
            f"removed {len(removed)}, {len(refused)} left",
        )
        return 1
    hub = state.folder("hub", 0o700)
    accounts.forget_passwords(state, hub)
    hub.close()
    _say(f"已删除 {len(removed)} 个账号及其主目录。", f"removed {len(removed)} accounts")
    return 0


def status(room: Room) -> int:
    state = _open_existing_state(room)
    pid = _pid_alive(state, "jupyterhub.pid") if state else None
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
