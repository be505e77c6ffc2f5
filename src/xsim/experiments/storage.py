"""Study results on disk: Parquet part files streamed as runs finish, and a manifest.

A study folder holds ``manifest.json`` (the study's fingerprint: scenario content hash, variants,
replications, root seed, runner, kit version) and ``part-NNNNN-XXXXXXXX.parquet`` files, one row per
run. Every part is written to a hidden temporary file and renamed into place, so a study that is
interrupted at any moment (Ctrl-C, a crash, a killed process) leaves only complete part files; stale
temporary files are removed on resume. ``--resume`` reads the ``(variant_index, rep)`` columns of the
parts and runs only what is missing; a folder that holds another study is refused.
"""

from __future__ import annotations

import json
import os
import time
import uuid
from pathlib import Path
from typing import Any

from xsim.errors import InputError

MANIFEST = "manifest.json"
PART_PREFIX = "part-"
TMP_SUFFIX = ".tmp"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}{TMP_SUFFIX}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def part_files(folder: str | os.PathLike) -> list[Path]:
    return sorted(p for p in Path(folder).glob(f"{PART_PREFIX}*.parquet") if p.is_file())


def read_manifest(folder: str | os.PathLike) -> dict[str, Any] | None:
    path = Path(folder) / MANIFEST
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(
            str(path),
            "",
            f"a readable study manifest (JSON): {exc}",
            f"应为可读取的研究清单（JSON）：{exc}",
        ) from None


def _differences(stored: dict[str, Any], current: dict[str, Any]) -> list[str]:
    keys = sorted(set(stored) | set(current))
    return [k for k in keys if stored.get(k) != current.get(k)]


class ResultStore:
    """A study folder being written: buffered rows go to a new part file every few seconds."""

    def __init__(self, folder: Path, *, flush_rows: int = 500, flush_seconds: float = 2.0) -> None:
        self.folder = folder
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        self._buffer: list[dict[str, Any]] = []
        self._last_flush = time.monotonic()
        self._next_part = len(part_files(folder))

    @classmethod
    def open(
        cls,
        out: str | os.PathLike,
        manifest: dict[str, Any],
        fingerprint: str,
        *,
        resume: bool = False,
        **kwargs,
    ) -> ResultStore:
        folder = Path(out)
        if folder.exists() and not folder.is_dir():
            raise InputError(
                str(folder),
                "--out",
                "a folder for the study's results, not a file",
                "应为存放结果的文件夹，而不是文件",
            )
        stored = read_manifest(folder) if folder.exists() else None
        parts = part_files(folder) if folder.exists() else []
        if stored is not None:
            if stored.get("fingerprint") != fingerprint:
                changed = _differences(stored.get("study", {}), manifest)
                raise InputError(
                    str(folder / MANIFEST),
                    ", ".join(changed) or "fingerprint",
                    "results of the same study to resume; this folder holds a different study "
                    f"(differs in: {', '.join(changed) or 'fingerprint'}); choose another --out folder",
                    "应为同一研究的结果才能续算；该文件夹保存的是另一项研究"
                    f"（不同之处：{'、'.join(changed) or '指纹'}），请换一个 --out 文件夹",
                )
            if not resume and parts:
                raise InputError(
                    str(folder),
                    "--out",
                    "an empty folder; this one already holds results of this study "
                    "(use --resume to complete it, or choose another folder)",
                    "应为空文件夹；该文件夹已有本研究的结果（用 --resume 续算，或换一个文件夹）",
                )
        elif parts:
            raise InputError(
                str(folder),
                "--out",
                "a study folder with a manifest; this one holds part files without one",
                "应为带清单的研究文件夹；该文件夹有结果文件却没有 manifest.json",
            )
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob(f".*{TMP_SUFFIX}"):  # left by a process killed mid-write
            stale.unlink()
        if stored is None:
            body = {
                "fingerprint": fingerprint,
                "study": manifest,
                "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            }
            atomic_write_bytes(
                folder / MANIFEST,
                json.dumps(body, ensure_ascii=False, indent=2, default=str).encode("utf-8"),
            )
        return cls(folder, **kwargs)

    def done(self) -> set[tuple[int, int]]:
        """The (variant_index, rep) pairs already stored."""
        import pyarrow.parquet as pq

        done: set[tuple[int, int]] = set()
        for part in part_files(self.folder):
            table = pq.read_table(part, columns=["variant_index", "rep"])
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
        name = f"{PART_PREFIX}{self._next_part:05d}-{uuid.uuid4().hex[:8]}.parquet"
        tmp = self.folder / f".{name}{TMP_SUFFIX}"
        try:
            pq.write_table(table, tmp)
            os.replace(tmp, self.folder / name)
        finally:
            if tmp.exists():
                tmp.unlink()
        self._next_part += 1
        self._buffer = []
        self._last_flush = time.monotonic()

    def close(self) -> None:
        self.flush()


class MemoryStore:
    """Rows kept in memory (a study run without ``out``)."""

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
    """All rows of a study folder as a pandas DataFrame, sorted by (variant_index, rep)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if read_manifest(folder) is None:
        raise InputError(
            str(folder),
            "",
            "a study folder (with manifest.json)",
            "应为研究结果文件夹（含 manifest.json）",
        )
    tables = [pq.read_table(p) for p in part_files(folder)]
    if not tables:
        import pandas as pd

        return pd.DataFrame(columns=["variant", "variant_index", "rep", "seed"])
    table = pa.concat_tables(tables, promote_options="permissive")
    return _tidy(table.to_pandas())
