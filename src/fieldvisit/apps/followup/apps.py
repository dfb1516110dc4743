from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    """Promise tracking and task lists over the visits app's PromiseToPay and FollowUpTask."""

    name = "fieldvisit.apps.followup"
    label = "followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        if apps.is_installed("fieldvisit.apps.delinquency"):
            from fieldvisit.apps.delinquency.hooks import register_snapshot_hook
            from fieldvisit.apps.followup.services import promises_mark_from_snapshot

            register_snapshot_hook(promises_mark_from_snapshot)
