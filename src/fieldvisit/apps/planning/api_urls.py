from django.urls import path

from fieldvisit.apps.planning import apis

urlpatterns = [
    path("", apis.PlanListApi.as_view(), name="api-plans"),
    path("<int:pk>/", apis.PlanDetailApi.as_view(), name="api-plan"),
    path("<int:pk>/approve/", apis.PlanApproveApi.as_view(), name="api-plan-approve"),
    path("stops/<int:pk>/move/", apis.StopMoveApi.as_view(), name="api-plan-stop-move"),
    path("stops/<int:pk>/remove/", apis.StopRemoveApi.as_view(), name="api-plan-stop-remove"),
]
