"""Writes around a visit given to another team on its day, and what its first team's phones
send for it afterwards.

A phone without a signal keeps the day's route (issue 17). If the manager gives one of its
visits to another team meanwhile, the check-in and report the first team recorded for it reach
the server later: they are not filed on the visit (the new team's record is the visit's), and
they are not lost: :func:`submission_hold` keeps them as they came, for the manager, who marks
them reviewed (:func:`held_submission_review`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.audit.services import audit_record
from fieldvisit.apps.common.clock import now
from fieldvisit.apps.common.errors import ApplicationError
from fieldvisit.apps.organisation.models import Team
from fieldvisit.apps.visits.models import (
    HeldKind,
    HeldStatus,
    HeldSubmission,
    Visit,
    VisitEvent,
    VisitEventKind,
    VisitStatus,
)
from fieldvisit.apps.visits.selectors import may_reassign
from fieldvisit.apps.visits.uploads import CheckedPhoto
from fieldvisit.engines import evidence

AUDIT_REASSIGN = "visit.reassign"
AUDIT_HELD = "visit.held"
AUDIT_HELD_REVIEW = "visit.held_review"


class SubmissionHeld(ApplicationError):
    """What was sent is kept for the manager, not filed: the visit was reassigned."""


def _members(team: Team, visit: Visit) -> list[Any]:
    """Who visits for ``team``: its route's members on the visit's plan, else its agents."""
    stop = visit.plan_stop
    if stop is not None:
        route = stop.route.plan.routes.filter(team=team).first()
        if route is not None and route.members.exists():
            return list(route.members.all())
    return list(team.members.filter(role=Role.AGENT, is_active=True))


@transaction.atomic
def visit_reassign(
    *, visit: Visit, team: Team, user: Any, reason: str, ip: str | None = None
) -> Visit:
    """Give a planned visit to another team of the same branch (an agent fell ill, a team's
    car broke down): its team and agents change, the first team no longer sees it, and an
    event names both teams. Only a planned visit moves: once checked in, it is the team's."""
    locked = Visit.objects.select_for_update().select_related("team").get(pk=visit.pk)
    if not may_reassign(user, locked):
        raise ApplicationError(
            _("Only a manager or the team lead may reassign a visit."), code="forbidden"
        )
    if locked.status != VisitStatus.PLANNED:
        raise ApplicationError(
            _("Only a visit nobody has checked in to can be reassigned."), code="not_planned"
        )
    if team.pk == locked.team_id:
        raise ApplicationError(_("The visit is already that team's."), code="same_team")
    if team.branch_id != locked.team.branch_id:
        raise ApplicationError(_("Choose a team of the same branch."), code="other_branch")
    if not reason.strip():
        raise ApplicationError(_("Say why the visit is reassigned."), code="reason_required")
    from_team = locked.team_id
    locked.team = team
    locked.save(update_fields=["team", "updated_at"])
    locked.agents.set(_members(team, locked))
    VisitEvent.objects.create(
        visit=locked,
        at=now(),
        user=user,
        kind=VisitEventKind.REASSIGNED,
        data={"from_team": from_team, "to_team": team.pk, "reason": reason.strip()},
    )
    audit_record(
        user=user,
        action=AUDIT_REASSIGN,
        object_type="visit",
        object_id=locked.pk,
        fields={"team": [from_team, team.pk]},
        reason=reason.strip(),
        ip=ip,
    )
    visit.team, visit.team_id = team, team.pk
    return locked


def _as_sent(data: Mapping[str, Any]) -> dict[str, Any]:
    """The posted fields as JSON: a form's repeated fields as lists, single values as they are."""
    if hasattr(data, "lists"):
        return {
            name: values if len(values) > 1 else values[0]
            for name, values in data.lists()
            if name not in ("photos", "csrfmiddlewaretoken")
        }
    return {name: value for name, value in data.items() if name != "photos"}


def _check_in_distance(visit: Visit, data: Mapping[str, Any]) -> int | None:
    try:
        fix = evidence.Fix(float(data["latitude"]), float(data["longitude"]), None)
    except (KeyError, TypeError, ValueError):
        return None
    return round(evidence.haversine_m(fix.latitude, fix.longitude, visit.latitude, visit.longitude))


