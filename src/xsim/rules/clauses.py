"""The notice as data, and law articles quoted through :mod:`xsim.law`.

Notice clauses (§1.a … §6.4) come from the package's own ``xsim/data/notice.yaml`` (exact Chinese
excerpts, tested against the notice text in ``xsim/data/notice-zh.txt``). Law clauses are never
written by hand: their text is the official wording from :mod:`xsim.law`. A law clause id names law,
version and article — ``villagers_committees@2025 art. 30`` (optionally ``para. 2``); the ids of the
2018 numbering the course used (``Organic Law art. 22`` …) stay as aliases declared in notice.yaml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from xsim import law

__all__ = ["Clause", "CLAUSES", "NOTICE_TITLE_ZH", "law_clause_id", "load_clauses"]


@dataclass(frozen=True)
class Clause:
    id: str  # "§4.2", "villagers_committees@2025 art. 26", "Organic Law art. 22"
    title_zh: str
    text_zh: str  # exact Chinese original
    gloss_en: str
    source_zh: str  # where the text comes from (a Chinese citation for law articles)
    is_law: bool  # a law article (True) or a clause of the notice (False)
    law: str | None = None
    version: str | None = None
    article: int | None = None
    paragraph: int | None = None

    @property
    def citation_en(self) -> str:
        if not self.is_law:
            return self.id
        return law.cite(self.law, self.article, self.version, paragraph=self.paragraph, lang="en")


_LAW_ID = re.compile(r"^([a-z_]+)@([0-9]{4}) art\. ([0-9]+)(?: para\. ([0-9]+))?$")


def law_clause_id(law_key: str, version: str, article: int, paragraph: int | None = None) -> str:
    """The stable id of a law clause: ``villagers_committees@2025 art. 30 para. 2``."""
    para = f" para. {paragraph}" if paragraph else ""
    return f"{law_key}@{version} art. {article}{para}"


def _law_clause(
    cid: str,
    law_key: str,
    version: str,
    article: int,
    paragraph: int | None,
    title_zh: str | None = None,
    gloss_en: str | None = None,
) -> Clause:
    citation = law.cite(law_key, article, version, paragraph=paragraph)
    return Clause(
        cid,
        title_zh or citation,
        law.quote(law_key, version, article, paragraph),
        gloss_en or law.cite(law_key, article, version, paragraph=paragraph, lang="en"),
        citation,
        True,
        law_key,
        version,
        article,
        paragraph,
    )


@cache
def _parse_law_id(cid: str) -> Clause | None:
    m = _LAW_ID.match(cid)
    if not m or m.group(1) not in law.LAWS:
        return None
    para = int(m.group(4)) if m.group(4) else None
    try:
        return _law_clause(cid, m.group(1), m.group(2), int(m.group(3)), para)
    except KeyError:
        return None


class _Clauses(Mapping[str, Clause]):
    """The notice's clauses and the legacy law ids, plus any law clause id resolved on demand."""

    def __init__(self, fixed: dict[str, Clause]) -> None:
        self._fixed = fixed

    def __getitem__(self, cid: str) -> Clause:
        if cid in self._fixed:
            return self._fixed[cid]
        clause = _parse_law_id(cid) if isinstance(cid, str) else None
        if clause is None:
            raise KeyError(cid)
        return clause

    def __contains__(self, cid: object) -> bool:
        return isinstance(cid, str) and (cid in self._fixed or _parse_law_id(cid) is not None)

    def __iter__(self) -> Iterator[str]:
        return iter(self._fixed)

    def __len__(self) -> int:
        return len(self._fixed)


def load_clauses() -> tuple[Mapping[str, Clause], str]:
    text = resources.files("xsim").joinpath("data/notice.yaml").read_text(encoding="utf-8")
    # the C parser where PyYAML has one: the notice is read on every `xsim check` start
    data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    notice_title = data["source"]["title_zh"]
    out: dict[str, Clause] = {}
    for c in data["clauses"]:
        out[c["id"]] = Clause(
            c["id"], c["title_zh"], c["text_zh"], c["gloss_en"], f"《{notice_title}》", False
        )
    for c in data["laws"]:
        out[c["id"]] = _law_clause(
            c["id"],
            c["law"],
            str(c["version"]),
            c["article"],
            c.get("paragraph"),
            c["title_zh"],
            c["gloss_en"],
        )
    return _Clauses(out), notice_title


CLAUSES, NOTICE_TITLE_ZH = load_clauses()
