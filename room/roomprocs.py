"""Processes of a room: finding them by uid, ending them until none is left, hiding them.

``stop`` ends the hub, the proxy and the fork server by their pid files, then every process of
the uids the room keeps (:mod:`roomaccounts`). One pass is not enough — a stopping server may
still start a process, and a killed process stays in /proc until its parent reaps it — so
:func:`end_until_gone` repeats until the list is empty or the time is up.

Trainees see each other's process names in ``/proc`` unless it is mounted with ``hidepid``
(Linux ≥ 5.8: ``hidepid=invisible``; older: ``hidepid=2``). :func:`hide_processes` remounts
``/proc`` so, when the machine allows it (root in the initial namespace, or a container with the
right to remount); root and the hub still see everything. The setting applies to the whole
machine until the next reboot or remount; docs/room.md says so.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path


def processes_of(uids: set[int]) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            if entry.stat().st_uid in uids:
                pids.append(int(entry.name))
    return pids


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1].startswith("Z")
    except (OSError, IndexError):
        return True


def running(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists() and not zombie(pid)


def end_until_gone(
    list_pids: Callable[[], list[int]], grace_s: float, wait_s: float
) -> tuple[int, list[int]]:
    """End the processes ``list_pids()`` names until it names none, or ``wait_s`` has passed:
    list, SIGTERM each new process once, SIGKILL it once it has had ``grace_s``, repeat. Returns
    how many processes there were and those still listed at the deadline."""
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
            elif now - told[pid] >= grace_s and running(pid):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
        time.sleep(0.1)
    return len(told), list_pids()


def end_one(pid: int, grace_s: float, kill_wait_s: float = 5) -> None:
    end_until_gone(lambda: [pid] if running(pid) else [], grace_s, grace_s + kill_wait_s)


def start_time(pid: int) -> int | None:
    """When the process started (clock ticks since boot): with the pid, it names one process."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return None


def family(pid: int) -> dict[int, int | None]:
    """The process and all its descendants, each with its start time."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError, ValueError):
                parent = int((entry / "stat").read_text().rsplit(") ", 1)[1].split()[1])
                children.setdefault(parent, []).append(int(entry.name))
    found, stack = {}, [pid]
    while stack:
        current = stack.pop()
        found[current] = start_time(current)
        stack.extend(children.get(current, []))
    return found


def still_running(known: dict[int, int | None]) -> list[int]:
    """Those of ``known`` (pid -> start time) that are the same processes and still running."""
    return [pid for pid, started in known.items() if start_time(pid) == started and running(pid)]


def proc_hidepid() -> str:
    """The ``hidepid`` option /proc is mounted with ('' when none)."""
    with contextlib.suppress(OSError):
        for line in Path("/proc/self/mountinfo").read_text().splitlines():
            fields = line.split()
            if len(fields) > 4 and fields[4] == "/proc" and " - proc " in line:
                for option in line.split(" - ", 1)[1].split()[-1].split(","):
                    if option.startswith("hidepid="):
                        return option.split("=", 1)[1]
    return ""


def hide_processes() -> tuple[bool, str]:
    """Remount /proc with hidepid so accounts see only their own processes:
    (hidden now, what happened). Tries ``invisible`` (Linux ≥ 5.8), then ``2``."""
    current = proc_hidepid()
    if current in ("2", "invisible"):
        return True, current
    last = ""
    for value in ("invisible", "2"):
        done = subprocess.run(
            ["mount", "-o", f"remount,hidepid={value}", "/proc"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        if done.returncode == 0 and proc_hidepid() in ("2", "invisible"):
            return True, value
        last = (done.stderr or done.stdout).strip()
    return False, last
