"""How a proposal's options read on the page: shares as percentages, not fractions."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from fieldvisit.apps.remedies import services
from fieldvisit.apps.remedies.templatetags.remedies import percent
from tests.apps.remedies.conftest import AFTER_ILLNESS, AS_OF


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("0.1179", "11.79%"),
        ("0.117949", "11.79%"),
        ("0.117950", "11.80%"),
        ("0", "0.00%"),
        ("0.24", "24.00%"),
        (None, "—"),
        ("", "—"),
        ("n/a", "—"),
    ],
)
def test_percent_shows_a_share_with_two_places(value, shown):
    assert percent(value) == shown


@pytest.mark.django_db
def test_the_option_cards_show_the_all_in_rate_as_a_percentage(world):
    maker = world.users["agent_a1"]
    proposal = services.remedy_proposal_create(
        case=world.case, user=maker, as_of=AS_OF, affordability=AFTER_ILLNESS
    )
    best = proposal.options[0]
    client = Client()
    client.force_login(maker)

    page = client.get(reverse("remedies:detail", args=[proposal.pk])).content.decode()

    rates = re.findall(r'data-testid="option-all-in-rate">([^<]*)<', page)
    expected = f"{(Decimal(best['all_in_annual_rate']) * 100).quantize(Decimal('0.01'))}%"
    assert rates[0] == expected
    assert all(rate.endswith("%") or rate == "—" for rate in rates)
    assert best["all_in_annual_rate"] not in page  # the fraction itself is not shown
