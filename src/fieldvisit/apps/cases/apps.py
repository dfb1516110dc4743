from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "fieldvisit.apps.cases"
    label = "cases"
    verbose_name = _("Collection cases")

    def ready(self) -> None:
        # Cases open and close from each day's delinquency snapshot, inside the snapshot's
        # transaction (see fieldvisit.apps.delinquency.hooks).
        if apps.is_installed("fieldvisit.apps.delinquency"):
            from fieldvisit.apps.cases.services import cases_snapshot_hook
            from fieldvisit.apps.delinquency.hooks import register_snapshot_hook

            register_snapshot_hook(cases_snapshot_hook)
