from django.urls import path

from fieldvisit.apps.imports import apis

urlpatterns = [
    path("", apis.ImportJobListApi.as_view(), name="api-imports"),
    path("<int:pk>/", apis.ImportJobDetailApi.as_view(), name="api-import"),
]
