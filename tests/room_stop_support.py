"""Run by tests/test_room.py: ``roomctl._end_until_gone`` against a process that, when told to stop,
starts another one (which ignores SIGTERM) and exits — what a trainee's server does when it shuts
its kernels down while the room is being stopped.

This script makes itself a child subreaper (``prctl(PR_SET_CHILD_SUBREAPER)``) and reaps its
orphans, so the check does not depend on how quickly the machine's init reaps them. The processes
to end are those of the stopping process's group. Prints one JSON line.
"""

import ctypes
import json
import os
import subprocess
import sys
import threading
import time

PR_SET_CHILD_SUBREAPER = 36
STOPPING = """
import signal, subprocess, sys, time
def on_term(*_):
    subprocess.Popen([sys.executable, "-c",
        "import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); time.sleep(60)"])
    time.sleep(0.3)
    sys.exit(0)
signal.signal(signal.SIGTERM, on_term)
print("ready", flush=True)
time.sleep(60)
"""


def _reap_forever() -> None:
    while True:
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            time.sleep(0.05)


def main() -> None:
    sys.path.insert(0, sys.argv[1])
    import roomctl

    ctypes.CDLL(None).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    threading.Thread(target=_reap_forever, daemon=True).start()
    stopping = subprocess.Popen(
        [sys.executable, "-c", STOPPING], start_new_session=True, stdout=subprocess.PIPE, text=True
    )
    stopping.stdout.readline()
    group = stopping.pid

    def in_group() -> list[int]:
        pids = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.getpgid(int(entry)) == group:
                        pids.append(int(entry))
                except OSError:
                    pass
        return pids

    ended, left = roomctl._end_until_gone(in_group, grace_s=0.5, wait_s=10)
    print(json.dumps({"ended": ended, "left": left, "after": in_group()}))


if __name__ == "__main__":
    main()
