from django.urls import path

from fieldvisit.apps.followup import views

app_name = "followup"
urlpatterns = [
    path("", views.tasks, name="tasks"),
    path("<int:pk>/close/", views.task_close, name="close"),
]
