"""Where the runs of a study execute: in this process, in local worker processes, or on Dask.

Every executor has ``workers``, ``map_chunks(fn, job, chunks)`` — an iterator over ``fn(job, chunk)``
results in *completion* order (the study keys rows by (variant, rep), so order does not matter) — and
``close()``. At most a few chunks per worker are in flight, so a study of any size uses flat memory.

- :class:`InProcessExecutor` — no parallelism; small studies in a notebook, debugging.
- :class:`ProcessExecutor` — ``concurrent.futures.ProcessPoolExecutor`` with its *own* "forkserver"
  (or "spawn") context: never forks a process holding threads (Jupyter, Dask), never changes the global
  start method, and ships the job once per worker with cloudpickle, so runners defined in a notebook
  work too (Mesa's ``batch_run`` hangs on those). A worker that dies is replaced and its chunks re-run.
  As with any non-fork start method, a *script* that starts a study must guard it with
  ``if __name__ == "__main__":`` (the CLI, ``python -m`` modules and notebooks need nothing). Workers
  fork from the fork server, so they see the environment variables of its start (the first pool).
  The fork server and the workers end with the process that started them, even when it is killed
  (SIGKILL): on Linux each asks the kernel for SIGKILL when its parent dies (``PR_SET_PDEATHSIG``);
  elsewhere a watchdog thread in each worker exits when its parent changes.
- :class:`DaskExecutor` — ``"local"`` starts a LocalCluster of worker processes; ``"tcp://HOST:PORT"``
  connects to a running scheduler (the workers need xsim installed). Dask re-runs the tasks of a
  worker that dies (``distributed.scheduler.allowed-failures`` times).
"""

from __future__ import annotations

import contextlib
import itertools
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from xsim.errors import InputError
from xsim.experiments.limits import MAX_WORKERS, SCHEDULER_TIMEOUT

ChunkFn = Callable[[Any, Sequence], Any]

# Chunks in flight per worker: enough to keep workers busy, few enough for flat memory.
IN_FLIGHT_PER_WORKER = 2


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _check_workers(workers: int | None) -> int:
    if workers is None:
        return default_workers()
    from xsim.experiments.limits import check_whole

    return check_whole(workers, "--workers", 1, MAX_WORKERS)


class Executor:
    """What every executor shares: ``map_chunks`` yields results; used as a context manager."""

    name = "executor"
    workers = 1

    def close(self) -> None:
        """Release workers and clusters (nothing to release by default)."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class InProcessExecutor(Executor):
    """Runs chunks one after the other in this process."""

    name = "in-process"
    workers = 1

    def map_chunks(self, fn: ChunkFn, job: Any, chunks: Iterable[Sequence]) -> Iterator[Any]:
        for chunk in chunks:
            yield fn(job, chunk)


# --------------------------------------------------------------------------------------------------
# local processes

_WORKER_JOB: Any = None

# Set (to the study process's pid) before the fork server starts; the fork server imports this
# module (forkserver preload) and, seeing its parent's pid here, arranges to die with it.
PARENT_ENV = "XSIM_STUDY_PARENT_PID"
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def die_with_parent() -> bool:
    """Make the kernel SIGKILL this process when its parent exits (Linux); True if arranged.

    Without it the fork server and the workers of a killed ``xsim compare`` live on (~430 MB):
    they wait for work on pipes that they themselves keep open.
    """
    if not sys.platform.startswith("linux"):
        return False
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) != 0:
            return False
    except (OSError, AttributeError):
        return False
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
    return True


def _watch_parent(interval: float = 1.0) -> None:
    """Where the kernel cannot do it: a daemon thread that ends the process when its parent goes."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(interval)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="xsim-parent-watchdog", daemon=True).start()


def _in_fork_server() -> bool:
    return (
        "multiprocessing.forkserver" in sys.modules
        and os.environ.get(PARENT_ENV) == str(os.getppid())
        and multiprocessing.parent_process() is None
    )


if _in_fork_server():  # imported by the fork server as a preload module
    die_with_parent()


def _init_worker(job_blob: bytes) -> None:
    import cloudpickle

    # A worker's parent is the fork server (or, with "spawn", the study process itself).
    if not die_with_parent():
        _watch_parent()
    # Ctrl-C goes to the whole process group; only the parent decides what to do with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _WORKER_JOB
    _WORKER_JOB = cloudpickle.loads(job_blob)


def _run_in_worker(fn: ChunkFn, chunk: Sequence) -> Any:
    return fn(_WORKER_JOB, chunk)


def _stop(pool: ProcessPoolExecutor) -> None:
    processes = list((getattr(pool, "_processes", None) or {}).values())  # our own children
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)