def _consented(data: Mapping[str, Any]) -> bool:
    return str(data.get("photo_consent", "")).lower() in ("true", "on", "1", "yes")


def _held_message(visit: Visit, held: HeldSubmission) -> str:
    moved = (
        VisitEvent.objects.filter(visit=visit, kind=VisitEventKind.REASSIGNED)
        .order_by("-at", "-id")
        .first()
    )
    words = {
        "team": str(visit.team),
        "time": timezone.localtime(moved.at).strftime("%H:%M") if moved else "",
        "id": held.pk,
    }
    what = (
        _t(
            "This visit was reassigned to %(team)s at %(time)s; "
            "your check-in was not recorded on it."
        )
        if held.kind == HeldKind.CHECK_IN
        else _t(
            "This visit was reassigned to %(team)s at %(time)s; your report was not filed on it."
        )
    )
    return (
        what + " " + _t("It is kept for your manager to review (#%(id)s), nothing is lost.")
    ) % words


@transaction.atomic
def submission_hold(
    *,
    visit: Visit,
    user: Any,
    kind: str,
    client_id: uuid.UUID,
    data: Mapping[str, Any],
    device_at: dt.datetime | None = None,
    photos: Sequence[CheckedPhoto] = (),
    ip: str | None = None,
) -> SubmissionHeld:
    """Keep what ``user`` sent for a visit reassigned away from their team, and say so.

    Steps:
      1. a submission kept before under ``client_id`` is the same one (a resend);
      2. keep the fields as sent, both clocks, for a check-in its distance to the address, and
         the photos, only those the borrower consented to (consent comes before any photo);
      3. an event on the visit and an audit row.
    Returns the :class:`SubmissionHeld` to answer with (409: the phone stops resending it).
    """
    held = HeldSubmission.objects.filter(client_generated_id=client_id).first()
    if held is None:
        fields = _as_sent(data)
        if kind == HeldKind.CHECK_IN:
            fields["distance_m"] = _check_in_distance(visit, data)
        stored = []
        if photos and _consented(data):
            for photo in photos:
                photo.upload.seek(0)
                name = default_storage.save(
                    f"visit-photos/held/{visit.pk}-{photo.sha256[:16]}",
                    ContentFile(photo.upload.read()),
                )
                stored.append(
                    {
                        "name": name,
                        "sha256": photo.sha256,
                        "content_type": photo.content_type,
                        "size": photo.size,
                    }
                )
        held = HeldSubmission.objects.create(
            visit=visit,
            user=user,
            kind=kind,
            client_generated_id=client_id,
            received_at=now(),
            device_at=device_at,
            data=fields,
            photos=stored,
        )
        VisitEvent.objects.create(
            visit=visit,
            at=now(),
            user=user,
            kind=VisitEventKind.HELD,
            data={"held": held.pk, "kind": kind},
        )
        audit_record(
            user=user,
            action=AUDIT_HELD,
            object_type="visit",
            object_id=visit.pk,
            fields={"held": held.pk, "kind": kind},
            ip=ip,
        )
    return SubmissionHeld(
        _held_message(visit, held), code="visit_reassigned", extra={"held_id": held.pk}
    )


@transaction.atomic
def held_submission_review(
    *, held: HeldSubmission, user: Any, note: str, ip: str | None = None
) -> HeldSubmission:
    """The manager has read it (and acted on it elsewhere if needed): it leaves their list."""
    if not may_reassign(user, held.visit):
        raise ApplicationError(
            _("Only a manager or the team lead may review this."), code="forbidden"
        )
    at = now()
    updated = HeldSubmission.objects.filter(pk=held.pk, status=HeldStatus.OPEN).update(
        status=HeldStatus.REVIEWED,
        reviewed_by=user,
        reviewed_at=at,
        review_note=note.strip(),
        updated_at=at,
    )
    if updated != 1:
        raise ApplicationError(_("This was reviewed already."), code="conflict")
    audit_record(
        user=user,
        action=AUDIT_HELD_REVIEW,
        object_type="visit",
        object_id=held.visit_id,
        fields={"held": held.pk},
        reason=note.strip(),
        ip=ip,
    )
    held.refresh_from_db()
    return held
