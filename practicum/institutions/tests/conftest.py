"""A centre with an administrator, a programme and a cohort (the shared personas are in the root
conftest)."""

import datetime
from decimal import Decimal

import pytest

from conftest import make_user
from practicum.accounts.models import Role
from practicum.accounts.tests.conftest import (  # noqa: F401 (the page checks' demo world)
    site_rules,
    stand_in_ranker,
    world,
    world_media,
)
from practicum.institutions import services
from practicum.institutions.models import Cohort, Programme


def make_centre(name="Institute of Mentoring Practice", admin=None, **fields):
    centre = services.centre_create(
        by=None, name=name, country=fields.pop("country", "Spain"), **fields
    )
    if admin is not None:
        _member, token = services.member_invite(
            centre=centre, email=admin.email, role="admin", by=None
        )
        services.member_join(token=token, user=admin)
    return centre


def make_programme(centre, name="Mentoring Foundations", hours="60", mode="blended"):
    return Programme.objects.create(centre=centre, name=name, hours=Decimal(hours), mode=mode)


def make_cohort(programme, start=datetime.date(2024, 1, 10), end=datetime.date(2024, 6, 30)):
    return Cohort.objects.create(
        programme=programme,
        started_on=start,
        ended_on=end,
        instructor_name="Ines Instructor",
        instructor_email="ines@centre.example.org",
    )


@pytest.fixture
def centre_admin(frameworks):
    return make_user(
        "carla@centre.example.org", Role.INSTITUTION_ADMIN, full_name="Carla Centre", mfa=True
    )


@pytest.fixture
def centre(centre_admin):
    return make_centre(admin=centre_admin)


@pytest.fixture
def programme(centre):
    return make_programme(centre)


@pytest.fixture
def cohort(programme):
    return make_cohort(programme)


@pytest.fixture
def other_admin(frameworks):
    return make_user(
        "otto@other.example.org", Role.INSTITUTION_ADMIN, full_name="Otto Other", mfa=True
    )


@pytest.fixture
def other_centre(other_admin):
    return make_centre(name="Other Academy", admin=other_admin, country="Chile")
