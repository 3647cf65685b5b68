"""The mentor's next lab with a place, for the resource library's recommendations."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from practicum.supervision import services
from practicum.supervision.models import LabRegistration
from practicum.supervision.tests.conftest import frozen
from practicum.supervision.tests.test_labs import facilitator, mentors, new_lab  # noqa: F401

pytestmark = pytest.mark.django_db


def in_days(days):
    return (timezone.now() + datetime.timedelta(days=days)).replace(second=0, microsecond=0)


def test_none_without_a_registration(staff, facilitator):  # noqa: F811
    (mentor,) = mentors(1)
    new_lab(staff, facilitator)
    assert services.upcoming_lab_for(mentor) is None
    assert services.upcoming_lab_for(AnonymousUser()) is None


def test_the_soonest_lab_with_a_place_and_its_theme(staff, facilitator):  # noqa: F811
    (mentor,) = mentors(1)
    later = new_lab(staff, facilitator, theme="Boundaries", starts_at=in_days(60))
    sooner = new_lab(staff, facilitator, theme="Cultural sensitivity", starts_at=in_days(20))
    services.lab_register(lab=later, mentor=mentor)
    services.lab_register(lab=sooner, mentor=mentor)
    lab = services.upcoming_lab_for(mentor)
    assert lab == sooner
    assert lab.theme == "Cultural sensitivity"


def test_waiting_list_and_cancelled_places_do_not_count(staff, facilitator):  # noqa: F811
    first, second, mentor = mentors(3)
    full = new_lab(staff, facilitator, capacity=1, theme="Ethics in action", starts_at=in_days(10))
    services.lab_register(lab=full, mentor=first)
    waiting = services.lab_register(lab=full, mentor=mentor)
    assert waiting.status == LabRegistration.Status.WAITLISTED
    cancelled_lab = new_lab(staff, facilitator, theme="Boundaries", starts_at=in_days(15))
    registration = services.lab_register(lab=cancelled_lab, mentor=mentor)
    services.lab_registration_cancel(registration=registration, by=mentor)
    held = new_lab(staff, facilitator, theme="Supervision itself", starts_at=in_days(40))
    services.lab_register(lab=held, mentor=second)
    assert services.upcoming_lab_for(mentor) is None
    assert services.upcoming_lab_for(first) == full
    assert services.upcoming_lab_for(second) == held


def test_a_lab_that_has_started_is_no_longer_upcoming(staff, facilitator):  # noqa: F811
    (mentor,) = mentors(1)
    lab = new_lab(staff, facilitator, starts_at=in_days(5))
    services.lab_register(lab=lab, mentor=mentor)
    with frozen(lab.starts_at + datetime.timedelta(minutes=1)):
        assert services.upcoming_lab_for(mentor) is None
    assert services.upcoming_lab_for(mentor) == lab
