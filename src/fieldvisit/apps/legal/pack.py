"""The document pack for the court (诉讼材料): the debt statement itemised to the day, the contact
and visit history, the remedies offered and the borrower's answers, and the legal record.

The debt statement's amounts are the delinquency engine's, per instalment, unrounded nowhere
else: :func:`debt_statement` returns them as data (the tests compare them with ``assess`` to the
cent) and :func:`document_pack_pdf` prints them with the basis of each figure.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from fieldvisit.apps.cases.models import CollectionCase, ContactAttempt
from fieldvisit.apps.cases.pii import borrower_masked
from fieldvisit.apps.legal.models import LegalCase
from fieldvisit.apps.legal.selectors import legal_entries
from fieldvisit.apps.loans.models import Loan
from fieldvisit.apps.remedies.engine_io import loan_payments, loan_position, loan_schedule_rows
from fieldvisit.apps.remedies.models import RemedyProposal
from fieldvisit.apps.visits.models import PromiseToPay, VisitReport
from fieldvisit.engines.money import ZERO
from fieldvisit.pdf import Document, yuan


@dataclass(frozen=True)
class DebtLine:
    """One overdue instalment at the end of ``as_of``; money in yuan (engine figures)."""

    number: int
    due_date: dt.date
    days_overdue: int
    scheduled_principal: Decimal
    scheduled_interest: Decimal
    principal: Decimal
    interest: Decimal
    penalty: Decimal
    compound: Decimal
    # True when nothing was paid on the instalment: the charges are then exactly
    # unpaid × penalty rate / 360 × days, which the statement prints as the basis.
    untouched: bool

    @property
    def total(self) -> Decimal:
        return self.principal + self.interest + self.penalty + self.compound


@dataclass(frozen=True)
class DebtStatement:
    as_of: dt.date
    annual_rate: Decimal
    penalty_rate: Decimal
    dpd: int
    lines: tuple[DebtLine, ...]
    principal_not_due: Decimal

    @property
    def overdue_principal(self) -> Decimal:
        return sum((line.principal for line in self.lines), ZERO)

    @property
    def overdue_interest(self) -> Decimal:
        return sum((line.interest for line in self.lines), ZERO)

    @property
    def penalty(self) -> Decimal:
        return sum((line.penalty for line in self.lines), ZERO)

    @property
    def compound(self) -> Decimal:
        return sum((line.compound for line in self.lines), ZERO)

    @property
    def total_due(self) -> Decimal:
        """Overdue principal + interest + penalty + compound: what stops all accrual."""
        return self.overdue_principal + self.overdue_interest + self.penalty + self.compound

    @property
    def total_claim(self) -> Decimal:
        """Everything owed: the total due plus the principal not yet due."""
        return self.total_due + self.principal_not_due


def debt_statement(loan: Loan, as_of: dt.date) -> DebtStatement:
    """The loan's debt at the end of ``as_of``, per overdue instalment, from the engine."""
    position = loan_position(loan, as_of)
    assessment = position.assessment
    scheduled = {r.number: r for r in loan_schedule_rows(loan)}
    lines = []
    not_due = ZERO
    for p in assessment.installments:
        if p.due_date >= as_of:
            not_due += p.unpaid_principal
            continue
        if not (p.unpaid_principal or p.unpaid_interest or p.unpaid_penalty or p.unpaid_compound):
            continue
        row = scheduled[p.number]
        lines.append(
            DebtLine(
                number=p.number,
                due_date=p.due_date,
                days_overdue=(as_of - p.due_date).days,
                scheduled_principal=row.principal,
                scheduled_interest=row.interest,
                principal=p.unpaid_principal,
                interest=p.unpaid_interest,
                penalty=p.unpaid_penalty,
                compound=p.unpaid_compound,
                untouched=(p.unpaid_principal, p.unpaid_interest) == (row.principal, row.interest),
            )
        )
    return DebtStatement(
        as_of=as_of,
        annual_rate=position.loan.annual_rate,
        penalty_rate=position.policy.penalty_rate(position.loan.annual_rate),
        dpd=assessment.dpd,
        lines=tuple(lines),
        principal_not_due=not_due,
    )


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def _basis(line: DebtLine, rate: Decimal) -> tuple[str, str]:
    """(penalty basis, compound basis) in both languages."""
    r = _percent(rate)
    if line.untouched:
        return (
            f"{yuan(line.principal)} × {r} / 360 × {line.days_overdue}天(days)",
            f"{yuan(line.interest)} × {r} / 360 × {line.days_overdue}天(days)",
        )
    words = f"按日计于每日未还额 daily on the unpaid amount, {r} / 360, 见还款记录 see payments"
    return words, words


