"""The agent's phone app (a PWA): the web app manifest, the service worker, the offline page.

What is kept on the phone, and why it is safe (issue 17):

- The service worker (``static/fieldvisit/pwa/sw-core.js``, registered for agents only) keeps
  two caches. The *static* cache holds the project's own CSS, JS and icons, versioned by this
  module's :func:`service_worker_config`: a deployment with new static files is a new worker,
  which drops the old cache. The *pages* cache holds the agent's day: the route, every stop's
  brief and report form, saved when the agent opens the route with a signal
  (:func:`offline_pages` lists them; only visits of the agent's own team).
- Those pages carry personal data and are sent with ``Cache-Control: no-store``: no proxy and
  no HTTP cache may keep them. The service worker's Cache Storage is a different store, under
  the application's control: it holds only the listed pages of the agent's own day, replaced
  each time the route is saved, and it is deleted when the agent logs out (``app.js``) and as
  soon as the server answers a page with the login form (the session ended).
- Submissions made without a signal wait in IndexedDB (``outbox.js``) with their client ids and
  are sent when the connection returns; what is waiting is shown on the phone and kept through a
  logout (it is the agent's evidence), sent only by the same user.
- Everything is same-origin and no script is inline, so a strict Content-Security-Policy
  (``script-src 'self'; worker-src 'self'; manifest-src 'self'``) allows it all.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _t
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

#: Bump when sw-core.js changes in a way the static URLs do not show (they do in production,
#: where static names carry their content hash).
WORKER_REVISION = "1"

#: The project's own static files every offline page needs.
PRECACHE_STATIC = (
    "fieldvisit/base.css",
    "fieldvisit/visits/visits.css",
    "fieldvisit/visits/today.js",
    "fieldvisit/visits/visit.js",
    "fieldvisit/visits/report.js",
    "fieldvisit/pwa/outbox.js",
    "fieldvisit/pwa/app.js",
    "fieldvisit/pwa/icon-192.png",
    "leaflet/leaflet.css",
    "leaflet/leaflet.js",
)

#: A navigation that takes longer than this is answered from the phone, when the page is there:
#: in a basement a request hangs far more often than it fails.
NAVIGATION_TIMEOUT_MS = 6000

#: The request header the service worker sends when it saves a page for offline use.
OFFLINE_HEADER = "HTTP_X_FIELDVISIT_OFFLINE"


def saving_for_offline(request: HttpRequest) -> bool:
    """Whether the service worker is fetching this page to keep it on the phone."""
    return request.META.get(OFFLINE_HEADER) == "1"


def service_worker_config() -> dict[str, Any]:
    precache = [static(path) for path in PRECACHE_STATIC] + [reverse("visits:offline")]
    version = hashlib.sha256(
        json.dumps([WORKER_REVISION, precache, static("fieldvisit/pwa/sw-core.js")]).encode()
    ).hexdigest()[:16]
    return {
        "version": version,
        "precache": precache,
        "offline": reverse("visits:offline"),
        "login": reverse("accounts:login"),
        "staticPrefix": settings.STATIC_URL,
        "navigationTimeoutMs": NAVIGATION_TIMEOUT_MS,
    }


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker's script, at the site root so that its scope can be the whole site (an
    offline page instead of the browser's error, wherever the agent taps). It is a few lines of
    configuration and the project's static scripts; no personal data."""
    config = service_worker_config()
    body = (
        "// fieldvisit service worker (see apps/visits/pwa.py)\n"
        f"self.FIELDVISIT_SW = {json.dumps(config)};\n"
        f"importScripts({json.dumps(static('fieldvisit/pwa/outbox.js'))}, "
        f"{json.dumps(static('fieldvisit/pwa/sw-core.js'))});\n"
    )
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    # The browser checks for a new worker on navigations; never let a cache answer for it.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest, in the language of the request (the phone installs the app under
    the name it shows)."""
    language = get_language() or settings.LANGUAGE_CODE
    data = {
        "id": "/visits/today/",
        "name": _t("fieldvisit: field visits"),
        "short_name": _t("Field visits"),
        "description": _t(
            "Today's route, briefs, check-in and visit reports, with or without a signal."
        ),
        "lang": "zh-CN" if language.startswith("zh") else "en",
        "dir": "ltr",
        "start_url": reverse("visits:today"),
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b6e4f",
        "icons": [
            {"src": static("fieldvisit/pwa/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("fieldvisit/pwa/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {
                "src": static("fieldvisit/pwa/icon-maskable-512.png"),
                "sizes": "512x512",
                "type": "image/png",
                "purpose": "maskable",
            },
            {"src": static("fieldvisit/pwa/icon.svg"), "sizes": "any", "type": "image/svg+xml"},
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json; charset=utf-8"
    response["Vary"] = "Accept-Language, Cookie"
    return response


@never_cache
@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    """Shown by the service worker for a page that was not saved on the phone, without a
    signal. It names nobody, not even the agent: it stays in the static cache after a logout.
    The list of what is waiting on the phone is drawn into it by ``app.js``."""
    return render(request, "visits/offline.html")
