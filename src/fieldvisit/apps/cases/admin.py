"""Admin: read-only views of the workflow records (changes go through the services)."""

from fieldvisit.apps.cases.models import CaseEvent, CaseNote, CollectionCase, ContactAttempt
from fieldvisit.apps.common.admin import register_read_only

register_read_only(CollectionCase, CaseEvent, ContactAttempt, CaseNote)
