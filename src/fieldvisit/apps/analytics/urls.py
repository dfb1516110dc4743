from django.urls import path

from fieldvisit.apps.analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("report.pdf", views.report_pdf, name="report_pdf"),
    path("<slug:key>/", views.dashboard, name="dashboard"),
    path("<slug:key>/export.xlsx", views.export_xlsx, name="export"),
]
