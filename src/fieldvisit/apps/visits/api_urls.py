from django.urls import path

from fieldvisit.apps.visits import apis

urlpatterns = [
    path("today/", apis.VisitsTodayApi.as_view(), name="api-visits-today"),
    path("tasks/", apis.MyTasksApi.as_view(), name="api-visit-tasks"),
    path("reports/", apis.ReportFeedApi.as_view(), name="api-visit-reports"),
    path("reports/<int:pk>/", apis.ReportDetailApi.as_view(), name="api-visit-report-detail"),
    path("reports/<int:pk>/amend/", apis.ReportAmendApi.as_view(), name="api-visit-report-amend"),
    path("<int:pk>/", apis.VisitDetailApi.as_view(), name="api-visit"),
    path("<int:pk>/check-in/", apis.VisitCheckInApi.as_view(), name="api-visit-check-in"),
    path("<int:pk>/check-out/", apis.VisitCheckOutApi.as_view(), name="api-visit-check-out"),
    path("<int:pk>/report/", apis.VisitReportSubmitApi.as_view(), name="api-visit-report"),
]
