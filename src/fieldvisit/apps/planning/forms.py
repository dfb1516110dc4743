"""Forms of the plan pages."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.common.forms import DateInput
from fieldvisit.apps.organisation.models import Branch


class BuildForm(forms.Form):
    date = forms.DateField(label=_("Visit day"), widget=DateInput())
    branch = forms.ModelChoiceField(
        label=_("Branch"), queryset=Branch.objects.none(), required=False
    )
    seconds = forms.FloatField(label=_("Solver seconds"), min_value=0.1, max_value=600, initial=10)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        branch = self.fields["branch"]
        assert isinstance(branch, forms.ModelChoiceField)
        if user.is_superuser or user.role == Role.ADMIN:
            branch.queryset = Branch.objects.all()
            branch.empty_label = _("All branches")
        else:
            # A manager plans their own branch only.
            branch.queryset = Branch.objects.filter(pk=user.branch_id)
            branch.required = True
            branch.initial = user.branch_id
            branch.empty_label = None


class RemoveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class StrategyForm(forms.Form):
    strategy = forms.CharField(
        label=_("Strategy (JSON)"), widget=forms.Textarea(attrs={"rows": 24, "spellcheck": "false"})
    )
    certification_courses = forms.CharField(
        label=_("Courses per certification (JSON)"), widget=forms.Textarea(attrs={"rows": 3})
    )
    note = forms.CharField(label=_("What changed"), max_length=300)

    def _json(self, name: str) -> Any:
        try:
            value = json.loads(self.cleaned_data[name])
        except json.JSONDecodeError as exc:
            raise forms.ValidationError(
                _("Not valid JSON: %(error)s"), params={"error": exc}
            ) from exc
        if not isinstance(value, dict):
            raise forms.ValidationError(_("An object {…} is expected."))
        return value

    def clean_strategy(self) -> Any:
        return self._json("strategy")

    def clean_certification_courses(self) -> Any:
        return self._json("certification_courses")
