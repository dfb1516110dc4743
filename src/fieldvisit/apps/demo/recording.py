"""What the demo's agents hear and record: calls' outcomes and visit reports drawn from the
generator's hidden truth about each borrower (``fieldvisit.demo.behaviour``), with a recording
model's noise.

Nothing here touches the database: :mod:`fieldvisit.apps.demo.history` passes in what it knows
(the hidden cause, the borrower's employment and income band, the book's payments after the
visit) and sends the drawn form through the same validation and services as the agent's phone.

The recording model (what makes the demo's analytics meaningful and testable):

* **Causes.** An agent who talked with the borrower or their family records the true cause with
  chance :data:`TRUE_CAUSE_CHANCE`, a related one (:data:`RELATED`) with chance
  :data:`RELATED_CAUSE_CHANCE`, else "other" with a few words; with chance
  :data:`SECOND_CAUSE_CHANCE` a related cause is ticked as well. Wilful non-payment is recorded as
  "unwilling to pay"; a borrower without a hidden cause (late by accident) as weak money
  management. Nobody home, moved, refused: no cause.
* **Money.** Income from the income band's middle (± 20 %) times a factor by cause (a job loss
  leaves 0–35 % of it, an illness 30–70 %, …); spending by household; the over-indebted pay
  40–80 % of their income to other lenders.
* **The product.** Mis-sold borrowers mostly did not (fully) understand the terms, say what was
  mis-explained and rate clarity and fairness low; disputes rate fairness low.
* **Promises** follow the book: a borrower who pays within three weeks of the visit promised that
  payment (kept); one who does not promised an instalment or so that never came (broken).
* **The visit effect** (:data:`VISIT_EFFECT`): after a visit where the team talked with the
  borrower or their family, the borrower pays all arrears and the next instalment 3–20 days
  later with a chance by cause (0 for wilful non-payment, 45 % for weak money management, …);
  :func:`expected_visit_effect` gives the size of that effect for a set of visited borrowers.
  These payments are the demo's only visit effect; the history imports them as the core
  system's payment files.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

#: The generator's causes (behaviour.CAUSES) → the visit report's cause codes (visits.Cause).
RECORDED_CAUSE = {
    "none": "money_management",
    "job_loss": "job_loss",
    "illness": "illness",
    "business_failure": "business_failure",
    "over_indebtedness": "over_indebted",
    "weak_money_management": "money_management",
    "mis_selling": "missold",
    "dispute": "dispute",
    "wilful_non_payment": "unwilling",
}
#: Causes an agent may record instead of (or beside) the true one.
RELATED = {
    "job_loss": ("business_failure", "over_indebted", "illness"),
    "illness": ("job_loss", "over_indebted"),
    "business_failure": ("job_loss", "over_indebted"),
    "over_indebted": ("money_management", "job_loss"),
    "money_management": ("over_indebted",),
    "missold": ("dispute",),
    "dispute": ("missold", "unwilling"),
    "unwilling": ("dispute",),
}
TRUE_CAUSE_CHANCE = 0.78
RELATED_CAUSE_CHANCE = 0.17
SECOND_CAUSE_CHANCE = 0.10
OTHER_CAUSE_WORDS = ("家庭变故", "临时周转困难", "被朋友借走了钱", "搬家花销大")

#: Monthly income at the middle of each income band (yuan).
BAND_MIDDLE = {
    "lt_5k": 4_000,
    "5k_10k": 7_500,
    "10k_20k": 14_000,
    "20k_50k": 30_000,
    "ge_50k": 60_000,
}
#: Share of the usual income left, by hidden cause: (low, high).
INCOME_LEFT = {
    "job_loss": (0.0, 0.35),
    "illness": (0.3, 0.7),
    "business_failure": (0.1, 0.5),
}
#: Chance that a borrower who talked makes a promise to pay, by hidden cause.
PROMISE_CHANCE = {
    "none": 0.7,
    "weak_money_management": 0.75,
    "job_loss": 0.5,
    "illness": 0.5,
    "business_failure": 0.4,
    "over_indebtedness": 0.55,
    "mis_selling": 0.3,
    "dispute": 0.2,
    "wilful_non_payment": 0.0,
}
#: Remedies a borrower in hardship asks for, by hidden cause (drawn uniformly).
REMEDIES_ASKED = {
    "job_loss": ("deferral", "lower_instalment"),
    "illness": ("deferral", "lower_instalment"),
    "business_failure": ("longer_term", "lower_instalment"),
    "over_indebtedness": ("lower_instalment", "longer_term", "interest_waiver"),
    "mis_selling": ("interest_waiver",),
}
REMEDY_ASK_CHANCE = 0.45
#: Days after the visit in which the book's payments make the promise (kept).
PROMISE_HORIZON_DAYS = 21

#: The demo's built-in visit effect: the chance, by hidden cause, that a borrower the team talked
#: with (or their family) pays all arrears and the next instalment a few days after the visit.
#: The generator's own payments do not depend on visits; this is the only effect in the demo.
VISIT_EFFECT = {
    "none": 0.45,
    "weak_money_management": 0.45,
    "over_indebtedness": 0.25,
    "job_loss": 0.20,
    "illness": 0.20,
    "business_failure": 0.15,
    "mis_selling": 0.15,
    "dispute": 0.15,
    "wilful_non_payment": 0.0,
}
#: The payment comes this many days after the visit (inclusive range).
VISIT_EFFECT_DAYS = (3, 20)
TALKED = frozenset({"met_borrower", "met_family"})


def visit_pays(rng: random.Random, cause: str, outcome: str) -> int | None:
    """Days after the visit on which the visit makes the borrower pay up, or ``None``."""
    if outcome not in TALKED or rng.random() >= VISIT_EFFECT.get(cause, 0.0):
        return None
    return rng.randint(*VISIT_EFFECT_DAYS)


WORDS = {
    "none": ("最近太忙忘了还款日，马上处理", "以为是自动扣款，卡里钱不够"),
    "weak_money_management": (
        "工资一到就花完了，忘了还款日",
        "开销太大，没有计划，下个月发工资就还",
        "希望能有还款提醒短信",
    ),
    "job_loss": (
        "公司裁员了，我正在找工作，找到工作一定还",
        "失业以后只能打零工，收入不稳定",
        "希望能先暂停几个月还款",
    ),
    "illness": (
        "家里老人住院，医药费花了很多",
        "我做了手术，几个月没法上班",
        "等身体好了会慢慢还，希望减免罚息",
    ),
    "business_failure": (
        "店铺生意不好关门了，还欠着供货商的钱",
        "疫情后客人少了，房租都交不起",
        "希望能延长还款期限，降低月供",
    ),
    "over_indebtedness": (
        "好几家平台都有借款，每个月还不过来",
        "信用卡和网贷加起来太多，拆东墙补西墙",
        "利息太高了，希望能降低月供",
    ),
    "mis_selling": (
        "当初销售说利息很低，根本没讲清楚费用",
        "合同里的服务费我根本不知道",
        "说是免息分期，实际利息很高，感觉被骗了",
    ),
    "dispute": (
        "扣款金额不对，我已经投诉过，处理好之前不想还",
        "提前还款被多收了钱，客服一直不处理",
        "对账单有问题，希望公司给个说法",
    ),
    "wilful_non_payment": ("没钱，要钱没有", "你们爱怎么样就怎么样", "以后再说吧"),
}
PRODUCT_WORDS = (
    "利息太高",
    "还款提醒很有用",
    "客服态度不错",
    "APP还款很方便",
    "合同条款看不懂",
    "罚息太重",
)
MIS_EXPLAINED = (
    "销售说只收很低的利息，没说还有服务费和担保费",
    "没告诉我逾期会有罚息和复利",
    "以为可以随时提前还款不收违约金",
    "说是分期免息，实际年化利率接近24%",
)
LIVING = (
    "租住老小区一居室，家具简单",
    "与父母同住，房屋整洁",
    "自有住房，装修一般",
    "城中村出租屋，比较拥挤",
    "小区环境较好，家中整洁",
)
FAR_REASONS = (
    "小区封闭管理，只能在大门外等候借款人",
    "门牌号有误，按邻居指引找到",
    "借款人约在附近商场见面",
    "手机定位漂移，实际已到楼下",
)
RELATIONS = ("配偶", "父亲", "母亲", "子女", "兄弟姐妹")


@dataclass(frozen=True)
class Borrower:
    """What the recording model needs to know about a visited borrower."""

    cause: str  # the generator's hidden cause (behaviour.CAUSES)
    severity: float  # 0.10 … 1.00
    employment_type: str  # loans.EmploymentType
    income_band: str  # loans.IncomeBand


@dataclass(frozen=True)
class Call:
    channel: str  # cases.ContactChannel
    outcome: str  # cases.ContactOutcome


#: Chance that a call reaches the borrower, and that a reached borrower refuses to talk.
REACH = {"wilful_non_payment": (0.15, 0.5), "dispute": (0.5, 0.3), "none": (0.6, 0.0)}
DEFAULT_REACH = (0.4, 0.05)


def draw_call(rng: random.Random, cause: str) -> Call:
    """A call's outcome: reached (connected or refused) or not (no answer, busy, invalid)."""
    reach, refuse = REACH.get(cause, DEFAULT_REACH)
    if rng.random() < reach:
        return Call("call", "refused" if rng.random() < refuse else "connected")
    u = rng.random()
    return Call("call", "no_answer" if u < 0.75 else "busy" if u < 0.97 else "invalid_number")


