"""Study results on disk: Parquet part files streamed as runs finish, and a manifest.

A study folder holds ``manifest.json`` and ``part-NNNNN-XXXXXXXX.parquet`` files, one row per run,
plus what the command writes at the end (``summary.json``, figures). The manifest records the study's
fingerprint (scenario content hash, variants, replications, root seed, runner, kit version), the kind
of study (``compare``, ``sweep``, ``study``) and **every file the study wrote**, with its size and
SHA-256 (and a part's row count).

The folder policy (``--out``), so that a folder is never damaged:

- a missing folder is created; a path under a regular file, on a read-only file system or anywhere
  it cannot be created (``/proc``) is refused with one message, nothing written;
- an empty folder or a folder of the same study (``--resume``) is used;
- a non-empty folder that is not an xsim study (``--out .``, ``--out ~``) is refused unless
  ``force``; even then nothing in it is deleted or overwritten: names the study would write
  (:data:`RESERVED`) must be free, and only files listed in the manifest are ever replaced or moved;
- a folder of another study, or of another kind of study, is refused (``force`` does not change that).

Every file is written to a temporary file created exclusively in the study's own hidden work folder
(``.xsim-work-XXXXXXXX/``, named in the manifest from its first write), flushed to disk (fsync) and
renamed into place (``os.replace``); a part is listed in the manifest (with its checksum) before it is
renamed into place, so a part on disk is either complete and listed or not there. Only what the
manifest lists is ever deleted, replaced or moved: a temporary file left by a killed process is
removed on ``resume`` only from that work folder (a user's ``.manifest.json.abcdef12.tmp`` beside the
study stays), and a listed name that became a symbolic link, a FIFO or a device is neither read,
written through nor deleted. On ``resume`` each listed part is checked (size, checksum, readable by
pyarrow with the recorded row count); a damaged part is moved into ``quarantine/`` — a real folder
inside ``--out``, never a link out of it — and its runs are done again, so that the finished study
equals a fresh run. Reading results refuses a damaged part (and says to resume).

The manifest is read through :func:`xsim.io.load_json_file` (a regular file, at most
:data:`MAX_MANIFEST_BYTES`, bounded depth, no NaN) and checked field by field: an edited manifest is
refused naming the field, never a ``TypeError``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from xsim.errors import InputError
from xsim.io.files import fsync_folder, is_real_folder, is_regular_file, write_atomic
from xsim.io.jsonfile import load_json_file

MANIFEST = "manifest.json"
MAX_MANIFEST_BYTES = 64 * 1024 * 1024  # a million parts listed with checksums is ~200 MB; 64 MiB
# is ~300 000 parts, far beyond MAX_RUNS / flush_rows
MANIFEST_FORMAT = "xsim-study/1"
QUARANTINE = "quarantine"
PART_PREFIX = "part-"
TMP_SUFFIX = ".tmp"
PART_NAME = re.compile(r"part-\d{5,}-[0-9a-f]{8}\.parquet")
# The study's own folder for temporary files (its name is in the manifest: "work").
WORK_PREFIX = ".xsim-work-"
WORK_NAME = re.compile(r"\.xsim-work-[0-9a-f]{8}")
# A name the manifest may list: a plain file name in the study folder (no path, no "..").
FILE_NAME = re.compile(r"[^/\\\x00]{1,255}")
SHA256 = re.compile(r"[0-9a-f]{64}")
# Names a study writes at fixed places: with ``force`` they must not already exist.
RESERVED = (
    MANIFEST,
    QUARANTINE,
    "summary.json",
    "comparison.png",
    "participation.png",
    "sensitivity.json",
    "sensitivity.png",
    "sweep.png",
)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def atomic_write_bytes(path: Path, data: bytes, work: Path | None = None) -> None:
    """Write ``data`` to ``path`` through a flushed temporary file (created exclusively, in
    ``work`` or beside ``path``) renamed into place; a link, FIFO or device at ``path`` is refused
    (:func:`xsim.io.write_atomic`)."""
    write_atomic(path, data, field="--out", temp_dir=work)


def figure_bytes(fig, dpi: int = 150, fmt: str = "png") -> bytes:
    """A matplotlib figure as bytes (to be written with :func:`write_output`)."""
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, dpi=dpi, format=fmt)
    return buffer.getvalue()


# --------------------------------------------------------------------------------------------------
# the manifest


def _is_study_manifest(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("fingerprint"), str) and "study" in body


def read_manifest(folder: str | os.PathLike) -> dict[str, Any] | None:
    path = Path(folder).expanduser() / MANIFEST
    if not os.path.lexists(path):
        return None
    if not is_regular_file(path):
        raise InputError(
            str(path),
            "",
            "a study manifest (a regular file); this manifest.json is a link, folder, pipe or "
            "device (choose another --out folder)",
            "应为研究清单（普通文件）；该 manifest.json 是链接、文件夹、管道或设备（请换一个 --out 文件夹）",
        )
    body = load_json_file(path, max_bytes=MAX_MANIFEST_BYTES)
    if not _is_study_manifest(body):
        raise InputError(
            str(path),
            "",
            "an xsim study manifest; this manifest.json belongs to something else "
            "(choose another --out folder)",
            "应为 xsim 研究清单；该 manifest.json 不是 xsim 写的（请换一个 --out 文件夹）",
        )
    _check_manifest_fields(body, str(path))
    return body


def _check_manifest_fields(body: dict[str, Any], source: str) -> None:
    """Every field the study reads has the type it writes; else the field is named."""

    def bad(field: str, en: str, zh: str) -> InputError:
        return InputError(
            source,
            field,
            f"{en} (the manifest was edited or damaged)",
            f"{zh}（清单被改动或已损坏）",
        )

    if not isinstance(body["study"], dict):
        raise bad("study", "a mapping describing the study", "应为描述研究的映射")
    for key in ("kind", "format", "created"):
        if key in body and not isinstance(body[key], str):
            raise bad(key, "text", "应为文字")
    work = body.get("work")
    if work is not None and not (isinstance(work, str) and WORK_NAME.fullmatch(work)):
        raise bad(
            "work", f"the study's work folder ({WORK_PREFIX}XXXXXXXX)", "应为研究的临时文件夹名"
        )
    files = body.get("files")
    if files is None:
        return
    if not isinstance(files, dict):
        raise bad("files", "a mapping of file names", "应为文件名映射")
    for name, info in files.items():
        field = f"files[{name[:60]!r}]"
        if not FILE_NAME.fullmatch(name) or name in (".", "..", MANIFEST):
            raise bad(
                field, "a plain file name inside the study folder", "应为研究文件夹中的文件名"
            )
        if not isinstance(info, dict):
            raise bad(field, "a mapping (rows, bytes, sha256)", "应为映射（rows、bytes、sha256）")
        for key in ("rows", "bytes"):
            value = info.get(key)
            if key in info and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise bad(f"{field}.{key}", "a whole number ≥ 0", "应为非负整数")
        if "sha256" in info and not (
            isinstance(info["sha256"], str) and SHA256.fullmatch(info["sha256"])
        ):
            raise bad(f"{field}.sha256", "64 hexadecimal digits", "应为 64 位十六进制数")


def _listed_parts(body: dict[str, Any], folder: Path) -> dict[str, dict[str, Any]]:
    """The parts the manifest lists (a manifest without a file list: every part file, unchecked)."""
    files = body.get("files")
    if files is None:  # written before manifests listed their files
        return {
            p.name: {}
            for p in sorted(folder.glob(f"{PART_PREFIX}*.parquet"))
            if PART_NAME.fullmatch(p.name) and is_regular_file(p)
        }
    return {name: info for name, info in sorted(files.items()) if PART_NAME.fullmatch(name)}


def part_files(folder: str | os.PathLike) -> list[Path]:
    """The study's part files (those its manifest lists and that exist)."""
    folder = Path(folder).expanduser()
    body = read_manifest(folder) if (folder / MANIFEST).exists() else None
    if body is None:
        return []
    return [folder / name for name in _listed_parts(body, folder) if is_regular_file(folder / name)]


