from django.urls import path

from fieldvisit.apps.legal import apis

urlpatterns = [
    path("", apis.LegalListApi.as_view(), name="api-legal-cases"),
    path("<int:pk>/", apis.LegalDetailApi.as_view(), name="api-legal-case"),
    path("<int:pk>/decide/", apis.LegalDecideApi.as_view(), name="api-legal-decide"),
    path("<int:pk>/stage/", apis.LegalStageApi.as_view(), name="api-legal-stage"),
]
