from django.urls import path

from fieldvisit.apps.training import views

app_name = "training"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("me/", views.my_training, name="me"),
    path("sessions/", views.session_list, name="sessions"),
    path("sessions/new/", views.session_new, name="session_new"),
    path("sessions/<int:pk>/", views.session_detail, name="session"),
    path("sessions/<int:pk>/results/", views.session_results, name="results"),
    path("sessions/<int:pk>/materials/", views.material_upload, name="material_upload"),
    path("materials/<int:pk>/", views.material_download, name="material"),
    path("agents/<int:pk>/", views.agent_detail, name="agent"),
    path("complaints/", views.complaints, name="complaints"),
    path("suspensions/<int:pk>/clear/", views.suspension_clear, name="clear"),
    path("qa/", views.qa_list, name="qa"),
    path("qa/<int:pk>/", views.qa_review, name="review"),
]
