"""The remedy agreement letter (还款计划调整协议): bilingual, one PDF, from the proposal's snapshot.

The letter is the borrower's: it names the lender's legal entity (``settings.LENDER_LEGAL_NAME``
and its registration number and address, docs/configuration.md), never the collection branch that
worked the case, and says only what is theirs to know: the debt restructured, what they will pay
and when, what is waived, the conditions, the observation period, and room for both signatures.
The lender's own reasoning (the chance the plan is kept, its value against a lawsuit) stays on
the proposal page. Everything comes from the stored option, so the letter the borrower signs
matches what the checker approved.

A referral changes no schedule: its letter confirms the pause in collection, until when, and who
will contact the borrower.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings

from fieldvisit.apps.cases.pii import borrower_masked
from fieldvisit.apps.remedies.models import RemedyProposal
from fieldvisit.engines.delinquency.schedule import add_months
from fieldvisit.pdf import Document, yuan

REFERRAL = "referral"
HOLIDAY = "payment_holiday"


def restructured_from(proposal: RemedyProposal) -> dt.date:
    """The day the new schedule takes effect: the day after the state it was computed on."""
    return proposal.as_of + dt.timedelta(days=1)


def lender_lines() -> list[tuple[str, str]]:
    """The lender as a party: its legal name (Chinese and English), registration number and
    address, as configured."""
    name = settings.LENDER_LEGAL_NAME
    if settings.LENDER_LEGAL_NAME_EN:
        name = f"{name}（{settings.LENDER_LEGAL_NAME_EN}）"
    rows = [("贷款机构 Lender", name)]
    if settings.LENDER_REGISTRATION_NO:
        rows.append(("统一社会信用代码 Registration No.", settings.LENDER_REGISTRATION_NO))
    if settings.LENDER_ADDRESS:
        rows.append(("住所 Address", settings.LENDER_ADDRESS))
    return rows


def agreement_letter_pdf(proposal: RemedyProposal) -> bytes:
    """The agreement letter of ``proposal`` (which must have a chosen option) as PDF bytes."""
    option = proposal.chosen
    if option is None:
        raise ValueError("proposal: no option chosen")
    if option["remedy"] == REFERRAL:
        return _referral_letter(proposal, option)
    loan = proposal.loan
    claim = proposal.claim
    waived = option["reconciliation"]["waived"]
    discount = option["reconciliation"]["discount"]
    start = restructured_from(proposal)

    doc = Document(f"还款计划调整协议 Remedy agreement #{proposal.pk}")
    doc.title_block("还款计划调整协议 · Remedy agreement")
    doc.paragraph(
        f"编号 No. {proposal.pk} · 贷款 Loan {loan.loan_no} · {proposal.as_of.isoformat()}"
    )
    _parties(doc, proposal)
    doc.heading(f"二、截至{proposal.as_of.isoformat()}的欠款 The debt at the end of that day")
    doc.table(
        [
            ["项目 Item", "金额（元）Yuan"],
            ["未还本金 Principal outstanding", yuan(claim["principal"])],
            ["逾期利息 Overdue interest", yuan(claim["interest"])],
            ["罚息 Penalty interest", yuan(claim["penalty"])],
            ["复利 Compound interest", yuan(claim["compound"])],
            ["合计 Total", yuan(claim["total"])],
        ],
        widths=(0.6, 0.4),
        numeric=(1,),
    )
    doc.heading("三、调整方案 The remedy")
    doc.paragraph(f"{option['title_zh']} · {option['title_en']}")
    relief = Decimal(waived["total"]) + Decimal(discount["total"])
    doc.key_values(
        [
            *_holiday_lines(option),
            ("每期应还（最高）Largest payment", yuan(option["payment"])),
            ("期数 Instalments", str(option["installments"])),
            ("首期 / 末期 First / last due", f"{option['first_due']} / {option['last_due']}"),
            ("还款总额 Total to pay", yuan(option["total_cost"])),
            ("方案新增利息 New interest", yuan(option["new_interest"])),
            (
                "减免 Waived",
                f"{yuan(relief)}（罚息 penalty {yuan(waived['penalty'])}，复利 compound "
                f"{yuan(waived['compound'])}，利息 interest {yuan(waived['interest'])}，"
                f"折扣 discount {yuan(discount['total'])}）",
            ),
        ]
    )
    doc.heading("四、新还款计划 The new schedule")
    rows = [
        ["期 No.", "到期日 Due", "本金 Principal", "利息及其他 Interest & other", "应还 Payment"]
    ]
    for row in option["schedule"]:
        other = (
            Decimal(row["interest"])
            + Decimal(row["arrears_interest"])
            + Decimal(row["arrears_penalty"])
            + Decimal(row["arrears_compound"])
        )
        rows.append(
            [
                str(row["number"]),
                row["due_date"],
                yuan(row["principal"]),
                yuan(other),
                yuan(row["payment"]),
            ]
        )
    doc.table(rows, widths=(0.1, 0.2, 0.22, 0.26, 0.22), numeric=(2, 3, 4))
    doc.heading("五、条款 Terms")
    doc.paragraph(
        f"1. 新还款计划自{start.isoformat()}起生效，取代原还款计划；此后的还款按新计划分配。"
        f"减免以按期履行本协议为条件：如借款人违约，机构可恢复追收全部原欠款。\n"
        f"2. 重组观察期：自{start.isoformat()}起，至少连续两期按时足额还款且满一年后方可结束；"
        f"观察期内该贷款的风险分类不高于“关注”类。\n"
        f"3. 任何一期逾期超过宽限期，视为本方案未履行，机构将与借款人联系并可采取其他措施。"
    )
    doc.paragraph(
        f"1. The new schedule takes effect on {start.isoformat()} and replaces the old one; "
        f"payments from then on go to the new schedule. The waivers are conditional on keeping "
        f"this agreement: if it is broken, the lender may claim the whole original debt.\n"
        f"2. Observation period: from {start.isoformat()}, until at least two consecutive "
        f"instalments are paid on time and in full and at least one year has passed; meanwhile "
        f"the loan is classed no better than special mention (关注).\n"
        f"3. An instalment unpaid beyond the grace days means the remedy is not kept; the lender "
        f"will contact the borrower and may take other steps."
    )
    _signatures(doc)
    return doc.render(lambda page: f"还款计划调整协议 Remedy agreement #{proposal.pk} · {page}")


def _parties(doc: Document, proposal: RemedyProposal) -> None:
    borrower = proposal.loan.borrower
    doc.heading("一、当事人 Parties")
    doc.key_values(
        [
            *lender_lines(),
            ("借款人 Borrower", f"{borrower.name}（{borrower.borrower_no}）"),
            ("身份证号 ID number", borrower_masked(borrower).id_number),
            ("贷款编号 Loan number", proposal.loan.loan_no),
        ]
    )


def _holiday_lines(option: dict[str, Any]) -> list[tuple[str, str]]:
    """For a payment holiday: how many instalments it covers and what each of them asks."""
    if option["remedy"] != HOLIDAY or not option["schedule"]:
        return []
    months = int(option["months"] or 0)
    during = yuan(option["schedule"][0]["payment"])
    return [
        ("还款假期 Payment holiday", f"前{months}期 first {months} instalment(s)"),
        ("假期内每期应还 Each holiday instalment", during),
    ]


def _signatures(doc: Document) -> None:
    doc.heading("签署 Signatures")
    doc.spacer(10)
    doc.key_values(
        [
            ("借款人签字 Borrower", "\n\n日期 Date:"),
            ("机构（盖章）Lender (seal)", "\n\n日期 Date:"),
        ]
    )


def _referral_letter(proposal: RemedyProposal, option: dict[str, Any]) -> bytes:
    start = restructured_from(proposal)
    until = add_months(start, int(option["months"] or 0))
    doc = Document(f"困难帮扶转介确认书 Hardship referral #{proposal.pk}")
    doc.title_block("困难帮扶转介确认书 · Hardship referral")
    doc.paragraph(
        f"编号 No. {proposal.pk} · 贷款 Loan {proposal.loan.loan_no} · {proposal.as_of.isoformat()}"
    )
    _parties(doc, proposal)
    doc.heading("二、转介与暂停催收 The referral and the pause")
    doc.paragraph(f"{option['title_zh']} · {option['title_en']}")
    doc.paragraph(
        f"自{start.isoformat()}至{until.isoformat()}，机构暂停对本贷款的催收联系和上门拜访，"
        f"并将借款人转介至困难帮扶（债务咨询、社会救助或医疗救助）。原还款计划不变；"
        f"暂停期满前机构将与借款人联系，根据届时的收支情况共同商定还款安排。"
    )
    doc.paragraph(
        f"From {start.isoformat()} to {until.isoformat()} the lender pauses collection calls and "
        f"visits on this loan and refers the borrower to hardship support (debt advice, social "
        f"or medical assistance). The repayment schedule is unchanged; before the pause ends the "
        f"lender will contact the borrower to agree repayments on their income and spending then."
    )
    _signatures(doc)
    return doc.render(lambda page: f"困难帮扶转介确认书 Hardship referral #{proposal.pk} · {page}")
