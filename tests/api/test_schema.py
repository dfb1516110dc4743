"""The OpenAPI schema and its docs page: for logged-in users, served without any CDN."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse


def test_the_schema_lists_the_features_endpoints(client, personas):
    client.force_login(personas["manager"])

    response = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    for prefix in ("/api/v1/cases/", "/api/v1/imports/", "/api/v1/plans/", "/api/v1/visits/"):
        assert any(path.startswith(prefix) for path in paths), prefix


def test_the_docs_page_loads_swagger_from_our_own_static_files(client, personas):
    client.force_login(personas["manager"])

    response = client.get(reverse("api-docs"))

    assert response.status_code == 200
    sources = re.findall(r'(?:src|href)="([^"]+)"', response.text)
    assert any("swagger-ui" in source for source in sources)
    assert all(source.startswith(("/", "#")) for source in sources), sources


@pytest.mark.django_db
def test_anonymous_visitors_get_no_schema(client):
    assert client.get(reverse("api-schema")).status_code in (401, 403)


def test_the_committed_schema_is_current_and_warning_free(tmp_path):
    """``docs/api/schema.yml`` is the API's contract; ``make schema`` regenerates it.

    Integer bounds in the schema come from the database backend, so the file is PostgreSQL's
    (the production database, and CI's); on SQLite only the warning-free check applies."""
    from pathlib import Path

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    committed = Path(__file__).resolve().parents[2] / "docs" / "api" / "schema.yml"
    fresh = tmp_path / "schema.yml"

    # `manage.py spectacular` writes in the site's language; another test may have left a
    # different one active in this thread.
    with translation.override(settings.LANGUAGE_CODE):
        call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(fresh))

    if connection.vendor == "postgresql":
        assert fresh.read_text() == committed.read_text(), "run `make schema` and commit it"
