from django.urls import path

from fieldvisit.apps.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:job_id>/", views.detail, name="detail"),
    path("<int:job_id>/errors.csv", views.errors_csv, name="errors_csv"),
    path("<int:job_id>/staff-changes/apply/", views.apply_staff_change, name="apply_staff_change"),
]
