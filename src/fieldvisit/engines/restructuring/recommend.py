"""Which options to offer, and why, in plain words (中文 and English).

An option is *eligible* when it is affordable, within the cost cap, and worth at least as much to
the lender as the legal route. Eligible options are ranked by expected value (then the lower
payment); the first ``max_recommended`` are recommended. A referral (offered only when nothing
else fits) is eligible whatever its value and ranks after every other eligible option. Every
option gets an explanation: why it is recommended, or each reason it is not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from fieldvisit.engines.delinquency.errors import InvalidField
from fieldvisit.engines.restructuring.policy import Remedy
from fieldvisit.engines.restructuring.value import Option, binding

DEFAULT_MAX_RECOMMENDED = 3


class Reason(StrEnum):
    """Why an option is not recommended."""

    UNAFFORDABLE = "unaffordable"  # payment above the borrower's limit
    OVER_CAP = "over_cap"  # all-in annual cost above the cap
    WORSE_THAN_LEGAL = "worse_than_legal"  # expected value below the legal route's
    OUTRANKED = "outranked"  # eligible, but enough better options are recommended


@dataclass(frozen=True, slots=True)
class Verdict:
    """One option with the decision on it and the words for the agent and the borrower."""

    option: Option
    rank: int | None  # 1 = best; None when not recommended
    reasons: tuple[Reason, ...]
    title_zh: str
    title_en: str
    explanation_zh: str
    explanation_en: str

    @property
    def recommended(self) -> bool:
        """True when the option is among those recommended."""
        return self.rank is not None


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The verdicts, recommended first by rank, then the rest by expected value."""

    verdicts: tuple[Verdict, ...]
    legal_value: Decimal
    summary_zh: str
    summary_en: str

    @property
    def recommended(self) -> tuple[Option, ...]:
        """The recommended options, best first."""
        return tuple(v.option for v in self.verdicts if v.recommended)


def recommend(
    options: Sequence[Option], max_recommended: int = DEFAULT_MAX_RECOMMENDED
) -> Recommendation:
    """Recommend the affordable options best for the lender's expected value, with reasons.

    Steps:
      1. reasons per option: unaffordable (payment > limit), over the cap (not within_cap),
         worse than legal (expected_value < legal_value);
      2. the options with no reason are ranked by expected value descending, then payment
         ascending, then remedy order; the first ``max_recommended`` get ranks 1, 2, …; the rest
         are "outranked";
      3. explanations and a summary are written in both languages from the figures.
    An unaffordable or over-cap option is never recommended, whatever its value.
    """
    if isinstance(max_recommended, bool) or not isinstance(max_recommended, int):
        raise InvalidField("max_recommended", "must be an integer")
    if max_recommended < 1:
        raise InvalidField("max_recommended", f"must be at least 1, got {max_recommended}")
    if not options:
        raise InvalidField("options", "there must be at least one option to compare")
    legal_value = options[0].legal_value

    def order(option: Option) -> tuple[bool, Decimal, Decimal, int, int]:
        plan = option.plan
        return (
            plan.remedy is Remedy.REFERRAL,
            -option.expected_value,
            option.payment,
            list(Remedy).index(plan.remedy),
            plan.months or 0,
        )

    reasons = {id(o): _reasons(o) for o in options}
    eligible = sorted((o for o in options if not reasons[id(o)]), key=order)
    ranks = {id(o): rank for rank, o in enumerate(eligible[:max_recommended], start=1)}
    for option in eligible[max_recommended:]:
        reasons[id(option)] = (Reason.OUTRANKED,)
    chosen = [o for o in eligible if id(o) in ranks]
    others = sorted((o for o in options if id(o) not in ranks), key=order)
    verdicts = tuple(
        _verdict(o, ranks.get(id(o)), reasons[id(o)], len(chosen)) for o in [*chosen, *others]
    )
    summary_zh, summary_en = _summary(verdicts, legal_value)
    return Recommendation(verdicts, legal_value, summary_zh, summary_en)


def _reasons(option: Option) -> tuple[Reason, ...]:
    if option.remedy is Remedy.REFERRAL:
        # Not a bet on the borrower's money but the humane answer when nothing fits.
        return ()
    found = []
    if not option.affordable:
        found.append(Reason.UNAFFORDABLE)
    if not option.within_cap:
        found.append(Reason.OVER_CAP)
    if option.expected_value < option.legal_value:
        found.append(Reason.WORSE_THAN_LEGAL)
    return tuple(found)


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _percent(share: Decimal) -> str:
    return f"{share * 100:.2f}%"


def _months_en(count: int | None) -> str:
    return "1 month" if count == 1 else f"{count} months"


