from django.urls import path

from fieldvisit.apps.legal import views

app_name = "legal"
urlpatterns = [
    path("", views.legal_list, name="list"),
    path("case/<int:case_pk>/check/", views.legal_check, name="check"),
    path("<int:pk>/", views.legal_detail, name="detail"),
    path("<int:pk>/decide/", views.legal_decide, name="decide"),
    path("<int:pk>/stage/", views.legal_stage, name="stage"),
    path("<int:pk>/documents/", views.legal_document, name="document"),
    path("<int:pk>/pack.pdf", views.legal_pack, name="pack"),
]
