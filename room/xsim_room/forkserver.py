"""The room's warm process: trainees' servers and kernels are forked from it, already imported.

A trainee's Jupyter server spends about 3 s of CPU importing Jupyter Server, JupyterLab and the
hub's single-user extension, and a kernel imports IPython, ipykernel, ipywidgets, matplotlib and
the course before its first cell. With 40 trainees on two cores that is minutes of queueing. This
process (a JupyterHub service of the room, running as root from the room's trainee runtime)
imports all of that once; each request forks it, and the child becomes the server or the kernel
*as the trainee*. The imported code and data are shared copy-on-write between every trainee's
processes (``gc.freeze()`` keeps the collector from touching them), so each trainee's proportional
memory (PSS) is what their own process changed.

It is the pattern SageMathCell uses for its kernels (``ForkingKernelManager``: fork a process that
has imported Sage) and that ipykernel's fork-kernel proposals and Python's own ``forkserver`` use,
with the trainee's identity set after the fork. Who may ask for what:

- ``server``: only the hub (peer uid 0, checked with ``SO_PEERCRED``) — for a room account;
- ``kernel``: only a room account (the uid list the room keeps), always as *that* account.

Every request is read by the forked child, never by this process, so nothing one trainee sent (a
server's API token, a kernel's connection key) is in the memory later children inherit. Before
running anything the child drops root for good (supplementary groups, gid, uid), closes every
descriptor it inherited, starts a new session, takes the environment from the request and moves
to the trainee's folder as the trainee. A kernel also ends when the server that asked for it ends
(a pidfd on that server), as a kernel started by the server itself would.

Protocol (one request per connection, on a Unix socket in the room's state folder): 4-byte
big-endian length, then UTF-8 JSON ``{"kind": "server"|"kernel", "user": login (server only),
"argv": [...], "env": {...}, "cwd": path}`` with the caller's stdout and stderr passed as
descriptors (``SCM_RIGHTS``); the answer is ``{"pid": n}`` or ``{"error": text}``.

    python -I -m xsim_room.forkserver --socket PATH --uids 1001,1002,... [--warm MODULE ...]
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import importlib
import json
import os
import pwd
import select
import signal
import socket
import struct
import sys
import threading

MAX_REQUEST = 1024 * 1024
PR_SET_DUMPABLE = 4
PEERCRED = struct.Struct("3i")  # pid, uid, gid
# What a server and a kernel of the course import; a module missing here is imported later.
WARM = (
    "jupyterhub.singleuser",
    "jupyter_server.serverapp",
    "jupyterlab.labapp",
    "jupyterlab_server",
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.comm",
    "IPython.core.interactiveshell",
    "ipywidgets",
    "matplotlib_inline.backend_inline",
    "matplotlib.pyplot",
    "debugpy",
    "numpy",
    "pandas",
    "pyarrow",
    "scipy.stats",
    "networkx",
    "mesa",
    "PIL.Image",
    "xsim.teaching.course",
)
# Not preloaded: modules that run a program or read the terminal when imported.
NOT_WARM = ("xsim.cli", "xsim.demo", "xsim.__main__")


def ask(path: str, request: dict, timeout_s: float = 30) -> int:
    """The client side: send one request (with this process's stdout and stderr) and return the
    new process's pid. Raises OSError or ValueError when the fork server is away or refuses."""
    data = json.dumps(request).encode("utf-8")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(timeout_s)
        conn.connect(path)
        socket.send_fds(conn, [struct.pack("!I", len(data))], [1, 2])
        conn.sendall(data)
        answer = json.loads(_receive_exactly(conn, _size(conn)).decode("utf-8"))
    if not isinstance(answer, dict) or not isinstance(answer.get("pid"), int):
        raise ValueError(str(answer.get("error") if isinstance(answer, dict) else answer))
    return answer["pid"]


def _receive_exactly(conn: socket.socket, size: int, head: bytes = b"") -> bytes:
    data = head
    while len(data) < size:
        more = conn.recv(min(65536, size - len(data)))
        if not more:
            raise ConnectionError("connection closed before the end of the message")
        data += more
    return data


def _size(conn: socket.socket, head: bytes = b"") -> int:
    (size,) = struct.unpack("!I", _receive_exactly(conn, 4, head))
    if size > MAX_REQUEST:
        raise ValueError("message too large")
    return size


def warm_up(modules: tuple[str, ...]) -> list[str]:
    """Import what the children need; returns the modules that could not be imported."""
    missing = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # a module the runtime lacks is simply imported cold by the child
            missing.append(name)
    # every module of the kit (lessons import the model, the rules engine, the studies lazily)
    with contextlib.suppress(Exception):
        import pkgutil

        import xsim

        for module in pkgutil.walk_packages(xsim.__path__, "xsim."):
            if not module.name.startswith(NOT_WARM):
                with contextlib.suppress(Exception):
                    importlib.import_module(module.name)
    if "matplotlib.pyplot" in sys.modules:
        import matplotlib.font_manager  # noqa: F401  (the font list, built once)
    return missing


def _send(conn: socket.socket, answer: dict) -> None:
    data = json.dumps(answer).encode("utf-8")
    with contextlib.suppress(OSError):
        conn.sendall(struct.pack("!I", len(data)) + data)


def _read_request(conn: socket.socket) -> tuple[dict, list[int]]:
    conn.settimeout(10)
    head, fds, _, _ = socket.recv_fds(conn, 4, 3)
    request = json.loads(_receive_exactly(conn, _size(conn, head)).decode("utf-8"))
    if not isinstance(request, dict):
        raise ValueError("request is not an object")
    return request, fds


def _clean_env(env: object) -> dict[str, str]:
    if not isinstance(env, dict):
        raise ValueError("env is not an object")
    clean = {}
    for key, value in env.items():
        if not (isinstance(key, str) and isinstance(value, str)) or "\0" in key + value:
            raise ValueError("env holds a value that is not text")
        if key.startswith("LD_") and key != "LD_LIBRARY_PATH":
            continue  # nothing preloaded into a process that was root a moment ago
        clean[key] = value
    return clean


def _become(account: pwd.struct_passwd) -> None:
    """Drop root for good: the account's groups, gid and uid (real, effective and saved)."""
    os.setgroups(os.getgrouplist(account.pw_name, account.pw_gid))
    os.setresgid(account.pw_gid, account.pw_gid, account.pw_gid)
    os.setresuid(account.pw_uid, account.pw_uid, account.pw_uid)
    if os.getuid() != account.pw_uid or os.geteuid() != account.pw_uid:
        raise PermissionError("could not drop root")
    try:
        os.setuid(0)
    except PermissionError:
        pass
    else:
        raise RuntimeError("root could be regained")
    # A process that changed credentials is not dumpable, so /proc/<pid> would stay root's and
    # the trainee's own server could not inspect it; an exec'd process would be dumpable again.
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_DUMPABLE, 1, 0, 0, 0)


