from django.urls import path

from fieldvisit.apps.cases import apis

urlpatterns = [
    path("", apis.CaseListApi.as_view(), name="api-cases"),
    path("assign/", apis.CaseAssignApi.as_view(), name="api-cases-assign"),
    path("<int:pk>/", apis.CaseDetailApi.as_view(), name="api-case"),
    path("<int:pk>/events/", apis.CaseEventsApi.as_view(), name="api-case-events"),
    path(
        "<int:pk>/contact-attempts/",
        apis.CaseContactAttemptsApi.as_view(),
        name="api-case-contact-attempts",
    ),
]
