"""Files in and out: regular files only, sizes bounded before reading, text that names its encoding,
and writes that never replace what xsim did not create.

Reading (every reader of :mod:`xsim.io` starts here):

- :func:`read_bytes` — the bytes of a *regular* file of at most ``max_bytes``, checked before
  reading (a FIFO would block forever, ``/dev/zero`` never ends, a folder is no file). The file is
  opened with ``O_NONBLOCK`` and checked again through the open descriptor, so a file swapped for a
  FIFO between the check and the open cannot block either.
- :func:`decode_text` — UTF-8 (a BOM is allowed); anything else is refused with a message that
  names what the bytes look like (UTF-16, UTF-32, GBK/GB18030) and what to do (save as UTF-8).

Writing (records, progress exports, reports, study files):

- :func:`check_output_path` — the target may be missing or a regular file; a symbolic link, a
  FIFO, a device, a socket or a folder is refused (``os.replace`` would replace the link or the
  device node itself: as root, ``--record /dev/null`` used to replace ``/dev/null``). A program
  that wants its output on the terminal writes to ``-`` (standard output) instead, on purpose.
- :func:`write_atomic` — a temporary file created exclusively (``O_EXCL``, never following a
  link) beside the target, flushed to disk, checked again and renamed into place.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import os
import stat
import uuid
from pathlib import Path

from xsim.errors import InputError

STDOUT = "-"
"""The output path meaning "standard output" (write to a terminal or a pipe on purpose)."""


def _too_large(source: str, size: str, max_bytes: int, what: str = "file") -> InputError:
    return InputError(
        source,
        "",
        f"a {what} of at most {max_bytes} bytes (this one has {size} bytes)",
        f"文件不得超过 {max_bytes} 字节（此文件为 {size} 字节）",
    )


# what an operating-system error means, for a cadre (the English text is the system's own)
_ERRNO_ZH = {
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有权限",
    errno.ELOOP: "符号链接形成了循环",
    errno.ENAMETOOLONG: "路径过长",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EIO: "磁盘读写出错",
    errno.ENOSPC: "磁盘已满",
    errno.EROFS: "只读文件系统",
    errno.EISDIR: "这是文件夹",
}


def os_reason(exc: OSError) -> tuple[str, str]:
    """(English, Chinese) reason of an ``OSError`` for a message."""
    en = exc.strerror or str(exc) or type(exc).__name__
    return en, _ERRNO_ZH.get(exc.errno or 0, en)


def _unreadable(source: str, exc: OSError) -> InputError:
    en, zh = os_reason(exc)
    return InputError(source, "", f"a readable file ({en})", f"无法读取文件（{zh}）")


def _not_regular(source: str, mode: int) -> InputError:
    if stat.S_ISDIR(mode):
        return InputError(
            source, "", "a file, not a directory (folder)", "应为文件而不是目录（文件夹）"
        )
    return InputError(
        source,
        "",
        f"a regular file (this is a {kind_of(mode)})",
        f"应为普通文件（这是{kind_of(mode, 'zh')}）",
    )


def kind_of(mode: int, lang: str = "en") -> str:
    """What a file of this ``st_mode`` is, in words (for messages)."""
    kinds = (
        (stat.S_ISDIR, "folder", "文件夹"),
        (stat.S_ISLNK, "symbolic link", "符号链接"),
        (stat.S_ISFIFO, "named pipe (FIFO)", "管道（FIFO）"),
        (stat.S_ISCHR, "device", "设备"),
        (stat.S_ISBLK, "device", "设备"),
        (stat.S_ISSOCK, "socket", "套接字"),
    )
    for test, en, zh in kinds:
        if test(mode):
            return zh if lang == "zh" else en
    return "普通文件" if lang == "zh" else "regular file"


def read_bytes(
    path: str | os.PathLike[str], *, max_bytes: int, what: str = "file", source: str | None = None
) -> bytes:
    """The bytes of a regular file of at most ``max_bytes``; anything else raises
    :class:`InputError` (missing, a folder, a FIFO, device or socket, unreadable, too large).

    Nothing is read before the size is known, and nothing can block: the file is opened
    non-blocking and its type checked again on the open descriptor.
    """
    source = str(path) if source is None else source
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise InputError(source, "", "an existing file", "文件不存在") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the path
        raise _unreadable(source, exc if isinstance(exc, OSError) else OSError(str(exc))) from None
    if not stat.S_ISREG(info.st_mode):
        raise _not_regular(source, info.st_mode)
    if info.st_size > max_bytes:
        raise _too_large(source, str(info.st_size), max_bytes, what)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _unreadable(source, exc) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # swapped between stat and open
            raise _not_regular(source, info.st_mode)
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _unreadable(source, exc) from None
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    if len(raw) > max_bytes:  # grew since stat
        raise _too_large(source, f"> {max_bytes}", max_bytes, what)
    return raw


# -- encodings ------------------------------------------------------------------------------------
_BOMS = (
    (codecs.BOM_UTF32_LE, "UTF-32"),
    (codecs.BOM_UTF32_BE, "UTF-32"),
    (codecs.BOM_UTF16_LE, "UTF-16"),
    (codecs.BOM_UTF16_BE, "UTF-16"),
)


def guess_encoding(raw: bytes) -> str | None:
    """What non-UTF-8 bytes most likely are: ``"UTF-16"``, ``"UTF-32"``, ``"GBK/GB18030"`` or None.

    Only used to word an error message; the bytes are never decoded with the guess.
    """
    for bom, name in _BOMS:
        if raw.startswith(bom):
            return name
    sample = raw[:4096]
    if len(sample) >= 16:
        # ASCII text in UTF-16: every other byte is NUL, and only those
        even, odd = (
            sample[0::2].count(0) / (len(sample) // 2),
            sample[1::2].count(0) / (len(sample) // 2),
        )
        if max(even, odd) > 0.4 and min(even, odd) < 0.05:
            return "UTF-16"
    try:
        text = raw.decode("gb18030")
    except UnicodeDecodeError:
        return None
    if any("\u4e00" <= c <= "\u9fff" for c in text):
        return "GBK/GB18030"
    return None


def decode_text(raw: bytes, source: str = "<input>") -> str:
    """UTF-8 text of ``raw`` (an initial BOM is dropped). Other encodings, and NUL bytes (binary
    data, or UTF-16 without a BOM), raise :class:`InputError` naming what the bytes look like."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            raise _encoding_error(source, name, raw, None)
    if b"\x00" in raw:
        start = raw.index(b"\x00")
        guessed = guess_encoding(raw)
        looks_en = (
            f"; it looks like {guessed}: save it as UTF-8"
            if guessed
            else " (is this a binary file?)"
        )
        looks_zh = f"，似乎是 {guessed} 编码，请另存为 UTF-8" if guessed else "，不是文本文件"
        raise InputError(
            source,
            "",
            f"UTF-8 text without NUL bytes{looks_en}",
            f"应为 UTF-8 文本，此文件中含有空字节（NUL）{looks_zh}",
            raw.count(b"\n", 0, start) + 1,
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _encoding_error(source, guess_encoding(raw), raw, exc.start) from None


def _encoding_error(source: str, guessed: str | None, raw: bytes, start: int | None) -> InputError:
    line = raw.count(b"\n", 0, start) + 1 if start is not None else None
    where_en = f" (byte {start} is not UTF-8)" if start is not None else ""
    where_zh = f"（第{start}字节不是 UTF-8）" if start is not None else ""
    if guessed:
        return InputError(
            source,
            "",
            f"UTF-8 text; this file looks like {guessed}{where_en}: save it as UTF-8",
            f"应为 UTF-8 编码的文本；此文件似乎是 {guessed} 编码{where_zh}，请另存为 UTF-8",
            line,
        )
    return InputError(
        source,
        "",
        f"UTF-8 text{where_en}",
        f"应为 UTF-8 编码的文本{where_zh}",
        line,
    )


def bounded_text(raw: bytes, source: str, *, max_bytes: int, what: str = "file") -> str:
    """``raw`` as UTF-8 text (:func:`decode_text`) if it is at most ``max_bytes`` long."""
    if len(raw) > max_bytes:
        raise _too_large(source, str(len(raw)), max_bytes, what)
    return decode_text(raw, source)


def read_text(path: str | os.PathLike[str], *, max_bytes: int, what: str = "file") -> str:
    """:func:`read_bytes` then :func:`decode_text`."""
    return decode_text(read_bytes(path, max_bytes=max_bytes, what=what), str(path))


# -- writing --------------------------------------------------------------------------------------
def _refuse_output(path: str, field: str, en: str, zh: str) -> InputError:
    return InputError(path, field, en, zh)


def check_output_path(path: str | os.PathLike[str], field: str = "") -> Path:
    """The output path ``path`` if xsim may write it: missing, or a regular file (not a link).

    A symbolic link, a FIFO, a device, a socket or a folder is refused with one
    :class:`InputError` (``field``: the option that named it, e.g. ``--record``), as is a path whose
    folder does not exist or is not a folder. Write to :data:`STDOUT` (``-``) to print instead.
    """
    target = Path(path)
    source = str(path)
    try:
        info = os.lstat(target)
    except FileNotFoundError:
        info = None
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or type(exc).__name__
        raise _refuse_output(
            source, field, f"a path xsim can write ({why})", f"无法写入该路径（{why}）"
        ) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        kind, kind_zh = kind_of(info.st_mode), kind_of(info.st_mode, "zh")
        raise _refuse_output(
            source,
            field,
            f"a new or regular file to write; this is a {kind}, which xsim does not replace "
            f"(write to '{STDOUT}' to print the output instead)",
            f"应为新文件或普通文件；该路径是{kind_zh}，xsim 不会替换它（如需输出到屏幕，请写 {STDOUT}）",
        )
    parent = target.parent
    try:
        parent_info = os.stat(parent)
    except OSError:
        parent_info = None
    if parent_info is None or not stat.S_ISDIR(parent_info.st_mode):
        raise _refuse_output(
            source,
            field,
            f"a file in an existing folder ('{parent}' is not a folder)",
            f"应为已有文件夹中的文件（「{parent}」不是文件夹）",
        )
    return target


def write_atomic(
    path: str | os.PathLike[str],
    data: bytes,
    *,
    field: str = "",
    temp_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Write ``data`` to ``path`` through a temporary file renamed into place.

    The target is checked with :func:`check_output_path` first and again just before the rename;
    the temporary file is created exclusively (``O_EXCL | O_NOFOLLOW``), so neither a file nor a
    link of the same name is ever written through. ``temp_dir`` (on the same file system; default:
    the target's folder) holds the temporary file. An ``OSError`` of the write itself (a full
    disk, a read-only folder) is raised as :class:`InputError` naming the path.
    """
    target = check_output_path(path, field)
    folder = target.parent if temp_dir is None else Path(temp_dir)
    tmp = folder / f".{target.name}.{uuid.uuid4().hex[:8]}.tmp"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        try:
            check_output_path(target, field)  # not swapped for a link or a device meanwhile
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        en, zh = os_reason(exc)
        raise _refuse_output(
            str(path), field, f"a file xsim can write ({en})", f"无法写入文件（{zh}）"
        ) from None
    fsync_folder(target.parent)
    return target


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Flush a folder's entries to disk (a rename reaches the disk only then; POSIX only)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def is_regular_file(path: str | os.PathLike[str]) -> bool:
    """True for a regular file that is not a symbolic link (``Path.is_file`` follows links)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


def is_real_folder(path: str | os.PathLike[str]) -> bool:
    """True for a folder that is not a symbolic link (``Path.is_dir`` follows links)."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except (OSError, ValueError):
        return False


def resolve_inside(
    root: str | os.PathLike[str], relative: str, *, source: str = "<input>", field: str = ""
) -> Path:
    """``root / relative`` when it stays inside ``root``; else one :class:`InputError`.

    Refused: an absolute path, a ``..`` part, a NUL byte, and a path whose real location (symbolic
    links followed) lies outside ``root``. For names a file gives for other files (a lesson's
    folder, a figure, a data file) so that a typo or a hostile file never reaches elsewhere.
    """
    text = str(relative)
    parts = Path(text).parts
    if not text or "\x00" in text or Path(text).is_absolute() or ".." in parts:
        raise InputError(
            source,
            field,
            f"a relative path inside {root} without '..' (got {text[:80]!r})",
            f"应为「{root}」之内的相对路径，不能含 ..（实际为 {text[:80]!r}）",
        )
    base = Path(root).resolve()
    target = (base / text).resolve()
    if target != base and base not in target.parents:
        raise InputError(
            source,
            field,
            f"a path inside {root}; {text!r} leads outside it (a symbolic link?)",
            f"应为「{root}」之内的路径；{text!r} 指向其外（符号链接？）",
        )
    return base / text
