"""The room's accounts: passwords, system accounts, the uid list the room keeps, the course copy.

Every trainee and the trainer get a system account (``useradd``, home 0700, no login shell). The
room remembers the accounts it created by **uid** in ``accounts.json`` (0600, in its root-owned
state folder): ``stop`` ends the processes of those uids and ``remove`` deletes an account only
while its name still has that uid. The comment field (``xsim-room/<room>``) is written for a
human reading ``/etc/passwd``, never trusted: a trainee can change it with ``chfn``.

Passwords are set with ``chpasswd``; a password with a control character never reaches its input
(a newline there would be a second line: another account's password).
"""

from __future__ import annotations

import io
import json
import os
import pwd
import secrets
import subprocess
import tarfile
import unicodedata
from pathlib import Path

from roomconfig import TRAINER_EDITION, TRAINER_EDITION_SOURCE, Room
from roomruntime import Runtime
from roomstate import StateDir

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read aloud, typed by hand
SHARED = "*shared*"  # the key of the shared room password in credentials.json
ACCOUNTS_FILE = "accounts.json"
CREDENTIALS_FILE = "credentials.json"
SHEET_FILE = "账号密码.txt"


class AccountError(Exception):
    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


def account(login: str) -> pwd.struct_passwd | None:
    try:
        return pwd.getpwnam(login)
    except KeyError:
        return None


# ---------------------------------------------------------------- the uid list


def recorded(state: StateDir) -> dict[str, int]:
    """login -> uid of every account this room created (from accounts.json)."""
    raw = state.read(ACCOUNTS_FILE)
    if raw is None:
        return {}
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise AccountError(
            f"{state.path / ACCOUNTS_FILE} 已损坏（不是有效的 JSON）",
            f"{state.path / ACCOUNTS_FILE} is damaged",
        ) from None
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, int) and not isinstance(v, bool)
        for k, v in data.items()
    ):
        raise AccountError(
            f"{state.path / ACCOUNTS_FILE} 的格式不对（应为 登录名 → uid）",
            f"{state.path / ACCOUNTS_FILE} is not a map of login to uid",
        )
    return data


def room_uids(state: StateDir) -> set[int]:
    """The uids the room created (and that still carry the login it recorded)."""
    uids = set()
    for login, uid in recorded(state).items():
        entry = account(login)
        if entry is not None and entry.pw_uid == uid:
            uids.add(uid)
    return uids


def foreign_accounts(room: Room, state: StateDir) -> list[str]:
    """Logins of the room that exist on the machine but are not in the room's uid list."""
    known = recorded(state)
    return [
        login
        for login in [room.trainer, *room.logins]
        if (entry := account(login)) is not None and known.get(login) != entry.pw_uid
    ]


# ---------------------------------------------------------------- passwords


def _password() -> str:
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(10))


def check_password(login: str, password: str) -> None:
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in password):
        raise AccountError(
            f"账号 {login} 的密码含有控制字符（如换行），已拒绝",
            f"the password of {login} holds a control character",
        )


def passwords(room: Room, hub: StateDir) -> dict[str, str]:
    """Keep every password already handed out; make new ones only for new accounts."""
    raw = hub.read(CREDENTIALS_FILE)
    known = json.loads(raw.decode("utf-8")) if raw else {}
    settings = room.settings.accounts
    out = {room.trainer: known.get(room.trainer) or _password()}
    shared = ""
    if settings.passwords == "shared":
        shared = settings.shared_password or known.get(SHARED) or _password()
        out[SHARED] = shared
    for login in room.logins:
        out[login] = shared or known.get(login) or _password()
    for login, password in out.items():
        check_password(login, password)
    return out


def credentials_sheet(room: Room, passwords: dict[str, str], url: str) -> str:
    lines = [
        f"培训教室「{room.name}」账号与密码 — 请裁开分发，勿外传",
        f"登录地址：{url}",
        "",
        f"培训师：{room.trainer}    密码：{passwords[room.trainer]}",
        "",
    ]
    if SHARED in passwords:
        lines += [f"学员共用密码：{passwords[SHARED]}（每人用自己的登录名）", ""]
    lines.append("姓名\t登录名\t密码")
    for trainee in room.trainees:
        lines.append(f"{trainee.display_name}\t{trainee.login}\t{passwords[trainee.login]}")
    return "\n".join(lines) + "\n"


def save_passwords(room: Room, state: StateDir, hub: StateDir, pw: dict, url: str) -> None:
    hub.write(CREDENTIALS_FILE, json.dumps(pw, ensure_ascii=False))
    state.write(SHEET_FILE, credentials_sheet(room, pw, url))


def forget_passwords(state: StateDir, hub: StateDir) -> None:
    hub.unlink(CREDENTIALS_FILE)
    state.unlink(SHEET_FILE)


# ---------------------------------------------------------------- accounts


