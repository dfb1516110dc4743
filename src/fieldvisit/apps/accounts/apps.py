from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "fieldvisit.apps.accounts"
    label = "accounts"
    verbose_name = _("Accounts and roles")

    def ready(self) -> None:
        from fieldvisit.apps.accounts.services import roles_sync_after_migrate

        # Role groups and their permissions are data the code defines: keep the database in
        # step after every migrate, so a new permission reaches its roles without a migration.
        post_migrate.connect(roles_sync_after_migrate, sender=self)
