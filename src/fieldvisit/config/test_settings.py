"""Settings for the test suite: the real settings, with fast password hashing."""

import os

os.environ.setdefault("FIELDVISIT_TESTING", "1")

from fieldvisit.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise expects it to exist
