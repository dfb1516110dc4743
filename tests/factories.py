"""Factories for the test suite (factory_boy). Each app's tests import what they need from here."""

from __future__ import annotations

import factory

from fieldvisit.apps.accounts.models import User
from fieldvisit.apps.accounts.roles import Role
from fieldvisit.apps.accounts.services import user_set_role
from fieldvisit.apps.organisation.models import AgentProfile, Branch, Team

PASSWORD = "correct horse battery staple"


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SZ{n:02d}")
    name = factory.Sequence(lambda n: f"深圳第{n}分行")
    city = "深圳"
    district = "福田区"
    latitude = 22.5410
    longitude = 114.0550


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"外访{n}组")
    branch = factory.SubFactory(BranchFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    role = Role.AGENT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def in_role_group(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            self.save()
            user_set_role(user=self, role=Role(self.role))


class AgentFactory(UserFactory):
    role = Role.AGENT
    branch = factory.SelfAttribute("team.branch")
    team = factory.SubFactory(TeamFactory)
    profile = factory.RelatedFactory(
        "tests.factories.AgentProfileFactory", factory_related_name="user"
    )


class AgentProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgentProfile

    home_latitude = 22.55
    home_longitude = 114.06