def draw_outcome(rng: random.Random, cause: str) -> str:
    """The visit's outcome (visits.Outcome), by hidden cause."""
    weights = outcome_weights(cause)
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def outcome_weights(cause: str) -> dict[str, float]:
    """The chance of each visit outcome for a borrower with hidden ``cause`` (sums to 1)."""
    weights = {
        "met_borrower": 0.55,
        "met_family": 0.13,
        "nobody_home": 0.20,
        "refused": 0.06,
        "moved": 0.02,
        "address_wrong": 0.02,
        "hospital": 0.0,
    }
    if cause == "wilful_non_payment":
        weights.update(met_borrower=0.35, refused=0.30, nobody_home=0.25, met_family=0.10)
    elif cause == "dispute":
        weights.update(refused=0.15, met_borrower=0.50)
    elif cause == "illness":
        weights.update(hospital=0.06, met_borrower=0.49)
    return weights


def expected_visit_effect(causes: Iterable[str]) -> float:
    """The demo's built-in effect of a visit on the chance to pay up within 20 days (fraction),
    averaged over visited borrowers with hidden ``causes``:

        mean over visits of P(talked | cause) × VISIT_EFFECT[cause],

    P(talked) = P(met the borrower) + P(met the family) (:func:`outcome_weights`). The rise in
    the 30-day cure rate is at most this (some would have paid anyway), and about this when few
    visited cases cure on their own.
    """
    values = [
        (weights["met_borrower"] + weights["met_family"]) * VISIT_EFFECT.get(cause, 0.0)
        for cause in causes
        for weights in (outcome_weights(cause),)
    ]
    return sum(values) / len(values) if values else 0.0


