import pytest
from django.core.management import call_command

from practicum.credentials.evidence import gather
from practicum.institutions.models import Graduate, TrainingCentre

pytestmark = pytest.mark.django_db


def test_the_demo_has_an_accredited_centre_and_mayas_training_verified(settings, frameworks):
    settings.DEBUG = True
    call_command("load_demo", quiet=True)
    call_command("load_demo", quiet=True)
    centre = TrainingCentre.objects.listed().get()
    assert centre.programmes.get().cohorts.count() == 1
    graduate = Graduate.objects.get()
    assert graduate.user.email == "mentor@demo.practicum.test"
    facts = [t for t in gather(graduate.user).training if t.verified_hours is not None]
    assert len(facts) == 1 and facts[0].centre_type == "accredited"
    assert centre.members.get(role="admin").user.email == "institution@demo.practicum.test"
    assert centre.members.get(role="mentor").user.email == "mentor@demo.practicum.test"
