"""A short counselling guide per likely situation: what to ask, what to offer, what never to say.

Written in both languages here (not through the .po catalogue) because it is content the
trainers own and revise as a whole. Sources: CONC 7.3 forbearance and 7.9 visit conduct, the
CBA 2026 prohibited-conduct list, Criminal Law Art. 293-1 (compliance-rules.md §2.2, §3.2).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Advice:
    key: str
    title: tuple[str, str]
    ask: tuple[tuple[str, str], ...]
    offer: tuple[tuple[str, str], ...]
    never: tuple[tuple[str, str], ...]

    def in_language(self, chinese: bool) -> dict[str, object]:
        i = 0 if chinese else 1
        return {
            "key": self.key,
            "title": self.title[i],
            "ask": [line[i] for line in self.ask],
            "offer": [line[i] for line in self.offer],
            "never": [line[i] for line in self.never],
        }


OPENING = Advice(
    "opening",
    ("开场（每次外访）", "Opening (every visit)"),
    ask=(
        (
            "先确认对方是借款人本人，再谈欠款。",
            "Confirm you speak with the borrower before any word of the debt.",
        ),
        ("“最近家里和工作情况怎么样？”", '"How are things at home and at work lately?"'),
    ),
    offer=(
        (
            "报出机构全称、姓名工号和来访目的。",
            "State the institution, your name and staff number, and why you came.",
        ),
        ("说明可以协商还款安排。", "Say that a repayment arrangement can be discussed."),
    ),
    never=(
        (
            "不向邻居、同事或其他第三方透露欠款。",
            "Never tell neighbours, colleagues or anyone else of the debt.",
        ),
        ("未经同意不进屋、不拍照、不录像。", "Never enter, photograph or record without consent."),
    ),
)

GUIDES: dict[str, Advice] = {
    "job_loss": Advice(
        "job_loss",
        ("失业或收入下降", "Job loss or income cut"),
        ask=(
            ("什么时候、因为什么收入减少？", "When and why did the income fall?"),
            (
                "家里还有谁有收入？有没有在找工作或领补贴？",
                "Who else in the household earns? Any job search or benefits?",
            ),
        ),
        offer=(
            (
                "暂时降低月供或延期（需审批）。",
                "A temporary lower payment or a deferral (subject to approval).",
            ),
            (
                "按可支配收入商定一个做得到的小额还款。",
                "A small payment they can keep, from their disposable income.",
            ),
        ),
        never=(
            ("“找亲戚朋友借钱先还上。”", '"Borrow from family or friends to pay us."'),
            (
                "夸大后果，如“不还就坐牢”。",
                'Exaggerated consequences such as "you will go to prison".',
            ),
        ),
    ),
    "illness": Advice(
        "illness",
        ("疾病或受伤", "Illness or injury"),
        ask=(
            (
                "谁生病了？治疗要持续多久、花费多少？",
                "Who is ill? How long is the treatment, what does it cost?",
            ),
            (
                "有没有医保、商业保险或单位补助？",
                "Any medical insurance, private cover or employer help?",
            ),
        ),
        offer=(
            (
                "困难期暂停催收（困难暂缓），并报主管审批调整方案。",
                "A pause (hardship hold) and a remedy put to the manager.",
            ),
            ("证明材料可以以后再补。", "Documents can come later."),
        ),
        never=(
            ("在病床前或家属悲痛时催款。", "Pressing for money at a bedside or in grief."),
            ("评论对方的病情或生活方式。", "Comments on their illness or way of life."),
        ),
    ),
    "over_indebted": Advice(
        "over_indebted",
        ("多头负债", "Over-indebtedness"),
        ask=(
            (
                "一共欠哪些机构、每月各还多少？",
                "Which lenders are owed, and how much a month to each?",
            ),
            (
                "哪些是必须先付的（房租、水电、医药）？",
                "What must be paid first (rent, utilities, medicines)?",
            ),
        ),
        offer=(
            (
                "按收支表计算，只商定负担得起的金额。",
                "Only an amount the income and spending show they can afford.",
            ),
            ("介绍免费的债务咨询。", "Free, independent debt advice."),
        ),
        never=(
            (
                "建议借新还旧或变卖住房。",
                "Suggesting new borrowing, or selling their home, to pay.",
            ),
            (
                "要求一次性或短期内还清。",
                "Demanding payment in one go or in an unreasonably short time.",
            ),
        ),
    ),
    "dispute": Advice(
        "dispute",
        ("不理解产品、误导销售或有争议", "Misunderstood product, mis-selling or dispute"),
        ask=(
            (
                "当时销售怎么介绍的？哪里和合同不一样？",
                "How was it sold? What differs from the contract?",
            ),
            (
                "请对方用自己的话说，照实记录。",
                "Let them say it in their own words, and record it as said.",
            ),
        ),
        offer=(
            (
                "登记投诉并告知处理渠道和时限。",
                "Log a complaint and explain how and when it will be answered.",
            ),
            ("争议部分核实前暂不追讨。", "No pursuit of the disputed part until it is checked."),
        ),
        never=(
            ("争辩或否认对方的说法。", "Arguing with or dismissing what they say."),
            (
                "承诺做不到的事（如“保证减免”）。",
                'Promises you cannot keep ("the fees will surely be waived").',
            ),
        ),
    ),
    "unwilling": Advice(
        "unwilling",
        ("拒绝沟通或不愿还款", "Refusal or unwillingness"),
        ask=(
            ("不愿还款的原因是什么？", "What is the reason for not paying?"),
            ("什么情况下愿意再谈？", "When would they be willing to talk again?"),
        ),
        offer=(
            (
                "如实说明逾期对征信和法律程序的实际影响。",
                "The real effect on their credit record and the legal process, truthfully.",
            ),
            (
                "留下联系方式，对方要求离开时立即离开。",
                "Your contact details; leave at once when asked to.",
            ),
        ),
        never=(
            ("威胁、辱骂、跟踪或滞留不走。", "Threats, insults, following, or refusing to leave."),
            (
                "冒充公检法或出示假文书。",
                "Posing as police, court or any authority, or showing false documents.",
            ),
        ),
    ),
    "promise_follow_up": Advice(
        "promise_follow_up",
        ("承诺还款跟进", "Following up a promise"),
        ask=(
            ("上次承诺的款项发生了什么？", "What happened to the payment promised last time?"),
            ("有什么变化让承诺难以兑现？", "What changed that made it hard to keep?"),
        ),
        offer=(("重新商定一个现实的金额和日期。", "A new, realistic amount and date."),),
        never=(("羞辱或指责“说话不算数”。", "Shaming or calling them a liar."),),
    ),
}

CRISIS = Advice(
    "crisis",
    ("对方处于危机中", "The borrower is in crisis"),
    ask=(("“你现在安全吗？身边有人陪吗？”", '"Are you safe right now? Is someone with you?"'),),
    offer=(
        (
            "停止谈欠款；提供下方转介热线；报告中选“危机”。",
            'Stop talking about the debt; give the referral numbers; record "in crisis".',
        ),
        ("有生命危险时拨打 120 或 110。", "If a life is in danger, call 120 or 110."),
    ),
    never=(("在此时继续催收或谈还款。", "Any word of collection or payment at this moment."),),
)

# Causes and purposes → the situation most likely met.
CAUSE_SITUATION = {
    "job_loss": "job_loss",
    "business_failure": "job_loss",
    "illness": "illness",
    "disaster": "illness",
    "over_indebted": "over_indebted",
    "money_management": "over_indebted",
    "missold": "dispute",
    "dispute": "dispute",
    "fraud": "dispute",
    "unwilling": "unwilling",
}
PURPOSE_SITUATION = {
    "hardship_assessment": "job_loss",
    "promise_follow_up": "promise_follow_up",
    "pre_legal_notice": "unwilling",
}


def likely_situations(purpose: str, known_causes: Iterable[str]) -> list[str]:
    """Situations to prepare for, most likely first: known causes, then the visit's purpose."""
    keys: list[str] = []
    for cause in known_causes:
        key = CAUSE_SITUATION.get(cause)
        if key and key not in keys:
            keys.append(key)
    by_purpose = PURPOSE_SITUATION.get(purpose)
    if by_purpose and by_purpose not in keys:
        keys.append(by_purpose)
    return keys or ["job_loss"]


def guide_for(
    purpose: str, known_causes: Iterable[str], *, chinese: bool
) -> list[dict[str, object]]:
    """The guide for a visit: the opening, the likely situations (at most three), then crisis."""
    situations = likely_situations(purpose, known_causes)[:3]
    advice = [OPENING, *(GUIDES[key] for key in situations), CRISIS]
    return [a.in_language(chinese) for a in advice]
