from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class RemediesConfig(AppConfig):
    name = "fieldvisit.apps.remedies"
    label = "remedies"
    verbose_name = _("Remedies")

    def ready(self) -> None:
        # Applied remedies are tracked (on track / broken) from each day's snapshot, in its
        # transaction, after the cases have been synced (see fieldvisit.apps.delinquency.hooks).
        if apps.is_installed("fieldvisit.apps.delinquency"):
            from fieldvisit.apps.delinquency.hooks import register_snapshot_hook
            from fieldvisit.apps.remedies.tracking import remedies_track_from_snapshot

            register_snapshot_hook(remedies_track_from_snapshot)
