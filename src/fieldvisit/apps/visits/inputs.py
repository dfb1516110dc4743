"""Validating a visit report, field by field, with a message the agent can act on.

One serializer serves the API and the report page (the page posts the same fields), so a rule
and its message live in one place. ``ReportInput.to_service()`` splits the clean values into
what :func:`fieldvisit.apps.visits.services.visit_report_submit` takes.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from fieldvisit.apps.common.clock import business_date
from fieldvisit.apps.visits import sfs
from fieldvisit.apps.visits.models import (
    TALKED_OUTCOMES,
    Cause,
    Employment,
    Housing,
    NextStep,
    Outcome,
    Remedy,
    StateOfMind,
    Understood,
)
from fieldvisit.apps.visits.uploads import PhotoRejected, check_photo, max_photos

MONEY_ERRORS: dict[str, Any] = {
    "min_value": _("Cannot be negative."),
    "invalid": _("Enter an amount, e.g. 1200.50."),
    "max_decimal_places": _("At most two decimals (fen)."),
    "max_digits": _("That amount is too large."),
    "max_whole_digits": _("That amount is too large."),
}
RATING_ERRORS: dict[str, Any] = {
    "min_value": _("Choose 1 to 5."),
    "max_value": _("Choose 1 to 5."),
    "invalid": _("Choose 1 to 5."),
}


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0"),
        required=False,
        allow_null=True,
        error_messages=MONEY_ERRORS,
        **kwargs,
    )


def _rating() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True, error_messages=RATING_ERRORS
    )


def _text(max_length: int = 4000) -> serializers.CharField:
    return serializers.CharField(required=False, allow_blank=True, max_length=max_length)


def _choice(choices: Any, default: str = "") -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices, required=False, allow_blank=True, default=default
    )


class ReportInput(serializers.Serializer):  # type: ignore[type-arg]
    client_id = serializers.UUIDField(
        error_messages={"required": _("Missing client id."), "invalid": _("Invalid client id.")}
    )
    outcome = serializers.ChoiceField(
        choices=Outcome.choices, error_messages={"required": _("Choose the outcome.")}
    )
    met_relation = _text(50)
    causes = serializers.MultipleChoiceField(choices=Cause.choices, required=False)
    cause_other = _text(200)
    household_size = serializers.IntegerField(
        min_value=1, max_value=30, required=False, allow_null=True
    )
    dependants = serializers.IntegerField(
        min_value=0, max_value=30, required=False, allow_null=True
    )
    employment = _choice(Employment.choices)
    housing = _choice(Housing.choices)
    living_conditions = _text()
    state_of_mind = _choice(StateOfMind.choices)
    understood_terms = _choice(Understood.choices)
    mis_explained = _text()
    rating_clarity = _rating()
    rating_fairness = _rating()
    rating_service = _rating()
    borrower_words = _text()
    promise_amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        required=False,
        allow_null=True,
        error_messages={**MONEY_ERRORS, "min_value": _("The promised amount must be above zero.")},
    )
    promise_date = serializers.DateField(
        required=False, allow_null=True, error_messages={"invalid": _("Enter a date.")}
    )
    remedy_requested = _choice(Remedy.choices, Remedy.NONE)
    next_step = _choice(NextStep.choices, NextStep.NONE)
    next_step_date = serializers.DateField(required=False, allow_null=True)
    next_step_note = _text()
    borrower_asked_visit = serializers.BooleanField(required=False, default=False)
    conduct_introduced = serializers.BooleanField(required=False, default=False)
    conduct_two_staff = serializers.BooleanField(required=False, default=False)
    conduct_no_third_party = serializers.BooleanField(required=False, default=False)
    conduct_consent_asked = serializers.BooleanField(required=False, default=False)
    conduct_no_cash = serializers.BooleanField(required=False, default=False)
    photo_consent = serializers.BooleanField(required=False, default=False)
    recording_consent = serializers.BooleanField(required=False, default=False)
    audio_reference = _text(200)
    notes = _text()
    photos = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True), required=False, default=list
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category in sfs.CATEGORIES:
            self.fields[category.key] = _money(label=category.label)

    def to_internal_value(self, data: Any) -> Any:
        # An empty form input arrives as ""; for an optional number or date it means "not given".
        blank_is_none = [
            name
            for name, field in self.fields.items()
            if isinstance(
                field, serializers.DecimalField | serializers.IntegerField | serializers.DateField
            )
        ]
        if hasattr(data, "getlist"):
            data = data.copy()
        elif isinstance(data, dict):
            data = dict(data)
        else:
            return super().to_internal_value(data)
        for name in blank_is_none:
            if data.get(name) == "":
                data[name] = None
        return super().to_internal_value(data)

    def validate_promise_date(self, value: Any) -> Any:
        if value is not None and value < business_date():
            raise serializers.ValidationError(_("The promise date is in the past."))
        return value

    def validate_next_step_date(self, value: Any) -> Any:
        if value is not None and value < business_date():
            raise serializers.ValidationError(_("The date is in the past."))
        return value

    def validate_photos(self, value: list[Any]) -> list[Any]:
        if len(value) > max_photos():
            raise serializers.ValidationError(
                _("At most %(count)d photos.") % {"count": max_photos()}
            )
        checked = []
        errors = []
        for upload in value:
            try:
                checked.append(check_photo(upload))
            except PhotoRejected as exc:
                errors.append(str(exc))
        if errors:
            raise serializers.ValidationError(errors)
        return checked

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors: dict[str, Any] = {}
        talked = attrs["outcome"] in TALKED_OUTCOMES
        if attrs["outcome"] == Outcome.MET_FAMILY and not attrs.get("met_relation", "").strip():
            errors["met_relation"] = _("Say who you met (e.g. spouse, parent).")
        if Cause.OTHER in attrs.get("causes", set()) and not attrs.get("cause_other", "").strip():
            errors["cause_other"] = _("Describe the other cause.")
        amount, day = attrs.get("promise_amount"), attrs.get("promise_date")
        if amount is not None and day is None:
            errors["promise_date"] = _("Give the date of the promise.")
        if day is not None and amount is None:
            errors["promise_amount"] = _("Give the amount promised.")
        if amount is not None and not talked:
            errors["promise_amount"] = _("A promise needs someone you spoke with.")
        if attrs.get("next_step") == NextStep.CALL and day is None and "promise_date" not in errors:
            errors["next_step"] = _("A call on the promise date needs a promise.")
        size, dependants = attrs.get("household_size"), attrs.get("dependants")
        if size is not None and dependants is not None and dependants >= size:
            errors["dependants"] = _("Dependants must be fewer than the people in the household.")
        if attrs.get("photos") and not attrs.get("photo_consent"):
            errors["photos"] = _("Photos need the borrower's recorded consent.")
        if attrs.get("audio_reference", "").strip() and not attrs.get("recording_consent"):
            errors["audio_reference"] = _("A recording needs the borrower's recorded consent.")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def to_service(self) -> dict[str, Any]:
        """``{"client_id", "fields", "amounts", "photos"}`` for the submit service."""
        data = dict(self.validated_data)
        amounts = {key: data.pop(key) for key in sfs.KEYS if data.get(key) is not None}
        for key in sfs.KEYS:
            data.pop(key, None)
        client_id = data.pop("client_id")
        photos = data.pop("photos", [])
        data["causes"] = sorted(data.get("causes", set()))
        return {"client_id": client_id, "fields": data, "amounts": amounts, "photos": photos}


class AmendInput(ReportInput):
    amendment_reason = serializers.CharField(
        max_length=2000,
        error_messages={
            "required": _("Say why the report is amended."),
            "blank": _("Say why the report is amended."),
        },
    )

    def validate_promise_date(self, value: Any) -> Any:
        # An amendment may restate a promise whose date has passed since the visit, not one
        # dated before the visit itself.
        visit_date = self.context["visit_date"]
        if value is not None and value < visit_date:
            raise serializers.ValidationError(_("The promise date is before the visit."))
        return value


class CheckInInput(serializers.Serializer):  # type: ignore[type-arg]
    latitude = serializers.FloatField(min_value=-90, max_value=90, required=False, allow_null=True)
    longitude = serializers.FloatField(
        min_value=-180, max_value=180, required=False, allow_null=True
    )
    accuracy = serializers.FloatField(min_value=0, required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    # A check-in made without a signal: the phone's clock when it was made, its own id (a
    # resend is the same check-in), and that it comes from the phone's queue.
    device_at = serializers.DateTimeField(
        required=False, allow_null=True, error_messages={"invalid": _("Invalid time.")}
    )
    client_id = serializers.UUIDField(
        required=False, allow_null=True, error_messages={"invalid": _("Invalid client id.")}
    )
    queued = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("latitude") is None) != (attrs.get("longitude") is None):
            raise serializers.ValidationError({"latitude": _("Give both latitude and longitude.")})
        return attrs
