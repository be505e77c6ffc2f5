"""What every check shares: how a finding is made, where its requirement comes from, how a
threshold is described, and how a threshold is judged when the record lacks a number.

A finding's ``level`` is its basis: ``law`` (a statute), ``notice`` (the Chongqing notice),
``local`` (a local profile or the record's ``rules:``) or ``default`` (this kit's assumption). A
``default`` finding is never a violation: :func:`finding` turns one into a warning. A fact the rule
needs that the record does not give (left out or written ``unknown``) gives a finding of severity
``unknown`` (「无法判断」), never a violation.

Thresholds with missing numbers are judged on intervals (:func:`settle`): every count becomes the
range it can take (a published share "72.7%" is 72.65–72.75%; an unknown count of those present
lies between the ballots counted and the members), and the meeting law of :mod:`xsim.rules.meetings`
is evaluated at both ends. Met at the worst end: met; failed at the best end: failed; otherwise the
record cannot tell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from math import ceil
from typing import Any

from xsim import vocabulary as V
from xsim.records import known
from xsim.rules import meetings as mt
from xsim.rules.catalogue import RULES
from xsim.rules.clauses import law_clause_id
from xsim.rules.report import Basis, Finding

__all__ = [
    "finding",
    "law_basis",
    "local_prefix",
    "source_en",
    "describe",
    "least",
    "missing_text",
    "fmt",
    "Pair",
    "pair",
    "settle",
    "Settled",
    "percent",
]


def finding(
    code: str,
    where: str,
    zh: str,
    en: str,
    basis: Basis | None = None,
    severity: str | None = None,
) -> Finding:
    """A finding of ``code``; ``basis`` defaults to the rule's notice clause. The finding's
    ``clause`` names its basis: the law clause id for a law (or a local rule taken from a law
    text), the notice clause, ``local:…`` or ``default:…`` for a setting. A finding whose basis is
    this kit's default is at most a warning."""
    r = RULES[code]
    basis = basis or Basis("notice", clause=r.clause)
    if basis.law is not None and basis.article is not None and basis.kind in ("law", "local"):
        clause = law_clause_id(basis.law, basis.version, basis.article, basis.paragraph)
    elif basis.clause:
        clause = basis.clause
    elif basis.kind == "local" and basis.file == "rules:":
        clause = f"local:rules.{basis.setting}"  # the record's own rules: block
    elif basis.kind == "local":
        clause = f"local:{basis.file}:{basis.setting}"
    elif basis.kind == "default":
        clause = f"default:{basis.setting}"
    else:
        clause = r.clause
    severity = severity or r.severity
    if basis.kind == "default" and severity == "violation":
        severity = "warning"  # this kit's assumption is never a requirement of the notice or law
    return Finding(code, severity, clause, r.step, zh, en, where, basis)  # type: ignore[arg-type]


def law_basis(cite: mt.Citation) -> Basis:
    return Basis(
        "law", law=cite.law, version=cite.version, article=cite.article, paragraph=cite.paragraph
    )


def local_prefix(basis: Basis) -> tuple[str, str]:
    """How a message says where its number comes from when it is not the notice or the law."""
    if basis.kind == "default":
        return (
            "按本工具默认规则（可由地方规定调整）：",
            "By this kit's default (a local rule may change it): ",
        )
    if basis.kind == "local" and basis.file == "rules:":
        return (
            f"按本记录填写的地方规定（{V.field_label(f'rules.{basis.setting}')}）：",
            f"By the local rule the record gives (rules.{basis.setting}): ",
        )
    if basis.kind == "local":
        return f"按地方规定（{basis.source}）：", f"By local rule ({basis.source}, {basis.file}): "
    return "", ""


def source_en(basis: Basis) -> str:
    """'by local rule (…)' for an English message that starts with the facts."""
    if basis.kind == "default":
        return "by this kit's default (a local rule may change it)"
    if basis.kind == "local" and basis.file == "rules:":
        return f"by the local rule the record gives (rules.{basis.setting})"
    if basis.kind == "local":
        return f"by local rule ({basis.file})"
    return ""


def least(total: int, num: int, den: int) -> int:
    """The least whole number n with n/total >= num/den ("以上": the bound itself counts)."""
    return ceil(Fraction(total * num, den))


def fmt(x: Any) -> str:
    if isinstance(x, Fraction) and x.denominator != 1:
        return f"{float(x):.2f}"
    return str(int(x)) if isinstance(x, Fraction) else f"{x:g}" if isinstance(x, float) else str(x)