def recorded_causes(rng: random.Random, cause: str) -> tuple[list[str], str]:
    """The causes an agent ticks for hidden ``cause``, and the "other" text if any."""
    true = RECORDED_CAUSE[cause]
    related = RELATED.get(true, ())
    u = rng.random()
    if u < TRUE_CAUSE_CHANCE or not related:
        first = true
    elif u < TRUE_CAUSE_CHANCE + RELATED_CAUSE_CHANCE:
        first = rng.choice(related)
    else:
        return ["other"], rng.choice(OTHER_CAUSE_WORDS)
    causes = [first]
    extra = [c for c in (true, *related) if c != first]
    if extra and rng.random() < SECOND_CAUSE_CHANCE:
        causes.append(rng.choice(extra))
    return causes, ""


def _employment(rng: random.Random, person: Borrower) -> str:
    if person.cause == "job_loss":
        return "unemployed" if rng.random() < 0.7 else "part_time"
    if person.cause == "illness" and rng.random() < 0.5:
        return "ill_or_disabled"
    if person.cause == "business_failure":
        return "self_employed" if rng.random() < 0.6 else "unemployed"
    return {
        "salaried": "full_time",
        "civil_servant": "full_time",
        "self_employed": "self_employed",
        "business_owner": "self_employed",
        "gig_worker": "part_time",
        "unemployed": "unemployed",
        "retired": "retired",
        "student": "student",
    }.get(person.employment_type, "other")


def _housing(rng: random.Random, band: str) -> str:
    if band in ("20k_50k", "ge_50k"):
        return rng.choice(("owner", "mortgage", "mortgage", "tenant_private"))
    return rng.choice(("tenant_private", "tenant_private", "with_parents", "mortgage", "owner"))


