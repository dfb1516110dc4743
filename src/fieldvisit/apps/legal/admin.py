"""Admin: read-only views of the workflow records (changes go through the services)."""

from fieldvisit.apps.common.admin import register_read_only
from fieldvisit.apps.legal.models import LegalCase, LegalEntry

register_read_only(LegalCase, LegalEntry)
