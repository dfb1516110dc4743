"""Celery application. Eager (inline) unless CELERY_BROKER_URL names a Redis or RabbitMQ broker."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fieldvisit.config.settings")

app = Celery("fieldvisit")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
