"""Login, logout and the home page of each role."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from fieldvisit.apps.accounts import home as home_summaries
from fieldvisit.apps.accounts import throttle
from fieldvisit.apps.accounts.forms import AdminLoginForm, LoginForm
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.common.clock import business_date


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form: type[AuthenticationForm] = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # This browser is now one the user logs in from: a stranger's failures do not lock it.
        throttle.device_remember(response, form.get_user().get_username())
        return response


class AdminLoginView(LoginView):
    """``/admin/login/``: the product's throttled login with the admin's form (staff only) and
    page (as ``AdminSite.login`` renders it), instead of the admin's own unthrottled one."""

    template_name = "admin/login.html"
    authentication_form = AdminLoginForm
    # The admin sends a logged-in user who is not staff here: show the form, do not bounce back.
    redirect_authenticated_user = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method == "GET" and admin.site.has_permission(request):
            return redirect("admin:index")
        request.current_app = admin.site.name
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            admin.site.each_context(self.request),
            title=_("Log in"),
            subtitle=None,
            app_path=self.request.get_full_path(),
            username=self.request.user.get_username(),
        )
        if not context.get(REDIRECT_FIELD_NAME):
            context[REDIRECT_FIELD_NAME] = reverse("admin:index")
        return context


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