def part_problem(path: Path, info: dict[str, Any]) -> str | None:
    """Why a part file is damaged (missing, size, checksum, unreadable, row count), or None."""
    import pyarrow.parquet as pq

    if not is_regular_file(path):
        return "not a regular file" if os.path.lexists(path) else "missing"
    if "bytes" in info and path.stat().st_size != info["bytes"]:
        return f"{path.stat().st_size} bytes instead of {info['bytes']}"
    if "sha256" in info and _sha256(path) != info["sha256"]:
        return "checksum differs"
    try:
        table = pq.read_table(path, columns=["variant_index", "rep"])
    except Exception as exc:  # pyarrow raises several types for damaged files
        return f"unreadable ({type(exc).__name__})"
    if "rows" in info and table.num_rows != info["rows"]:
        return f"{table.num_rows} rows instead of {info['rows']}"
    return None


def _differences(stored: dict[str, Any], current: dict[str, Any]) -> list[str]:
    keys = sorted(set(stored) | set(current))
    return [k for k in keys if stored.get(k) != current.get(k)]


def _refuse(folder: Path, en: str, zh: str, field: str = "--out") -> InputError:
    return InputError(str(folder), field, en, zh)


def _existing_ancestor(folder: Path) -> Path:
    ancestor = folder
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    return ancestor


