from django.urls import path

from fieldvisit.apps.training import apis

urlpatterns = [
    path("summary/", apis.SummaryApi.as_view(), name="api-training-summary"),
    path("courses/", apis.CourseListApi.as_view(), name="api-training-courses"),
    path("sessions/", apis.SessionListApi.as_view(), name="api-training-sessions"),
    path("sessions/<int:pk>/", apis.SessionDetailApi.as_view(), name="api-training-session"),
    path(
        "sessions/<int:pk>/results/",
        apis.SessionResultsApi.as_view(),
        name="api-training-session-results",
    ),
    path(
        "certifications/", apis.CertificationListApi.as_view(), name="api-training-certifications"
    ),
    path("assignability/", apis.AssignabilityApi.as_view(), name="api-training-assignability"),
    path("complaints/", apis.ComplaintListApi.as_view(), name="api-training-complaints"),
    path(
        "suspensions/<int:pk>/clear/",
        apis.SuspensionClearApi.as_view(),
        name="api-training-suspension-clear",
    ),
    path("qa/draws/", apis.QADrawApi.as_view(), name="api-training-qa-draw"),
    path("qa/reviews/", apis.QAReviewListApi.as_view(), name="api-training-qa-reviews"),
    path("qa/reviews/<int:pk>/", apis.QAReviewSubmitApi.as_view(), name="api-training-qa-review"),
]
