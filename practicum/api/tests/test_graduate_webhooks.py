"""`graduate.verified`: a centre's confirmed graduate linked to a mentor's account, however it
comes about (recorded, imported, a claim confirmed, matched later), sent once to the mentor and
to the centre's administrators, without the graduate's name or email."""

import datetime
import json

import pytest

from practicum.api import services
from practicum.api.events import Event
from practicum.api.models import WebhookDelivery
from practicum.institutions import graduate_import
from practicum.institutions import services as institution_services
from practicum.institutions.models import Graduate

pytestmark = pytest.mark.django_db

URL = "https://hooks.example.org/practicum"


@pytest.fixture
def hooks(mentor, centre_admin, centre):
    """Endpoints of the mentor and of the centre's administrator, asking for the event."""
    return {
        who: services.webhook_create(owner=user, url=URL, events=[Event.GRADUATE_VERIFIED])
        for who, user in (("mentor", mentor), ("admin", centre_admin))
    }


def _verified(endpoint=None):
    deliveries = WebhookDelivery.objects.filter(event=Event.GRADUATE_VERIFIED)
    return deliveries.filter(endpoint=endpoint) if endpoint else deliveries


def test_recording_a_mentors_completion_tells_the_mentor_and_the_centre(
    hooks, cohort, centre_admin, mentor
):
    graduate = institution_services.graduate_record(
        cohort=cohort, by=centre_admin, name="Maya Mentor", email=mentor.email
    )
    to_mentor, to_admin = _verified(hooks["mentor"]).get(), _verified(hooks["admin"]).get()
    assert to_mentor.event_id == to_admin.event_id
    data = to_mentor.payload["data"]["graduate"]
    assert data["id"] == graduate.pk and data["cohort_id"] == cohort.pk
    assert data["programme"]["id"] == cohort.programme_id
    assert data["centre"]["code"] == cohort.programme.centre.code
    assert data["source"] == "recorded"
    text = json.dumps(to_mentor.payload)
    assert mentor.email not in text and "Maya" not in text


def test_a_graduate_without_an_account_is_verified_once_matched(
    hooks, cohort, centre_admin, frameworks
):
    institution_services.graduate_record(
        cohort=cohort, by=centre_admin, name="Nina New", email="nina@example.org"
    )
    assert not _verified().exists()
    from conftest import make_user
    from practicum.accounts.models import Role

    nina = make_user("nina@example.org", Role.MENTOR)
    services.webhook_create(owner=nina, url=URL, events=[Event.GRADUATE_VERIFIED])
    assert institution_services.graduates_match_user(user=nina) == 1
    assert _verified().count() == 2  # Nina's endpoint and the administrator's
    assert institution_services.graduates_match_user(user=nina) == 0
    assert _verified().count() == 2


def test_a_claim_is_verified_when_confirmed_not_when_asked_or_declined(
    hooks, programme, cohort, centre_admin, mentor, other_mentor
):
    claim = institution_services.claim_request(
        programme=programme, mentor=mentor, completed_on=datetime.date(2024, 5, 1), hours=30
    )
    assert not _verified().exists()
    institution_services.claim_decide(graduate=claim, by=centre_admin, confirm=True, cohort=cohort)
    assert _verified(hooks["mentor"]).get().payload["data"]["graduate"]["source"] == "claim"
    declined = institution_services.claim_request(
        programme=programme, mentor=other_mentor, completed_on=datetime.date(2024, 5, 1), hours=3
    )
    institution_services.claim_decide(graduate=declined, by=centre_admin, confirm=False)
    assert _verified().count() == 2  # the first claim's, to the mentor and the administrator


def test_an_import_verifies_each_matched_graduate(hooks, cohort, centre_admin, mentor):
    data = f"name,email\nMaya,{mentor.email}\nNina,nina@example.org\n".encode()
    batch = graduate_import.import_create(cohort=cohort, by=centre_admin, data=data)
    assert graduate_import.import_commit(batch=batch, by=centre_admin) == 2
    assert _verified(hooks["mentor"]).count() == 1
    assert _verified(hooks["admin"]).count() == 1


def test_saving_a_verified_graduate_again_sends_nothing(hooks, cohort, centre_admin, mentor):
    graduate = institution_services.graduate_record(
        cohort=cohort, by=centre_admin, name="Maya", email=mentor.email
    )
    Graduate.objects.get(pk=graduate.pk).save()
    graduate.save()
    assert _verified().count() == 2


def test_another_centres_administrator_hears_nothing(hooks, other_cohort, mentor):
    other_admin = other_cohort.programme.centre.members.get().user
    theirs = services.webhook_create(owner=other_admin, url=URL, events=[Event.GRADUATE_VERIFIED])
    institution_services.graduate_record(
        cohort=other_cohort, by=other_admin, name="Maya", email=mentor.email
    )
    assert _verified(theirs).count() == 1
    assert _verified(hooks["mentor"]).count() == 1
    assert not _verified(hooks["admin"]).exists()
