from django.urls import path

from fieldvisit.apps.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("assign/", views.case_assign, name="assign"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/reveal/", views.case_reveal, name="reveal"),
    path("<int:pk>/transition/", views.case_transition, name="transition"),
    path("<int:pk>/flags/", views.case_flags, name="flags"),
    path("<int:pk>/notes/", views.case_note, name="note"),
    path("<int:pk>/contact-attempts/new/", views.contact_attempt_create, name="contact"),
]
