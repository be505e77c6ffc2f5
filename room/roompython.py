"""A Python the room's accounts can run: this virtual environment's, or a reachable copy of it.

Each trainee's server runs this environment's Python *as the trainee*. When the interpreter lives
where other accounts cannot reach it — typically a pyenv build under ``/root`` (mode 0700), as in
many containers — the room makes a copy of the interpreter's runtime (binary, ``libpython``,
standard library without its tests) under ``.room/accounts-python/`` in the repository and a
virtual environment beside it whose ``site-packages`` is a link to this environment's, so the
trainees run exactly the installed packages. Nothing outside the repository's ``.room/`` changes
(no permissions on ``/root`` are touched). When even that cannot work — the repository itself
is unreadable to other accounts — the caller gets a clear refusal.
"""

from __future__ import annotations

import grp
import hashlib
import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

# Cheap: finds the packages (proves the paths are readable) without importing the heavy ones.
PROBE = (
    "import importlib.util, sys\n"
    "missing = [m for m in ('jupyterhub', 'jupyterlab', 'ipykernel', 'jupyterhub_idle_culler', 'xsim')"
    " if importlib.util.find_spec(m) is None]\n"
    "sys.exit('cannot import: ' + ', '.join(missing)) if missing else None\n"
    "import xsim.errors\n"
)
SKIP = {"test", "idlelib", "tkinter", "turtledemo", "site-packages", "ensurepip", "lib2to3"}


@dataclass(frozen=True)
class AccountPython:
    executable: str
    environment: dict[str, str] = field(default_factory=dict)


def nogroup() -> int:
    for name in ("nogroup", "nobody"):
        try:
            return grp.getgrnam(name).gr_gid
        except KeyError:
            continue
    return pwd.getpwnam("nobody").pw_gid


def probe(python: AccountPython) -> str:
    """'' when the account ``nobody`` can start this Python and import the room's packages,
    else the last line of the error."""
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "PYTHONPATH", "LANG")}
    env.update(python.environment)
    try:
        done = subprocess.run(
            [python.executable, "-c", PROBE],
            user=pwd.getpwnam("nobody").pw_uid,
            group=nogroup(),
            extra_groups=[],
            env=env,
            cwd="/",
            capture_output=True,
            timeout=120,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return str(exc)
    if done.returncode == 0:
        return ""
    lines = done.stderr.decode("utf-8", errors="replace").strip().splitlines()
    return lines[-1] if lines else f"exit status {done.returncode}"


def _copy_runtime(base: Path, target: Path) -> None:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    staging = target.with_name(target.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "bin").mkdir(parents=True)
    shutil.copy2(Path(sys._base_executable).resolve(), staging / "bin" / version)
    libdir = Path(sysconfig.get_config_var("LIBDIR") or base / "lib")
    (staging / "lib").mkdir()
    for lib in libdir.glob("libpython*.so*"):
        shutil.copy2(lib, staging / "lib" / lib.name, follow_symlinks=True)
    stdlib = base / "lib" / version
    shutil.copytree(
        stdlib,
        staging / "lib" / version,
        ignore=lambda folder, names: [n for n in names if Path(folder) == stdlib and n in SKIP],
        symlinks=True,
    )
    (staging / "lib" / version / "site-packages").mkdir()
    for path in [staging, *staging.rglob("*")]:
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    staging.rename(target)


def _make_venv(runtime: Path, venv: Path) -> None:
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    staging = venv.with_name(venv.name + ".partial")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "bin").mkdir(parents=True)
    (staging / "lib" / version).mkdir(parents=True)
    (staging / "bin" / "python3").symlink_to(runtime / "bin" / version)
    (staging / "bin" / "python").symlink_to("python3")
    site = Path(sysconfig.get_paths()["purelib"])
    (staging / "lib" / version / "site-packages").symlink_to(site)
    # Jupyter reads sys.prefix/etc/jupyter (enabled server extensions such as JupyterLab) and
    # sys.prefix/share/jupyter (the lab's assets, kernel specs): the same as this environment's.
    for shared in ("etc", "share"):
        if (Path(sys.prefix) / shared).is_dir():
            (staging / shared).symlink_to(Path(sys.prefix) / shared)
    (staging / "pyvenv.cfg").write_text(
        f"home = {runtime / 'bin'}\ninclude-system-site-packages = false\n"
        f"version = {sys.version.split()[0]}\n",
        encoding="utf-8",
    )
    for folder in (staging, staging / "bin", staging / "lib", staging / "lib" / version):
        folder.chmod(0o755)
    (staging / "pyvenv.cfg").chmod(0o644)
    staging.rename(venv)


def account_python(cache: Path) -> tuple[AccountPython | None, str]:
    """(the Python to run as a room account, '') or (None, why not)."""
    cache = cache.resolve()
    own = AccountPython(sys.executable)
    why = probe(own)
    if not why:
        return own, ""
    digest = hashlib.sha256(sys.prefix.encode()).hexdigest()[:10]
    tag = f"{sys.implementation.cache_tag}-{digest}"
    root = cache / f"accounts-python-{tag}"
    runtime, venv = root / "runtime", root / "venv"
    root.mkdir(parents=True, exist_ok=True)
    for folder in (cache, root):
        folder.chmod(folder.stat().st_mode | 0o755)
    if not runtime.is_dir():
        _copy_runtime(Path(sys.base_prefix), runtime)
    if not (venv / "share").exists():  # absent, or made by an older version of this module
        shutil.rmtree(venv, ignore_errors=True)
        _make_venv(runtime, venv)
    copy = AccountPython(str(venv / "bin" / "python3"), {"LD_LIBRARY_PATH": str(runtime / "lib")})
    again = probe(copy)
    if not again:
        return copy, ""
    return None, f"{why}; copy under {root}: {again}"