def percent(x: Fraction) -> str:
    """72.73% (two decimals, trailing zeros dropped)."""
    text = f"{float(x) * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def describe(
    test: mt.Test, what_zh: str, of_zh: str, unit_zh: str, what_en: str, of_en: str
) -> tuple[str, str]:
    """ "到会470人，未超过980人的半数（应至少491人）" from one threshold test on counts; on shares
    (``unit_zh`` empty and a base of 1): "同意的占比至多72.75%，不足四分之三"."""
    if unit_zh == "%":
        share = percent(Fraction(test.count))
        if test.share_zh == "过半数":
            zh = f"{what_zh}占{of_zh}的比例至多{share}，未超过半数"
        else:
            zh = f"{what_zh}占{of_zh}的比例至多{share}，不足{test.share_zh[:-2]}"
        return zh, f"{what_en} at most {share} of the {of_en}, which is not {test.share_en}"
    c, b, n = fmt(test.count), fmt(test.base), fmt(test.need)
    if test.share_zh == "过半数":
        zh = f"{what_zh}{c}{unit_zh}，未超过{of_zh}{b}{unit_zh}的半数（应至少{n}{unit_zh}）"
    else:
        zh = f"{what_zh}{c}{unit_zh}，不足{of_zh}{b}{unit_zh}的{test.share_zh[:-2]}（应至少{n}{unit_zh}）"
    en = f"{c} {what_en}, which is not {test.share_en} of the {b} {of_en} ({n} needed)"
    if test.base == 0:
        zh += "；人数基数为0，会议无法依法作出决定"
        en += "; with a base of 0 nobody can lawfully decide"
    return zh, en


# --- thresholds with missing numbers ------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """One threshold's count and base as the record gives them: exact numbers, or the interval
    their ratio lies in (``lo``..``hi``), with the facts that are missing (field paths)."""

    count: Any  # int | float | None (None: not exact)
    base: Any
    lo: Fraction
    hi: Fraction
    missing: tuple[str, ...] = ()

    @property
    def exact(self) -> bool:
        return self.count is not None and self.base is not None


_SHARE_UNIT = {0: Fraction(1, 2), 1: Fraction(1, 20), 2: Fraction(1, 200)}


def _share_span(text: str) -> tuple[Fraction, Fraction]:
    """ "72.7%" → (72.65%, 72.75%): the share as published, with its rounding."""
    number = text.rstrip("%")
    decimals = len(number.split(".")[1]) if "." in number else 0
    half = Fraction(1, 2 * 10**decimals)
    value = Fraction(number)
    return max(value - half, Fraction(0)) / 100, min(value + half, Fraction(100)) / 100


def pair(
    count: Any,
    base: Any,
    *,
    count_path: str,
    base_path: str,
    share: str | None = None,
    share_path: str = "",
    count_floor: Any = None,
    base_floor: Any = None,
    base_ceiling: Any = None,
) -> Pair:
    """The ratio count/base: exact when both are known; else from a published ``share``; else the
    widest interval the known facts allow (``count_floor``: a known least count, e.g. the ballots
    cast for an unknown attendance; ``base_floor``: a known least base, e.g. those present;
    ``base_ceiling``: a known greatest base, e.g. the members for an unknown attendance)."""
    if known(count) and known(base):
        b = Fraction(str(base)) if isinstance(base, float) else Fraction(base)
        c = Fraction(str(count)) if isinstance(count, float) else Fraction(count)
        ratio = c / b if b else Fraction(0)
        return Pair(count, base, ratio, ratio)
    if share is not None:
        lo, hi = _share_span(share)
        return Pair(None, None, lo, hi)
    missing = tuple(p for v, p in ((count, count_path), (base, base_path)) if not known(v))
    if known(count):  # base unknown: between a known floor (or the count) and a known ceiling
        c = Fraction(str(count)) if isinstance(count, float) else Fraction(count)
        floor = max(c, Fraction(base_floor) if known(base_floor) else Fraction(0))
        hi = min(c / floor, Fraction(1)) if floor else Fraction(1)
        lo = Fraction(0)
        if known(base_ceiling) and base_ceiling:
            lo = min(c / Fraction(base_ceiling), Fraction(1))
        return Pair(None, None, lo, hi, missing)
    lo = Fraction(0)
    if known(count_floor) and known(base) and base:
        lo = min(Fraction(count_floor) / Fraction(base), Fraction(1))
    return Pair(None, None, lo, Fraction(1), missing)


@dataclass(frozen=True)
class Settled:
    """A threshold judged on a record: ``met`` True / False / None (the record cannot tell);
    ``judgement`` is the one messages describe (on counts when exact, else on shares at the best
    end); ``exact`` says which; ``missing`` the facts that would settle it."""

    met: bool | None
    judgement: mt.Judgement
    exact: bool
    missing: tuple[str, ...]


def settle(
    judge: Callable[[Sequence[tuple[Any, Any]]], mt.Judgement], pairs: Sequence[Pair]
) -> Settled:
    """Judge a meeting law on ``pairs`` of (count, base): ``judge`` takes the pairs in the order
    its meeting function takes them and returns the :class:`~xsim.rules.meetings.Judgement`."""
    if all(p.exact for p in pairs):
        j = judge([(p.count, p.base) for p in pairs])
        return Settled(j.met, j, True, ())
    one = Fraction(1)
    worst = judge([(p.lo, one) for p in pairs])
    best = judge([(p.hi, one) for p in pairs])
    missing = tuple(dict.fromkeys(m for p in pairs for m in p.missing))
    if worst.met:
        return Settled(True, worst, False, missing)
    if not best.met:
        return Settled(False, best, False, missing)
    return Settled(None, best, False, missing)


def missing_text(paths: Sequence[str]) -> tuple[str, str]:
    """「应到人数、实到人数」 / "assembly.members, assembly.present" for a message."""
    if not paths:
        return "所需的人数或面积", "the numbers it needs"
    return "、".join(V.field_label(p) for p in paths), ", ".join(paths)
