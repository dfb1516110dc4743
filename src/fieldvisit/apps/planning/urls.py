from django.urls import path

from fieldvisit.apps.planning import views

app_name = "planning"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("strategy/", views.strategy_edit, name="strategy"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/replan/", views.plan_replan, name="replan"),
    path("<int:pk>/approve/", views.plan_approve, name="approve"),
    path("stops/<int:pk>/move/", views.stop_move, name="move"),
    path("stops/<int:pk>/remove/", views.stop_remove, name="remove"),
]
