"""The training room (``make room``, ``room/``): bad input refused, the state folder, accounts and
passwords — without a running room (the live room is tests/test_room_live.py).

Marker ``room`` (``pytest -m room``):

- **Bad input**: a trainee list with duplicates or invalid names, a bad config, a port in use,
  a missing proxy, and every hostile room.toml of issue 19 (FIFO, /dev/zero, GBK, UTF-16, deep
  nesting, symlink loops, ``port = true``, control characters) — ``room/roomctl.py start`` exits
  with status 2 and one Chinese (and English) message, before anything starts.
- **The state folder** (root): refused under /tmp or through a symlink; files written 0600
  through ``openat`` without following a planted symlink.
- **Accounts** (root): found by the uid list the room keeps, not by the comment field a trainee
  can change with ``chfn``; a password with a control character never reaches ``chpasswd``.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from room_support import (
    ROOMCTL,
    ROOT,
    account_exists,
    free_ports,
    processes_mentioning,
    remove_accounts,
    roomctl,
    write_room,
)

pytestmark = pytest.mark.room


def _start_in_process(config: Path, capsys) -> subprocess.CompletedProcess:
    """``roomctl.py start`` called in this process (the checks are the same; no interpreter
    start-up per case)."""
    import roomctl

    code = roomctl.main(["start", "--config", str(config)])
    out = capsys.readouterr()
    return subprocess.CompletedProcess(["roomctl", "start"], code, out.out, out.err)


def _assert_refused(done: subprocess.CompletedProcess, config: Path, *phrases: str) -> None:
    message = done.stdout + done.stderr
    assert done.returncode == 2, message
    assert "Traceback" not in message, message
    for phrase in phrases:
        assert phrase in message, message
    state = config.parent / "state"
    assert not (state / "jupyterhub.pid").exists()
    assert not processes_mentioning(str(state)), "something was started"


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("trainees", "phrases"),
    [
        ("xsrtdupa 甲\nxsrtdupb 乙\nxsrtdupa 丙\n", ["重复", "第 1 行和第 3 行", "trainees.txt:3"]),
        ("xsrtok 甲\nZhangSan 张三\n", ["不是合法的登录名", "ZhangSan", ":2"]),
        ("张三\n", ["不是合法的登录名", "张三", ":1"]),
        ("1abc\n", ["不是合法的登录名", "1abc"]),
        ("a" * 33 + "\n", ["不是合法的登录名"]),
        ("xsrt;rm 甲\n", ["不是合法的登录名"]),
        ("xsrttrainer 培训师\n", ["培训师的登录名"]),
        ("# only a comment\n\n", ["学员名单是空的"]),
    ],
    ids=[
        "duplicate",
        "uppercase",
        "chinese",
        "digit-first",
        "too-long",
        "shell",
        "trainer",
        "empty",
    ],
)
def test_bad_trainee_list_is_refused_before_anything_starts(tmp_path, capsys, trainees, phrases):
    config = write_room(tmp_path / "room", trainees)
    done = _start_in_process(config, capsys)
    _assert_refused(done, config, "教室配置有误", *phrases)
    for line in trainees.splitlines():
        login = line.split(" ")[0]
        if login.startswith("xsrt"):
            assert not account_exists(login)


@pytest.mark.parametrize(
    ("extra", "phrases"),
    [
        ('colour = "red"', ["room.colour", "room.toml:"]),
        ('ssl_cert = "/nonexistent/cert.pem"', ["ssl_cert"]),
    ],
    ids=["unknown-key", "half-https"],
)
def test_bad_config_is_refused(tmp_path, capsys, extra, phrases):
    config = write_room(tmp_path / "room", "xsrtcfg 甲\n", extra=extra)
    _assert_refused(_start_in_process(config, capsys), config, "教室配置有误", *phrases)


def _hostile_config(tmp_path: Path, kind: str) -> Path:
    """A room.toml that is not one (issue 19): each must end in one message and exit 2."""
    good = write_room(tmp_path / "room", "xsrthostile 甲\n")
    text = good.read_text(encoding="utf-8")
    target = tmp_path / "hostile.toml"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "dev-zero":
        return Path("/dev/zero")
    elif kind == "folder":
        target.mkdir()
    elif kind == "gbk":
        target.write_bytes(text.replace('name = "t"', 'name = "t" # 教室').encode("gbk"))
    elif kind == "utf-16":
        target.write_bytes(text.encode("utf-16"))
    elif kind == "nul":
        target.write_bytes(text.encode() + b"\x00")
    elif kind == "deep-array":
        target.write_text(text + "deep = " + "[" * 100_000 + "]" * 100_000 + "\n")
    elif kind == "deep-table":
        target.write_text(text + "deep = " + "{a = " * 5000 + "1" + "}" * 5000 + "\n")
    elif kind == "symlink-loop":
        target.symlink_to(tmp_path / "other.toml")
        (tmp_path / "other.toml").symlink_to(target)
    elif kind == "huge":
        target.write_text(text + "#" * (2 * 1024 * 1024))
    elif kind == "port-true":
        target.write_text(text.replace("port = ", "port = true\n#", 1))
    elif kind == "port-float":
        target.write_text(text.replace("port = ", "port = 8000.0\n#", 1))
    elif kind == "port-text":
        target.write_text(text.replace("port = ", 'port = "8000"\n#', 1))
    elif kind == "password-newline":
        target.write_text(
            text.replace(
                "[accounts]",
                '[accounts]\npasswords = "shared"\nshared_password = "abcdefgh\\nroot:X"',
            )
        )
    elif kind == "path-nul":
        target.write_text(text.replace("[course]", '[course]\nhome_page = "a\\u0000b"'))
    elif kind == "ip-text":
        target.write_text(text.replace('ip = "127.0.0.1"', 'ip = "127.0.0.1; rm -rf /"'))
    elif kind == "minutes-bool":
        target.write_text(text + "[culling]\nserver_idle_minutes = true\n")
    elif kind == "trainees-fifo":
        os.mkfifo(tmp_path / "room" / "fifo.txt")
        target.write_text(text.replace('trainees = "trainees.txt"', 'trainees = "fifo.txt"'))
        return _relocated(target, tmp_path)
    elif kind == "trainees-gbk":
        (tmp_path / "room" / "gbk.txt").write_bytes("xsrtgbk 张三\n".encode("gbk"))
        target.write_text(text.replace('trainees = "trainees.txt"', 'trainees = "gbk.txt"'))
        return _relocated(target, tmp_path)
    return target


def _relocated(target: Path, tmp_path: Path) -> Path:
    """The config beside its trainee list (relative paths are relative to the config)."""
    moved = tmp_path / "room" / target.name
    target.rename(moved)
    return moved


HOSTILE = {
    "fifo": "普通文件",
    "dev-zero": "普通文件",
    "folder": "目录",
    "gbk": "GBK",
    "utf-16": "UTF-16",
    "nul": "空字节",
    "deep-array": "嵌套",
    "deep-table": "嵌套",
    "symlink-loop": "无法读取",
    "huge": "过大",
    "port-true": "room.port",
    "port-float": "room.port",
    "port-text": "room.port",
    "password-newline": "accounts.shared_password",
    "path-nul": "course.home_page",
    "ip-text": "room.ip",
    "minutes-bool": "culling.server_idle_minutes",
    "trainees-fifo": "普通文件",
    "trainees-gbk": "GBK",
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_room_config_ends_in_one_message_and_exit_2(tmp_path, kind):
    """Every bad room.toml (or trainee list) ends in one clear Chinese message, exit 2: no hang
    (FIFO, /dev/zero), no traceback (encodings, nesting, symlink loops), no `true` taken as 1."""
    config = _hostile_config(tmp_path, kind)
    done = subprocess.run(
        [sys.executable, str(ROOMCTL), "start", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    message = done.stdout + done.stderr
    assert done.returncode == 2, message
    assert "Traceback" not in message, message
    assert message.startswith("教室配置有误："), message
    assert HOSTILE[kind] in message, message
    assert len(message) < 2000, message  # one message, not a dump of the input
    assert "root:X" not in message, message  # a password is never repeated


def test_the_command_line_exits_2_on_bad_input(tmp_path):
    config = write_room(tmp_path / "room", "xsrtcli 甲\nxsrtcli 乙\n")
    _assert_refused(roomctl("start", config), config, "重复")


def test_port_in_use_is_refused(tmp_path, capsys):
    ports = free_ports(4)
    with socket.socket() as busy:
        busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        busy.bind(("127.0.0.1", ports[0]))
        busy.listen()
        config = write_room(tmp_path / "room", "xsrtport 甲\n", ports=ports)
        done = _start_in_process(config, capsys)
    _assert_refused(done, config, f"127.0.0.1:{ports[0]}", "已被占用")
    assert not account_exists("xsrtport")


def test_same_port_twice_is_refused(tmp_path, capsys):
    port, hub, _, collect = free_ports(4)
    config = write_room(tmp_path / "room", "xsrtsame 甲\n", ports=[port, hub, hub, collect])
    _assert_refused(_start_in_process(config, capsys), config, "四个不同的端口")


def test_missing_proxy_is_refused(tmp_path, capsys):
    config = write_room(tmp_path / "room", "xsrtproxy 甲\n", proxy=tmp_path / "no" / "proxy")
    done = _start_in_process(config, capsys)
    _assert_refused(done, config, "configurable-http-proxy", "make room")
    assert not account_exists("xsrtproxy")


def test_stop_when_nothing_runs_is_harmless(tmp_path, capsys):
    import roomctl

    config = write_room(tmp_path / "room", "xsrtstop 甲\n")
    assert roomctl.main(["stop", "--config", str(config)]) == 0
    assert "没有在运行" in capsys.readouterr().out


def test_remove_keeps_the_accounts_while_their_processes_are_left(tmp_path, capsys, monkeypatch):
    import roomaccounts
    import roomctl

    config = write_room(tmp_path / "room", "xsrtkeep 甲\n")
    room = roomctl.load_room(config)
    monkeypatch.setattr(roomctl.os, "geteuid", lambda: 0)
    monkeypatch.setattr(roomctl, "stop", lambda room, quiet=False: 1)
    removed = []
    monkeypatch.setattr(roomaccounts, "remove", lambda state: removed.append(state))
    assert roomctl.remove(room) == 1
    assert "账号未删除" in capsys.readouterr().out
    assert removed == []


def _root_only() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root (system accounts, root-owned folders)")


@pytest.fixture
def root_folder():
    """A fresh folder under /var/lib (root-owned all the way up), removed afterwards."""
    _root_only()
    folder = Path(f"/var/lib/xsim-room-unit-{secrets.token_hex(3)}")
    folder.mkdir(mode=0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_state_folder_under_tmp_is_refused(tmp_path):
    from roomstate import StateError, open_state

    _root_only()
    with pytest.raises(StateError) as refused:
        open_state(tmp_path / "state")
    assert "只有 root 能修改" in refused.value.zh
    assert not (tmp_path / "state").exists()


def test_a_state_folder_through_a_symlink_is_refused(root_folder):
    from roomstate import StateError, open_state

    (root_folder / "real").mkdir()
    (root_folder / "link").symlink_to(root_folder / "real")
    with pytest.raises(StateError) as refused:
        open_state(root_folder / "link" / "state")
    assert "符号链接" in refused.value.zh
    assert not (root_folder / "real" / "state").exists()


def test_state_writes_replace_a_planted_symlink_and_never_follow_it(root_folder):
    from roomstate import open_state

    victim = root_folder / "victim"
    victim.write_text("untouched")
    state = open_state(root_folder / "state")
    try:
        (root_folder / "state" / "accounts.json").symlink_to(victim)
        state.write("accounts.json", "{}")
        log = state.append_fd("jupyterhub.log")
        os.close(log)
    finally:
        state.close()
    written = root_folder / "state" / "accounts.json"
    assert victim.read_text() == "untouched"
    assert not written.is_symlink() and written.read_text() == "{}"
    for name in ("accounts.json", "jupyterhub.log"):
        assert (root_folder / "state" / name).stat().st_mode & 0o777 == 0o600, name
    assert (root_folder / "state").stat().st_mode & 0o777 == 0o711
    assert not list((root_folder / "state").glob(".*.tmp"))


@pytest.mark.parametrize(
    "password", ["abcdefgh\nroot:X", "abcdefgh\rx", "abc\x00defgh", "ab\u2028cdefgh"]
)
def test_a_password_with_a_control_character_never_reaches_chpasswd(password):
    import roomaccounts

    with pytest.raises(roomaccounts.AccountError) as refused:
        roomaccounts.check_password("xsrtpw", password)
    assert "控制字符" in refused.value.zh


def test_accounts_are_found_by_the_uid_list_not_by_the_comment(root_folder):
    """A trainee can rewrite their comment field with chfn; the room goes by the uids it keeps:
    a renamed comment still counts as the room's, a planted marker never does."""
    import roomaccounts
    from roomstate import open_state

    tag = secrets.token_hex(2)
    ours, planted = f"xsrtu{tag}a", f"xsrtu{tag}b"
    try:
        for login in (ours, planted):
            subprocess.run(
                ["useradd", "--comment", "xsim-room/unit", "--user-group", login],
                check=True,
                capture_output=True,
            )
        uid = pwd.getpwnam(ours).pw_uid
        state = open_state(root_folder / "state")
        state.write("accounts.json", json.dumps({ours: uid}))
        subprocess.run(["usermod", "--comment", "renamed by chfn", ours], check=True)
        assert roomaccounts.room_uids(state) == {uid}
        assert pwd.getpwnam(planted).pw_uid not in roomaccounts.room_uids(state)
        removed, refused = roomaccounts.remove(state)
        assert (removed, refused) == ([ours], [])
        assert not account_exists(ours) and account_exists(planted)
        state.close()
    finally:
        remove_accounts(ours, planted)


