"""Reading loans and borrowers: the access choke points for both.

A user sees a loan when they see one of its cases (:func:`cases_for_user`), and a manager also
every loan of their branch; a borrower when they see one of the borrower's loans. Administrators
see everything. Pages, the API and exports fetch loans and borrowers only through these.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.cases.selectors import case_scope, cases_for_user
from fieldvisit.apps.loans.models import Borrower, Loan


def _loan_scope(user: Any) -> Q | None:
    if case_scope(user) is None:
        return None
    scope = Q(pk__in=cases_for_user(user).values("loan_id"))
    if user.role == Role.MANAGER and user.branch_id:
        scope |= Q(branch_id=user.branch_id)
    return scope


def loans_for_user(user: Any) -> QuerySet[Loan]:
    scope = _loan_scope(user)
    loans = Loan.objects.all()
    return loans if scope is None else loans.filter(scope)


def borrowers_for_user(user: Any) -> QuerySet[Borrower]:
    scope = _loan_scope(user)
    if scope is None:
        return Borrower.objects.all()
    return Borrower.objects.filter(pk__in=loans_for_user(user).values("borrower_id"))
