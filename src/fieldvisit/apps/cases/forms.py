"""Forms of the case pages; the filter form also parses the API's query parameters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.cases.models import CaseStatus, ContactChannel, ContactOutcome, ContactTarget
from fieldvisit.apps.cases.pii import PiiField
from fieldvisit.apps.cases.selectors import SORTS, CaseFilters
from fieldvisit.apps.loans.models import Product
from fieldvisit.apps.organisation.models import Branch, Team
from fieldvisit.engines.delinquency import DEFAULT_POLICY

BUCKETS = [(f"M{i}", f"M{i}") for i in range(1, len(DEFAULT_POLICY.bucket_edges))] + [
    (DEFAULT_POLICY.bucket(10**6), DEFAULT_POLICY.bucket(10**6))
]
YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]
SORT_LABELS = {
    "-dpd": _("DPD, highest first"),
    "dpd": _("DPD, lowest first"),
    "-amount_due": _("Amount due, highest first"),
    "amount_due": _("Amount due, lowest first"),
    "-opened_on": _("Newest first"),
    "opened_on": _("Oldest first"),
    "status": _("Status"),
}


def branches_for(user: Any) -> Any:
    if user.is_superuser or user.role == Role.ADMIN:
        return Branch.objects.all()
    return Branch.objects.filter(pk=user.branch_id)


def teams_for(user: Any) -> Any:
    if user.is_superuser or user.role == Role.ADMIN:
        return Team.objects.filter(active=True)
    return Team.objects.filter(Q(branch_id=user.branch_id) | Q(lead=user), active=True)


def agents_for(user: Any) -> Any:
    agents = User.objects.filter(role=Role.AGENT, is_active=True)
    if user.is_superuser or user.role == Role.ADMIN:
        return agents
    return agents.filter(Q(branch_id=user.branch_id) | Q(team__lead=user))


class CaseFilterForm(forms.Form):
    status = forms.MultipleChoiceField(
        label=_("Status"), choices=CaseStatus.choices, required=False
    )
    bucket = forms.MultipleChoiceField(label=_("Bucket"), choices=BUCKETS, required=False)
    dpd_min = forms.IntegerField(label=_("DPD from"), min_value=0, required=False)
    dpd_max = forms.IntegerField(label=_("DPD to"), min_value=0, required=False)
    amount_min = forms.DecimalField(
        label=_("Due from"), min_value=0, decimal_places=2, required=False
    )
    amount_max = forms.DecimalField(
        label=_("Due to"), min_value=0, decimal_places=2, required=False
    )
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects, required=False)
    branch = forms.ModelChoiceField(label=_("Branch"), queryset=Branch.objects, required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects, required=False)
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=User.objects, required=False)
    unassigned = forms.BooleanField(label=_("Unassigned"), required=False)
    district = forms.CharField(label=_("District"), max_length=50, required=False)
    has_promise = forms.ChoiceField(label=_("Has promise"), choices=YES_NO, required=False)
    vulnerable = forms.ChoiceField(label=_("Vulnerable"), choices=YES_NO, required=False)
    include_closed = forms.BooleanField(label=_("Include closed"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"), choices=[(key, SORT_LABELS[key]) for key in SORTS], required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["branch"].queryset = branches_for(user)  # type: ignore[attr-defined]
        self.fields["team"].queryset = teams_for(user)  # type: ignore[attr-defined]
        self.fields["agent"].queryset = agents_for(user)  # type: ignore[attr-defined]

    def filters(self) -> CaseFilters:
        """The valid filters (call after ``is_valid``); an invalid form filters nothing."""
        if not self.is_bound or not self.is_valid():
            return CaseFilters()
        data = self.cleaned_data

        def yes_no(value: str) -> bool | None:
            return {"yes": True, "no": False}.get(value)

        def pk(value: Any) -> int | None:
            return value.pk if value is not None else None

        return CaseFilters(
            status=tuple(data["status"]),
            bucket=tuple(data["bucket"]),
            dpd_min=data["dpd_min"],
            dpd_max=data["dpd_max"],
            amount_min=data["amount_min"],
            amount_max=data["amount_max"],
            product_id=pk(data["product"]),
            branch_id=pk(data["branch"]),
            team_id=pk(data["team"]),
            agent_id=pk(data["agent"]),
            unassigned=data["unassigned"],
            district=data["district"].strip(),
            has_promise=yes_no(data["has_promise"]),
            vulnerable=yes_no(data["vulnerable"]),
            open_only=not data["include_closed"],
            sort=data["sort"] or "-dpd",
        )


class AssignForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects, required=False)
    agent = forms.ModelChoiceField(label=_("Agent"), queryset=User.objects, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500, required=False)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams_for(user)  # type: ignore[attr-defined]
        self.fields["agent"].queryset = agents_for(user)  # type: ignore[attr-defined]


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=PiiField.choices)
    reason = forms.CharField(label=_("Reason"), min_length=4, max_length=500)


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=CaseStatus.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class FlagsForm(forms.Form):
    vulnerable = forms.BooleanField(label=_("Vulnerable"), required=False)
    hardship_hold = forms.BooleanField(label=_("Hardship hold"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ContactAttemptForm(forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=ContactChannel.choices)
    target = forms.ChoiceField(
        label=_("Contacted"), choices=ContactTarget.choices, initial=ContactTarget.BORROWER
    )
    contact_number = forms.CharField(
        label=_("Other number"),
        max_length=20,
        required=False,
        help_text=_("Leave empty for the borrower's mobile."),
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ContactOutcome.choices)
    attempted_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=_("Empty: now."),
    )
    visitors = forms.IntegerField(
        label=_("People on the visit"), min_value=1, max_value=9, required=False, initial=2
    )
    borrower_requested_visit = forms.BooleanField(
        label=_("The borrower asked for a visit"),
        required=False,
        help_text=_("On a call: they asked to be visited. On a visit: it was at their request."),
    )
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    override_reason = forms.CharField(
        label=_("Manager override: reason"),
        max_length=500,
        required=False,
        help_text=_("Managers only; lifts the rules a manager may override."),
    )
