"""The remedies tests' world (the Illness loan, its branch and people) serves follow-up too."""

from tests.apps.remedies.conftest import world  # noqa: F401
