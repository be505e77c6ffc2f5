"""Switching a mechanism off: the bridge between a target's ``mechanism`` and the model's ablations.

The model declares its ablations (issue 21: ``--ablate MECH`` on ``xsim run``, ``compare``,
``validate`` and ``scenarios --verify``); a model target names, in ``mechanism``, the ablation that
switches off what it tests. ``xsim validate --ablations`` re-evaluates each model target inside
:func:`ablated` and reports whether it still holds: a validation target that survives the removal
of its mechanism is not evidence.

The model's registry is ``xsim.sim.mechanisms.MECHANISMS`` (key → Mechanism(key, zh, en, off));
until it exists, :data:`REQUESTED` lists the names asked of it (and agreed) on the board, and a
statistic whose runs cannot be ablated reports the value as not computable rather than pretending
the ablation ran.
"""

from __future__ import annotations

import contextlib
import importlib

#: the ablations validation targets name (issue 21 and the evidence helper's request), en / zh
REQUESTED: dict[str, tuple[str, str]] = {
    "talk": ("opinion change in the room switched off", "关闭会上讨论对意见的影响"),
    "word_of_mouth": ("no news passed on by acquaintances", "关闭熟人之间的口耳相传"),
    "amendments": ("objections voiced earn no amendment", "提出的反对意见不再带来方案修改"),
    "trust": ("trust does not respond to how one was treated", "信任不再随受到的对待而变化"),
    "turnout_response": (
        "turnout does not respond to trust and knowledge",
        "到会率不再随信任和了解程度变化",
    ),
    "cascade": ("nobody comes because neighbours do", "不再因邻居参加而跟着参加"),
    "briefing": (
        "the expert briefing moves neither opinions nor knowledge",
        "专家介绍不再改变意见和了解程度",
    ),
    "facilitation": ("a moderated room behaves as an unmoderated one", "有主持的会议按无主持处理"),
    "status_voice": ("every voice weighs the same", "每个人的发言分量相同"),
    "age_attendance": ("attendance has no age differences", "到会意愿不再因年龄而异"),
    "tenure_attendance": ("tenants attend like owners", "租户与业主到会意愿相同"),
}

_MODEL_REGISTRY = "xsim.sim.mechanisms"
_ACTIVE: list[tuple[str, ...]] = [()]


def model_ablations() -> dict | None:
    """The model's own registry of ablations (name → description), or None before it exists."""
    try:
        module = importlib.import_module(_MODEL_REGISTRY)
    except ImportError:
        return None
    return dict(getattr(module, "MECHANISMS", {})) or None


def known_mechanisms() -> set[str]:
    """Names a target's ``mechanism`` and ``--ablate`` may use."""
    registry = model_ablations()
    return set(registry) if registry is not None else set(REQUESTED)


def describe(name: str, lang: str = "zh") -> str:
    """What switching ``name`` off means, in the reader's language."""
    found = (model_ablations() or {}).get(name)
    if found is not None and hasattr(found, "zh"):
        return found.en if lang == "en" else found.zh
    en, zh = REQUESTED.get(name, (name, name))
    return en if lang == "en" else zh


@contextlib.contextmanager
def ablated(*names: str):
    """Within the block, every model run of the statistics has these mechanisms switched off."""
    _ACTIVE.append(tuple(sorted(set(_ACTIVE[-1]) | set(names))))
    try:
        yield
    finally:
        _ACTIVE.pop()


def active() -> tuple[str, ...]:
    """The mechanisms switched off for the runs being made now (empty: the full model)."""
    return _ACTIVE[-1]
