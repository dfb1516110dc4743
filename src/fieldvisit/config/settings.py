"""Settings, all read from the environment.

The embedded default (nothing set) is one process with an SQLite file under ``var/`` and Celery
tasks run inline. ``DATABASE_URL`` selects PostgreSQL; ``CELERY_BROKER_URL`` a Redis or RabbitMQ
broker. See ``docs/configuration.md`` for every variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
import django_stubs_ext
import leaflet
from django.utils.translation import gettext_lazy as _

from fieldvisit.config.env import env_bool, env_list, secret_key

# Lets the admin and querysets be written with their type parameters (ModelAdmin[Branch]).
django_stubs_ext.monkeypatch()

PACKAGE_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = Path(os.environ.get("FIELDVISIT_HOME", Path.cwd())).resolve()
VAR_DIR = Path(os.environ.get("FIELDVISIT_VAR", BASE_DIR / "var")).resolve()

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "fieldvisit.apps.common",
    "fieldvisit.apps.accounts",
    "fieldvisit.apps.organisation",
    "fieldvisit.apps.loans",
    "fieldvisit.apps.training",
    "fieldvisit.apps.imports",
    "fieldvisit.apps.delinquency",
    "fieldvisit.apps.demo",
    "fieldvisit.apps.audit",
    "fieldvisit.apps.cases",
    "fieldvisit.apps.planning",
    "fieldvisit.apps.visits",
    # After cases and visits: their snapshot hooks run in this order (remedies, promises, legal).
    "fieldvisit.apps.remedies",
    "fieldvisit.apps.followup",
    "fieldvisit.apps.legal",
    # Last: its snapshot hook reads the cases and remedies the hooks above have just updated.
    "fieldvisit.apps.analytics",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "fieldvisit.config.urls"
WSGI_APPLICATION = "fieldvisit.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fieldvisit.apps.accounts.context_processors.roles",
            ],
            # django-leaflet ships Leaflet (no CDN); its template tags are used without installing
            # the app, whose admin module needs GDAL, which the maps here do not.
            "libraries": {"leaflet_tags": "leaflet.templatetags.leaflet_tags"},
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'fieldvisit.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while the nightly batch writes; IMMEDIATE avoids lock upgrades.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The default cache is each process's own memory (cached policies and the like). Login
# throttling must be counted once for every web process and machine: its cache is Redis when
# REDIS_URL (or CACHE_URL=redis://...) is set, else a table of the database they all share.
_CACHE_URL = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
_REDIS = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}
    if _CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
    else None
)
CACHES = {
    "default": _REDIS or {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": _REDIS
    or {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "fieldvisit_cache"},
}
# Login throttling (apps/accounts/throttle.py): this many failures for a username from one
# address lock the pair for the window; this many for a username from anywhere lock the username
# for the base time, doubled for each further lock within a day, up to the maximum (a browser
# the user has logged in from before is not held by the username lock).
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_WINDOW = int(os.environ.get("LOGIN_FAILURE_WINDOW", str(15 * 60)))
LOGIN_USERNAME_FAILURE_LIMIT = int(os.environ.get("LOGIN_USERNAME_FAILURE_LIMIT", "10"))
LOGIN_LOCK_BASE_SECONDS = int(os.environ.get("LOGIN_LOCK_BASE_SECONDS", "60"))
LOGIN_LOCK_MAX_SECONDS = int(os.environ.get("LOGIN_LOCK_MAX_SECONDS", str(15 * 60)))

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static", Path(leaflet.__file__).parent / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or env_bool("FIELDVISIT_TESTING")
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or env_bool("FIELDVISIT_TESTING")

# Security: secure by default; plain HTTP only on the embedded default's loopback server.
SECURE_HTTPS = env_bool("SECURE_HTTPS", default=False)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "fieldvisit.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "fieldvisit API",
    "DESCRIPTION": _("Field visits to borrowers in arrears."),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Two different "outcome" choice sets: a contact attempt's and a visit's.
    "ENUM_NAME_OVERRIDES": {
        "ContactOutcomeEnum": "fieldvisit.apps.cases.models.ContactOutcome",
        "VisitOutcomeEnum": "fieldvisit.apps.visits.models.Outcome",
    },
    # No CDN on an intranet: Swagger UI's files come from the drf-spectacular-sidecar package.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LEAFLET_CONFIG = {
    "TILES": os.environ.get("MAP_TILE_URL", "http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png"),
    "DEFAULT_CENTER": (22.5431, 114.0579),
    "DEFAULT_ZOOM": 11,
    "ATTRIBUTION_PREFIX": "fieldvisit",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

FIELDVISIT_AS_OF = os.environ.get("FIELDVISIT_AS_OF")  # pins "today" for demos and tests

# Remedies, promises and escalation (issue 7). Policies are mappings over the engines' defaults.
REMEDY_POLICY: dict[str, object] = {}  # engines.restructuring.RemedyPolicy fields
ESCALATION_POLICY: dict[str, object] = {}  # engines.escalation.EscalationPolicy fields
# Check-in evidence (issue 17): engines.evidence.EvidencePolicy fields. A fix vaguer than the
# accuracy limit never counts as "at the address"; faster movement between an agent's
# consecutive check-ins is flagged for the manager.
VISIT_EVIDENCE_POLICY: dict[str, object] = {
    "max_distance_m": int(os.environ.get("VISIT_CHECK_IN_MAX_DISTANCE_M", "300")),
    "max_accuracy_m": float(os.environ.get("VISIT_CHECK_IN_MAX_ACCURACY_M", "100")),
    "max_speed_kmh": float(os.environ.get("VISIT_CHECK_IN_MAX_SPEED_KMH", "100")),
}
# Largest claim (yuan) a role may approve without its own ApprovalLimit row; None: no cap.
REMEDY_APPROVAL_LIMITS = {"manager": "300000.00", "admin": None}
# The lender as a party to the borrower's letters (remedy agreements): its legal entity, never
# the collection branch that worked the case (docs/configuration.md).
LENDER_LEGAL_NAME = os.environ.get("LENDER_LEGAL_NAME", "示例消费金融有限公司")
LENDER_LEGAL_NAME_EN = os.environ.get("LENDER_LEGAL_NAME_EN", "Example Consumer Finance Co., Ltd.")
LENDER_REGISTRATION_NO = os.environ.get("LENDER_REGISTRATION_NO", "")  # 统一社会信用代码
LENDER_ADDRESS = os.environ.get("LENDER_ADDRESS", "")
PROMISE_GRACE_DAYS = int(os.environ.get("PROMISE_GRACE_DAYS", "3"))
REMEDY_GRACE_DAYS = int(os.environ.get("REMEDY_GRACE_DAYS", "3"))
# TrueType CJK fonts for PDFs, first found wins (Debian's fonts-wqy-microhei / -zenhei).
PDF_CJK_FONT_PATHS = env_list(
    "PDF_CJK_FONT_PATHS",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc,/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)
