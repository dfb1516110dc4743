from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class LegalConfig(AppConfig):
    name = "fieldvisit.apps.legal"
    label = "legal"
    verbose_name = _("Legal")

    def ready(self) -> None:
        # Escalation is recommended from each day's snapshot, after promises were marked.
        if apps.is_installed("fieldvisit.apps.delinquency"):
            from fieldvisit.apps.delinquency.hooks import register_snapshot_hook
            from fieldvisit.apps.legal.services import legal_recommend_from_snapshot

            register_snapshot_hook(legal_recommend_from_snapshot)
