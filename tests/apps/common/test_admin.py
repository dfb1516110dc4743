"""Every model of the product has an admin page that opens, in both languages; workflow records
are read-only there (their changes go through the services that write events and audit rows)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from fieldvisit.apps.common.admin import ReadOnlyAdmin

PRODUCT_APPS = {
    "accounts", "organisation", "loans", "delinquency", "cases", "audit", "imports", "training",
    "planning", "visits", "remedies", "followup", "legal", "analytics",
}  # fmt: skip
INLINE_ONLY = {"loans.Installment"}  # shown on its loan's page


def product_models():
    return [
        model
        for model in apps.get_models()
        if model._meta.app_label in PRODUCT_APPS
        and f"{model._meta.app_label}.{model.__name__}" not in INLINE_ONLY
    ]


def test_every_product_model_is_in_the_admin():
    missing = [m.__name__ for m in product_models() if m not in admin.site._registry]

    assert missing == []


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_every_admin_list_opens_for_the_administrator(client, personas, language):
    client.force_login(personas["admin"])
    client.cookies["django_language"] = language

    failures = {
        model.__name__: response.status_code
        for model in product_models()
        if (
            response := client.get(
                reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            )
        ).status_code
        != 200
    }

    assert failures == {}


def test_workflow_records_cannot_be_edited_in_the_admin(client, personas):
    from fieldvisit.apps.cases.models import CollectionCase

    assert isinstance(admin.site._registry[CollectionCase], ReadOnlyAdmin)
    client.force_login(personas["admin"])

    response = client.get(reverse("admin:cases_collectioncase_add"))

    assert response.status_code == 403
