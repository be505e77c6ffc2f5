"""The notice as data: every clause id of the digest (§1.a … §6.4) and the law articles it cites.

Loaded from the package's own ``xsim/data/notice.yaml`` (a user install has no ``../shared``). Each
:class:`Clause` carries the exact Chinese original (``text_zh``) and an English gloss (``gloss_en``).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import yaml

__all__ = ["Clause", "CLAUSES", "NOTICE_TITLE_ZH", "load_clauses"]


@dataclass(frozen=True)
class Clause:
    id: str  # "§4.2", "Organic Law art. 22"
    title_zh: str
    text_zh: str  # exact Chinese original
    gloss_en: str
    source_zh: str  # where the text comes from
    is_law: bool  # a law article (True) or a clause of the notice (False)


def load_clauses() -> tuple[dict[str, Clause], str]:
    text = resources.files("xsim").joinpath("data/notice.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    notice_title = data["source"]["title_zh"]
    out: dict[str, Clause] = {}
    for c in data["clauses"]:
        out[c["id"]] = Clause(
            c["id"], c["title_zh"], c["text_zh"], c["gloss_en"], f"《{notice_title}》", False
        )
    for c in data["laws"]:
        out[c["id"]] = Clause(
            c["id"], c["title_zh"], c["text_zh"], c["gloss_en"], c["source_zh"], True
        )
    return out, notice_title


CLAUSES, NOTICE_TITLE_ZH = load_clauses()
