"""Shared by the room's tests (tests/test_room.py, tests/test_room_live.py): a room's files on free
ports, roomctl as a command, what a live room needs and the checkout closed while it runs."""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ROOMCTL = ROOT / "room" / "roomctl.py"
PROXY = ROOT / ".room" / "node_modules" / ".bin" / "configurable-http-proxy"
CHROMIUM = "/usr/bin/chromium"
COURSE_FOLDER = "协商课程"
# Live rooms keep their state here: root-owned, as roomctl requires (never under /tmp).
STATE_ROOT = Path("/var/lib/xsim-room-test")

sys.path.insert(0, str(ROOT / "room"))


def free_ports(count: int) -> list[int]:
    sockets, ports = [], []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        sockets.append(s)
        ports.append(s.getsockname()[1])
    for s in sockets:
        s.close()
    return ports


def write_room(
    folder: Path,
    trainees: str,
    name: str = "t",
    trainer: str = "xsrttrainer",
    proxy: Path | None = None,
    ports: list[int] | None = None,
    extra: str = "",
    state: Path | None = None,
) -> Path:
    """A room.toml and trainees.txt in ``folder``; the state folder ``state`` (default
    ``folder/state``: under /tmp, which roomctl refuses once it gets that far)."""
    from roomconfig import room_toml

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "trainees.txt").write_text(trainees, encoding="utf-8")
    config = folder / "room.toml"
    config.write_text(
        room_toml(
            name,
            tuple(ports or free_ports(4)),
            state or folder / "state",
            trainer,
            proxy=proxy or PROXY,
            course=ROOT / "notebooks",
            course_folder=COURSE_FOLDER,
            extra=extra,
        ),
        encoding="utf-8",
    )
    return config


def roomctl(action: str, config: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOMCTL), action, "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=ROOT,
    )


def processes_mentioning(text: str) -> list[int]:
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


def account_exists(login: str) -> bool:
    try:
        pwd.getpwnam(login)
    except KeyError:
        return False
    return True


def require_live_room(browser: bool = False) -> None:
    """Skip without root, the proxy (and Chromium when asked) — fail instead when CI is set."""
    missing = []
    if os.geteuid() != 0:
        missing.append("root (the room creates system accounts)")
    if browser and not Path(CHROMIUM).exists():
        missing.append(CHROMIUM)
    if not PROXY.exists():
        missing.append(f"{PROXY} (make room-proxy)")
    if not missing:
        return
    if os.environ.get("CI"):
        pytest.fail("CI is set but the room test cannot run: missing " + ", ".join(missing))
    pytest.skip("room test needs " + ", ".join(missing))


@contextlib.contextmanager
def checkout_closed():
    """The checkout closed to other accounts while a live room runs (roomctl refuses otherwise:
    trainees must not read the answers), its mode restored after."""
    mode = ROOT.stat().st_mode & 0o7777
    ROOT.chmod(mode & ~0o007)
    try:
        yield
    finally:
        ROOT.chmod(mode)


def credentials(state: Path) -> dict[str, str]:
    data = json.loads((state / "hub" / "credentials.json").read_text(encoding="utf-8"))
    return {login: password for login, password in data.items() if not login.startswith("*")}


def remove_accounts(*logins: str) -> None:
    for login in logins:
        with contextlib.suppress(KeyError):
            pwd.getpwnam(login)
            subprocess.run(["userdel", "--remove", login], capture_output=True, check=False)
