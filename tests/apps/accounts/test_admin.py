"""The administration moves a person to another role the same way an applied import change does:
into the role's group (its permissions), audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fieldvisit.apps.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def form_data(form) -> dict[str, object]:
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is None:
            continue
        if isinstance(value, list | tuple):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = getattr(value, "pk", value)
    data = {k: v for k, v in data.items() if v is not False}
    for split in ("date_joined", "last_login"):  # the admin's split date and time widgets
        if split in data:
            moment = data.pop(split)
            data[f"{split}_0"], data[f"{split}_1"] = f"{moment:%Y-%m-%d}", f"{moment:%H:%M:%S}"
    return data


def test_a_role_changed_in_the_admin_moves_the_user_into_the_roles_group(client, personas):
    agent = personas["agent"]
    assert not agent.has_perm("accounts.reveal_pii")
    client.force_login(personas["admin"])
    url = reverse("admin:accounts_user_change", args=[agent.pk])
    form = client.get(url).context["adminform"].form
    data = {**form_data(form), "role": "manager"}
    data.pop("password", None)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    agent = type(agent).objects.get(pk=agent.pk)
    assert agent.role == "manager"
    assert [g.name for g in agent.groups.all()] == ["manager"]
    assert agent.has_perm("accounts.reveal_pii")
    event = AuditEvent.objects.get(action="user.placement")
    assert (event.username, event.object_id, event.fields) == (
        "admin",
        str(agent.pk),
        {"role": ["agent", "manager"]},
    )