def titles(option: Option) -> tuple[str, str]:
    """(中文, English) name of the option with its parameters."""
    plan = option.plan
    months = plan.months
    span = _months_en(months)
    if plan.remedy is Remedy.CATCH_UP:
        return f"{months}个月补还逾期计划", f"Catch-up plan over {span}"
    if plan.remedy is Remedy.TERM_EXTENSION:
        return f"延长期限{months}个月", f"Term extension by {span}"
    if plan.remedy is Remedy.PAYMENT_HOLIDAY:
        extension = plan.extension or months or 0
        then_zh = f"，期限延长{extension}个月"
        then_en = f", term extended by {_months_en(extension)}"
        if plan.schedule[0].payment:
            return (
                f"{months}个月还款假期（只还利息）{then_zh}",
                f"Payment holiday of {span} (interest only){then_en}",
            )
        return (
            f"{months}个月还款假期（暂停还款）{then_zh}",
            f"Payment holiday of {span} (nothing to pay){then_en}",
        )
    if plan.remedy is Remedy.REFERRAL:
        return (
            f"转介困难帮扶，暂停催收{months}个月",
            f"Referral to hardship support, collection paused for {span}",
        )
    if plan.remedy is Remedy.RATE_REDUCTION:
        return f"利率降至{_percent(plan.rate)}", f"Rate reduced to {_percent(plan.rate)}"
    if plan.remedy is Remedy.WAIVER:
        share = _percent(plan.waiver_share or Decimal(0))
        return (
            f"减免{share}罚息和复利，其余逾期款{months}个月内还清",
            f"Waiver of {share} of penalty and compound interest, other arrears paid within {span}",
        )
    discount = _percent(plan.discount_share or Decimal(0))
    amount = _yuan(option.payment)
    return (
        f"折扣结清：一次还款{amount}元（减免{discount}）",
        f"Settlement for {amount} yuan at a {discount} discount",
    )


def _verdict(option: Option, rank: int | None, reasons: tuple[Reason, ...], chosen: int) -> Verdict:
    title_zh, title_en = titles(option)
    payment, limit = _yuan(option.payment), _yuan(option.limit)
    ev, legal = _yuan(option.expected_value), _yuan(option.legal_value)
    chance = _percent(option.success_probability)
    settlement = option.remedy is Remedy.SETTLEMENT
    if option.remedy is Remedy.REFERRAL:
        return _referral_verdict(option, rank, reasons, title_zh, title_en)
    if rank is not None:
        if option.remedy is Remedy.PAYMENT_HOLIDAY:
            fits_zh, fits_en = _holiday_fits(option)
        elif settlement:
            fits_zh = f"结清金额{payment}元在借款人可一次筹措的{limit}元以内"
            fits_en = f"the settlement sum {payment} is within the {limit} the borrower can raise"
        else:
            fits_zh = f"最高月供{payment}元在借款人可承受额度{limit}元以内"
            fits_en = f"the largest monthly payment {payment} fits the borrower's limit of {limit}"
        zh = (
            f"推荐第{rank}：{fits_zh}；综合年化成本未超上限；预计履约概率{chance}；"
            f"机构预期回收现值{ev}元，高于诉讼途径的{legal}元。"
        )
        en = (
            f"Recommended, rank {rank}: {fits_en}; the all-in cost is within the cap; "
            f"chance of success {chance}; expected value to the lender {ev} against {legal} "
            f"through the courts."
        )
        return Verdict(option, rank, (), title_zh, title_en, zh, en)
    parts_zh, parts_en = [], []
    for reason in reasons:
        if reason is Reason.UNAFFORDABLE and settlement:
            parts_zh.append(f"结清金额{payment}元超过借款人可一次筹措的{limit}元")
            parts_en.append(
                f"the settlement sum {payment} is more than the {limit} the borrower can raise"
            )
        elif reason is Reason.UNAFFORDABLE:
            tight = binding(option.plan, option.means) if option.means else None
            if tight is None or tight.payment == option.payment:
                parts_zh.append(f"最高月供{payment}元超过借款人可承受额度{limit}元")
                parts_en.append(
                    f"the largest monthly payment {payment} is above the borrower's limit of "
                    f"{limit}"
                )
            else:
                due, asked = tight.due_date.isoformat(), _yuan(tight.payment)
                parts_zh.append(f"{due}应还{asked}元，超过借款人当月可承受额度{limit}元")
                parts_en.append(
                    f"the {asked} due on {due} is above the borrower's limit of {limit} that month"
                )
        elif reason is Reason.OVER_CAP:
            rate = option.all_in_annual_rate
            shown = _percent(rate) if rate is not None else "—"
            cap = _percent(option.cap_annual_rate)
            parts_zh.append(f"综合年化成本{shown}超过上限{cap}")
            parts_en.append(f"its all-in annual cost {shown} is above the cap of {cap}")
        elif reason is Reason.WORSE_THAN_LEGAL:
            parts_zh.append(f"机构预期回收现值{ev}元低于诉讼途径的{legal}元")
            parts_en.append(f"its expected value {ev} is below the legal route's {legal}")
        else:
            parts_zh.append(
                f"可承受且未超上限，但已有{chosen}个对机构更有利的方案（预期回收现值{ev}元）"
            )
            parts_en.append(
                f"affordable and within the cap, but {chosen} options worth more to the lender "
                f"are recommended (expected value {ev})"
            )
    zh = "不推荐：" + "；".join(parts_zh) + "。"
    en = "Not recommended: " + "; ".join(parts_en) + "."
    return Verdict(option, None, reasons, title_zh, title_en, zh, en)


