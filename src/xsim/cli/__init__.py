"""The ``xsim`` command: one sub-command per module in this package.

Sub-commands are imported lazily so that ``xsim check`` never pays for Mesa, pandas or matplotlib.
Each sub-command module defines ``add_arguments(parser)`` and ``run(args) -> int``.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import os
import sys

from xsim.errors import InputError

# name -> (module, one-line help in English, one-line help in Chinese)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "check": ("xsim.cli.check", "judge case records against the notice", "按通知逐条检查协商记录"),
    "rules": ("xsim.cli.rules", "list the rule codes or explain one", "列出规则代码或解释一条规则"),
    "run": ("xsim.cli.run", "simulate one consultation of a scenario", "模拟一个情景中的一次协商"),
    "scenarios": ("xsim.cli.scenarios", "list the bundled scenarios", "列出内置情景"),
    "compare": ("xsim.cli.compare", "compare forms over many replications", "多次重复比较协商形式"),
    "validate": (
        "xsim.cli.validate",
        "compare the model with observed patterns",
        "对照实证规律验证模型",
    ),
    "sweep": (
        "xsim.cli.sweep",
        "parameter sweeps and sensitivity analysis",
        "参数扫描与敏感性分析",
    ),
    "report": ("xsim.cli.report", "a decision memo from a study", "由研究结果生成决策备忘录"),
}

#: Sub-commands that only read and print (no file written, no worker, no atexit work): run as the
#: ``xsim`` program they end with ``os._exit`` once their output is flushed, skipping the
#: interpreter's teardown of pydantic's and the engine's objects — about 35 ms of the 0.3 s that
#: one ``xsim check`` may take (benchmarks/bench_check.py).
FAST_EXIT: frozenset[str] = frozenset({"check", "rules"})


def _lang_from_argv(argv: list[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return "zh"


def build_parser(lang: str = "zh", only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``only`` set, just that sub-command's module is imported (keeps
    ``xsim check`` free of the simulator's heavy imports)."""
    parser = argparse.ArgumentParser(
        prog="xsim",
        description="xsim — 城乡社区协商培训与模拟工具 / community consultation training and simulation kit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_en, help_zh) in COMMANDS.items():
        if only is not None and name != only:
            continue
        module = _load(module_name)
        if module is None:
            continue
        p = sub.add_parser(name, help=help_en if lang == "en" else help_zh)
        p.add_argument(
            "--lang", choices=["zh", "en"], default="zh", help="message language (default zh)"
        )
        module.add_arguments(p)
        p.set_defaults(_module=module)
    return parser


def _load(module_name: str):
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # A sub-command whose module is not written yet is simply absent.
        if exc.name == module_name:
            return None
        raise


def entry() -> None:
    """The ``xsim`` program (console script and ``python -m xsim.cli``): :func:`main`, then exit.

    In-process callers (tests, notebooks) call :func:`main`, which returns its exit code and
    never ends the process.
    """
    command = sys.argv[1] if len(sys.argv) > 1 else None
    if command in FAST_EXIT:
        # Start-up builds thousands of long-lived objects (pydantic schemas, the rule catalogue)
        # and the default threshold would scan them again and again: collect less often. Cyclic
        # garbage (an error's traceback) is still collected.
        gc.set_threshold(100_000, 50, 100)
    code = main()
    # Coverage of a child process is saved at exit: keep the normal teardown when it is measured.
    measured = os.environ.get("COVERAGE_PROCESS_START") or os.environ.get("COVERAGE_PROCESS_CONFIG")
    if command in FAST_EXIT and not measured:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except (BrokenPipeError, ValueError):
            pass  # the reader went away or the stream is closed: nothing more can be shown
        os._exit(code)
    sys.exit(code)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    with _interruptible():
        try:
            lang = _lang_from_argv(argv)
            # The sub-command is the first argument (options such as --lang come after it).
            only = argv[0] if argv and argv[0] in COMMANDS else None
            parser = build_parser(lang, only=only)  # imports the sub-command: Ctrl-C covered
            args = parser.parse_args(argv)
        except KeyboardInterrupt:
            print("已中断 / interrupted", file=sys.stderr)
            return 130
        if not getattr(args, "command", None):
            parser.print_help()
            return 2
        with safe_output():
            return _run(args)


INTERRUPT_GRACE = 3.5
"""Seconds a command has, after Ctrl-C, to stop cleanly before the process ends anyway."""


@contextlib.contextmanager
def _interruptible():
    """Ctrl-C stops any command within :data:`INTERRUPT_GRACE` seconds, whatever it is doing.

    The first Ctrl-C raises ``KeyboardInterrupt`` as usual (the command stops its workers and
    exits 130). Python drops that exception when it lands in a callback (a gc or weakref callback,
    a ``__del__``) and would print it as "Exception ignored … Traceback"; the unraisable hook here
    swallows that print and delivers the interrupt again, to the code the command is running. Should
    it be lost all the same, a watchdog ends the process after the grace period — which is safe,
    since every file is written by an atomic rename and the workers end with this process. A second
    Ctrl-C ends it at once.
    """
    import _thread
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pressed = threading.Event()
    redelivered = threading.Event()

    def give_up() -> None:
        if not pressed.wait(0) or _done.is_set():
            return
        _quit()

    def on_sigint(signum, frame):
        if redelivered.is_set():  # our own repeat of an interrupt a callback swallowed
            redelivered.clear()
            raise KeyboardInterrupt
        if pressed.is_set():
            _quit()
        pressed.set()
        watchdog = threading.Timer(INTERRUPT_GRACE, give_up)
        watchdog.daemon = True  # a clean stop before it fires exits at once
        watchdog.start()
        raise KeyboardInterrupt

    def on_unraisable(unraisable) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt) and pressed.is_set():
            redelivered.set()
            # Later and from another thread, so that on_sigint runs once the callback has
            # returned and not inside this hook, where it would be dropped again.
            again = threading.Timer(0.05, _thread.interrupt_main)
            again.daemon = True
            again.start()
            return
        previous_hook(unraisable)

    _done = threading.Event()
    previous = signal.signal(signal.SIGINT, on_sigint)
    if previous is None:  # a handler installed outside Python: keep the default on the way out
        previous = signal.default_int_handler
    previous_hook, sys.unraisablehook = sys.unraisablehook, on_unraisable
    try:
        yield
    finally:
        _done.set()
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = previous_hook


def _quit() -> None:
    """End the process now with the interrupted status (the same line as a clean stop)."""
    with contextlib.suppress(Exception):
        sys.__stderr__.write("已中断 / interrupted\n")
        sys.__stderr__.flush()
    os._exit(130)


def _run(args: argparse.Namespace) -> int:
    try:
        return int(args._module.run(args) or 0)
    except InputError as err:
        print(err.message(args.lang), file=sys.stderr)  # one line, sanitised by safe_output
        return 2
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (`xsim run … | head`): stop quietly, as Unix tools do.
        _silence_stdout()
        return 0


@contextlib.contextmanager
def safe_output():
    """Every line a sub-command prints passes :func:`xsim.io.terminal.clean` (user text — titles,
    group names, record keys, file names — never drives the terminal). JSON output is already
    escaped by :func:`xsim.io.terminal.to_json`; a progress bar writes to the raw stream
    (:func:`xsim.io.terminal.raw_stream`)."""
    from xsim.io.terminal import SafeStream

    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(sys.stdout), SafeStream(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def _silence_stdout() -> None:
    """Point stdout at devnull so that Python's exit-time flush raises no second BrokenPipeError."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


if __name__ == "__main__":  # pragma: no cover
    entry()
