"""``xsim check`` and hostile files: FIFOs, devices, huge files, terminal escapes in user text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from xsim.cli import main
from xsim.cli.check import MAX_RECORD_BYTES
from xsim.io.terminal import clean, one_line, to_json

ROOT = Path(__file__).resolve().parents[1]
EX = ROOT / "examples" / "records"
CLEAN = str(EX / "01-elevator-compliant.yaml")
LATE = str(EX / "02-road-late-notice.yaml")  # one violation: not compliant
FORGED = "\x1b[2K\r结论：符合通知要求"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _with_title(tmp_path: Path, title_yaml: str) -> Path:
    lines = Path(LATE).read_text(encoding="utf-8").splitlines()
    lines = [f"title: {title_yaml}" if line.startswith("title:") else line for line in lines]
    path = tmp_path / "forged.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_a_fifo_is_refused_without_blocking_the_batch(tmp_path):
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "xsim.cli", "check", CLEAN, str(fifo), LATE, "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert time.monotonic() - start < 20
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "named pipe" in done.stderr and str(fifo) in done.stderr
    assert "Traceback" not in done.stderr
    assert done.stdout.count("Verdict:") == 2  # the files after the FIFO were still checked


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_as_a_device_not_read(capsys):
    code, out, err = run(capsys, "check", "/dev/zero", CLEAN, "--lang", "en")
    assert code == 2
    assert err.count("\n") == 1 and "/dev/zero" in err and "a device" in err
    assert "Verdict: COMPLIANT" in out


def test_a_directory_is_refused_with_one_message(capsys, tmp_path):
    code, _, err = run(capsys, "check", str(tmp_path), "--lang", "en")
    assert code == 2 and err.count("\n") == 1 and "not a directory" in err


def test_a_file_over_the_size_limit_is_refused_before_reading(capsys, tmp_path, monkeypatch):
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:  # sparse: large on paper, nothing to read
        fh.truncate(50 * MAX_RECORD_BYTES)
    reads: list[int] = []
    real_read = os.read

    def counting_read(fd, n):
        reads.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(os, "read", counting_read)
    code, _, err = run(capsys, "check", str(big), "--lang", "en")
    assert code == 2 and err.count("\n") == 1
    assert f"at most {MAX_RECORD_BYTES // 1024} KiB" in err and str(50 * MAX_RECORD_BYTES) in err
    assert reads == []  # refused from its size alone
    code, _, err = run(capsys, "check", str(big))
    assert "不得超过 1024 KiB" in err


def test_the_limit_is_exact_and_at_most_limit_plus_one_byte_is_read(capsys, tmp_path, monkeypatch):
    text = Path(CLEAN).read_bytes()
    at_limit = tmp_path / "at.yaml"
    at_limit.write_bytes(text + b"#" * (MAX_RECORD_BYTES - len(text)))
    assert run(capsys, "check", str(at_limit))[0] == 0
    over = tmp_path / "over.yaml"
    over.write_bytes(text + b"#" * (MAX_RECORD_BYTES + 1 - len(text)))
    assert run(capsys, "check", str(over))[0] == 2
    # A file that grows after its size was taken (fstat lies): reading stops at limit + 1.
    real_fstat = os.fstat

    def small_fstat(fd):
        info = real_fstat(fd)
        return os.stat_result((*info[:6], 10, *info[7:]))

    monkeypatch.setattr(os, "fstat", small_fstat)
    total: list[int] = []
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: total.append(n) or real_read(fd, n))
    code, _, err = run(capsys, "check", str(over), "--lang", "en")
    assert code == 2 and "at most 1024 KiB" in err
    assert sum(total) <= MAX_RECORD_BYTES + 1


def test_a_title_with_terminal_escapes_cannot_forge_the_verdict(capsys, tmp_path):
    path = _with_title(tmp_path, '"\\e[2K\\r结论：符合通知要求"')
    code, out, err = run(capsys, "check", str(path))
    assert code == 1, err  # the record has a violation
    assert "\x1b" not in out and "\r" not in out
    verdicts = [line for line in out.splitlines() if line.startswith("结论：")]
    assert verdicts == [next(v for v in verdicts if v.startswith("结论：不符合通知要求"))]
    # JSON keeps the title as written, escaped
    code, out, _ = run(capsys, "check", str(path), "--format", "json")
    assert "\x1b" not in out and "\\u001b[2K\\r" in out
    assert json.loads(out)["case"] == FORGED


def test_a_newline_in_the_title_stays_on_the_title_line(capsys, tmp_path):
    path = _with_title(tmp_path, '"路面硬化\\n结论：符合通知要求"')
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert not any(line.startswith("结论：符合") for line in out.splitlines())
    assert "路面硬化⏎结论：符合通知要求" in out


def test_several_files_stream_the_same_json_list_as_one_dump(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: [\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", CLEAN, str(bad), LATE, "--format", "json")
    items = json.loads(out)
    assert out == json.dumps(items, ensure_ascii=False, indent=2) + "\n"
    code, out, _ = run(capsys, "check", str(bad), str(bad), "--format", "json")
    assert code == 2 and out == "[]\n"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[2K\r结论：符合通知要求", "结论：符合通知要求"),
        ("a\x1b]0;title\x07b", "ab"),
        ("a\x9b31mb\x85c", "abc"),
        ("a\u202eb\u2028c\x7f\x00", "abc"),
        ("keep\nnew\tlines", "keep\nnew\tlines"),
        ("普通文字 plain", "普通文字 plain"),
    ],
)
def test_the_sanitiser_strips_controls_and_keeps_text(text, shown):
    assert clean(text) == shown
    assert "\n" not in one_line(text) and "\t" not in one_line(text)


def test_json_escapes_every_control_and_invisible_character():
    raw = "a\x1b[1m\x85\u202e\u2028b"
    text = to_json({"t": raw})
    assert text.isascii() or all(ch.isprintable() for ch in text)
    assert json.loads(text)["t"] == raw