def _mp_context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class ProcessExecutor(Executor):
    """Local worker processes (the CLI's default)."""

    name = "processes"

    def __init__(self, workers: int | None = None, *, max_restarts: int = 3) -> None:
        self.workers = _check_workers(workers)
        self.max_restarts = max_restarts
        self._context = _mp_context()

    def _preload(self, job: Any) -> None:
        """Import the runner's module in the fork server once, so that workers start in ms.

        Without this every worker imports Mesa and the model itself (seconds). It only takes
        effect when this process starts its fork server, i.e. on the first pool.
        """
        if self._context.get_start_method() != "forkserver":
            return
        module = getattr(getattr(job, "runner", None), "__module__", None)
        preload = ["__main__", __name__]
        if module and module != "__main__":
            preload.append(module)
        start_fork_server(preload)

    def _pool(self, blob: bytes) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=self._context,
            initializer=_init_worker,
            initargs=(blob,),
        )

    def map_chunks(self, fn: ChunkFn, job: Any, chunks: Iterable[Sequence]) -> Iterator[Any]:
        import cloudpickle

        blob = cloudpickle.dumps(job)
        self._preload(job)
        queue = iter(chunks)
        window = self.workers * IN_FLIGHT_PER_WORKER
        pool = self._pool(blob)
        pending: dict[Any, Sequence] = {}
        restarts = 0
        finished_cleanly = False
        try:
            while True:
                try:
                    while len(pending) < window:
                        chunk = next(queue, None)
                        if chunk is None:
                            break
                        try:
                            pending[pool.submit(_run_in_worker, fn, chunk)] = chunk
                        except BrokenProcessPool:  # a worker died since the last wait
                            queue = itertools.chain([chunk], queue)
                            raise
                    if not pending:
                        finished_cleanly = True
                        return
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        result = future.result()
                        del pending[future]
                        restarts = 0  # only deaths without progress in between count
                        yield result
                except BrokenProcessPool:
                    # A worker died (killed, out of memory): replace the pool, re-run what was lost.
                    restarts += 1
                    if restarts > self.max_restarts:
                        from xsim.experiments.study import RunFailed

                        raise RunFailed(
                            f"worker processes died {restarts} times (killed, out of memory or a "
                            "crash in native code); finished runs are kept"
                        ) from None
                    _stop(pool)
                    pool = self._pool(blob)
                    queue = itertools.chain(list(pending.values()), queue)
                    pending = {}
        finally:
            if finished_cleanly:
                pool.shutdown(wait=True)
            else:  # interrupted or failed: do not wait for chunks whose results nobody will read
                _stop(pool)


# --------------------------------------------------------------------------------------------------
# Dask distributed


@contextlib.contextmanager
def _sigint_held():
    """Ctrl-C pressed inside is held, then acted on (``KeyboardInterrupt``) as soon as it ends.

    SIGINT is blocked in this thread (a thread or process started inside inherits the block, and a
    process keeps it across ``exec``) and, should another thread receive it, only noted. Ignoring
    SIGINT instead (as before) made this process deaf to it: a Ctrl-C while a Dask cluster started
    was lost and the study ran on.
    """
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "pthread_sigmask"
    ):
        yield
        return
    pressed = threading.Event()
    previous = signal.signal(signal.SIGINT, lambda *_: pressed.set())
    if previous is None:  # a handler installed outside Python: keep the default on the way out
        previous = signal.default_int_handler
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})  # a held one is raised here
    if pressed.is_set():
        raise KeyboardInterrupt


def start_fork_server(preload: Sequence[str]) -> None:
    """Start this process's multiprocessing fork server (once) with SIGINT blocked.

    Every worker forked from it — ours and Dask's — inherits the block, so Ctrl-C in a terminal
    (sent to the whole process group) reaches this process only, from the workers' first
    instant: no worker prints a ``KeyboardInterrupt`` traceback while it starts. ``preload``: the
    modules the fork server imports first (workers then start in milliseconds).
    """
    from multiprocessing import forkserver, resource_tracker

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return
    server = forkserver._forkserver
    if getattr(server, "_forkserver_pid", None) is not None:
        return  # already running (its workers are already protected)
    os.environ[PARENT_ENV] = str(os.getpid())  # seen by the fork server: it dies with us
    multiprocessing.get_context("forkserver").set_forkserver_preload(list(preload))
    # The resource tracker first: starting it unblocks SIGINT in the calling thread.
    resource_tracker.ensure_running()
    with _sigint_held():
        server.ensure_running()


