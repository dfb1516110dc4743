from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.common.forms import DateInput
from fieldvisit.apps.legal.models import LegalStatus
from fieldvisit.apps.legal.transitions import STAGES


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class StageForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Stage"), choices=[(s.value, s.label) for s in STAGES])
    on = forms.DateField(label=_("Date"), widget=DateInput())
    court = forms.CharField(label=_("Court"), required=False, max_length=100)
    docket_no = forms.CharField(label=_("Docket number"), required=False, max_length=60)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    document = forms.FileField(label=_("Document"), required=False)


class DocumentForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)
    document = forms.FileField(label=_("Document"))


__all__ = ["DecideForm", "DocumentForm", "LegalStatus", "StageForm"]
