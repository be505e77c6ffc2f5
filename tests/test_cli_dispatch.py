"""The `xsim` dispatcher: help, unknown commands, and a reader that goes away (broken pipe)."""

import subprocess
import sys


def _xsim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "xsim.cli", *args], capture_output=True, text=True, timeout=60
    )


def test_no_command_prints_help_and_exits_2():
    result = _xsim()
    assert result.returncode == 2
    assert "check" in result.stdout and "compare" in result.stdout


def test_unknown_command_exits_2_without_traceback():
    result = _xsim("frobnicate")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_closed_pipe_is_not_a_traceback():
    # `xsim rules | head -1`: the reader closes the pipe after one line.
    proc = subprocess.Popen(
        [sys.executable, "-m", "xsim.cli", "rules"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.readline()
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert b"Traceback" not in err
    assert proc.returncode == 0
