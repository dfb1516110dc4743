from django.urls import path

from fieldvisit.apps.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:job_id>/", views.detail, name="detail"),
    path("<int:job_id>/errors.csv", views.errors_csv, name="errors_csv"),
]
