"""/api/v1: each feature adds its routes here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("v1/cases/", include("fieldvisit.apps.cases.api_urls")),
    path("v1/plans/", include("fieldvisit.apps.planning.api_urls")),
    path("v1/imports/", include("fieldvisit.apps.imports.api_urls")),
    path("v1/visits/", include("fieldvisit.apps.visits.api_urls")),
    path("v1/training/", include("fieldvisit.apps.training.api_urls")),
    path("v1/remedies/", include("fieldvisit.apps.remedies.api_urls")),
    path("v1/followup/", include("fieldvisit.apps.followup.api_urls")),
    path("v1/legal/", include("fieldvisit.apps.legal.api_urls")),
]