def _yuan(value: float) -> Decimal:
    """Rounded to 10 yuan, as people say amounts."""
    return Decimal(max(0, round(value / 10) * 10))


def draw_money(
    rng: random.Random, person: Borrower, household: int, dependants: int, housing: str
) -> dict[str, Decimal]:
    """Monthly income and spending (visits.sfs categories, yuan), consistent with the income
    band and the hidden cause; categories left out are zero."""
    usual = BAND_MIDDLE.get(person.income_band, 7_500) * rng.uniform(0.8, 1.2)
    low, high = INCOME_LEFT.get(person.cause, (0.9, 1.1))
    earned = usual * rng.uniform(low, high)
    amounts: dict[str, Decimal] = {}
    own = "income_other" if person.employment_type in ("self_employed", "business_owner") else None
    amounts[own or "income_wages"] = _yuan(earned)
    if person.cause == "job_loss" and rng.random() < 0.4:
        amounts["income_benefits"] = _yuan(rng.uniform(800, 1_800))
    if household > 1 and rng.random() < 0.4:
        amounts["income_partner"] = _yuan(usual * rng.uniform(0.3, 0.8))
    if housing in ("tenant_private", "tenant_social"):
        amounts["fixed_home"] = _yuan(usual * rng.uniform(0.2, 0.35))
    elif housing == "mortgage":
        amounts["fixed_home"] = _yuan(usual * rng.uniform(0.25, 0.4))
    amounts["fixed_utilities"] = _yuan(rng.uniform(250, 600))
    amounts["fixed_transport"] = _yuan(rng.uniform(200, 800))
    if dependants:
        amounts["fixed_school"] = _yuan(dependants * rng.uniform(500, 1_500))
    if person.cause == "illness":
        amounts["fixed_care_health"] = _yuan(rng.uniform(1_000, 5_000))
    amounts["flex_food"] = _yuan(1_200 + 700 * household * rng.uniform(0.8, 1.2))
    amounts["flex_communications"] = _yuan(rng.uniform(150, 500))
    personal = rng.uniform(300, 1_200)
    if person.cause == "weak_money_management":
        personal *= 2.5
    amounts["flex_personal"] = _yuan(personal)
    if person.cause == "over_indebtedness":
        amounts["debts_lenders"] = _yuan(usual * rng.uniform(0.4, 0.8))
        if rng.random() < 0.5:
            amounts["debts_informal"] = _yuan(usual * rng.uniform(0.05, 0.2))
    elif rng.random() < 0.3:
        amounts["debts_lenders"] = _yuan(usual * rng.uniform(0.02, 0.15))
    return {k: v for k, v in amounts.items() if v > 0}


def _state_of_mind(rng: random.Random, person: Borrower) -> str:
    if person.cause == "wilful_non_payment":
        return "calm" if rng.random() < 0.8 else "anxious"
    hardship = person.cause in ("job_loss", "illness", "business_failure")
    if hardship and person.severity > 0.7 and rng.random() < 0.06:
        return "crisis"
    u = rng.random()
    distressed = 0.3 if hardship else 0.1
    return "distressed" if u < distressed else "anxious" if u < distressed + 0.4 else "calm"


def _feedback(rng: random.Random, person: Borrower, talked_to_borrower: bool) -> dict[str, Any]:
    if not talked_to_borrower:
        return {"understood_terms": "not_asked"}
    cause = person.cause
    if cause == "mis_selling":
        understood = rng.choices(("no", "partly", "yes"), (0.45, 0.40, 0.15))[0]
        clarity, fairness = rng.randint(1, 2), rng.randint(1, 3)
    elif cause == "dispute":
        understood = rng.choices(("no", "partly", "yes"), (0.10, 0.40, 0.50))[0]
        clarity, fairness = rng.randint(2, 4), rng.randint(1, 2)
    else:
        understood = rng.choices(("no", "partly", "yes"), (0.05, 0.20, 0.75))[0]
        clarity, fairness = rng.randint(3, 5), rng.randint(2, 5)
    words = [rng.choice(WORDS[cause])]
    if rng.random() < 0.5:
        words.append(rng.choice(PRODUCT_WORDS))
    mis_explained = ""
    if understood in ("no", "partly") and (cause == "mis_selling" or rng.random() < 0.2):
        mis_explained = rng.choice(MIS_EXPLAINED)
    return {
        "understood_terms": understood,
        "mis_explained": mis_explained,
        "rating_clarity": clarity,
        "rating_fairness": fairness,
        "rating_service": rng.randint(2, 5),
        "borrower_words": "，".join(words) + "。",
    }


