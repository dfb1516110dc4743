"""Personal information on case pages: masked by default, revealed one value at a time.

ID numbers show the first 6 and last 4 characters (``110101********1234``), mobile numbers the
first 3 and last 4 (``138****5678``), addresses only the city and district. A user holding
``accounts.reveal_pii`` may reveal one value by an explicit action with a reason; the reveal is
audited (who, which borrower, which field, why, from where) and the value is shown once, in that
response only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.audit.models import AuditAction
from fieldvisit.apps.audit.services import audit_record
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.loans.models import Borrower

REVEAL_PERMISSION = "accounts.reveal_pii"
MIN_REASON_LENGTH = 4


class PiiField(models.TextChoices):
    ID_NUMBER = "id_number", _("ID number")
    PHONE = "phone", _("Mobile")
    HOME_ADDRESS = "home_address", _("Home address")
    WORK_ADDRESS = "work_address", _("Work address")


def mask_id_number(value: str) -> str:
    """``110101199003071234`` → ``110101********1234``."""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """``13812345678`` → ``138****5678``."""
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_address(city: str, district: str) -> str:
    """An exact address is shown as its city and district only."""
    return f"{city}{district}" if district else ""


@dataclass(frozen=True)
class MaskedBorrower:
    """What a case page shows of a borrower before any reveal."""

    id_number: str
    phone: str
    home_address: str
    work_address: str


def borrower_masked(borrower: Borrower) -> MaskedBorrower:
    return MaskedBorrower(
        id_number=mask_id_number(borrower.id_number),
        phone=mask_phone(borrower.phone),
        home_address=mask_address(borrower.city, borrower.home_district),
        work_address=mask_address(borrower.city, borrower.work_district),
    )


def may_reveal(user: Any) -> bool:
    return bool(user.has_perm(REVEAL_PERMISSION))


@transaction.atomic
def pii_reveal(
    *, user: Any, borrower: Borrower, field: str, reason: str, ip: str | None = None
) -> str:
    """The unmasked value of ``field``, after writing the audit row.

    The caller must have fetched the borrower through an access helper (the case page does):
    this checks the permission and the reason, not the scope.
    """
    if not may_reveal(user):
        raise PermissionDenied
    if field not in PiiField.values:
        raise ApplicationError(_("Unknown field."), code="unknown_field")
    reason = reason.strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ApplicationError(_("Give a reason (at least 4 characters)."), code="reason_required")
    audit_record(
        user=user,
        action=AuditAction.PII_REVEAL,
        object_type="borrower",
        object_id=borrower.pk,
        fields=[field],
        reason=reason,
        ip=ip,
    )
    return str(getattr(borrower, field))