def _check_creatable(folder: Path) -> None:
    """Refuse a folder that cannot be made: under a file, or on a read-only file system."""
    ancestor = _existing_ancestor(folder)
    if ancestor.exists() and not ancestor.is_dir():
        raise _refuse(
            folder,
            f"a folder path; '{ancestor}' is a file, so no folder can be made under it",
            f"应为文件夹路径；「{ancestor}」是文件，不能在其下建文件夹",
        )
    if not os.access(ancestor, os.W_OK | os.X_OK):
        raise _refuse(
            folder,
            f"a writable place; '{ancestor}' cannot be written (read-only or no permission)",
            f"应为可写入的位置；「{ancestor}」不可写（只读或无权限）",
        )
    # Some places refuse only when asked (/proc, /sys, a full or vanished disk): try, then remove
    # what was made, so that a bad --out fails before any work and leaves nothing behind.
    _create_folder(folder)
    _remove_created(folder, ancestor)


def _create_folder(folder: Path) -> bool:
    """Create ``folder`` and its parents (True); on failure remove what was made and refuse."""
    ancestor = _existing_ancestor(folder)
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        _remove_created(folder, ancestor)
        raise _refuse(
            folder,
            f"a folder that can be created ({exc.strerror or type(exc).__name__})",
            f"无法创建该文件夹（{exc.strerror or type(exc).__name__}）",
        ) from None
    return True


def _remove_created(folder: Path, ancestor: Path) -> None:
    """Remove the empty folders this call created (``folder`` up to, not including, ``ancestor``)."""
    path = folder
    while path != ancestor and path != path.parent:
        with contextlib.suppress(OSError):
            path.rmdir()
        path = path.parent


def _check_quarantine(folder: Path) -> None:
    """``quarantine`` is a real folder inside the study folder, or absent: a link there would move
    damaged parts out of ``--out``, so the study is refused (before anything runs)."""
    target = folder / QUARANTINE
    if os.path.lexists(target) and not is_real_folder(target):
        raise InputError(
            str(target),
            "--resume",
            f"a folder named {QUARANTINE} inside the study folder for damaged parts; this one "
            "is a link or a file, and nothing is moved through it",
            f"应为研究文件夹内存放损坏分片的 {QUARANTINE} 文件夹；它是链接或文件，不会通过它移动任何文件",
        )


