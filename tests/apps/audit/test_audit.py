"""The audit log is append-only, in the application and (on PostgreSQL) in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test import RequestFactory
from django.urls import reverse

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.audit.models import AuditEvent, AuditImmutableError
from fieldvisit.apps.audit.services import audit_record
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    user = UserFactory(username="auditor_subject", role=Role.MANAGER)
    return audit_record(
        user=user,
        action="pii.reveal",
        object_type="borrower",
        object_id=42,
        fields=["phone"],
        reason="borrower asked for a call back",
        ip="10.0.0.7",
    )


def test_a_recorded_event_keeps_who_what_which_object_why_and_where(event):
    stored = AuditEvent.objects.get(pk=event.pk)

    assert (stored.username, stored.action, stored.object_type, stored.object_id) == (
        "auditor_subject",
        "pii.reveal",
        "borrower",
        "42",
    )
    assert stored.fields == ["phone"]
    assert stored.reason == "borrower asked for a call back"
    assert stored.ip == "10.0.0.7"


def test_an_event_cannot_be_saved_again(event):
    event.reason = "rewritten"

    with pytest.raises(AuditImmutableError):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).reason == "borrower asked for a call back"


def test_an_event_cannot_be_deleted(event):
    with pytest.raises(AuditImmutableError):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize(
    "operation",
    [
        lambda qs: qs.update(reason="x"),
        lambda qs: qs.delete(),
        lambda qs: qs.bulk_update(list(qs), ["reason"]),
        lambda qs: qs.update_or_create(pk=1, defaults={"reason": "x"}),
    ],
    ids=["update", "delete", "bulk_update", "update_or_create"],
)
def test_querysets_refuse_to_change_or_delete_events(event, operation):
    with pytest.raises(AuditImmutableError):
        operation(AuditEvent.objects.all())

    assert AuditEvent.objects.get(pk=event.pk).reason == "borrower asked for a call back"


def test_the_admin_is_read_only(event):
    admin = site._registry[AuditEvent]
    request = RequestFactory().get("/")
    request.user = UserFactory(role=Role.ADMIN, is_superuser=True, is_staff=True)

    assert admin.has_add_permission(request) is False
    assert admin.has_change_permission(request, event) is False
    assert admin.has_delete_permission(request, event) is False
    assert admin.get_actions(request) == {}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ],
    ids=["update", "delete"],
)
def test_on_postgresql_the_database_refuses_raw_update_and_delete(event, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])

    assert AuditEvent.objects.get(pk=event.pk).reason == "borrower asked for a call back"


# The search page ---------------------------------------------------------------------------------


def test_only_holders_of_view_audit_log_may_search(client, event):
    client.force_login(UserFactory(role=Role.MANAGER))
    assert client.get(reverse("audit:search")).status_code == 403

    client.force_login(UserFactory(role=Role.ADMIN, is_superuser=True))
    assert client.get(reverse("audit:search")).status_code == 200


def test_the_search_filters_by_user_action_object_and_date(client, event):
    other = UserFactory(username="someone_else")
    audit_record(user=other, action="case.assign", object_type="case", object_id=7)
    client.force_login(UserFactory(role=Role.ADMIN, is_superuser=True))
    today = dt.date.today().isoformat()  # noqa: DTZ011 - the page's dates are local dates

    def found(**params):
        response = client.get(reverse("audit:search"), params)
        return [(e.username, e.action) for e in response.context["page"]]

    assert found(username="auditor_subject") == [("auditor_subject", "pii.reveal")]
    assert found(action="case.assign") == [("someone_else", "case.assign")]
    assert found(object_type="borrower", object_id="42") == [("auditor_subject", "pii.reveal")]
    assert len(found(date_from=today, date_to=today)) == 2
    assert found(date_to="2000-01-01") == []


def test_the_search_pages_by_50(client, db):
    for i in range(51):
        audit_record(user=None, action="case.sync", object_type="snapshot", object_id=i)
    client.force_login(UserFactory(role=Role.ADMIN, is_superuser=True))

    first = client.get(reverse("audit:search"))
    second = client.get(reverse("audit:search"), {"page": 2})

    assert len(first.context["page"]) == 50
    assert [e.object_id for e in second.context["page"]] == ["0"]
