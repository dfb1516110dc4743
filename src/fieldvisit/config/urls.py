from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from fieldvisit.apps.accounts.views import AdminLoginView, home
from fieldvisit.apps.common.views import healthz
from fieldvisit.apps.visits import pwa

admin.site.site_header = _("fieldvisit administration")
admin.site.site_title = _("fieldvisit")

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    # The phone app: the worker's scope is the whole site; the manifest names it (visits/pwa.py).
    path("sw.js", pwa.service_worker, name="service-worker"),
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("accounts/", include("fieldvisit.apps.accounts.urls")),
    path("cases/", include("fieldvisit.apps.cases.urls")),
    path("planning/", include("fieldvisit.apps.planning.urls")),
    path("audit/", include("fieldvisit.apps.audit.urls")),
    path("training/", include("fieldvisit.apps.training.urls")),
    path("imports/", include("fieldvisit.apps.imports.urls")),
    path("visits/", include("fieldvisit.apps.visits.urls")),
    path("analytics/", include("fieldvisit.apps.analytics.urls")),
    path("remedies/", include("fieldvisit.apps.remedies.urls")),
    path("tasks/", include("fieldvisit.apps.followup.urls")),
    path("legal/", include("fieldvisit.apps.legal.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # Before the admin's own URLs: its login goes through the product's throttle.
    path("admin/login/", AdminLoginView.as_view(), name="admin-login"),
    path("admin/", admin.site.urls),
    path("api/", include("fieldvisit.api.urls")),
]
