"""The seed's failure story (5.2), end to end: a borrower who refuses all contact is sued.

The borrower pays January and February, then nothing. The nightly batch opens the case; the
team visits twice and is refused both times. The day the loan reaches 90 days past due, the
nightly rule recommends escalation (not a day before); a manager approves on the legal page;
the legal officer records the filing with its document and prints the court pack, whose debt
statement agrees with the delinquency engine to the cent.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.cases.models import CaseStatus, CollectionCase
from fieldvisit.apps.cases.services import case_assign
from fieldvisit.apps.legal.models import LegalCase, LegalStatus
from fieldvisit.apps.legal.pack import debt_statement
from fieldvisit.apps.loans.engine_io import engine_loan
from fieldvisit.apps.loans.models import Installment
from fieldvisit.apps.visits.models import FollowUpTask, TaskKind
from fieldvisit.engines import delinquency
from fieldvisit.pdf import yuan
from tests.apps.remedies.story import HOME, nightly, on, visit
from tests.factories import (
    AgentFactory,
    BranchFactory,
    LoanFactory,
    PaymentFactory,
    TeamFactory,
    UserFactory,
)

REFUSED = {"outcome": "refused", "borrower_words": "别再来了，我不会还的。"}
FILED_ON = dt.date(2025, 6, 20)


@pytest.mark.django_db
def test_refusal_story(monkeypatch, tmp_path):
    branch = BranchFactory(code="SZ-NS", name="南山支行")
    team = TeamFactory(code="NS1", branch=branch)
    agent = AgentFactory(username="agent_chen", team=team)
    partner = AgentFactory(username="agent_zhou", team=team)
    manager = UserFactory(username="manager_sun", role=Role.MANAGER, branch=branch)
    legal_officer = UserFactory(username="legal_wu", role=Role.LEGAL, branch=branch)
    loan = LoanFactory(branch=branch)  # 12,000.00 at 12 % over 12 months from 2025-01-15
    loan.borrower.home_latitude, loan.borrower.home_longitude = HOME
    loan.borrower.save()
    for row in Installment.objects.filter(loan=loan, number__in=[1, 2]):
        PaymentFactory(loan=loan, paid_on=row.due_date, amount=row.principal + row.interest)

    nightly(dt.date(2025, 3, 16), monkeypatch)
    case = CollectionCase.objects.get(loan=loan)
    case_assign(actor=manager, case_ids=[case.pk], agent=agent)
    for day in (dt.date(2025, 5, 20), dt.date(2025, 6, 5)):
        visit(case, team, [agent, partner], day, monkeypatch, fields=REFUSED)

    # 89 days past due: the rule waits.
    nightly(dt.date(2025, 6, 12), monkeypatch)
    assert not LegalCase.objects.exists()
    # 90 days past due after two refusals: escalation is recommended, for a manager to review.
    nightly(dt.date(2025, 6, 13), monkeypatch)
    legal = LegalCase.objects.get(case=case)
    assert legal.status == LegalStatus.RECOMMENDED
    assert legal.facts == {
        "dpd": 90,
        "visit_outcomes": ["refused", "refused"],
        "failed_visits": 2,
        "broken_promises": 0,
    }
    assert legal.reasons_zh == "2次外访中借款人拒绝沟通或无法联系，逾期90天（≥90天）"
    review = FollowUpTask.objects.get(case=case, kind=TaskKind.LEGAL_REVIEW)
    assert (review.assignee, review.due_on) == (None, dt.date(2025, 6, 15))
    nightly(dt.date(2025, 6, 14), monkeypatch)  # idempotent: no second recommendation
    assert LegalCase.objects.filter(case=case).count() == 1

    manager_client, legal_client = Client(), Client()
    manager_client.force_login(manager)
    legal_client.force_login(legal_officer)
    with on(dt.date(2025, 6, 16), monkeypatch):
        # The legal officer sees the recommendation coming, read only; a manager decides it.
        officer_page = legal_client.get(reverse("legal:detail", args=[legal.pk])).content.decode()
        assert 'data-testid="legal-awaiting-decision"' in officer_page
        assert 'data-testid="legal-approve"' not in officer_page
        page = manager_client.get(reverse("legal:detail", args=[legal.pk])).content.decode()
        assert 'data-testid="legal-approve"' in page
        manager_client.post(
            reverse("legal:decide", args=[legal.pk]),
            {"decision": "approve", "reason": "两次上门均拒绝沟通"},
        )
    legal.refresh_from_db()
    case.refresh_from_db()
    assert (legal.status, legal.decided_by) == (LegalStatus.APPROVED, manager)
    assert case.status == CaseStatus.LEGAL

    with on(FILED_ON, monkeypatch):
        legal_client.post(
            reverse("legal:stage", args=[legal.pk]),
            {
                "to_status": "filed",
                "on": FILED_ON.isoformat(),
                "court": "深圳市南山区人民法院",
                "docket_no": "(2025)粤0305民初1234号",
                "note": "起诉状已递交",
                "document": SimpleUploadedFile("complaint.pdf", b"%PDF-1.4 complaint"),
            },
        )
        pack = legal_client.get(reverse("legal:pack", args=[legal.pk]))
    legal.refresh_from_db()
    assert (legal.status, legal.docket_no) == (LegalStatus.FILED, "(2025)粤0305民初1234号")
    assert [e.to_status for e in legal.entries.order_by("on", "at", "id")] == [
        "recommended",
        "approved",
        "filed",
    ]
    assert pack["Content-Type"] == "application/pdf"

    # The pack's debt statement is the engine's, to the cent.
    engine = delinquency.assess(engine_loan(loan), FILED_ON)
    statement = debt_statement(loan, FILED_ON)
    assert (
        statement.overdue_principal,
        statement.overdue_interest,
        statement.penalty,
        statement.compound,
        statement.total_due,
        statement.overdue_principal + statement.principal_not_due,
    ) == (
        engine.overdue_principal,
        engine.overdue_interest,
        engine.penalty_interest,
        engine.compound_interest,
        engine.total_due,
        engine.outstanding_principal,
    )
    assert engine.dpd == 97
    assert [line.number for line in statement.lines] == [3, 4, 5, 6]
    assert statement.penalty > Decimal("0")
    if shutil.which("pdftotext"):
        path = tmp_path / "pack.pdf"
        path.write_bytes(pack.content)
        text = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, check=True, text=True
        ).stdout
        for figure in (engine.total_due, engine.penalty_interest, engine.compound_interest):
            assert yuan(figure) in text
        assert "诉讼材料" in text
        assert "拒绝" in text  # the visit outcome "refused to talk", in Chinese
