"""Login, logout and the home page of each role."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fieldvisit.apps.accounts import home as home_summaries
from fieldvisit.apps.accounts.forms import LoginForm
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.common.clock import business_date


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


HOME_TEMPLATES = {role: f"home/{role.value}.html" for role in Role}


# The summaries each role's page shows (the trainer's and the analyst's are links and the
# training app's panel only).
HOME_SUMMARIES = {
    Role.AGENT: home_summaries.agent_home,
    Role.MANAGER: home_summaries.manager_home,
    Role.LEGAL: home_summaries.legal_home,
    Role.ADMIN: home_summaries.admin_home,
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own page, with the summaries of :mod:`~fieldvisit.apps.accounts.
    home` scoped to the user."""
    user = request.user
    role = Role(user.role)  # type: ignore[union-attr]
    today = business_date()
    summary = HOME_SUMMARIES.get(role)
    context = {"role": role, "today": today, **(summary(user, today) if summary else {})}
    return render(request, HOME_TEMPLATES[role], context)