def draw_report(
    rng: random.Random,
    person: Borrower,
    *,
    outcome: str,
    visit_date: dt.date,
    dpd: int,
    instalment: Decimal,
    total_due: Decimal,
    payments_after: Sequence[tuple[dt.date, Decimal]],
) -> dict[str, Any]:
    """The report form's fields (``visits.inputs.ReportInput`` data, money as strings) for a
    visit with ``outcome`` (:func:`draw_outcome`).

    ``payments_after``: the book's payments on the loan after the visit day, oldest first.
    """
    form: dict[str, Any] = {
        "outcome": outcome,
        "conduct_introduced": True,
        "conduct_two_staff": True,
        "conduct_no_third_party": True,
        "conduct_consent_asked": True,
    }
    if outcome not in TALKED:
        form["next_step"] = "revisit" if outcome in ("nobody_home", "moved") else "none"
        if outcome == "refused" and dpd >= 91 and rng.random() < 0.5:
            form["next_step"] = "legal_review"
        return form
    if outcome == "met_family":
        form["met_relation"] = rng.choice(RELATIONS)
    causes, other = recorded_causes(rng, person.cause)
    form["causes"] = causes
    if other:
        form["cause_other"] = other
    household = rng.choices((1, 2, 3, 4, 5), (0.2, 0.25, 0.3, 0.18, 0.07))[0]
    dependants = rng.randint(0, max(0, household - 2))
    housing = _housing(rng, person.income_band)
    form.update(
        household_size=household,
        dependants=dependants,
        employment=_employment(rng, person),
        housing=housing,
        living_conditions=rng.choice(LIVING),
        state_of_mind=_state_of_mind(rng, person),
    )
    form.update(_feedback(rng, person, outcome == "met_borrower"))
    for key, value in draw_money(rng, person, household, dependants, housing).items():
        form[key] = str(value)
    promise = _promise(rng, person, outcome, visit_date, instalment, total_due, payments_after)
    if promise is not None:
        form["promise_amount"], form["promise_date"] = str(promise[0]), promise[1].isoformat()
        form["next_step"] = "call"
    asks = REMEDIES_ASKED.get(person.cause)
    if asks and rng.random() < REMEDY_ASK_CHANCE:
        form["remedy_requested"] = rng.choice(asks)
        form["next_step"] = "remedy_review"
    if form.get("state_of_mind") == "crisis":
        form.pop("promise_amount", None)
        form.pop("promise_date", None)
        form["next_step"] = "none"
    if rng.random() < 0.5:
        form["recording_consent"] = True
        form["audio_reference"] = f"REC-{visit_date:%Y%m%d}-{rng.randrange(10**6):06d}"
    return form


def _promise(
    rng: random.Random,
    person: Borrower,
    outcome: str,
    visit_date: dt.date,
    instalment: Decimal,
    total_due: Decimal,
    payments_after: Sequence[tuple[dt.date, Decimal]],
) -> tuple[Decimal, dt.date] | None:
    chance = PROMISE_CHANCE.get(person.cause, 0.5) * (1.0 if outcome == "met_borrower" else 0.6)
    if rng.random() >= chance:
        return None
    horizon = visit_date + dt.timedelta(days=PROMISE_HORIZON_DAYS)
    coming = [(day, amount) for day, amount in payments_after if visit_date < day <= horizon]
    if coming:
        day, amount = coming[0]
        promised = (amount // 100) * 100
        if promised >= 100:
            return promised, day
        return None
    target = min(total_due, max(instalment, Decimal(500))) if total_due > 0 else instalment
    promised = max(Decimal(100), (target // 100) * 100)
    return promised, visit_date + dt.timedelta(days=rng.randint(5, 14))


def check_in_offset(rng: random.Random) -> tuple[float, float, str]:
    """Where the phone says the team is: (metres from the address, accuracy in metres, reason).

    Usually at the door (tens of metres); one check-in in sixteen far off, with a reason.
    """
    if rng.random() < 1 / 16:
        return rng.uniform(350, 900), rng.uniform(10, 40), rng.choice(FAR_REASONS)
    return abs(rng.gauss(0, 60)), rng.uniform(8, 45), ""