def _after_recovery(option: Option) -> bool:
    """True when the largest payment falls after the borrower's expected recovery."""
    means = option.means
    if means is None or not means.recovery_months:
        return False
    largest = [i for i in option.plan.schedule if i.payment == option.payment]
    return all(i.number > means.recovery_months for i in largest)


def _holiday_fits(option: Option) -> tuple[str, str]:
    plan = option.plan
    months, span = plan.months, _months_en(plan.months)
    payment, limit = _yuan(option.payment), _yuan(option.limit)
    recovered = _after_recovery(option)
    if plan.schedule[0].payment:
        pause_zh, pause_en = f"{months}个月内只还利息", f"interest only for {span}"
    else:
        pause_zh, pause_en = f"{months}个月内无需还款", f"nothing to pay for {span}"
    limit_zh = "恢复收入后的可承受额度" if recovered else "可承受额度"
    limit_en = "limit once their income recovers" if recovered else "limit"
    return (
        f"{pause_zh}，之后最高月供{payment}元在借款人{limit_zh}{limit}元以内",
        f"{pause_en}, then the largest monthly payment {payment} fits the borrower's "
        f"{limit_en} of {limit}",
    )


def _referral_verdict(
    option: Option, rank: int | None, reasons: tuple[Reason, ...], title_zh: str, title_en: str
) -> Verdict:
    months, span = option.plan.months, _months_en(option.plan.months)
    limit = _yuan(option.limit)
    zh = (
        f"目前没有还款方案在借款人的承受能力之内（每月可承受额度{limit}元）；"
        f"建议转介困难帮扶（债务咨询、社会救助或医疗救助），暂停催收{months}个月后复核。"
    )
    en = (
        f"no repayment plan fits the borrower's means now (monthly limit {limit}); refer them "
        f"to hardship support (debt advice, social or medical assistance), pause collection for "
        f"{span}, then review."
    )
    if rank is not None:
        return Verdict(
            option,
            rank,
            (),
            title_zh,
            title_en,
            f"推荐第{rank}：{zh}",
            f"Recommended, rank {rank}: {en}",
        )
    return Verdict(
        option,
        None,
        reasons,
        title_zh,
        title_en,
        f"不推荐：已有其他可行方案。{zh}",
        f"Not recommended: other options fit. {en}",
    )


def _summary(verdicts: tuple[Verdict, ...], legal_value: Decimal) -> tuple[str, str]:
    legal = _yuan(legal_value)
    best = next((v for v in verdicts if v.recommended), None)
    if best is not None and best.option.remedy is Remedy.REFERRAL:
        return (
            f"没有还款方案在借款人目前的承受能力之内：建议{best.title_zh}；"
            f"诉讼途径预期回收现值{legal}元。",
            f"No repayment plan fits the borrower's means now: {best.title_en}; the legal route "
            f"is worth {legal}.",
        )
    if best is not None:
        count = sum(v.recommended for v in verdicts)
        ev = _yuan(best.option.expected_value)
        return (
            f"建议首先提供“{best.title_zh}”：预期回收现值{ev}元（诉讼途径{legal}元）；"
            f"共推荐{count}个方案，共比较{len(verdicts)}个。",
            f"Offer first: {best.title_en}, expected value {ev} (legal route {legal}); "
            f"{count} of {len(verdicts)} options recommended.",
        )
    if not any(v.option.affordable for v in verdicts):
        return (
            f"没有方案在借款人的承受能力之内：请复核收入与支出，或考虑小额过渡还款；"
            f"诉讼途径预期回收现值{legal}元。",
            f"No option fits the borrower's means: review the income and spending, or consider "
            f"token payments for a time; the legal route is worth {legal}.",
        )
    return (
        f"可承受的方案均超过成本上限或低于诉讼途径的预期回收现值{legal}元。",
        f"The affordable options are over the cost cap or worth less than the legal route "
        f"({legal}).",
    )
