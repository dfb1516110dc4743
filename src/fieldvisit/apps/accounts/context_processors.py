from django.http import HttpRequest

from fieldvisit.apps.accounts.roles import Role


def roles(request: HttpRequest) -> dict[str, object]:
    return {"Role": Role}
