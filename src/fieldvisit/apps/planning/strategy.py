"""The visit strategy as versioned rows: the active version, and saving an edit as a new one."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _t

from fieldvisit.apps.audit.services import audit_record
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.planning.models import VisitStrategyVersion
from fieldvisit.engines.scoring import InvalidStrategy, VisitStrategy, default_strategy

# The demo's course codes (fieldvisit.demo.organisation.COURSES) for the certifications the default
# strategy asks for. A course whose code is the certification's own name always counts too.
DEFAULT_CERTIFICATION_COURSES: dict[str, list[str]] = {
    "conduct_law": ["FV-COMPLIANCE"],
    "communication": ["COMM-COUNSEL"],
    "counselling": ["COMM-COUNSEL"],
}


def strategy_active() -> VisitStrategyVersion:
    """The active strategy version; the default strategy becomes version 1 on first use."""
    active = VisitStrategyVersion.objects.filter(active=True).first()
    if active is not None:
        return active
    with transaction.atomic():
        if not VisitStrategyVersion.objects.exists():
            try:
                with transaction.atomic():
                    return VisitStrategyVersion.objects.create(
                        name="default",
                        version=1,
                        data=default_strategy().to_mapping(),
                        certification_courses=DEFAULT_CERTIFICATION_COURSES,
                        active=True,
                        note="default_strategy.toml",
                    )
            except IntegrityError:
                pass  # a concurrent first use created it
    return VisitStrategyVersion.objects.get(active=True)


def strategy_of(version: VisitStrategyVersion) -> VisitStrategy:
    """The engine's strategy for a stored version (validated when it was saved)."""
    return VisitStrategy.from_mapping(version.data)


@transaction.atomic
def strategy_save(
    *,
    data: dict[str, Any],
    certification_courses: dict[str, list[str]],
    user: Any,
    note: str = "",
    ip: str | None = None,
) -> VisitStrategyVersion:
    """Save an edited strategy as the next version and make it the active one.

    ``data`` is :meth:`VisitStrategy.to_mapping`'s shape; its ``version`` is set here. Invalid
    data raises :class:`ApplicationError` naming the field.
    """
    current = strategy_active()
    latest = VisitStrategyVersion.objects.select_for_update().aggregate(v=Max("version"))["v"] or 0
    data = {**data, "version": latest + 1}
    try:
        strategy = VisitStrategy.from_mapping(data)
    except InvalidStrategy as exc:
        raise ApplicationError(
            _t("The strategy is not valid: %(error)s") % {"error": exc}, code="invalid_strategy"
        ) from exc
    if not isinstance(certification_courses, dict) or not all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(c, str) for c in v)
        for k, v in certification_courses.items()
    ):
        raise ApplicationError(
            _t("Courses per certification must map names to lists of course codes."),
            code="invalid_strategy",
        )
    VisitStrategyVersion.objects.filter(active=True).update(active=False)
    version = VisitStrategyVersion.objects.create(
        name=strategy.name,
        version=strategy.version,
        data=strategy.to_mapping(),
        certification_courses=certification_courses,
        active=True,
        note=note,
        created_by=user if user is not None and user.is_authenticated else None,
    )
    audit_record(
        user=user,
        action="strategy.save",
        object_type="visit_strategy",
        object_id=version.pk,
        fields={"version": [current.version, version.version]},
        reason=note,
        ip=ip,
    )
    return version