def run_as(
    login: str, environment: dict[str, str], argv: list[str], **kwargs
) -> subprocess.CompletedProcess:
    """Run ``argv`` as the account (its uid, gid and no other group, in its home, a minimal
    environment plus ``environment``); ``subprocess.run`` keywords pass through."""
    entry = pwd.getpwnam(login)
    env = {
        "HOME": entry.pw_dir,
        "USER": login,
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        **environment,
    }
    kwargs.setdefault("timeout", 120)
    return subprocess.run(
        argv,
        user=entry.pw_uid,
        group=entry.pw_gid,
        extra_groups=[],
        env=env,
        cwd=entry.pw_dir,
        **kwargs,
    )


# Run as the account: unpack the course (a tar on stdin) into its home, keeping files already
# there (a trainee's work survives a restart); tarfile's "data" filter refuses links, devices,
# absolute names and "..".
UNPACK = """
import pathlib, sys, tarfile
target = pathlib.Path(sys.argv[1])
with tarfile.open(fileobj=sys.stdin.buffer, mode="r|") as tar:
    for member in tar:
        out = target / member.name
        if out.exists() or not member.isfile():
            continue
        tar.extract(member, target, filter="data")
"""


def course_archive(room: Room, with_trainer_edition: bool) -> bytes:
    """The course as root reads it from the checkout (closed to the accounts), as a tar; the
    trainer's copy also holds the trainer edition (the checkout's ``trainer/``) as ``trainer/``."""
    course = room.paths.course
    exclude = set(room.settings.course.exclude)
    sources = [(course, "")]
    if with_trainer_edition:
        exclude.discard(TRAINER_EDITION)
        if not (course / TRAINER_EDITION).is_dir() and TRAINER_EDITION_SOURCE.is_dir():
            sources.append((TRAINER_EDITION_SOURCE, TRAINER_EDITION))
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for folder, prefix in sources:
            for path in sorted(folder.rglob("*")):
                relative = path.relative_to(folder)
                if (
                    path.is_file()
                    and not path.is_symlink()
                    and (prefix or not any(part in exclude for part in relative.parts))
                    and ".ipynb_checkpoints" not in relative.parts
                ):
                    arcname = str(Path(prefix) / relative) if prefix else str(relative)
                    info = tar.gettarinfo(str(path), arcname=arcname)
                    info.uid = info.gid = 0
                    info.uname = info.gname = ""
                    info.mode = 0o644
                    with path.open("rb") as source:
                        tar.addfile(info, source)
    return buffer.getvalue()


def create(room: Room, state: StateDir, runtime: Runtime, pw: dict[str, str]) -> list[str]:
    """Create the missing accounts (home 0700, no login shell), record their uids, set every
    password, copy the course into every home (as the account)."""
    created = []
    shell = "/usr/sbin/nologin" if Path("/usr/sbin/nologin").exists() else "/bin/false"
    known = recorded(state)
    for login in [room.trainer, *room.logins]:
        if account(login) is None:
            subprocess.run(
                ["useradd", "--create-home", "--shell", shell, "--comment", room.account_comment]
                + ["--user-group", login],
                check=True,
                capture_output=True,
                timeout=60,
            )
            created.append(login)
            known[login] = pwd.getpwnam(login).pw_uid
            # recorded at once: a start that fails later still stops and removes what it made
            state.write(ACCOUNTS_FILE, json.dumps(known, sort_keys=True))
        os.chmod(pwd.getpwnam(login).pw_dir, 0o700)
    logins = [room.trainer, *room.logins]
    for login in logins:
        check_password(login, pw[login])
    feed = "".join(f"{login}:{pw[login]}\n" for login in logins)
    subprocess.run(["chpasswd"], input=feed.encode(), check=True, capture_output=True, timeout=60)
    folder = room.settings.course.folder
    editions = {False: course_archive(room, False), True: course_archive(room, True)}
    for login in [*room.logins, room.trainer]:
        target = str(Path(pwd.getpwnam(login).pw_dir) / folder)
        unpack = [runtime.python, "-I", "-S", "-c", UNPACK, target]
        course = editions[login == room.trainer]  # the trainer: + trainer/
        run_as(login, runtime.environment, unpack, input=course, check=True)
    return created


def remove(state: StateDir) -> tuple[list[str], list[str]]:
    """Delete the accounts the room created (those whose name still has the recorded uid) and
    their homes: (removed, refused). The uid list keeps the refused ones, for a rerun."""
    known = recorded(state)
    removed, refused, left = [], [], {}
    for login, uid in sorted(known.items()):
        entry = account(login)
        if entry is None or entry.pw_uid != uid:
            continue  # gone already, or the name is someone else's now: never touched
        done = subprocess.run(["userdel", "--remove", login], capture_output=True, timeout=60)
        if account(login) is None:
            removed.append(login)
        else:
            refused.append(f"{login}：{done.stderr.decode(errors='replace').strip()}")
            left[login] = uid
    if left:
        state.write(ACCOUNTS_FILE, json.dumps(left, sort_keys=True))
    else:
        state.unlink(ACCOUNTS_FILE)
    return removed, refused
