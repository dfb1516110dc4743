from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.remedies.models import AcceptanceChannel


def _money(label: Any, **kwargs: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=12, decimal_places=2, min_value=Decimal("0"), **kwargs
    )


class AffordabilityForm(forms.Form):
    """Monthly totals, for a proposal opened from a case without a visit report."""

    income = _money(_("Monthly income"))
    fixed_costs = _money(_("Fixed costs"), initial=0)
    flexible_costs = _money(_("Flexible costs"), initial=0)
    other_debts = _money(_("Other debts' payments"), initial=0)
    lump_sum = _money(_("Lump sum available"), initial=0)


class LumpSumForm(forms.Form):
    lump_sum = _money(_("Lump sum available"), initial=0)


class ProposeForm(forms.Form):
    option = forms.CharField(max_length=80)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


class AcceptForm(forms.Form):
    accepted_on = forms.DateField(label=_("Accepted on"))
    channel = forms.ChoiceField(label=_("How"), choices=AcceptanceChannel.choices)
    signed_letter = forms.FileField(label=_("Signed letter"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)