@pytest.mark.parametrize(
    "request_",
    [None, [], {"lesson": "01"}, {"lesson": "01", "item": "q1", "answer": 50}, {"item": "q1"}],
)
def test_the_answer_service_refuses_a_malformed_request(request_):
    import answer_service

    from xsim.teaching.answers import LocalAnswerKey

    reply = answer_service.judge(LocalAnswerKey(ROOT / "course"), request_)
    assert set(reply) == {"error_zh", "error_en"}


def test_the_answer_service_judges_with_the_attempt_it_counted():
    """What an attempt reveals is the key's rule; the service passes its own count."""
    import answer_service

    from xsim.teaching.answers import LocalAnswerKey

    key = LocalAnswerKey(ROOT / "course")
    wrong = {"lesson": "01", "item": "q1", "answer": "40 人"}
    first, second = answer_service.judge(key, wrong, 1), answer_service.judge(key, wrong, 2)
    assert first["correct"] is False and first["right_answer_zh"] == ""
    assert second["correct"] is False and second["right_answer_zh"]
    right = answer_service.judge(key, {**wrong, "answer": "50 人"}, 1)
    assert right["correct"] is True
    unknown = answer_service.judge(key, {**wrong, "item": "q999"}, 1)
    assert set(unknown) == {"error_zh", "error_en"}


