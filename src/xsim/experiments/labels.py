"""Names a reader sees: outcome measures and variants in Chinese (default) or English.

Measure names come from the measure registry (:mod:`xsim.sim.measures`), group and form names from
the one vocabulary (:mod:`xsim.vocabulary`); an unknown key is shown as is.
"""

from __future__ import annotations

from xsim import vocabulary as V
from xsim.sim.measures import HEADER, MEASURES, Measure


def _lookup(key: str) -> Measure | None:
    return HEADER if key == HEADER.key else MEASURES.get(key)


def measure_label(key: str, lang: str = "zh") -> str:
    """A reader's label for an outcome column (``participation.old`` → 参与率·老年)."""
    found = _lookup(key)
    if found:
        return found.label(lang)
    if key.startswith("findings."):
        code = key.removeprefix("findings.")
        return f"findings {code}" if lang == "en" else f"{code} 次数"
    head, _, tail = key.partition(".")
    base = _lookup(head)
    if tail and base:
        part = V.label(V.GROUPS, tail.removeprefix("group."), lang)
        return f"{base.label(lang)}·{part}"
    return key


def form_label(name: str, lang: str = "zh") -> str:
    return V.label(V.FORMS, name, lang)


# Scenario paths a policy team varies most, for variant names in Chinese.
_PARAMS: dict[str, str] = {
    "organizer.notice_days": "提前通知天数",
    "organizer.solicit_days": "征求意见天数",
    "organizer.solicit_opinions": "事先征求意见",
    "organizer.experts": "邀请专家",
    "organizer.facilitated": "主持人引导",
    "organizer.invite_respected": "邀请威望人士",
    "organizer.escalate": "提交决策会议",
    "organizer.publicize_days": "公开天数",
    "organizer.explain_dissenters": "向异议者解释比例",
    "organizer.subsidies.paid": "发放误工补贴",
    "population.households": "户数",
    "rules.notice_days": "本地规则·通知天数",
    "rules.publicize_within_days": "本地规则·公开期限",
    "rules.assembly_notice_days": "本地规则·会议通知天数",
}


def param_label(path: str, lang: str = "zh") -> str:
    return path if lang == "en" else _PARAMS.get(path, path)


def _word(word: str) -> str:
    key, sep, value = word.partition("=")
    if sep:
        value = {"True": "是", "False": "否", "true": "是", "false": "否"}.get(value, value)
        return f"{param_label(key)}={value}"
    return V.label(V.FORMS, word)


def variant_label(name: str, lang: str = "zh") -> str:
    """A variant's name in Chinese: ``hearing organizer.notice_days=3`` → 民主听证会 提前通知天数=3."""
    if lang == "en":
        return name
    return " ".join(_word(word) for word in name.split(" "))
