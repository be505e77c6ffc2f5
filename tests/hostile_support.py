"""Running xsim against hostile input the way a user would: a separate process, a memory limit, a
clock, and a record of every file in a sandbox before and after.

:func:`xsim` runs the command line in a child process whose address space is limited
(``RLIMIT_AS``, :data:`MEMORY_LIMIT`) and which is killed after ``timeout`` seconds; a hang, a
traceback or memory beyond the limit therefore fails the test instead of the machine.
:func:`snapshot` lists every entry under a folder (type, size, digest, link target), so that a test
can assert that nothing outside the intended folder changed.
"""

from __future__ import annotations

import hashlib
import os
import resource
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEMORY_LIMIT = 4 * 1024**3
"""The address-space limit of every hostile run (the issue's "4 GB limit")."""


@dataclass
class Done:
    code: int
    out: str
    err: str
    seconds: float

    @property
    def one_clear_message(self) -> bool:
        """Exit 2 with exactly one line on stderr and no traceback."""
        return self.code == 2 and self.err.count("\n") == 1 and "Traceback" not in self.err


def _limit(memory: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))

    return apply


def xsim(*args: str, timeout: float = 120, memory: int = MEMORY_LIMIT, cwd=None, env=None) -> Done:
    """``python -m xsim ARGS`` in a child process under ``memory`` bytes of address space."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "xsim", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit(memory),
        cwd=cwd or ROOT,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT / "src")},
    )
    return Done(done.returncode, done.stdout, done.stderr, time.monotonic() - start)


def python(code: str, *args: str, timeout: float = 120, memory: int = MEMORY_LIMIT) -> Done:
    """``python -c CODE ARGS`` under the same limits (library-level readers)."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit(memory),
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    return Done(done.returncode, done.stdout, done.stderr, time.monotonic() - start)


def snapshot(folder: Path) -> dict[str, tuple]:
    """Every entry under ``folder`` (not following links): relative path → (kind, size, digest or
    link target). Device nodes and FIFOs are listed by kind only (never opened)."""
    entries: dict[str, tuple] = {}
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            info = os.lstat(path)
            rel = str(path.relative_to(folder))
            if stat.S_ISLNK(info.st_mode):
                entries[rel] = ("link", os.readlink(path))
            elif stat.S_ISREG(info.st_mode):
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                entries[rel] = ("file", info.st_size, digest)
            elif stat.S_ISDIR(info.st_mode):
                entries[rel] = ("dir",)
            else:
                entries[rel] = ("special", stat.S_IFMT(info.st_mode))
    return entries
