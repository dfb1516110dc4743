from django.urls import path

from fieldvisit.apps.remedies import views

app_name = "remedies"
urlpatterns = [
    path("", views.remedy_queue, name="queue"),
    path("case/<int:case_pk>/new/", views.remedy_new, name="new"),
    path("report/<int:report_pk>/new/", views.remedy_new_from_report, name="new_from_report"),
    path("<int:pk>/", views.remedy_detail, name="detail"),
    path("<int:pk>/letter.pdf", views.remedy_letter, name="letter"),
    path("<int:pk>/<str:action>/", views.remedy_action, name="action"),
]