def _end_with(pid: int) -> None:
    """End this process when ``pid`` (the server that asked for this kernel) has ended."""
    try:
        pidfd = os.pidfd_open(pid)
    except OSError:
        os._exit(0)

    def watch() -> None:
        select.select([pidfd], [], [])
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="xsim-room-parent-watch", daemon=True).start()


def _fresh_randomness() -> None:
    """Forked children would share the warm process's random state: reseed from the OS (as a
    new process starts). ``random`` reseeds itself after a fork; NumPy's legacy global does not."""
    numpy = sys.modules.get("numpy")
    if numpy is not None:
        numpy.random.seed()


def _run(kind: str, argv: list[str]) -> int:
    if kind == "kernel":
        from ipykernel.kernelapp import launch_new_instance

        sys.argv = ["ipykernel_launcher", *argv]
        launch_new_instance()
    else:
        from jupyterhub.singleuser import main

        sys.argv = ["jupyterhub-singleuser", *argv]
        main()
    return 0


def serve_one(conn: socket.socket, allowed: frozenset[int]) -> None:
    """In the forked child: check the request, become the account, run. Never returns."""
    code = 1
    try:
        peer_pid, peer_uid, _ = PEERCRED.unpack(
            conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, PEERCRED.size)
        )
        request, fds = _read_request(conn)
        kind = request.get("kind")
        if kind == "server" and peer_uid == 0:
            account = pwd.getpwnam(str(request.get("user")))
        elif kind == "kernel":
            account = pwd.getpwuid(peer_uid)
        else:
            raise PermissionError(f"{kind!r} is not allowed for uid {peer_uid}")
        if account.pw_uid not in allowed or account.pw_uid == 0:
            raise PermissionError(f"{account.pw_name} is not an account of this room")
        argv = request.get("argv")
        if not (isinstance(argv, list) and all(isinstance(a, str) for a in argv)):
            raise ValueError("argv is not a list of text")
        env = _clean_env(request.get("env", {}))
        cwd = str(request.get("cwd") or account.pw_dir)
        if len(fds) != 2:
            raise ValueError("expected stdout and stderr")
        os.setsid()
        _become(account)
        os.chdir(cwd)  # as the account: a folder it cannot enter is refused here
        _send(conn, {"pid": os.getpid()})
        conn.close()
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(fds[0], 1)
        os.dup2(fds[1], 2)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # close_range(2): cheap however large
        os.environ.clear()
        os.environ.update(env)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        gc.unfreeze()
        _fresh_randomness()
        if kind == "kernel":
            _end_with(peer_pid)
        code = _run(kind, argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:  # the child must never fall back into the server's loop
        with contextlib.suppress(Exception):
            _send(conn, {"error": f"{type(exc).__name__}: {exc}"})
        with contextlib.suppress(Exception):
            print(f"xsim-room fork server: {type(exc).__name__}: {exc}", file=sys.stderr)
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _reap() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def serve(path: str, allowed: frozenset[int]) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    os.chmod(path, 0o666)  # any account may connect; the child checks who it is
    listener.listen(128)
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    signal.signal(signal.SIGINT, lambda *_: stopping.append(True))
    gc.collect()
    gc.freeze()  # the warm objects move out of the collector's sight: no copy-on-write by GC
    print(f"xsim-room fork server ready on {path}", flush=True)
    while not stopping:
        _reap()
        with contextlib.suppress(InterruptedError):
            ready, _, _ = select.select([listener], [], [], 0.5)
            if not ready:
                continue
        try:
            conn, _ = listener.accept()
        except OSError:
            continue
        if threading.active_count() != 1:  # forking a threaded process can deadlock the child
            _send(conn, {"error": "fork server has threads"})
            conn.close()
            continue
        pid = os.fork()
        if pid == 0:
            listener.close()
            serve_one(conn, allowed)
        conn.close()
    listener.close()
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--socket", required=True)
    parser.add_argument("--uids", required=True, help="comma-separated uids of the room")
    parser.add_argument("--warm", nargs="*", default=list(WARM))
    args = parser.parse_args(argv)
    if os.geteuid() != 0:
        print("xsim-room fork server: must run as root", file=sys.stderr)
        return 2
    allowed = frozenset(int(u) for u in args.uids.split(",") if u.strip())
    missing = warm_up(tuple(args.warm))
    if missing:
        print(f"xsim-room fork server: not preloaded: {', '.join(missing)}", flush=True)
    serve(args.socket, allowed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
