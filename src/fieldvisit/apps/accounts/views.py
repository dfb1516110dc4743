"""Login, logout and the home page of each role."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fieldvisit.apps.accounts.forms import LoginForm
from fieldvisit.apps.accounts.roles import Role


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


HOME_TEMPLATES = {role: f"home/{role.value}.html" for role in Role}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own page; what it can do there grows with each feature."""
    role = Role(request.user.role)  # type: ignore[union-attr]
    return render(request, HOME_TEMPLATES[role], {"role": role})
