"""Mask the personal values that error reports stored before they were masked on the way in.

Irreversible on purpose: the clear values are gone.
"""

from pathlib import Path

from django.db import migrations


def mask_stored_values(apps, schema_editor):
    from fieldvisit.apps.imports.masking import mask_value
    from fieldvisit.apps.imports.specs import SPECS, Pii, kind_of

    personal = {
        (kind, column.name): column.pii
        for kind, spec in SPECS.items()
        for column in spec.columns
        if column.pii != Pii.NONE
    }
    columns = {name for _kind, name in personal}
    ImportRowError = apps.get_model("imports", "ImportRowError")
    rows = ImportRowError.objects.filter(column__in=columns).exclude(value="")
    for error in rows.select_related("job").iterator():
        # The kind the job gave the file (``--kind``), else the one its name tells.
        kinds = {f.get("name"): f.get("kind") for f in error.job.files or []}
        kind = kinds.get(error.file) or kind_of(Path(error.file).stem) or ""
        pii = personal.get((kind, error.column))
        if pii is None:
            continue
        masked = mask_value(pii, error.value)
        if masked != error.value:
            ImportRowError.objects.filter(pk=error.pk).update(value=masked)


class Migration(migrations.Migration):
    dependencies = [("imports", "0002_job_ip")]

    operations = [migrations.RunPython(mask_stored_values, migrations.RunPython.noop)]
