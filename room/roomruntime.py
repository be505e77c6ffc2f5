"""The trainee runtime: everything a room account runs, outside the checkout, without the answers.

Trainees' servers and kernels run arbitrary code as the trainee, so whatever they can read, a
trainee can read. The checkout holds the trainer's edition of the course and every quiz answer;
it stays closed to them (``roomctl`` refuses to start while another account can read it). What
they run instead is built here, under the room's root-owned state folder:

    <state>/runtime/
        python/          a copy of the interpreter (only when its own folder is closed to others,
                         e.g. a pyenv build under /root); otherwise the interpreter is used as is
        venv/            a virtual environment: site-packages of the checkout's environment
                         (hard links, so no second copy on disk) without the editable install of
                         xsim, a copy of src/xsim instead, the room's own package (xsim_room:
                         fork server, kernel provisioner, answer key client), etc/ and share/
        course/          the trainee edition of the course (``xsim.teaching.answers``): no answer,
                         no explanation of an answer, no trainer material
        fingerprint      what it was built from; an unchanged checkout reuses it

Built by root into ``runtime.partial`` and renamed into place; every folder 0755 and file 0644
(0755 when executable), owned by root, so trainees read it and nobody but root changes it. Python
files are compiled as they are built (trainees cannot write ``__pycache__`` there).
"""

from __future__ import annotations

import compileall
import contextlib
import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ROOM_PACKAGE = HERE / "xsim_room"
SOURCE_PACKAGE = REPO / "src" / "xsim"
COURSE = REPO / "course"
PROVISIONER = "xsim-room-fork"
# The modules a room account must be able to import from the runtime.
REQUIRED = ("jupyterhub", "jupyterlab", "ipykernel", "xsim", "xsim_room.provisioner")
EDITABLE_PREFIXES = ("__editable__", "_xsim_editable", "xsim-", "xsim.")
VERSION = f"python{sys.version_info.major}.{sys.version_info.minor}"