def test_stop_also_ends_what_starts_while_stopping():
    """One pass over the accounts' processes is not enough (CI once found a kernel left)."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "tests" / "room_stop_support.py"), str(ROOT / "room")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result == {"ended": 2, "left": [], "after": []}


# ---------------------------------------------------------------- the seam to the class summary


def test_collect_without_the_progress_modules_keeps_the_files(tmp_path, monkeypatch):
    from xsim_room import collect_write

    monkeypatch.setattr(collect_write, "_module", lambda name: None)
    data = {"format": "xsim-progress", "attempts": []}
    written = collect_write.as_export(data, "学员甲", tmp_path / "a.json")
    assert json.loads(written.read_text(encoding="utf-8")) == data
    assert collect_write.write_class_summary([written], tmp_path) is None


def test_collect_converts_a_store_and_asks_for_the_summary(tmp_path, monkeypatch):
    """The contract with xsim.teaching.progress / classroom, with stand-ins for both."""
    import dataclasses
    import types

    from xsim_room import collect_write

    @dataclasses.dataclass
    class FakeProgress:
        trainee: str = ""

    calls = {}

    def export(path, progress):
        calls["export"] = progress
        Path(path).write_text(json.dumps({"format": "export", "trainee": progress.trainee}))
        return Path(path)

    class FakeSummary:
        def save_html(self, path):
            Path(path).write_text("<html>汇总</html>", encoding="utf-8")
            return Path(path)

    def class_summary(files):
        calls["summary_of"] = [Path(f).name for f in files]
        return FakeSummary()

    fakes = {
        collect_write.PROGRESS_MODULE: types.SimpleNamespace(
            STORE_FORMAT="xsim-progress", load=lambda path: FakeProgress(), export=export
        ),
        collect_write.CLASSROOM_MODULE: types.SimpleNamespace(class_summary=class_summary),
    }
    monkeypatch.setattr(collect_write, "_module", fakes.get)
    store = {"format": "xsim-progress", "attempts": []}
    written = collect_write.as_export(store, "学员甲", tmp_path / "xsrta.json")
    assert calls["export"].trainee == "学员甲"  # the roster's name when the trainee set none
    other = collect_write.as_export({"format": "other"}, "学员乙", tmp_path / "xsrtb.json")
    assert json.loads(other.read_text()) == {"format": "other"}  # not a store: unchanged
    summary = collect_write.write_class_summary([written, other], tmp_path)
    assert summary == tmp_path / collect_write.SUMMARY_FILE
    assert calls["summary_of"] == ["xsrta.json", "xsrtb.json"]


@pytest.mark.parametrize(
    "raw", [b"[" * 200_000, b"{" * 100_000, b"\xff\xfe{", b'{"a": NaN', b"", b"\x00"]
)
def test_one_broken_export_is_invalid_not_the_end_of_the_collection(raw):
    import collect_service

    assert collect_service.parse_export(raw) == ("invalid", None)
    assert collect_service.parse_export(b'{"format": "x"}') == ("ok", {"format": "x"})


def test_a_damaged_store_is_kept_as_it_is_for_the_summary_to_call_invalid(tmp_path, monkeypatch):
    """With a store reader that refuses a damaged store (``Progress.from_json``), the collected
    file is written unchanged (the class summary marks it 无效), not emptied into 未开始."""
    import types

    from xsim_room import collect_write

    from xsim.errors import InputError

    def from_json(data, source):
        raise InputError(source, "attempts[0]", "a list", "应为列表")

    fake = types.SimpleNamespace(
        STORE_FORMAT="xsim-progress",
        Progress=types.SimpleNamespace(from_json=from_json),
        load=lambda path: pytest.fail("a damaged store must not be loaded as empty"),
    )
    monkeypatch.setattr(collect_write, "_module", {collect_write.PROGRESS_MODULE: fake}.get)
    data = {"format": "xsim-progress", "attempts": {"not": "a list"}}
    written = collect_write.as_export(data, "学员甲", tmp_path / "xsrta.json")
    assert json.loads(written.read_text(encoding="utf-8")) == data


def test_collect_with_the_real_class_summary(tmp_path):
    """Runs once xsim.teaching.progress and .classroom are merged (issue 13's store)."""
    progress = pytest.importorskip("xsim.teaching.progress")
    pytest.importorskip("xsim.teaching.classroom")
    from xsim_room import collect_write

    store = tmp_path / "store.json"
    progress.record_answer("01", "q1", correct=False, answer="B", path=store)
    progress.record_answer("01", "q1", correct=True, answer="A", path=store)
    data = json.loads(store.read_text(encoding="utf-8"))
    out = tmp_path / "out"
    out.mkdir()
    written = collect_write.as_export(data, "学员甲", out / "xsrta.json")
    assert progress.load_export(written).trainee == "学员甲"
    summary = collect_write.write_class_summary([written], out)
    assert summary is not None and "学员甲" in summary.read_text(encoding="utf-8")
