"""Where to send a person back to after a form: only ever a page of this site."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, fallback: str, *, field: str = "next") -> str:
    """The ``next`` the form sent (POST, else GET) if it is a page of this site, else ``fallback``.

    Django's own check (:func:`url_has_allowed_host_and_scheme`) refuses ``//evil.example``,
    ``/\\evil.example``, other schemes and other hosts: a "starts with /" test lets the first two
    through (browsers read them as another host).
    """
    target = request.POST.get(field) or request.GET.get(field) or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
