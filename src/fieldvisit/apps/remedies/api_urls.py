from django.urls import path

from fieldvisit.apps.remedies import apis

urlpatterns = [
    path("", apis.ProposalListApi.as_view(), name="api-remedies"),
    path("<int:pk>/", apis.ProposalDetailApi.as_view(), name="api-remedy"),
    path("<int:pk>/propose/", apis.ProposalProposeApi.as_view(), name="api-remedy-propose"),
    path("<int:pk>/approve/", apis.ProposalDecisionApi.as_view(), name="api-remedy-approve"),
    path("<int:pk>/reject/", apis.ProposalRejectApi.as_view(), name="api-remedy-reject"),
    path("<int:pk>/accept/", apis.ProposalAcceptApi.as_view(), name="api-remedy-accept"),
    path("<int:pk>/apply/", apis.ProposalApplyApi.as_view(), name="api-remedy-apply"),
    path("<int:pk>/withdraw/", apis.ProposalWithdrawApi.as_view(), name="api-remedy-withdraw"),
]