class ResultStore:
    """A study folder being written: buffered rows go to a new part file every few seconds."""

    def __init__(
        self,
        folder: Path,
        *,
        body: dict[str, Any] | None = None,
        flush_rows: int = 500,
        flush_seconds: float = 2.0,
    ) -> None:
        self.folder = Path(folder)
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        self.body = body if body is not None else (read_manifest(self.folder) or {})
        if "files" not in self.body:  # a manifest from before file lists: adopt its parts
            self.body["files"] = dict(_listed_parts(self.body, self.folder))
        self.quarantined: list[tuple[str, str]] = []  # (name, problem) moved aside on resume
        self._buffer: list[dict[str, Any]] = []
        self._last_flush = time.monotonic()
        listed = [int(n.split("-")[1]) for n in _listed_parts(self.body, self.folder)]
        self._next_part = max(listed, default=-1) + 1

    @classmethod
    def check(
        cls,
        out: str | os.PathLike,
        manifest: dict[str, Any],
        fingerprint: str,
        *,
        resume: bool = False,
        force: bool = False,
        kind: str = "study",
    ) -> dict[str, Any] | None:
        """Apply the folder policy without writing anything; the stored manifest (None: new study).

        The CLI calls this before it starts workers or connects to a scheduler.
        """
        folder = Path(out).expanduser()
        if folder.exists() and not folder.is_dir():
            raise _refuse(
                folder,
                "a folder for the study's results, not a file",
                "应为存放结果的文件夹，而不是文件",
            )
        if not folder.exists():
            _check_creatable(folder)
            return None
        stored = read_manifest(folder)
        if stored is not None:
            cls._check_same_study(folder, stored, manifest, fingerprint, kind, resume)
            _check_quarantine(folder)
        else:
            cls._check_foreign_folder(folder, force)
        if not os.access(folder, os.W_OK | os.X_OK):
            raise _refuse(
                folder,
                "a writable folder (read-only or no permission)",
                "应为可写入的文件夹（只读或无权限）",
            )
        return stored

    @classmethod
    def open(
        cls,
        out: str | os.PathLike,
        manifest: dict[str, Any],
        fingerprint: str,
        *,
        resume: bool = False,
        force: bool = False,
        kind: str = "study",
        **kwargs,
    ) -> ResultStore:
        """The study folder ``out`` following the folder policy of this module's docstring."""
        folder = Path(out).expanduser()
        stored = cls.check(folder, manifest, fingerprint, resume=resume, force=force, kind=kind)
        created = False
        if not folder.exists():
            created = _create_folder(folder)
        if stored is None:
            body = {
                "format": MANIFEST_FORMAT,
                "kind": kind,
                "fingerprint": fingerprint,
                "study": manifest,
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                "files": {},
            }
            try:
                # the work folder is named in the first manifest, which is written through it
                work = _work_folder(folder, body)
                atomic_write_bytes(folder / MANIFEST, _encode(body), work)
            except (OSError, InputError) as exc:
                _tidy_work_folder(folder, body)
                if created:
                    _remove_created(folder, folder.parent)
                if isinstance(exc, InputError):
                    raise
                raise _refuse(
                    folder,
                    f"a folder the study can write to ({exc.strerror or type(exc).__name__})",
                    f"无法写入该文件夹（{exc.strerror or type(exc).__name__}）",
                ) from None
            return cls(folder, body=body, **kwargs)
        store = cls(folder, body=stored, **kwargs)
        store._remove_stale_temporaries()
        if resume:
            store._quarantine_damaged_parts()
        return store

    @staticmethod
    def _check_same_study(folder, stored, manifest, fingerprint, kind, resume) -> None:
        stored_kind = stored.get("kind", kind)
        if stored.get("fingerprint") != fingerprint or stored_kind != kind:
            changed = _differences(stored.get("study", {}), manifest)
            if stored_kind != kind:
                changed.insert(0, f"kind ({stored_kind}, not {kind})")
            what = ", ".join(changed) or "fingerprint"
            raise InputError(
                str(folder / MANIFEST),
                ", ".join(changed) or "fingerprint",
                "results of the same study to resume; this folder holds a different study "
                f"(differs in: {what}); choose another --out folder",
                "应为同一研究的结果才能续算；该文件夹保存的是另一项研究"
                f"（不同之处：{'、'.join(changed) or '指纹'}），请换一个 --out 文件夹",
            )
        if not resume and _listed_parts(stored, folder):
            raise _refuse(
                folder,
                "an empty folder; this one already holds results of this study "
                "(use --resume to complete it, or choose another folder)",
                "应为空文件夹；该文件夹已有本研究的结果（用 --resume 续算，或换一个文件夹）",
            )

    @staticmethod
    def _check_foreign_folder(folder: Path, force: bool) -> None:
        try:
            entries = sorted(p.name for p in folder.iterdir())
        except OSError as exc:
            raise _refuse(
                folder,
                f"a readable folder ({exc.strerror})",
                f"无法读取该文件夹（{exc.strerror}）",
            ) from None
        if not entries:
            return
        if any(PART_NAME.fullmatch(name) for name in entries) and not force:
            raise _refuse(
                folder,
                "a study folder with a manifest; this one holds part files without one",
                "应为带清单的研究文件夹；该文件夹有结果文件却没有 manifest.json",
            )
        if not force:
            shown = ", ".join(entries[:3]) + (", …" if len(entries) > 3 else "")
            raise _refuse(
                folder,
                f"an empty folder or an xsim study folder; this one holds other files ({shown}); "
                "choose another --out folder (or --force to add the study beside them: nothing "
                "there is deleted or overwritten)",
                f"应为空文件夹或 xsim 研究文件夹；该文件夹已有其他文件（{shown}），请换一个 --out "
                "文件夹（或加 --force 把研究结果放在它们旁边：不会删除或覆盖已有文件）",
            )
        taken = [name for name in RESERVED if name in entries]
        if taken:
            raise _refuse(
                folder,
                f"a folder where the study's own file names are free; {', '.join(taken)} "
                "already exist and are not this study's (--force never overwrites them)",
                f"研究要写的文件名已被占用：{'、'.join(taken)}（--force 也不会覆盖不是本研究写的文件）",
            )

    def _remove_stale_temporaries(self) -> None:
        """Temporary files left in the study's own work folder by a process killed mid-write.

        Nothing outside that folder is removed: a file beside the study that only looks like a
        temporary file (``.manifest.json.abcdef12.tmp``) may be a user's own.
        """
        work = self.body.get("work")
        if not (isinstance(work, str) and WORK_NAME.fullmatch(work)):
            return
        folder = self.folder / work
        if not is_real_folder(folder):
            return
        for path in folder.iterdir():
            if is_regular_file(path):
                with contextlib.suppress(OSError):
                    path.unlink()

    def _work(self) -> Path:
        """The study's work folder (created, and named in the manifest, when missing)."""
        return _work_folder(self.folder, self.body)

    def _quarantine_damaged_parts(self) -> None:
        """Move damaged listed parts into ``quarantine/`` and forget them: their runs are redone.

        ``quarantine`` must be a real folder inside the study folder (or not exist yet): a link
        there would move the part out of ``--out``, so the study is refused instead.
        """
        damaged = []
        for name, info in _listed_parts(self.body, self.folder).items():
            problem = part_problem(self.folder / name, info)
            if problem is not None:
                damaged.append((name, problem))
        if not damaged:
            return
        target_dir = self.folder / QUARANTINE
        _check_quarantine(self.folder)
        for name, problem in damaged:
            path = self.folder / name
            if os.path.lexists(path):
                target_dir.mkdir(exist_ok=True)
                target = target_dir / name
                while os.path.lexists(target):
                    target = target_dir / f"{name}.{uuid.uuid4().hex[:8]}"
                os.replace(path, target)
            self.body["files"].pop(name, None)
            self.quarantined.append((name, problem))
        self._save_manifest()

    def _save_manifest(self) -> None:
        atomic_write_bytes(self.folder / MANIFEST, _encode(self.body), self._work())

    def done(self) -> set[tuple[int, int]]:
        """The (variant_index, rep) pairs already stored."""
        import pyarrow.parquet as pq

        done: set[tuple[int, int]] = set()
        for name in _listed_parts(self.body, self.folder):
            path = self.folder / name
            if not path.is_file():
                continue
            table = pq.read_table(path, columns=["variant_index", "rep"])
            done.update(
                zip(
                    table.column("variant_index").to_pylist(),
                    table.column("rep").to_pylist(),
                    strict=True,
                )
            )
        return done

    def add(self, rows: list[dict[str, Any]]) -> None:
        self._buffer.extend(rows)
        if (
            len(self._buffer) >= self.flush_rows
            or time.monotonic() - self._last_flush >= self.flush_seconds
        ):
            self.flush()

    def flush(self) -> None:
        if not self._buffer:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist(self._buffer)
        while True:  # never replace a file the study did not write
            name = f"{PART_PREFIX}{self._next_part:05d}-{uuid.uuid4().hex[:8]}.parquet"
            if not os.path.lexists(self.folder / name):
                break
        work = self._work()
        tmp = work / f".{name}.{uuid.uuid4().hex[:8]}{TMP_SUFFIX}"
        try:
            with open(tmp, "xb") as fh:  # exclusive: never a file or link of that name
                pq.write_table(table, fh)
                fh.flush()
                os.fsync(fh.fileno())
            # Listed first, renamed second: a part on disk is always complete and listed.
            self.body["files"][name] = {
                "rows": table.num_rows,
                "bytes": tmp.stat().st_size,
                "sha256": _sha256(tmp),
            }
            self._save_manifest()
            if os.path.lexists(self.folder / name):  # appeared meanwhile: not ours to replace
                raise _refuse(self.folder, f"a free name for {name}", f"{name} 已被占用")
            os.replace(tmp, self.folder / name)
            fsync_folder(self.folder)
        finally:
            with contextlib.suppress(OSError):
                tmp.unlink()
        self._next_part += 1
        self._buffer = []
        self._last_flush = time.monotonic()

    def close(self) -> None:
        self.flush()
        _tidy_work_folder(self.folder, self.body)


