"""The active strategy learns the escalation exclusion (issue 14): from the moment escalation to
legal is recommended, no more pre-legal visits.

A strategy version is never edited: when the active one has no exclusion of that kind, the next
version is written with the default strategy's EX-ESCALATION inserted before the complaint rule
(or before the address rule, or last), made active, and says so in its note. A database without
a strategy yet gets the new default on first use.
"""

from __future__ import annotations

from django.db import migrations

KIND = "escalation_recommended"
RULE = {
    "id": "EX-ESCALATION",
    "kind": KIND,
    "overridable": True,
    "unless_borrower_asked": True,
    "label_zh": "已建议移交法务",
    "label_en": "Escalation recommended",
    "explain_zh": "已建议移交法务，待主管决定；决定之前不再安排诉前上门。",
    "explain_en": (
        "Escalation to legal is recommended and awaits a manager's decision; no more "
        "pre-legal visits until then."
    ),
}


def add_exclusion(apps, schema_editor):
    Version = apps.get_model("planning", "VisitStrategyVersion")
    active = Version.objects.filter(active=True).first()
    if active is None:
        return
    exclusions = list(active.data.get("exclusions", []))
    if any(rule.get("kind") == KIND for rule in exclusions):
        return
    ids = {rule.get("id") for rule in exclusions} | {
        rule.get("id") for rule in active.data.get("eligibility", [])
    }
    if RULE["id"] in ids:
        return  # a manager's own rule has that id: leave their strategy to them
    kinds = [rule.get("kind") for rule in exclusions]
    at = next(
        (kinds.index(k) for k in ("complaint_open", "address_unknown") if k in kinds),
        len(exclusions),
    )
    exclusions.insert(at, dict(RULE))
    latest = Version.objects.order_by("-version").values_list("version", flat=True).first()
    Version.objects.filter(pk=active.pk).update(active=False)
    Version.objects.create(
        name=active.name,
        version=latest + 1,
        data={**active.data, "version": latest + 1, "exclusions": exclusions},
        certification_courses=active.certification_courses,
        active=True,
        note=f"v{active.version} + EX-ESCALATION (no pre-legal visits once escalation is "
        "recommended)",
    )


class Migration(migrations.Migration):
    dependencies = [("planning", "0001_initial")]

    operations = [migrations.RunPython(add_exclusion, migrations.RunPython.noop)]