class RuntimeError_(Exception):
    """The runtime could not be built or does not work for room accounts (zh, en)."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


@dataclass(frozen=True)
class Runtime:
    root: Path
    python: str  # the interpreter room accounts run
    environment: dict[str, str] = field(default_factory=dict)  # e.g. LD_LIBRARY_PATH

    @property
    def course(self) -> Path:
        return self.root / "course"

    @property
    def site_packages(self) -> Path:
        return self.root / "venv" / "lib" / VERSION / "site-packages"


def nogroup() -> int:
    import grp
    import pwd

    for name in ("nogroup", "nobody"):
        try:
            return grp.getgrnam(name).gr_gid
        except KeyError:
            continue
    return pwd.getpwnam("nobody").pw_gid


def readable_by_others(path: Path) -> bool:
    """Can an account with no relation to the owner read ``path`` (every folder above it
    passable, the path itself readable)? Judged by permission bits, as the kernel would."""
    path = Path(path).resolve()
    for folder in path.parents:
        if not os.stat(folder).st_mode & 0o001:
            return False
    return bool(os.stat(path).st_mode & 0o004)


def _source_site_packages() -> Path:
    return Path(sysconfig.get_paths()["purelib"])


def _tree_stamp(root: Path, digest) -> None:
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        info = path.stat()
        digest.update(f"{path.relative_to(root)}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())


def fingerprint() -> str:
    """What the runtime is built from: the interpreter, the environment's installed packages (its
    site-packages listing and their versions), the sources of xsim and xsim_room, the course."""
    digest = hashlib.sha256(f"{sys.version}\0{sys.prefix}\0{sys.base_prefix}\0".encode())
    site = _source_site_packages()
    digest.update(f"{site.stat().st_mtime_ns}\0".encode())
    for name in sorted(os.listdir(site)):
        digest.update(name.encode() + b"\0")
    for root in (SOURCE_PACKAGE, ROOM_PACKAGE, COURSE, HERE):
        _tree_stamp(root, digest)
    return digest.hexdigest()


def _link_or_copy(src: str, dst: str) -> str:
    try:
        os.link(src, dst)
    except OSError:  # another file system, or links not allowed
        shutil.copy2(src, dst)
    return dst


def _ignore_editable(folder: str, names: list[str]) -> list[str]:
    if Path(folder) != _source_site_packages():
        return []
    return [n for n in names if n.startswith(EDITABLE_PREFIXES) or n == "xsim"]


def _interpreter(staging: Path) -> tuple[Path, dict[str, str]]:
    """(the python binary room accounts run, extra environment)."""
    base = Path(sys._base_executable).resolve()
    if readable_by_others(Path(sys.base_prefix)) and readable_by_others(base):
        return base, {}
    # The interpreter's own folder is closed to others: copy its runtime into the runtime.
    target = staging / "python"
    (target / "bin").mkdir(parents=True)
    shutil.copy2(base, target / "bin" / VERSION)
    libdir = Path(sysconfig.get_config_var("LIBDIR") or Path(sys.base_prefix) / "lib")
    (target / "lib").mkdir()
    for lib in libdir.glob("libpython*.so*"):
        shutil.copy2(lib, target / "lib" / lib.name, follow_symlinks=True)
    stdlib = Path(sys.base_prefix) / "lib" / VERSION
    skip = {"test", "idlelib", "tkinter", "turtledemo", "site-packages", "ensurepip", "lib2to3"}
    shutil.copytree(
        stdlib,
        target / "lib" / VERSION,
        ignore=lambda folder, names: [n for n in names if Path(folder) == stdlib and n in skip],
        symlinks=True,
    )
    (target / "lib" / VERSION / "site-packages").mkdir()
    final = staging.with_name(staging.name.split(".", 1)[0])
    return final / "python" / "bin" / VERSION, {"LD_LIBRARY_PATH": str(final / "python" / "lib")}


def _dist_info(site: Path, name: str, version: str, entry_points: str = "") -> None:
    info = site / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8"
    )
    (info / "INSTALLER").write_text("xsim-room\n", encoding="utf-8")
    if entry_points:
        (info / "entry_points.txt").write_text(entry_points, encoding="utf-8")
    (info / "RECORD").write_text("", encoding="utf-8")


def _copy_link_targets(source: Path, copy: Path, staging: Path) -> None:
    """The package links folders of the checkout (``data/scenarios -> ../../../scenarios``):
    keep each link as it is, so the copy has the layout the course's fingerprint of stored
    results was taken over, and copy what it points to to the same relative place."""
    for link in sorted(p for p in copy.rglob("*") if p.is_symlink()):
        original = source / link.relative_to(copy)
        target = (original.parent / os.readlink(original)).resolve()
        placed = Path(os.path.normpath(link.parent / os.readlink(link)))
        if not target.is_relative_to(REPO) or not placed.is_relative_to(staging):
            link.unlink()  # a link out of the checkout: a copy of its content instead
            if target.is_dir():
                shutil.copytree(target, link)
            elif target.is_file():
                shutil.copy2(target, link)
            continue
        if not placed.exists():
            placed.parent.mkdir(parents=True, exist_ok=True)
            if target.is_dir():
                shutil.copytree(target, placed, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(target, placed)


def _repoint_settings(folder: Path, venv: Path) -> None:
    """Jupyter settings that name the checkout's environment (tools/install-jupyter-settings
    writes its prefix into ``static_custom_path``) name the runtime's instead: the accounts
    cannot read the checkout. A new file, not the hard-linked one."""
    final = Path(str(venv).replace(f"{venv.parent.name}", venv.parent.name.split(".", 1)[0]))
    for path in folder.rglob("*.json") if folder.is_dir() else ():
        text = path.read_text(encoding="utf-8")
        if sys.prefix in text:
            path.unlink()
            path.write_text(text.replace(sys.prefix, str(final)), encoding="utf-8")


def _venv(staging: Path, python: Path) -> None:
    venv = staging / "venv"
    site = venv / "lib" / VERSION / "site-packages"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python3").symlink_to(python)
    (venv / "bin" / "python").symlink_to("python3")
    (venv / "pyvenv.cfg").write_text(
        f"home = {python.parent}\ninclude-system-site-packages = false\n"
        f"version = {sys.version.split()[0]}\n",
        encoding="utf-8",
    )
    shutil.copytree(
        _source_site_packages(),
        site,
        symlinks=True,
        ignore=_ignore_editable,
        copy_function=_link_or_copy,
    )
    # Jupyter reads sys.prefix/etc/jupyter (server extensions) and sys.prefix/share/jupyter (the
    # lab's assets, kernel specs, the Chinese language pack's settings)
    for shared in ("etc", "share"):
        if (Path(sys.prefix) / shared).is_dir():
            shutil.copytree(
                Path(sys.prefix) / shared,
                venv / shared,
                symlinks=True,
                copy_function=_link_or_copy,
            )
    _repoint_settings(venv / "etc" / "jupyter", venv)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(SOURCE_PACKAGE, site / "xsim", ignore=ignore, symlinks=True)
    _copy_link_targets(SOURCE_PACKAGE, site / "xsim", staging)
    version = importlib.import_module("xsim").__version__
    _dist_info(site, "xsim", version)
    shutil.copytree(ROOM_PACKAGE, site / "xsim_room", ignore=ignore)
    _dist_info(
        site,
        "xsim_room",
        "1",
        f"[jupyter_client.kernel_provisioners]\n{PROVISIONER} = "
        "xsim_room.provisioner:ForkProvisioner\n",
    )
    for package in ("xsim", "xsim_room"):
        compileall.compile_dir(site / package, quiet=1, workers=1)


def _course(staging: Path) -> None:
    """The trainee edition of the course (the course's own writer knows which fields answer)."""
    from xsim.teaching.answers import write_trainee_edition

    write_trainee_edition(COURSE, staging / "course")


def _open_up(root: Path) -> None:
    """Folders 0755, files 0644 (0755 when executable), owned by root; links left as they are
    (a hard link shares its mode with the checkout's file, which is already readable)."""
    for folder, _dirs, files in os.walk(root):
        os.chown(folder, 0, 0)
        os.chmod(folder, 0o755)
        for name in files:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if os.path.islink(path):
                continue
            if info.st_nlink > 1:
                if info.st_mode & 0o004:
                    continue  # a link to a readable file of the checkout's environment
                # a private file there: this copy gets an inode of its own before it is opened
                shutil.copy2(path, path + ".own")
                os.replace(path + ".own", path)
            os.chown(path, 0, 0)
            os.chmod(path, 0o755 if info.st_mode & 0o111 else 0o644)


def probe(runtime: Runtime) -> str:
    """'' when the account ``nobody`` can start the runtime's Python and import what a room
    account needs, else the last line of the error."""
    import pwd

    script = (
        "import importlib.util, sys\n"
        f"missing = [m for m in {REQUIRED!r} if importlib.util.find_spec(m) is None]\n"
        "sys.exit('cannot import: ' + ', '.join(missing)) if missing else None\n"
    )
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **runtime.environment}
    try:
        done = subprocess.run(
            [runtime.python, "-I", "-c", script],
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


def build(root: Path) -> Runtime:
    """The runtime at ``root`` (beside the room's state folder, under folders the caller has
    checked are root's), built when the checkout changed since the last build; checked to work
    for an unprivileged account."""
    state = root.parent
    stamp = fingerprint()
    recorded = root / "fingerprint.json"
    runtime = None
    if recorded.is_file() and not recorded.is_symlink():
        try:
            known = json.loads(recorded.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            known = {}
        if known.get("fingerprint") == stamp:
            runtime = Runtime(root, known["python"], known.get("environment", {}))
    if runtime is None:
        staging = state / f"{root.name}.{os.getpid()}.partial"  # two rooms may build at once
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        python, environment = _interpreter(staging)  # its final path (the link may dangle now)
        _venv(staging, python)
        _course(staging)
        (staging / "fingerprint.json").write_text(
            json.dumps(
                {
                    "fingerprint": stamp,
                    "python": str(root / "venv" / "bin" / "python3"),
                    "environment": environment,
                }
            ),
            encoding="utf-8",
        )
        _open_up(staging)
        old = state / f"{root.name}.{os.getpid()}.old"
        with contextlib.suppress(FileNotFoundError):
            root.rename(old)  # kernels of another room may still read it: gone once renamed
        staging.rename(root)
        shutil.rmtree(old, ignore_errors=True)
        runtime = Runtime(root, str(root / "venv" / "bin" / "python3"), environment)
    why = probe(runtime)
    if why:
        raise RuntimeError_(
            f"学员账号无法运行教室的运行环境（{runtime.root}）：{why}",
            f"room accounts cannot run the runtime at {runtime.root}: {why}",
        )
    return runtime
