from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "fieldvisit.apps.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        # The summary tables are refreshed from each day's snapshot, inside its transaction,
        # after the cases sync (INSTALLED_APPS order): they always agree with the stored day.
        if apps.is_installed("fieldvisit.apps.delinquency"):
            from fieldvisit.apps.analytics.refresh import analytics_snapshot_hook
            from fieldvisit.apps.delinquency.hooks import register_snapshot_hook

            register_snapshot_hook(analytics_snapshot_hook)