def _load_job(blob: bytes) -> Any:
    import cloudpickle

    return cloudpickle.loads(blob)


class DaskExecutor(Executor):
    """Dask distributed: ``address="local"`` (a LocalCluster) or ``"tcp://HOST:PORT"``."""

    name = "dask"

    def __init__(
        self,
        address: str = "local",
        workers: int | None = None,
        *,
        timeout: float = SCHEDULER_TIMEOUT,
    ) -> None:
        import logging

        from distributed import Client, LocalCluster

        self.address = address
        self._cluster = None
        self._config = None
        if address == "local":
            n = _check_workers(workers)
            import dask

            # Workers here run one long task after another: the statistical profiler (a stack
            # sample every 10 ms) and GIL monitor cost CPU that the runs need on a small machine.
            quiet = {
                "distributed.worker.profile.enabled": False,
                "distributed.admin.system-monitor.gil.enabled": False,
            }
            # workers forked from our fork server: Ctrl-C never reaches them (start_fork_server)
            self._config = dask.config.set(
                {"distributed.worker.multiprocessing-method": "forkserver"}
            )
            try:
                start_fork_server([__name__, "distributed"])
                # Ctrl-C while the cluster starts is held until it has started (a half-started
                # cluster cannot be stopped cleanly), then stops it: a few seconds in all.
                with dask.config.set(quiet), _sigint_held():
                    self._cluster = LocalCluster(
                        n_workers=n,
                        threads_per_worker=1,
                        processes=True,
                        dashboard_address=None,
                        # workers whose scheduler went away (Ctrl-C) log tracebacks: not for users
                        silence_logs=logging.CRITICAL + 1,
                    )
                    self.client = Client(self._cluster, set_as_default=False)
            except BaseException:
                self.close()
                raise
        elif address.startswith(("tcp://", "tls://", "ws://", "wss://", "inproc://")):
            if address.startswith("tcp://"):
                probe_scheduler(address, timeout)
            self.client = _connect(address, timeout)
        else:
            raise InputError(
                "<options>",
                "--scheduler",
                f"'local' or an address such as tcp://HOST:PORT (got '{address}')",
                f"应为 local 或形如 tcp://主机:端口 的地址（实际为「{address}」）",
            )
        info = self.client.scheduler_info()
        self.workers = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def map_chunks(self, fn: ChunkFn, job: Any, chunks: Iterable[Sequence]) -> Iterator[Any]:
        import cloudpickle
        from distributed import as_completed
        from distributed.scheduler import KilledWorker

        # The job is a *task* (unpickle these bytes), not scattered data: if the worker holding it
        # dies, the scheduler can recompute it anywhere instead of failing the study.
        job_future = self.client.submit(_load_job, cloudpickle.dumps(job), pure=False)
        queue = iter(chunks)
        window = self.workers * IN_FLIGHT_PER_WORKER
        running = as_completed(loop=self.client.loop)
        inflight: set = set()

        def submit_next() -> None:
            chunk = next(queue, None)
            if chunk is not None:
                future = self.client.submit(fn, job_future, chunk, pure=False)
                inflight.add(future)
                running.add(future)

        for _ in range(window):
            submit_next()
        try:
            for future in running:
                try:
                    result = future.result()
                except KilledWorker as exc:
                    from xsim.experiments.study import RunFailed

                    raise RunFailed(
                        f"Dask workers died running the same task repeatedly: {exc}"
                    ) from None
                inflight.discard(future)
                future.release()
                yield result
                submit_next()
        finally:
            for future in inflight:
                future.cancel()
            running.clear()
            job_future.release()

    def close(self) -> None:
        config, self._config = getattr(self, "_config", None), None
        if config is not None:
            config.__exit__(None, None, None)
        client = getattr(self, "client", None)
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()
        if self._cluster is not None:
            with contextlib.suppress(Exception):
                self._cluster.close()


def _no_answer(address: str, timeout: float, why: str) -> InputError:
    return InputError(
        "<options>",
        "--scheduler",
        f"a Dask scheduler answering at {address}; none answered within {timeout:g} s ({why})",
        f"应为可连接的 Dask 调度器；{address} 在 {timeout:g} 秒内无应答（{why}）",
    )


def _not_dask(address: str, why: str) -> InputError:
    return InputError(
        "<options>",
        "--scheduler",
        f"the address of a Dask scheduler; the server at {address} does not speak Dask's "
        f"protocol ({why})",
        f"应为 Dask 调度器的地址；{address} 上的服务不是 Dask 调度器（{why}）",
    )


