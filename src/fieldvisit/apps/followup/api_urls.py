from django.urls import path

from fieldvisit.apps.followup import apis

urlpatterns = [
    path("promises/", apis.PromiseListApi.as_view(), name="api-promises"),
    path("tasks/", apis.TaskListApi.as_view(), name="api-tasks"),
    path("tasks/<int:pk>/close/", apis.TaskCloseApi.as_view(), name="api-task-close"),
]
