"""Personas and set-ups of the credentials tests (the shared ones are in the root conftest)."""

import datetime
from unittest import mock

import pytest

from conftest import make_user
from practicum.accounts.models import Role
from practicum.credentials.loader import rule_set_load_all
from practicum.credentials.tests import builders


@pytest.fixture
def rules(db):
    return rule_set_load_all()


@pytest.fixture
def staff2(frameworks):
    """A second credentialing staff member (two reviewers at once, assignment)."""
    return make_user("sol@example.org", Role.CREDENTIALING_STAFF, full_name="Sol Second", mfa=True)


@pytest.fixture
def eligible(rules, mentor):
    """Maya, with every record the CMM asks for."""
    return builders.make_eligible_for_cmm(mentor)


@pytest.fixture
def travel():
    """Move the clock: travel(date) makes timezone.now() noon UTC of that day."""
    patches = []

    def to(day: datetime.date, hour: int = 12):
        for patch in patches:
            patch.stop()
        patches.clear()
        patch = mock.patch("django.utils.timezone.now", return_value=builders.now_on(day, hour))
        patch.start()
        patches.append(patch)

    yield to
    for patch in patches:
        patch.stop()
