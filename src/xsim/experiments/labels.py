"""Names a reader sees: outcome measures and variants in Chinese (default) or English.

Measure labels come from ``xsim.outcome`` when it provides them (``LABELS`` or ``MEASURE_LABELS``:
key -> (zh, en) or key -> zh); otherwise from the small table below; an unknown key is shown as is.
"""

from __future__ import annotations

import importlib
from functools import cache

# key -> (zh, en): the measures of xsim.outcome.Outcome.to_dict() (and a few common synonyms).
_LABELS: dict[str, tuple[str, str]] = {
    "measure": ("指标", "measure"),
    "residents": ("居民人数", "residents"),
    "households": ("户数", "households"),
    "invited": ("受邀人数", "invited"),
    "attended": ("参与人数", "attended"),
    "participation": ("参与率", "participation"),
    "informed_in_time": ("及时获知比例", "informed in time"),
    "representativeness_groups": ("群体构成偏差", "group composition gap"),
    "representativeness_demographic": ("人口构成偏差", "demographic composition gap"),
    "representativeness_stake": ("利益构成偏差", "stake composition gap"),
    "voice_dominance": ("强势发言倍数", "voice dominance"),
    "opinion_before": ("协商前平均意见", "mean opinion before"),
    "opinion_after": ("协商后平均意见", "mean opinion after"),
    "opinion_change": ("意见变化幅度", "opinion change"),
    "opinion_spread": ("意见离散度", "opinion spread"),
    "polarization": ("极化程度", "polarization"),
    "support": ("支持率", "support"),
    "consensus": ("达成共识", "consensus"),
    "escalated": ("提交决策会议", "escalated"),
    "adopted": ("方案通过", "adopted"),
    "implemented": ("得到落实", "implemented"),
    "days_to_decision": ("决定用时（天）", "days to decision"),
    "result_informed": ("知晓结果比例", "told the result"),
    "fairness": ("感知公平", "perceived fairness"),
    "person_hours": ("投入工时（人·小时）", "person-hours"),
    "money_yuan": ("费用（元）", "money (yuan)"),
    "subsidies_yuan": ("误工补贴（元）", "subsidies (yuan)"),
    "supervision_noticed": ("监督发现次数", "noticed by supervision"),
    "n_violations": ("违规项数", "violations"),
    "n_warnings": ("提示项数", "warnings"),
    "compliant": ("合规", "compliant"),
    "participation_rate": ("参与率", "participation rate"),
    "representativeness": ("代表性偏差", "representativeness gap"),
    "perceived_fairness": ("感知公平", "perceived fairness"),
}

# group / sub-measure words after a dot, e.g. participation.age_old
_PARTS: dict[str, tuple[str, str]] = {
    "age_young": ("青年", "young"),
    "age_middle": ("中年", "middle-aged"),
    "age_old": ("老年", "old"),
    "registered": ("户籍居民", "registered"),
    "nonregistered": ("非户籍居民", "non-registered"),
    "owner": ("业主", "owners"),
    "tenant": ("租户", "tenants"),
    "female": ("女性", "women"),
    "male": ("男性", "men"),
    "digital": ("能上网者", "online"),
    "nodigital": ("不能上网者", "offline"),
    "stake_pos": ("受益方", "gaining side"),
    "stake_neg": ("受损方", "losing side"),
}


@cache
def _outcome_labels() -> dict[str, tuple[str, str]]:
    try:
        module = importlib.import_module("xsim.outcome")
    except ImportError:
        return {}
    table = getattr(module, "LABELS", None) or getattr(module, "MEASURE_LABELS", None) or {}
    labels = {}
    for key, value in table.items():
        if isinstance(value, str):
            labels[key] = (value, key.replace("_", " "))
        elif isinstance(value, tuple | list) and len(value) >= 2:
            labels[key] = (str(value[0]), str(value[1]))
    return labels


def _lookup(key: str) -> tuple[str, str] | None:
    return _outcome_labels().get(key) or _LABELS.get(key)


def measure_label(key: str, lang: str = "zh") -> str:
    """A reader's label for an outcome column (``participation.old`` → 参与率·老年)."""
    i = 1 if lang == "en" else 0
    found = _lookup(key)
    if found:
        return found[i]
    if key.startswith("findings."):
        code = key.removeprefix("findings.")
        return f"findings {code}" if lang == "en" else f"{code} 次数"
    head, _, tail = key.partition(".")
    base = _lookup(head)
    if tail and base:
        part = _PARTS.get(tail)
        if part is None and tail.startswith("group."):
            part = (tail.removeprefix("group."),) * 2
        return f"{base[i]}·{part[i] if part else tail}"
    return key


@cache
def _form_names() -> dict[str, str]:
    try:
        from xsim.forms import FORMS
    except ImportError:
        return {}
    return {name: form.zh for name, form in FORMS.items()}


def form_label(name: str, lang: str = "zh") -> str:
    if lang == "en":
        return name
    return _form_names().get(name, name)


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
    return _form_names().get(word, word)


def variant_label(name: str, lang: str = "zh") -> str:
    """A variant's name in Chinese: ``hearing organizer.notice_days=3`` → 决策听证会 提前通知天数=3."""
    if lang == "en":
        return name
    return " ".join(_word(word) for word in name.split(" "))