def document_pack_pdf(legal: LegalCase, as_of: dt.date) -> bytes:
    """The pack for ``legal`` with the debt to the end of ``as_of``, as PDF bytes."""
    case: CollectionCase = legal.case
    loan = case.loan
    borrower = loan.borrower
    masked = borrower_masked(borrower)
    statement = debt_statement(loan, as_of)

    doc = Document(f"诉讼材料 Document pack · {loan.loan_no}")
    doc.title_block("诉讼材料 · Document pack for the court")
    doc.paragraph(
        f"案件 Case #{case.pk} · 移交 Escalation #{legal.pk} · 截至 As of {as_of.isoformat()}"
    )
    doc.heading("一、借款人与合同 Borrower and contract")
    doc.key_values(
        [
            ("借款人 Borrower", f"{borrower.name}（{borrower.borrower_no}）"),
            ("身份证号 ID number", masked.id_number),
            ("贷款编号 Loan", f"{loan.loan_no} · {loan.product.name}"),
            ("本金 Principal", yuan(loan.principal)),
            ("年利率 Annual rate", _percent(Decimal(loan.annual_rate))),
            ("期限 Term", f"{loan.term_months}个月 months · {loan.get_method_display()}"),
            ("放款日 Disbursed", loan.disbursed_on.isoformat()),
            (
                "还款计划版本 Schedule version",
                f"{loan.schedule_version}"
                + (f" · 重组 restructured {loan.restructured_on}" if loan.restructured_on else ""),
            ),
        ]
    )
    doc.heading(f"二、欠款明细（截至{as_of.isoformat()}）Debt statement to the day")
    doc.paragraph(
        f"依据 Basis: 合同年利率 contract rate {_percent(statement.annual_rate)}；"
        f"罚息利率 penalty rate {_percent(statement.penalty_rate)}"
        f"（合同利率上浮，不超上限 contract rate with markup, capped）；"
        f"按实际天数/360计息 actual days / 360。"
        f"罚息按逾期本金、复利按逾期利息，自到期日次日起至{as_of.isoformat()}（含）逐日计算 "
        f"Penalty on overdue principal and compound interest on overdue interest, daily from the "
        f"day after the due date to {as_of.isoformat()} inclusive. 逾期天数 DPD {statement.dpd}."
    )
    rows = [
        [
            "期 No.",
            "到期日 Due",
            "天数 Days",
            "本金 Principal",
            "利息 Interest",
            "罚息 Penalty",
            "复利 Compound",
            "依据 Basis (penalty · compound)",
        ]
    ]
    for line in statement.lines:
        penalty_basis, compound_basis = _basis(line, statement.penalty_rate)
        rows.append(
            [
                str(line.number),
                line.due_date.isoformat(),
                str(line.days_overdue),
                yuan(line.principal),
                yuan(line.interest),
                yuan(line.penalty),
                yuan(line.compound),
                f"本金：第{line.number}期应还 {yuan(line.scheduled_principal)}；"
                f"利息：应还 {yuan(line.scheduled_interest)}；"
                f"罚息 {penalty_basis}；复利 {compound_basis}",
            ]
        )
    rows.append(
        [
            "",
            "合计 Total",
            "",
            yuan(statement.overdue_principal),
            yuan(statement.overdue_interest),
            yuan(statement.penalty),
            yuan(statement.compound),
            f"逾期合计 Total due {yuan(statement.total_due)}",
        ]
    )
    doc.table(rows, widths=(0.05, 0.11, 0.06, 0.11, 0.1, 0.1, 0.1, 0.37), numeric=(2, 3, 4, 5, 6))
    doc.key_values(
        [
            ("逾期应还合计 Total due", yuan(statement.total_due)),
            ("未到期本金 Principal not yet due", yuan(statement.principal_not_due)),
            ("全部欠款 Whole claim", yuan(statement.total_claim)),
        ]
    )
    payments = loan_payments(loan, as_of)
    doc.heading("三、还款记录 Payments received")
    doc.table(
        [["日期 Date", "金额 Amount", "渠道 Channel"]]
        + [[p.paid_on.isoformat(), yuan(p.amount), p.channel or "—"] for p in payments]
        if payments
        else [["日期 Date", "金额 Amount", "渠道 Channel"], ["—", "—", "—"]],
        widths=(0.3, 0.3, 0.4),
        numeric=(1,),
    )

    doc.heading("四、联系与外访记录 Contact and visit history")
    attempts = (
        ContactAttempt.objects.filter(case__loan=loan)
        .select_related("user")
        .order_by("attempted_at", "id")
    )
    doc.table(
        [["时间 When", "方式 Channel", "对象 Whom", "结果 Outcome", "人员 By"]]
        + [
            [
                timezone.localtime(a.attempted_at).strftime("%Y-%m-%d %H:%M"),
                str(a.get_channel_display()),
                str(a.get_target_display()),
                str(a.get_outcome_display()),
                str(a.user),
            ]
            for a in attempts
        ],
        widths=(0.2, 0.15, 0.2, 0.25, 0.2),
    )
    reports = (
        VisitReport.objects.filter(visit__case__loan=loan)
        .select_related("visit")
        .order_by("submitted_at", "id")
    )
    for report in reports:
        doc.paragraph(
            f"外访 Visit {report.visit.date.isoformat()} · {report.get_outcome_display()} · "
            f"原因 causes: {', '.join(report.causes) or '—'} · "
            f"借款人陈述 in their words: {report.borrower_words or '—'}",
            "small",
        )

    doc.heading("五、提供的方案与借款人答复 Remedies offered and the borrower's answers")
    proposals = RemedyProposal.objects.filter(loan=loan).order_by("created_at", "id")
    remedy_rows = [["日期 Date", "方案 Remedy", "状态 Status", "借款人答复 Answer"]]
    for proposal in proposals:
        option = proposal.chosen
        answer = (
            f"{proposal.accepted_on} {proposal.get_acceptance_channel_display()}"
            if proposal.accepted_on
            else "—"
        )
        remedy_rows.append(
            [
                proposal.as_of.isoformat(),
                f"{option['title_zh']} {option['title_en']}" if option else proposal.summary_zh,
                str(proposal.get_status_display()),
                answer,
            ]
        )
    promises = PromiseToPay.objects.filter(case__loan=loan).order_by("due_on", "id")
    for promise in promises:
        remedy_rows.append(
            [
                promise.due_on.isoformat(),
                f"还款承诺 Promise to pay {yuan(promise.amount)}",
                str(promise.get_status_display()),
                "",
            ]
        )
    for report in reports:
        if report.remedy_requested != "none":
            remedy_rows.append(
                [
                    report.visit.date.isoformat(),
                    f"借款人请求 Asked for: {report.get_remedy_requested_display()}",
                    "",
                    "",
                ]
            )
    if len(remedy_rows) == 1:
        remedy_rows.append(["—", "无 None offered or asked for", "—", "—"])
    doc.table(remedy_rows, widths=(0.15, 0.45, 0.15, 0.25))

    doc.heading("六、移交记录 Escalation record")
    doc.paragraph(f"建议理由 Why: {legal.reasons_zh} · {legal.reasons_en}")
    doc.table(
        [["日期 Date", "阶段 Stage", "说明 Note", "人员 By"]]
        + [
            [
                e.on.isoformat(),
                str(e.get_to_status_display() or "文件 document"),
                e.note,
                str(e.user or "—"),
            ]
            for e in legal_entries(legal)
        ],
        widths=(0.15, 0.2, 0.45, 0.2),
    )
    return doc.render(lambda page: f"诉讼材料 Document pack · {loan.loan_no} · {as_of} · {page}")
