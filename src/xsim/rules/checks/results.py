"""What came of it: implementing and publicizing the result (§5.2, the laws on village and community
affairs), feedback and reporting (§4.4, §5.3), explaining to dissenters (§5.4), the lawfulness of
its content (§5.6; 妇女权益保障法 arts. 55–56; 农村集体经济组织法), and lost-work subsidies (§6.4)."""

from __future__ import annotations

from collections.abc import Iterator

from xsim import law
from xsim import vocabulary as V
from xsim.records import CaseRecord, known
from xsim.rules import meetings as mt
from xsim.rules.catalogue import rule
from xsim.rules.checks.base import finding, law_basis, local_prefix
from xsim.rules.context import Context
from xsim.rules.report import Basis, Finding

FEEDBACK_ZH = {key: term.zh for key, term in V.FEEDBACK_TARGETS.items()}
REASON_ZH = {key: term.zh for key, term in V.EXCLUSION_REASONS.items()}
REVOKER_ZH = {key: term.zh for key, term in V.REVOKERS.items()}


# --- step 4: the results --------------------------------------------------------------------------


@rule(
    "RES-IMPLEMENT",
    severity="violation",
    scope="consultation",
    step="results",
    clause="§5.2",
    clauses=("§5.2",),
    title_zh="已采纳的协商成果未落实",
    title_en="adopted result not implemented",
    checks_zh="results.adopted 为 true 而 results.implemented 为 false。",
    checks_en="`results.adopted` is true and `results.implemented` is false.",
    why_zh="需要村（社区）落实的事项，党组织、村（居）委会应当及时组织实施。",
    why_en="Results the village must carry out are implemented promptly.",
    fields=("results.adopted", "results.implemented"),
    example="results: {adopted: true, implemented: false, ...}",
)
def check_res_implement(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """An adopted result must be implemented (``pending``: awaiting a review — noted, not a
    violation; ``unknown``: 「无法判断」)."""
    done = rec.results.implemented
    if not rec.results.adopted:
        return
    if done == "pending":
        yield finding(
            "RES-IMPLEMENT",
            "results.implemented",
            "方案已通过，待乡镇（街道）或有关部门审核后实施。",
            "Adopted; implementation awaits a review (township or department).",
            severity="info",
        )
    elif done == "unknown":
        yield finding(
            "RES-IMPLEMENT",
            "results.implemented",
            "无法判断：记录未写明已通过的方案是否落实。",
            "Undetermined: the record does not say whether the adopted result was implemented.",
            severity="unknown",
        )
    elif not done:
        yield finding(
            "RES-IMPLEMENT",
            "results.implemented",
            "协商成果已采纳但未落实，应及时组织实施。",
            "The result was adopted but not implemented; it must be carried out promptly.",
        )


@rule(
    "RES-PUBLICIZE",
    severity="violation",
    step="results",
    clause="§5.2",
    clauses=(
        "§5.2",
        "villagers_committees@2025 art. 35 para. 4",
        "urban_residents_committees@2025 art. 34 para. 3",
        "chongqing_villagers_committees_measures@2013 art. 28",
        "chongqing_villagers_committees_measures@2013 art. 30",
    ),
    validity=False,
    title_zh="落实情况未在规定期限内公开",
    title_en="implementation not made public in time",
    checks_zh="已落实，但 timeline.publicized 缺失，或晚于 implemented 超过 publicize_within_days 天"
    "（默认30天，本工具默认规则，可由地方规定调整）；2026年1月1日起公布期限不得少于15日"
    "（results.posted_days）；地方规定可要求在固定公开栏（bulletin）公布、保留更长时间。",
    checks_en="Implemented, and `timeline.publicized` is missing or more than "
    "`publicize_within_days` (default 30, this kit's assumption) after `timeline.implemented`; "
    "from 2026-01-01 the results stay posted at least 15 days (`results.posted_days`); a local rule "
    "may require the fixed bulletin board (`bulletin`) or a posting period of its own.",
    why_zh="落实情况要在规定期限内通过公开栏、社区刊物、网络论坛、群工系统等渠道公开，接受监督；"
    "公布时间太短，群众来不及看到。",
    why_en="The implementation is made public within the set period and open to supervision; a "
    "notice taken down too soon is not seen.",
    fields=(
        "timeline.implemented",
        "timeline.publicized",
        "results.posted_days",
        "results.channels",
        "rules.publicize_within_days",
        "rules.posted_days",
        "rules.bulletin_required",
    ),
    example="timeline: {implemented: 2026-06-15, publicized: null}",
)
def check_res_publicize(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """The implementation must be public within ``publicize_within_days`` of implementing it
    (the notice's step, where a consultation took place), stay posted as long as the law (from
    2026: 15 days) or a local rule asks, on the board a local rule names. ``results.channels: []``
    says it was made public nowhere; a record that gives neither channels nor a date leaves it
    「无法判断」."""
    if rec.results.implemented is not True:
        return
    if ctx.consultation:
        yield from _publicized_in_time(rec, ctx)
    yield from _posted_long_enough(rec, ctx)


def _publicized_in_time(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    limit = ctx.rb.publicize_within_days
    t, channels = rec.timeline, rec.results.channels
    basis = ctx.setting_basis("publicize_within_days")
    pre_zh, pre_en = local_prefix(basis)
    if not known(t.publicized):
        if channels == []:
            yield finding(
                "RES-PUBLICIZE",
                "timeline.publicized",
                "落实情况未公开，应在规定期限内公开（通知第五部分）。",
                f"The implementation was never made public; it must be (§5.2, within {limit} days).",
            )
        elif channels is None:
            yield finding(
                "RES-PUBLICIZE",
                "timeline.publicized",
                "无法判断：记录未写明落实情况是否公开（公开日期和公开渠道均未写明）。",
                "Undetermined: the record gives neither a publicity date nor channels.",
                severity="unknown",
            )
        else:
            yield finding(
                "RES-PUBLICIZE",
                "timeline.publicized",
                f"无法判断：记录写明已公开但未写明公开日期，不能判断是否在{limit}天内公开"
                f"（{pre_zh.rstrip('：')}）。",
                f"Undetermined: made public, but the record gives no date; {pre_en}within {limit} "
                "days.",
                basis,
                severity="unknown",
            )
        return
    if not known(t.implemented):
        yield finding(
            "RES-PUBLICIZE",
            "timeline.implemented",
            f"无法判断：记录未写明实施日期，不能判断是否在实施后{limit}天内公开（{pre_zh.rstrip('：')}）。",
            f"Undetermined: no implementation date; {pre_en}made public within {limit} days.",
            basis,
            severity="unknown",
        )
        return
    days = (t.publicized - t.implemented).days
    if days > limit:
        yield finding(
            "RES-PUBLICIZE",
            "timeline.publicized",
            f"{pre_zh}落实后第{days}天才公开，"
            + ("默认" if basis.kind == "default" else "应")
            + f"在{limit}天内公开（{t.implemented} 落实，{t.publicized} 公开）。",
            f"{pre_en}made public {days} days after implementation; at most {limit} allowed "
            f"(implemented {t.implemented}, publicized {t.publicized}).",
            basis,
        )


def _posted_long_enough(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    posted = rec.results.posted_days
    need, basis = 0, None
    if rec.setting == "village" and ctx.laws.get("villagers_committees") == "2025":
        need, basis = 15, law_basis(mt.Citation("villagers_committees", "2025", 35, 4))
    elif rec.setting == "community" and ctx.laws.get("urban_residents_committees") == "2025":
        need, basis = 15, law_basis(mt.Citation("urban_residents_committees", "2025", 34, 3))
    local = ctx.rb.posted_days
    if local is not None and local > need:
        need, basis = local, ctx.setting_basis("posted_days")
    if known(posted) and basis is not None and posted < need:
        pre_zh, pre_en = local_prefix(basis)
        yield finding(
            "RES-PUBLICIZE",
            "results.posted_days",
            f"{pre_zh}公开内容只保留了{posted}天，应至少保留{need}天。",
            f"{pre_en}the results stayed posted {posted} days; at least {need} required.",
            basis,
        )
    channels = rec.results.channels
    if ctx.rb.bulletin_required and rec.setting == "village":
        basis = ctx.setting_basis("bulletin_required")
        pre_zh, pre_en = local_prefix(basis)
        if channels is None:
            yield finding(
                "RES-PUBLICIZE",
                "results.channels",
                f"无法判断：记录未写明公开渠道（{pre_zh.rstrip('：')}须在固定村务公开栏公布）。",
                f"Undetermined: no channels recorded; {pre_en}the fixed bulletin board is required.",
                basis,
                severity="unknown",
            )
        elif "bulletin" not in channels:
            yield finding(
                "RES-PUBLICIZE",
                "results.channels",
                f"{pre_zh}未在固定村务公开栏（bulletin）公布，应在公开栏公布，可同时采用其他方式。",
                f"{pre_en}the results were not posted on the fixed village-affairs bulletin board "
                "(`bulletin`).",
                basis,
            )


@rule(
    "RES-FEEDBACK",
    severity="violation",
    scope="consultation",
    step="results",
    clause="§4.4",
    clauses=("§4.4",),
    title_zh="落实情况未反馈给协商主体、利益相关方或村（居）民",
    title_en="feedback missing",
    checks_zh="已落实，但 results.feedback_to 缺少 subjects、stakeholders、residents 之一。",
    checks_en="Implemented, and `results.feedback_to` lacks subjects, stakeholders or residents.",
    why_zh="第四步要求向协商主体、利益相关方和村（居）民反馈落实情况。",
    why_en="Step 4: feed back how the result was implemented to all three.",
    fields=("results.feedback_to",),
    example="results: {implemented: true, feedback_to: [subjects, stakeholders], ...}",
)
def check_res_feedback(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """Feedback must reach the subjects, the stakeholders and the residents."""
    if rec.results.implemented is not True:
        return
    missing = [
        t for t in ("subjects", "stakeholders", "residents") if t not in rec.results.feedback_to
    ]
    if missing:
        yield finding(
            "RES-FEEDBACK",
            "results.feedback_to",
            "落实情况未反馈给："
            + "、".join(FEEDBACK_ZH[m] for m in missing)
            + "；应向协商主体、利益相关方和村（居）民三方反馈。",
            "No feedback reached: "
            + ", ".join(missing)
            + "; all of subjects, stakeholders and residents are required.",
        )


@rule(
    "RES-REPORT",
    severity="violation",
    scope="consultation",
    step="results",
    clause="§5.3",
    clauses=("§5.3",),
    title_zh="受委托事项的结果未向委托方报告",
    title_en="commissioned result not reported",
    checks_zh="topic.commissioned_by 已填写，但 results.reported_to_commissioner 不为 true。",
    checks_en="`topic.commissioned_by` is set and `results.reported_to_commissioner` is not true.",
    why_zh="受乡镇（街道）或有关部门委托的协商事项，协商结果要及时向其报告。",
    why_en="Commissioned matters: the result is reported to the commissioning township or department.",
    fields=("topic.commissioned_by", "results.reported_to_commissioner"),
    example="topic: {commissioned_by: township, ...}\nresults: {reported_to_commissioner: false, ...}",
)
def check_res_report(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """A commissioned matter's result must be reported to the commissioner."""
    by = rec.topic.commissioned_by
    if by is not None and rec.results.reported_to_commissioner is not True:
        who_zh = "乡镇（街道）" if by == "township" else "有关部门"
        yield finding(
            "RES-REPORT",
            "results.reported_to_commissioner",
            f"受{who_zh}委托的协商事项，结果未向{who_zh}报告。",
            f"The matter was commissioned by the {by}, but the result was not reported to it.",
        )


@rule(
    "RES-RESPONSE",
    severity="warning",
    scope="consultation",
    step="results",
    clause="§5.3",
    clauses=("§5.3",),
    title_zh="委托方未回应协商结果",
    title_en="commissioner did not respond",
    checks_zh="结果已报告委托方，但 results.commissioner_responded 不为 true。",
    checks_en="The result was reported but `results.commissioner_responded` is not true.",
    why_zh="乡镇（街道）和有关部门要认真研究吸纳，并以适当方式反馈；这是对委托方的要求，不是组织者的违规。",
    why_en="The commissioner should study, adopt and respond; a duty of the commissioner, so a warning.",
    fields=("results.commissioner_responded",),
    example="results: {reported_to_commissioner: true, commissioner_responded: false}",
)
def check_res_response(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """Warn when a commissioned result was reported and got no response (an unreported result is
    RES-REPORT's finding alone: nobody can answer a report never sent)."""
    by = rec.topic.commissioned_by
    r = rec.results
    if (
        by is not None
        and r.reported_to_commissioner is True
        and r.commissioner_responded is not True
    ):
        who_zh = "乡镇（街道）" if by == "township" else "有关部门"
        yield finding(
            "RES-RESPONSE",
            "results.commissioner_responded",
            f"结果已报告，但委托方（{who_zh}）未予回应。",
            f"The result was reported, but the commissioning {by} did not respond.",
        )


@rule(
    "RES-EXPLAIN",
    severity="violation",
    scope="consultation",
    step="results",
    clause="§5.4",
    clauses=("§5.4",),
    title_zh="未向持不同意见的群众解释说明",
    title_en="dissenters not given an explanation",
    checks_zh="results.dissenters_explained 少于 results.dissenters。",
    checks_en="`results.dissenters_explained` is less than `results.dissenters`.",
    why_zh="对协商过程中持不同意见的群众，协商组织者要及时做好解释说明工作。",
    why_en="Organizers explain to residents who held different opinions.",
    fields=("results.dissenters", "results.dissenters_explained"),
    example="results: {dissenters: 25, dissenters_explained: 24, ...}",
)
def check_res_explain(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """Everyone who disagreed must be given an explanation."""
    r = rec.results
    if not known(r.dissenters) or not known(r.dissenters_explained):
        if r.dissenters != 0:
            yield finding(
                "RES-EXPLAIN",
                "results.dissenters_explained",
                "无法判断：记录未写明持不同意见的人数或已解释说明的人数。",
                "Undetermined: the record does not give the dissenters or those given an "
                "explanation.",
                severity="unknown",
            )
    elif r.dissenters_explained < r.dissenters:
        yield finding(
            "RES-EXPLAIN",
            "results.dissenters_explained",
            f"持不同意见群众{r.dissenters}人，仅向{r.dissenters_explained}人做了解释说明，"
            f"还有{r.dissenters - r.dissenters_explained}人未解释。",
            f"{r.dissenters} residents disagreed; only {r.dissenters_explained} were given an "
            f"explanation ({r.dissenters - r.dissenters_explained} not).",
        )


def _rights_cite(rec: CaseRecord, ctx: Context) -> mt.Citation | None:
    """The Organic Law's article forbidding decisions that infringe residents' rights, that day."""
    village = ctx.laws.get("villagers_committees")
    urban = ctx.laws.get("urban_residents_committees")
    if rec.setting == "village" and village is not None:
        return mt.village_cite(village, 27, 31, 2, 2)
    if rec.setting == "community" and urban == "2025":
        return mt.Citation("urban_residents_committees", "2025", 31, 2)
    return None


@rule(
    "RES-LEGAL",
    severity="violation",
    step="results",
    clause="§5.6",
    clauses=(
        "§5.6",
        "villagers_committees@2025 art. 31 para. 2",
        "villagers_committees@2018 art. 27 para. 2",
        "urban_residents_committees@2025 art. 31 para. 2",
    ),
    title_zh="违法的协商结果未纠正",
    title_en="unlawful result not corrected",
    checks_zh="results.violates_law 为 true（记录格式无法描述的违法内容）而 results.corrected 不为 true，"
    "且决定未被撤销（results.revoked）；已纠正或已被撤销的作为提示列出。以婚姻状况等为由排除成员的情形由 "
    "RES-EXCLUSION 根据 results.excluded 判断。",
    checks_en="`results.violates_law` is true (unlawful content the format cannot describe) and "
    "`results.corrected` is not true and the decision was not revoked (`results.revoked`); a "
    "corrected or revoked one is listed as a note. Exclusions for marriage and the like are "
    "RES-EXCLUSION's, computed from `results.excluded`.",
    why_zh="协商结果违反法律法规的要依法纠正；村（居）民会议的决定不得有侵犯村（居）民人身权利、民主权利和财产权利的内容。",
    why_en="Unlawful results are corrected; decisions must not infringe residents' personal, "
    "democratic or property rights.",
    fields=("results.violates_law", "results.corrected", "results.revoked"),
    example="results: {violates_law: true, corrected: false, ...}",
)
def check_res_legal(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """A result that violates law must be corrected; a revocation is noted."""
    r = rec.results
    cite = _rights_cite(rec, ctx)
    basis = law_basis(cite) if cite is not None else None
    if r.revoked is not None:
        by = REVOKER_ZH[r.revoked.by]
        when = f"于{r.revoked.on}" if known(r.revoked.on) else ""
        yield finding(
            "RES-LEGAL",
            "results.revoked",
            f"该决定已{when}被{by}撤销（或责令改正）。本报告评判的是决定作出时的合法性。",
            f"The decision was later revoked (or ordered corrected) by {r.revoked.by}; this "
            "report judges it as it was made.",
            basis,
            severity="info",
        )
    if r.violates_law and r.corrected is not True and r.revoked is None:
        yield finding(
            "RES-LEGAL",
            "results.corrected",
            "协商结果违反法律法规，且未依法纠正。",
            "The result violates the law and was not corrected.",
            basis,
        )


MARRIAGE_REASONS = ("married_out", "divorced", "widowed", "remarried", "uxorilocal")
COLLECTIVE_REASONS = ("returned", "children")  # members under 农村集体经济组织法 arts. 12, 18


def _exclusion(rec: CaseRecord, ctx: Context, reason: str) -> tuple[str, Basis | None, str]:
    """(severity, basis, why in Chinese) for leaving people out of a collective benefit on
    ``reason`` on the record's date."""
    women = ctx.laws.get("women_rights_protection")
    collective = ctx.collective_law
    rights = _rights_cite(rec, ctx)
    if reason in MARRIAGE_REASONS:
        if women is not None:
            para = 2 if reason == "uxorilocal" else 1
            # 2022 text: arts. 55 (equal rights) and 56; 2018 text: arts. 32 and 33
            equal, banned = (55, 56) if women == "2022" else (32, 33)
            cite = mt.Citation("women_rights_protection", women, banned, para)
            also = [law.cite("women_rights_protection", equal, women, paragraph=1)]
            if collective:
                also.append(
                    law.cite("rural_collective_economic_organizations", 8, "2024", paragraph=3)
                )
                also.append(law.cite("rural_collective_economic_organizations", 18, "2024"))
            if rights is not None:
                also.append(rights.zh())
            why = (
                "不得以妇女未婚、结婚、离婚、丧偶等为由侵害妇女在农村集体经济组织中的各项权益"
                if para == 1
                else "因结婚男方到女方住所落户的，男方和子女享有与所在地集体经济组织成员平等的权益"
            )
            return "violation", law_basis(cite), f"{why}（另见{'、'.join(also)}）"
        if rights is not None:
            return (
                "violation",
                law_basis(rights),
                "村民会议、村民代表会议的决定不得有侵犯村民合法财产权利的内容；以婚姻状况为由剥夺成员的集体收益分配等"
                "权益即属此类",
            )
        earliest = law.LAWS["women_rights_protection"].earliest
        first = earliest.in_force_from
        return (
            "unknown",
            Basis(
                "law",
                law="women_rights_protection",
                clause=f"women_rights_protection (before {first}: not held)",
            ),
            f"本工具收录的《妇女权益保障法》最早为{earliest.edition_zh}文本（{first}起施行），"
            "不以该文本判断此前的决定",
        )
    if reason in COLLECTIVE_REASONS and collective:
        if reason == "returned":
            cite = mt.Citation("rural_collective_economic_organizations", "2024", 18, 1)
            why = "成员不因就学、服役、务工、经商、离婚、丧偶、服刑等原因而丧失成员身份"
        else:
            cite = mt.Citation("rural_collective_economic_organizations", "2024", 12, 2)
            why = "因成员生育而增加的人员，集体经济组织应当确认为成员"
        return "violation", law_basis(cite), why
    if reason in ("returned", "children", "moved_away"):
        cite = (
            mt.Citation("rural_collective_economic_organizations", "2024", 11)
            if collective
            else rights
        )
        return (
            "unknown",
            law_basis(cite) if cite is not None else None,
            "他们是否仍是（或应被确认为）集体经济组织成员，取决于记录未写明的事实（户籍、与集体的权利义务关系、"
            "是否以集体土地为基本生活保障）",
        )
    if reason == "member_elsewhere":
        cite = (
            mt.Citation("rural_collective_economic_organizations", "2024", 17, 1)
            if collective
            else rights
        )
        return (
            "info",
            law_basis(cite) if cite is not None else None,
            "已取得其他集体经济组织成员身份的，丧失原集体经济组织成员身份，不再参与分配",
        )
    fallback = Basis("law", law="women_rights_protection", clause="women_rights_protection")
    return "info", law_basis(rights) if rights is not None else fallback, "请核实该理由是否合法"


@rule(
    "RES-EXCLUSION",
    severity="violation",
    step="results",
    clause="women_rights_protection@2022 art. 56 para. 1",
    clauses=(
        "women_rights_protection@2018 art. 32",
        "women_rights_protection@2018 art. 33 para. 1",
        "women_rights_protection@2018 art. 33 para. 2",
        "women_rights_protection@2022 art. 55 para. 1",
        "women_rights_protection@2022 art. 56 para. 1",
        "women_rights_protection@2022 art. 56 para. 2",
        "rural_collective_economic_organizations@2024 art. 8 para. 3",
        "rural_collective_economic_organizations@2024 art. 11",
        "rural_collective_economic_organizations@2024 art. 12 para. 2",
        "rural_collective_economic_organizations@2024 art. 17 para. 1",
        "rural_collective_economic_organizations@2024 art. 18 para. 1",
        "rural_collective_economic_organizations@2024 art. 18 para. 2",
        "villagers_committees@2018 art. 27 para. 2",
        "villagers_committees@2025 art. 31 para. 2",
    ),
    title_zh="决定以婚姻状况等为由排除成员享有集体权益",
    title_en="members excluded from a collective benefit for marriage or the like",
    checks_zh="results.excluded 中有因出嫁、离婚、丧偶、再婚或男方到女方落户（married_out、divorced、widowed、"
    "remarried、uxorilocal）而被排除在集体收益分配、土地补偿、承包等之外的人：2023年起违反妇女权益保障法第五十六条"
    "（2025年5月1日起另见农村集体经济组织法第八条、第十八条），2018年10月26日至2022年底违反妇女权益保障法"
    "（2018年修正）第三十三条；更早的村（组）决定违反村民委员会组织法（2010年修订）第二十七条第二款。"
    "2025年5月1日起，排除返乡（returned，第十八条第一款）或成员所生子女（children，第十二条第二款）同样违法；"
    "户籍迁出（moved_away）等取决于记录未写明的事实，为「无法判断」；已取得其他集体经济组织成员身份"
    "（member_elsewhere）为提示。",
    checks_en="`results.excluded` lists people left out of a collective distribution, land "
    "compensation or contract because they married out, divorced, were widowed, remarried or are "
    "a husband who settled with his wife's family: from 2023 a violation of the Women's Rights "
    "Law art. 56 (from 2025-05-01 also the collective economic organizations law arts. 8 and 18), "
    "from 2018-10-26 to 2022 of its 2018 text's art. 33, and a village decision before that of the "
    "villagers' committees law (2010) art. 27 para. 2. From 2025-05-01 "
    "excluding returnees (art. 18 para. 1) or members' children (art. 12 para. 2) is unlawful "
    "too; `moved_away` and the like depend on facts the record does not give ('undetermined'); "
    "`member_elsewhere` is a note.",
    why_zh="妇女在集体经济组织成员身份确认、土地承包经营、收益分配、征收补偿等方面享有与男子平等的权利；"
    "以婚姻状况为由排除她们的决定，即使经会议多数通过，也是违法的——这是法院在外嫁女案件中判断的核心问题。",
    why_en="Women have equal rights in membership, land contracts, income and compensation; a "
    "decision that excludes them for their marital status is unlawful even when a meeting's "
    "majority adopted it — the decisive question of the courts in married-out women's cases.",
    fields=("results.excluded", "topic.collective_matter", "setting"),
    example="results:\n  excluded:\n    - {reason: married_out, count: 12, note: 外嫁女不参与土地补偿费分配}",
)
def check_res_exclusion(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """Leaving members out of a collective benefit for marriage, divorce, widowhood (and, under the
    collective law, for returning or being a member's child) is unlawful; grounds that depend on
    facts the record lacks are 「无法判断」."""
    collective = rec.setting == "village" or rec.topic.collective_matter is not None
    for i, ex in enumerate(rec.results.excluded):
        who = f"{ex.count}人" if known(ex.count) else "若干人（人数未写明）"
        reason = REASON_ZH[ex.reason]
        where = f"results.excluded[{i}].reason"
        if not collective:
            yield finding(
                "RES-EXCLUSION",
                where,
                f"决定以“{reason}”为由排除了{who}，请核实是否合法（该事项不涉及农村集体经济组织权益）。",
                f"The decision left out {ex.count} for '{ex.reason}'; check that this is lawful.",
                Basis("law", law="women_rights_protection", clause="women_rights_protection"),
                severity="info",
            )
            continue
        severity, basis, why = _exclusion(rec, ctx, ex.reason)
        if severity == "violation":
            zh = f"决定以“{reason}”为由将{who}排除在集体权益之外，违法：{why}。"
            en = f"The decision left out {ex.count} for '{ex.reason}': unlawful."
        elif severity == "unknown":
            zh = f"无法判断：决定以“{reason}”为由将{who}排除在集体权益之外，{why}。"
            en = f"Undetermined: {ex.count} left out for '{ex.reason}'; the record lacks the facts."
        else:
            zh = f"决定以“{reason}”为由将{who}排除在外：{why}。"
            en = f"{ex.count} left out for '{ex.reason}'."
        yield finding("RES-EXCLUSION", where, zh, en, basis, severity=severity)


# --- guarantees -----------------------------------------------------------------------------------


@rule(
    "GUAR-SUBSIDY",
    severity="violation",
    scope="consultation",
    step="guarantees",
    clause="§6.4",
    clauses=("§6.4", "villagers_committees@2025 art. 28", "villagers_committees@2018 art. 24"),
    title_zh="误工补贴未经会议决定或未公示",
    title_en="lost-work subsidy not decided or not publicized",
    checks_zh="subsidies.paid 为 true，且 decided_by_meeting 或 publicized 不为 true。",
    checks_en="`subsidies.paid` is true and `decided_by_meeting` or `publicized` is not true.",
    why_zh="误工补贴须经村（居）民会议或代表会议讨论决定，并按村（居）务公开要求公示。",
    why_en="Lost-work subsidies need a decision of the villagers' (residents') meeting or representatives' meeting, and must be made public.",
    fields=("subsidies",),
    example="subsidies: {paid: true, decided_by_meeting: false, publicized: true}",
)
def check_guar_subsidy(rec: CaseRecord, ctx: Context) -> Iterator[Finding]:
    """Lost-work subsidies need a meeting's decision and must be made public."""
    s = rec.subsidies
    if not s.paid:
        return
    missing_zh, missing_en, where = [], [], "subsidies"
    if s.decided_by_meeting is not True:
        missing_zh.append("未经村（居）民会议或代表会议讨论决定")
        missing_en.append("not decided by the villagers' (residents') or representatives' meeting")
        where = "subsidies.decided_by_meeting"
    if s.publicized is not True:
        missing_zh.append("未公示")
        missing_en.append("not made public")
        where = where if where != "subsidies" else "subsidies.publicized"
    if missing_zh:
        yield finding(
            "GUAR-SUBSIDY",
            where,
            "发放了误工补贴，但" + "，且".join(missing_zh) + "。",
            "Lost-work subsidies were paid but " + " and ".join(missing_en) + ".",
        )
