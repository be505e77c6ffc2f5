"""The room's state folder: only under a root-owned path, written without following symlinks.

Root writes the hub's database, the passwords and the accounts list here, so nobody else may be
able to change any folder on the way to it (a trainee who could would redirect root's writes
with a symlink). :func:`open_state` walks from ``/`` one component at a time with
``O_NOFOLLOW | O_DIRECTORY`` (a symlink anywhere on the path is refused, not followed), checks
that each folder is owned by root and writable by nobody else (no ``/tmp``, no home folder of
another account), creates what is missing, and keeps a descriptor of the state folder. Every
file is then written relative to that descriptor (``openat``): ``O_NOFOLLOW | O_CREAT |
O_EXCL`` into a temporary name, then renamed over the old one (a rename replaces a symlink, it
does not write through it).

Modes: the state folder 0711 (accounts may pass through to the runtime, the lab settings and the
sockets they are told about, but not list it); secrets, logs and lists 0600; ``hub/`` 0700.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC


class StateError(Exception):
    """The state folder is not safe to use (zh, en)."""

    def __init__(self, zh: str, en: str):
        super().__init__(en)
        self.zh, self.en = zh, en


def _check_folder(fd: int, shown: str, final: bool) -> None:
    info = os.fstat(fd)
    if info.st_uid != 0:
        raise StateError(
            f"教室的状态文件夹必须在只有 root 能修改的位置：{shown} 的所有者不是 root"
            "（请在 room.toml 的 [room] state_dir 另选位置，例如 /var/lib/xsim-room/<教室名>）",
            f"{shown} is not owned by root: state_dir must be under root-owned folders only",
        )
    if info.st_mode & 0o022 and not final:
        raise StateError(
            f"教室的状态文件夹必须在只有 root 能修改的位置：其他账号可以在 {shown} 里建文件"
            "（例如 /tmp）；请在 room.toml 的 [room] state_dir 另选位置，"
            "例如 /var/lib/xsim-room/<教室名>",
            f"others can write to {shown}: state_dir must be under folders only root can change",
        )


class StateDir:
    """An open, checked folder; every name below it is opened relative to it, never followed."""

    def __init__(self, fd: int, path: Path):
        self.fd, self.path = fd, path

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)

    def folder(self, name: str, mode: int) -> StateDir:
        """A subfolder (created with ``mode`` if missing; its mode set, owner checked)."""
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, mode, dir_fd=self.fd)
        try:
            fd = os.open(name, DIRECTORY, dir_fd=self.fd)
        except OSError as exc:
            raise StateError(
                f"{self.path / name} 不是文件夹，或是符号链接：教室不会跟随它",
                f"{self.path / name} is not a folder or is a symlink ({exc.strerror})",
            ) from None
        os.fchown(fd, 0, 0)
        os.fchmod(fd, mode)
        return StateDir(fd, self.path / name)

    def write(self, name: str, data: bytes | str, mode: int = 0o600) -> Path:
        """Replace ``name`` with ``data`` (a new file of ``mode``; a symlink there is replaced,
        not followed)."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        temporary = f".{name}.{secrets.token_hex(6)}.tmp"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(temporary, flags, mode, dir_fd=self.fd)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
                os.fchmod(out.fileno(), mode)
            os.replace(temporary, name, src_dir_fd=self.fd, dst_dir_fd=self.fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary, dir_fd=self.fd)
            raise
        return self.path / name

    def read(self, name: str, max_bytes: int = 4 * 1024 * 1024) -> bytes | None:
        """A regular file's bytes (None when missing); a symlink, FIFO or device is refused."""
        try:
            fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK, dir_fd=self.fd)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StateError(
                f"无法读取 {self.path / name}（可能是符号链接）",
                f"cannot read {self.path / name} ({exc.strerror})",
            ) from None
        with os.fdopen(fd, "rb") as source:
            if not stat.S_ISREG(os.fstat(source.fileno()).st_mode):
                raise StateError(
                    f"{self.path / name} 不是普通文件", f"{self.path / name} is not a regular file"
                )
            data = source.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise StateError(f"{self.path / name} 过大", f"{self.path / name} is too large")
        return data

    def append_fd(self, name: str, mode: int = 0o600) -> int:
        """A descriptor appending to ``name`` (a log), created ``mode``, never through a link."""
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(name, flags, mode, dir_fd=self.fd)
        os.fchmod(fd, mode)
        return fd

    def unlink(self, name: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name, dir_fd=self.fd)

    def exists(self, name: str) -> bool:
        try:
            os.stat(name, dir_fd=self.fd, follow_symlinks=False)
        except FileNotFoundError:
            return False
        return True


def open_state(path: Path, mode: int = 0o711) -> StateDir:
    """Open (creating what is missing) the state folder ``path``: every folder from ``/`` owned by
    root and writable by nobody else, no symlink on the way."""
    path = Path(os.path.normpath(path))
    if not path.is_absolute():
        raise StateError(f"{path} 不是绝对路径", f"{path} is not absolute")
    fd = os.open("/", DIRECTORY)
    shown = Path("/")
    try:
        _check_folder(fd, str(shown), final=False)
        parts = path.parts[1:]
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            shown = shown / part
            created = False
            try:
                os.mkdir(part, mode if last else 0o755, dir_fd=fd)
                created = True
            except FileExistsError:
                pass
            try:
                child = os.open(part, DIRECTORY, dir_fd=fd)
            except OSError as exc:
                raise StateError(
                    f"{shown} 不是文件夹，或是符号链接：教室的状态文件夹路径上不能有符号链接",
                    f"{shown} is not a folder or is a symlink ({exc.strerror})",
                ) from None
            os.close(fd)
            fd = child
            if created:
                os.fchown(fd, 0, 0)
            _check_folder(fd, str(shown), final=last)
        os.fchmod(fd, mode)
    except BaseException:
        os.close(fd)
        raise
    return StateDir(fd, path)
