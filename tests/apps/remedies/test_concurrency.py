"""Two checkers approve the same proposal at the same moment, each on their own database
connection: exactly one approval counts, the other is told, and nothing of it is written."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from fieldvisit.apps.audit.models import AuditEvent
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.remedies import services
from fieldvisit.apps.remedies.models import RemedyEvent, RemedyProposal, RemedyStatus
from tests.apps.remedies.conftest import AFTER_ILLNESS, AS_OF

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_simultaneous_approvals_count_once(world):
    maker = world.users["agent_a1"]
    proposal = services.remedy_proposal_create(
        case=world.case, user=maker, as_of=AS_OF, affordability=AFTER_ILLNESS
    )
    services.remedy_propose(proposal=proposal, user=maker, option_key=proposal.options[0]["key"])
    checkers = [world.users["manager_a"], world.users["manager_a2"]]
    start = threading.Barrier(len(checkers))
    outcomes: dict[str, str] = {}

    def approve(checker) -> None:
        from django.db import connection as thread_connection

        try:
            mine = RemedyProposal.objects.get(pk=proposal.pk)  # both read "proposed"
            start.wait(timeout=10)
            services.remedy_approve(proposal=mine, user=checker, reason=checker.username)
            outcomes[checker.username] = "approved"
        except ApplicationError as exc:
            outcomes[checker.username] = exc.code
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=approve, args=(c,)) for c in checkers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["approved", "conflict"]
    winner = next(name for name, result in outcomes.items() if result == "approved")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.checker.username) == (RemedyStatus.APPROVED, winner)
    assert RemedyEvent.objects.filter(proposal=proposal, to_status="approved").count() == 1
    assert AuditEvent.objects.filter(action="remedy.approve").count() == 1
