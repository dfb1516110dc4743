"""Forms of the training pages (the API reuses them for validation)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.cases.models import CollectionCase
from fieldvisit.apps.common.forms import DateInput
from fieldvisit.apps.training.models import (
    ComplaintCategory,
    ComplaintChannel,
    Course,
    Severity,
)
from fieldvisit.apps.training.selectors import agents_for


class AgentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.team.name})" if obj.team_id else str(obj)


class AgentsChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj} ({obj.team.name})" if obj.team_id else str(obj)


class SessionForm(forms.Form):
    course = forms.ModelChoiceField(label=_("Course"), queryset=Course.objects.filter(active=True))
    date = forms.DateField(label=_("Date"), widget=DateInput())
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    agents = AgentsChoiceField(
        label=_("Agents"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agents"].queryset = agents_for(user)  # type: ignore[attr-defined]


class MaterialForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    file = forms.FileField(label=_("File"))


class ComplaintForm(forms.Form):
    agent = AgentChoiceField(label=_("Agent"), queryset=User.objects.none())
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())
    channel = forms.ChoiceField(label=_("Channel"), choices=ComplaintChannel.choices)
    category = forms.ChoiceField(label=_("Type"), choices=ComplaintCategory.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    case = forms.IntegerField(label=_("Case number"), min_value=1, required=False)
    content = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["agent"].queryset = agents_for(user)  # type: ignore[attr-defined]

    def clean_case(self) -> CollectionCase | None:
        number = self.cleaned_data.get("case")
        if number is None:
            return None
        case = CollectionCase.objects.filter(pk=number).first()
        if case is None:
            raise forms.ValidationError(_("No such case."))
        return case

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        case, agent = data.get("case"), data.get("agent")
        # Named by number only; it must be a case of the agent's branch (no probing elsewhere).
        if case is not None and agent is not None and case.branch_id != agent.branch_id:
            self.add_error("case", _("No such case."))
        return data


class ClearForm(forms.Form):
    on_date = forms.DateField(label=_("Assignable again from"), widget=DateInput())
    note = forms.CharField(label=_("Why"), max_length=1000)


class DrawForm(forms.Form):
    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )
    seed = forms.IntegerField(label=_("Seed"), min_value=0, max_value=2**31 - 1)


class ReviewForm(forms.Form):
    conduct = forms.IntegerField(label=_("Conduct"), min_value=0, max_value=5)
    empathy = forms.IntegerField(label=_("Empathy"), min_value=0, max_value=5)
    accuracy = forms.IntegerField(label=_("Accuracy of the record"), min_value=0, max_value=5)
    compliance = forms.IntegerField(label=_("Compliance"), min_value=0, max_value=5)
    feedback = forms.CharField(
        label=_("Feedback for the agent"), widget=forms.Textarea(attrs={"rows": 4})
    )


def default_month(today: dt.date) -> dt.date:
    """The previous calendar month: QA samples a month once it is over."""
    return (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