def _work_folder(folder: Path, body: dict[str, Any]) -> Path:
    """The study's own folder for temporary files, ``body["work"]`` (named there when new).

    Made with ``mkdir`` (which never reuses an existing name); a name that exists but is not a
    real folder (a link, a file) is refused rather than written through.
    """
    name = body.get("work")
    if isinstance(name, str) and WORK_NAME.fullmatch(name):
        path = folder / name
        if is_real_folder(path):
            return path
        if os.path.lexists(path):
            raise _refuse(
                folder,
                f"the study's work folder {name}; it is a link or a file now (nothing is written "
                "through it)",
                f"研究的临时文件夹 {name} 变成了链接或文件（不会通过它写入）",
            )
        path.mkdir(mode=0o700)
        return path
    while True:
        name = f"{WORK_PREFIX}{uuid.uuid4().hex[:8]}"
        try:
            (folder / name).mkdir(mode=0o700)
        except FileExistsError:
            continue
        body["work"] = name
        return folder / name


def _tidy_work_folder(folder: Path, body: dict[str, Any]) -> None:
    """Remove the work folder when it is empty (it is made again for the next write)."""
    name = body.get("work")
    if isinstance(name, str) and WORK_NAME.fullmatch(name) and is_real_folder(folder / name):
        with contextlib.suppress(OSError):
            (folder / name).rmdir()


