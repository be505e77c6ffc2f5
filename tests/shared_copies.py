"""The project's copies of steering texts (``../shared``), checked in a clean clone too.

``tests/data/shared-SHA256SUMS`` records the SHA-256 of each steering text the project copied
(the notice, the clause digest, the rule table, the law texts) as it was when copied. A test
compares the project's copy with that digest — always, so it asserts in a clean clone — and,
when ``../shared`` is beside the project (the steering checkout), the recorded digest with the
text there, so that a changed steering text is noticed and copied again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RECORDED = ROOT / "tests" / "data" / "shared-SHA256SUMS"
# the steering checkout beside the project (a worktree elsewhere has none: only the recorded digests)
SHARED = next(
    (p for p in (ROOT.parent / "shared", ROOT.parents[1] / "shared") if (p / "seed").is_dir()),
    None,
)


def recorded() -> dict[str, str]:
    """``{"seed/notice-zh.txt": digest, …}`` (paths relative to ``../shared``)."""
    rows = RECORDED.read_text(encoding="utf-8").splitlines()
    return {name: digest for digest, name in (r.split() for r in rows if r and r[0] != "#")}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check_copy(copy: Path, name: str) -> None:
    """``copy`` is the steering text ``name`` as recorded (and as in ``../shared`` if beside)."""
    want = recorded()[name]
    assert digest(copy) == want, f"{copy} is not the steering text {name} it copies"
    if SHARED is not None and (SHARED / name).is_file():
        assert digest(SHARED / name) == want, (
            f"../shared/{name} changed: copy it again into {copy} and record its digest in "
            f"{RECORDED.name}"
        )
