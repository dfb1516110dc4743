from django.urls import path

from fieldvisit.apps.visits import pwa, views

app_name = "visits"
urlpatterns = [
    path("today/", views.today, name="today"),
    path("offline/", pwa.offline, name="offline"),
    path("feed/", views.feed, name="feed"),
    path("<int:pk>/", views.visit_detail, name="detail"),
    path("<int:pk>/check-out/", views.check_out, name="check_out"),
    path("<int:pk>/reassign/", views.reassign, name="reassign"),
    path("kept/<int:pk>/review/", views.held_review, name="held_review"),
    path("<int:pk>/report/", views.report_form, name="report"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/amend/", views.amend, name="amend"),
    path("photos/<int:pk>/", views.photo, name="photo"),
]
