"""The remedy agreement letter (还款计划调整协议): bilingual, one PDF, from the proposal's snapshot.

It states the parties, the claim being restructured, the chosen remedy with the engine's
explanation, what is waived, the new schedule, the conditions and the observation period, and
leaves room for both signatures. Everything comes from the stored option, so the letter the
borrower signs matches what the checker approved.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fieldvisit.apps.cases.pii import borrower_masked
from fieldvisit.apps.remedies.models import RemedyProposal
from fieldvisit.pdf import Document, yuan


def restructured_from(proposal: RemedyProposal) -> dt.date:
    """The day the new schedule takes effect: the day after the state it was computed on."""
    return proposal.as_of + dt.timedelta(days=1)


def agreement_letter_pdf(proposal: RemedyProposal) -> bytes:
    """The agreement letter of ``proposal`` (which must have a chosen option) as PDF bytes."""
    option = proposal.chosen
    if option is None:
        raise ValueError("proposal: no option chosen")
    loan = proposal.loan
    borrower = loan.borrower
    masked = borrower_masked(borrower)
    claim = proposal.claim
    waived = option["reconciliation"]["waived"]
    discount = option["reconciliation"]["discount"]
    start = restructured_from(proposal)

    doc = Document(f"还款计划调整协议 Remedy agreement #{proposal.pk}")
    doc.title_block("还款计划调整协议 · Remedy agreement")
    doc.paragraph(
        f"编号 No. {proposal.pk} · 贷款 Loan {loan.loan_no} · {proposal.as_of.isoformat()}"
    )
    doc.heading("一、当事人 Parties")
    doc.key_values(
        [
            ("贷款机构 Lender", f"{loan.branch.name}"),
            ("借款人 Borrower", f"{borrower.name}（{borrower.borrower_no}）"),
            ("身份证号 ID number", masked.id_number),
            ("贷款编号 Loan number", loan.loan_no),
        ]
    )
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
    doc.paragraph(option["explanation_zh"])
    doc.paragraph(option["explanation_en"])
    relief = Decimal(waived["total"]) + Decimal(discount["total"])
    doc.key_values(
        [
            ("月供（最高）Largest payment", yuan(option["payment"])),
            ("期数 Instalments", str(option["installments"])),
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
    doc.heading("六、签署 Signatures")
    doc.spacer(10)
    doc.key_values(
        [
            ("借款人签字 Borrower", "\n\n日期 Date:"),
            ("机构（盖章）Lender (seal)", "\n\n日期 Date:"),
        ]
    )
    return doc.render(lambda page: f"还款计划调整协议 Remedy agreement #{proposal.pk} · {page}")