def _encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, indent=2, default=str).encode("utf-8")


def write_output(folder: str | os.PathLike, name: str, data: bytes) -> Path:
    """Write a result file (summary, figure) into a study folder and list it in the manifest.

    Refuses to replace a file that the manifest does not list (one the study did not write).
    """
    folder = Path(folder).expanduser()
    body = read_manifest(folder)
    if body is None:
        raise _refuse(folder, "a study folder (with manifest.json)", "应为研究结果文件夹")
    body.setdefault("files", {})
    if not FILE_NAME.fullmatch(name) or name in (".", "..", MANIFEST) or "/" in name:
        raise ValueError(f"not a plain file name: {name!r}")
    path = folder / name
    if os.path.lexists(path) and name not in body["files"]:
        raise _refuse(
            folder,
            f"a free name for {name}; a file of that name exists and is not this study's",
            f"{name} 已存在且不是本研究写的文件，不会覆盖",
        )
    work = _work_folder(folder, body)
    try:
        atomic_write_bytes(path, data, work)
        body["files"][name] = {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
        atomic_write_bytes(folder / MANIFEST, _encode(body), work)
    finally:
        _tidy_work_folder(folder, body)
    return path


class MemoryStore:
    """Rows kept in memory (a study run without ``out``)."""

    quarantined: list[tuple[str, str]] = []

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def done(self) -> set[tuple[int, int]]:
        return set()

    def add(self, rows: list[dict[str, Any]]) -> None:
        self.rows.extend(rows)

    def close(self) -> None:
        pass


def _tidy(frame):
    """Sort by (variant_index, rep), drop duplicates, count absent finding codes as 0."""
    if frame.empty:
        return frame
    frame = frame.drop_duplicates(subset=["variant_index", "rep"], keep="first")
    frame = frame.sort_values(["variant_index", "rep"], kind="stable").reset_index(drop=True)
    findings = [c for c in frame.columns if c.startswith("findings.")]
    if findings:
        frame[findings] = frame[findings].fillna(0).astype("int64")
    return frame


def rows_to_frame(rows: list[dict[str, Any]]):
    import pandas as pd

    return _tidy(pd.DataFrame(rows))


def load_results(folder: str | os.PathLike):
    """All rows of a study folder as a pandas DataFrame, sorted by (variant_index, rep).

    Every part is checked against the manifest first; a damaged one is refused (``--resume``
    quarantines it and redoes its runs).
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    folder = Path(folder).expanduser()
    body = read_manifest(folder)
    if body is None:
        raise InputError(
            str(folder),
            "",
            "a study folder (with manifest.json)",
            "应为研究结果文件夹（含 manifest.json）",
        )
    tables = []
    for name, info in _listed_parts(body, folder).items():
        problem = part_problem(folder / name, info)
        if problem is not None:
            raise InputError(
                str(folder / name),
                "",
                f"an intact result part ({problem}); run the study again with --resume to move it "
                "into quarantine/ and redo its runs",
                f"结果分片已损坏（{problem}）；请用 --resume 重新运行，损坏的分片会移入 quarantine/ "
                "并重做其中的模拟",
            )
        tables.append(pq.read_table(folder / name))
    if not tables:
        import pandas as pd

        return pd.DataFrame(columns=["variant", "variant_index", "rep", "seed"])
    table = pa.concat_tables(tables, promote_options="permissive")
    return _tidy(table.to_pandas())


def remove_study(folder: str | os.PathLike) -> None:
    """Delete a study folder's own files (those its manifest lists, the manifest, quarantine/)
    and the folder if that leaves it empty; anything else in it stays."""
    folder = Path(folder)
    body = read_manifest(folder)
    if body is None:
        return
    for name in list(body.get("files") or {}) + [MANIFEST]:
        if is_regular_file(folder / name):  # a link or device put there is not the study's
            with contextlib.suppress(OSError):
                (folder / name).unlink()
    owned = [QUARANTINE] + ([body["work"]] if body.get("work") else [])
    for name in owned:
        if is_real_folder(folder / name):
            shutil.rmtree(folder / name, ignore_errors=True)
    with contextlib.suppress(OSError):
        folder.rmdir()
