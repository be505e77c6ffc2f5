"""The model's import (Mesa, SciPy, pandas: seconds), started in the background once a lesson's
cells have run, by the widgets that simulate on a click.

Done in the lesson's cell it would delay "run all"; left to the first 运行 click it would delay
the answer. A background thread does it while the trainee reads; a click that comes sooner
simply waits for the import to finish (Python's import lock), so nothing runs half-imported. In
a kernel the thread starts only when no cell has run for :data:`IDLE_BEFORE_IMPORT_S`
(:class:`_WhenIdle`, IPython's ``pre_run_cell``/``post_run_cell`` events): started during
"run all" it would compete with the remaining cells for the interpreter.
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["IDLE_BEFORE_IMPORT_S", "load_model"]

_MODEL_LOADING: dict[bool, threading.Thread] = {}
#: the import starts once the kernel has run no cell for this long: after "run all", not during it
IDLE_BEFORE_IMPORT_S = 0.5


def load_model(study: bool = False) -> None:
    """Import the model (and the study runner) in the background, once per kernel, as soon as
    the lesson's cells have run."""
    if study in _MODEL_LOADING:
        return

    def load() -> None:
        try:
            import xsim.sim.model  # noqa: F401

            if study:
                import xsim.experiments.study  # noqa: F401
        except Exception:  # noqa: BLE001 — the click that needs the model reports the error
            pass

    thread = threading.Thread(target=load, name="xsim-model-import", daemon=True)
    _MODEL_LOADING[study] = thread
    _WhenIdle.start(thread)


class _WhenIdle:
    """Starts threads once the IPython kernel is idle: a timer armed after each cell and disarmed
    when the next one begins (``pre_run_cell`` / ``post_run_cell`` events). Outside IPython a
    thread starts at once."""

    waiting: list[threading.Thread] = []
    timer: threading.Timer | None = None
    hooked = False

    @classmethod
    def start(cls, thread: threading.Thread) -> None:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is None:
            thread.start()
            return
        cls.waiting.append(thread)
        if not cls.hooked:
            shell.events.register("pre_run_cell", cls._cell_begins)
            shell.events.register("post_run_cell", cls._cell_ended)
            cls.hooked = True

    @classmethod
    def _cell_begins(cls, *_: Any) -> None:
        if cls.timer is not None:
            cls.timer.cancel()
            cls.timer = None

    @classmethod
    def _cell_ended(cls, *_: Any) -> None:
        cls._cell_begins()
        if cls.waiting:
            cls.timer = threading.Timer(IDLE_BEFORE_IMPORT_S, cls._release)
            cls.timer.daemon = True
            cls.timer.start()

    @classmethod
    def _release(cls) -> None:
        waiting, cls.waiting = cls.waiting, []
        for thread in waiting:
            thread.start()
