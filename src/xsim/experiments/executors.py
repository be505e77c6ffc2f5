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
- :class:`DaskExecutor` — ``"local"`` starts a LocalCluster of worker processes; ``"tcp://HOST:PORT"``
  connects to a running scheduler (the workers need xsim installed). Dask re-runs the tasks of a
  worker that dies (``distributed.scheduler.allowed-failures`` times).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from xsim.errors import InputError

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
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(
            "<options>", "--workers", "a positive whole number of workers", "工作进程数应为正整数"
        )
    return workers


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


def _init_worker(job_blob: bytes) -> None:
    import cloudpickle

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
        module = getattr(getattr(job, "runner", None), "__module__", None)
        if self._context.get_start_method() != "forkserver" or not module or module == "__main__":
            return
        self._context.set_forkserver_preload(["__main__", module])

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
                while len(pending) < window:
                    chunk = next(queue, None)
                    if chunk is None:
                        break
                    pending[pool.submit(_run_in_worker, fn, chunk)] = chunk
                if not pending:
                    finished_cleanly = True
                    return
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                try:
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
                    lost = list(pending.values())
                    pending = {pool.submit(_run_in_worker, fn, c): c for c in lost}
        finally:
            if finished_cleanly:
                pool.shutdown(wait=True)
            else:  # interrupted or failed: do not wait for chunks whose results nobody will read
                _stop(pool)


# --------------------------------------------------------------------------------------------------
# Dask distributed


@contextlib.contextmanager
def _children_ignore_sigint():
    """Processes started inside inherit an ignored SIGINT: Ctrl-C in a terminal reaches the whole
    process group, and only this process should handle it (workers would print tracebacks)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _load_job(blob: bytes) -> Any:
    import cloudpickle

    return cloudpickle.loads(blob)


class DaskExecutor(Executor):
    """Dask distributed: ``address="local"`` (a LocalCluster) or ``"tcp://HOST:PORT"``."""

    name = "dask"

    def __init__(
        self, address: str = "local", workers: int | None = None, *, timeout: float = 5.0
    ) -> None:
        import logging

        from distributed import Client, LocalCluster

        self.address = address
        self._cluster = None
        if address == "local":
            n = _check_workers(workers)
            import dask

            # Workers here run one long task after another: the statistical profiler (a stack
            # sample every 10 ms) and GIL monitor cost CPU that the runs need on a small machine.
            quiet = {
                "distributed.worker.profile.enabled": False,
                "distributed.admin.system-monitor.gil.enabled": False,
            }
            with dask.config.set(quiet), _children_ignore_sigint():
                self._cluster = LocalCluster(
                    n_workers=n,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            self.client = Client(self._cluster, set_as_default=False)
        elif address.startswith(("tcp://", "tls://", "ws://", "wss://", "inproc://")):
            try:
                self.client = Client(address, timeout=timeout, set_as_default=False)
            except (OSError, TimeoutError) as exc:
                raise InputError(
                    "<options>",
                    "--scheduler",
                    f"a Dask scheduler answering at {address}; none answered within "
                    f"{timeout:g} s ({type(exc).__name__})",
                    f"应为可连接的 Dask 调度器；{address} 在 {timeout:g} 秒内无应答",
                ) from None
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
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


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