def _connect(address: str, timeout: float):
    """``Client(address)``, or one :class:`InputError`: nothing printed, nothing left behind.

    A peer that answers like Dask and then sends garbage makes ``distributed`` log a CRITICAL
    traceback and leave a half-made client whose ``__del__`` waits 10 s at exit and prints another
    traceback. Here the logging is held back while connecting, and a client that failed to connect
    has its event loop stopped and its ``__del__`` disarmed.
    """
    import logging

    from distributed import Client

    class QuietClient(Client):
        discarded = False

        def __init__(self, *args, **kwargs):
            made.append(self)
            super().__init__(*args, **kwargs)

        def __del__(self):
            if not self.discarded:
                super().__del__()

    made: list[QuietClient] = []
    logging.disable(logging.CRITICAL)
    try:
        return QuietClient(address, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        _discard(made)
        raise _no_answer(address, timeout, type(exc).__name__) from None
    except Exception as exc:  # a peer that is not Dask: garbled frames, absurd sizes
        _discard(made)
        raise _not_dask(address, type(exc).__name__) from None
    finally:
        logging.disable(logging.NOTSET)


def _discard(clients: list) -> None:
    for client in clients:
        client.discarded = True
        with contextlib.suppress(Exception):
            client._loop_runner.stop()


# A scheduler's first message (its handshake) is a few hundred bytes.
_MAX_HANDSHAKE_BYTES = 1 << 20


def probe_scheduler(address: str, timeout: float = SCHEDULER_TIMEOUT) -> None:
    """Check, within ``timeout`` seconds in all, that a Dask scheduler listens at ``tcp://…``.

    A Dask server sends its handshake as soon as it accepts a connection: an 8-byte length, then
    that many bytes starting with a frame count and the frame lengths. Reading it here, bounded in
    time and size, turns a silent server into "no answer" and a server of another protocol into
    "not Dask" — distributed itself would wait past its timeout, or trust the first 8 bytes as a
    length and try to allocate exabytes.
    """
    import socket
    import struct
    import time

    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        host, port = parse_host_port(parse_address(address)[1])
    except (ValueError, TypeError) as exc:
        raise InputError(
            "<options>",
            "--scheduler",
            f"an address such as tcp://HOST:PORT ({exc})",
            f"应为形如 tcp://主机:端口 的地址（{exc}）",
        ) from None
    deadline = time.monotonic() + timeout

    def receive(sock: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            sock.settimeout(left)
            chunk = sock.recv(n - len(data))
            if not chunk:
                raise _not_dask(address, "connection closed before a handshake")
            data += chunk
        return data

    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            (length,) = struct.unpack("Q", receive(sock, 8))
            if not 16 <= length <= _MAX_HANDSHAKE_BYTES:
                raise _not_dask(address, f"a first message of {length} bytes")
            body = receive(sock, length)
    except TimeoutError:
        raise _no_answer(address, timeout, "TimeoutError") from None
    except OSError as exc:
        raise _no_answer(address, timeout, type(exc).__name__) from None
    (n_frames,) = struct.unpack_from("Q", body)
    header = 8 * (n_frames + 1)
    if not 1 <= n_frames <= 64 or header > length:
        raise _not_dask(address, "no Dask frames")
    sizes = struct.unpack_from(f"{n_frames}Q", body, 8)
    if header + sum(sizes) != length:
        raise _not_dask(address, "frame lengths do not add up")
    _check_handshake_frames(address, body[header:], sizes)


def _check_handshake_frames(address: str, data: bytes, sizes: tuple[int, ...]) -> None:
    """Dask's handshake is msgpack: its first frame a mapping (the message header). Decoding it here
    turns a server that only mimics the framing into "not Dask" before any client is made."""
    import msgpack

    try:
        head = msgpack.loads(data[: sizes[0]], raw=False, use_list=False, strict_map_key=False)
    except Exception:  # msgpack raises several types for garbage
        raise _not_dask(address, "its first message is not msgpack") from None
    if not isinstance(head, dict):
        raise _not_dask(address, "its first message is not a Dask header")


def make_executor(
    kind: str | None = None, workers: int | None = None, scheduler: str | None = None
):
    """An executor from CLI-style options.

    ``kind``: "in-process", "processes" (default), or a Dask scheduler ("local", "tcp://…");
    ``scheduler`` (the CLI's ``--scheduler``) wins over ``kind`` when given.
    """
    target = scheduler or kind or "processes"
    if target in ("in-process", "inprocess", "serial"):
        return InProcessExecutor()
    if target in ("processes", "process", "local-processes"):
        return ProcessExecutor(workers)
    if target == "dask":
        target = "local"
    return DaskExecutor(target, workers)
