"""Participant picker, headless: tick candidates, click 检查人选, the rules engine judges."""

from __future__ import annotations

from xsim.teaching.cases import elevator_record
from xsim.teaching.picker import ParticipantPicker, elevator_candidates

RIGHT = [
    "社区居委会",
    "业主委员会",
    "四至六楼住户代表（6人）",
    "二、三楼住户代表（4人）",
    "一楼住户代表（2人）",
    "电梯安全与结构工程师",
    "老党员王大爷（威望高、办事公道）",
]


def _picker() -> ParticipantPicker:
    return ParticipantPicker(elevator_record(), elevator_candidates())


def test_the_right_people_pass():
    p = _picker()
    p.select(*RIGHT)
    p.check_button.click()
    assert p.codes == set()
    assert "人选合适" in p.result.value


def test_irrelevant_pick_is_flagged_next_to_that_candidate():
    p = _picker()
    p.select(*RIGHT, "隔壁小区的商户老板")
    p.check_button.click()
    assert p.codes == {"SUBJ-IRRELEVANT"}
    marked = [
        c.label for c, m in zip(p.candidates, p.marks, strict=True) if "SUBJ-IRRELEVANT" in m.value
    ]
    assert marked == ["隔壁小区的商户老板"]


def test_missing_ground_floor_group_is_flagged():
    p = _picker()
    p.select(*[label for label in RIGHT if label != "一楼住户代表（2人）"])
    p.check_button.click()
    assert p.codes == {"SUBJ-MISSING"}
    assert "SUBJ-MISSING" in p.result.value and "一楼住户" in p.result.value


def test_no_expert_on_technical_matter_and_no_respected_figure():
    p = _picker()
    p.select(*[label for label in RIGHT if "工程师" not in label and "王大爷" not in label])
    p.check_button.click()
    assert p.codes == {"SUBJ-EXPERT", "SUBJ-RESPECTED"}
    # severities follow the catalogue: the missing expert is a violation, the respected figure a warning
    sev = {f.code: f.severity for f in p.report.findings}
    assert sev["SUBJ-EXPERT"] == "violation" and sev["SUBJ-RESPECTED"] == "warning"


def test_nothing_ticked_gives_a_chinese_message():
    p = _picker()
    p.check_button.click()
    assert "请至少勾选一位参与者" in p.status.value
    assert p.report is None and p.result.value == ""


def test_candidates_from_a_record_reproduce_its_participants():
    record = elevator_record()
    p = ParticipantPicker(record)
    assert len(p.candidates) == len(record["participants"])
    assert p.candidates[4].label == "村（居）民（一楼住户） ×2"
    p.select(*[c.label for c in p.candidates])
    p.check_button.click()
    assert p.codes == set()


def test_picker_from_a_village_scenario_uses_the_model_record():
    p = ParticipantPicker.from_scenario("village_road")
    unrelated = {"与此事无关的外村（外小区）商户", "上门推销的企业人员"}
    everyone_relevant = [c.label for c in p.candidates if c.label not in unrelated]
    p.select(*everyone_relevant)
    p.check_button.click()
    assert p.codes == set()
    p.select(*[label for label in everyone_relevant if label != "被占地农户代表"])
    p.check_button.click()
    assert p.codes == {"SUBJ-MISSING"} and "被占地农户" in p.result.value
    p.select(*everyone_relevant, "上门推销的企业人员")
    p.check_button.click()
    assert p.codes == {"SUBJ-IRRELEVANT"}
