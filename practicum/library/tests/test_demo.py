import pytest
from django.core.management import call_command

from practicum.accounts.models import User
from practicum.library import recommendations
from practicum.library.models import Resource

pytestmark = pytest.mark.django_db


def test_the_demo_library_has_every_kind_in_both_languages_and_recommends_to_maya(
    frameworks, settings
):
    settings.DEBUG = True
    call_command("load_demo", quiet=True)
    live = Resource.objects.filter(status=Resource.Status.PUBLISHED)
    assert set(live.values_list("kind", flat=True)) == set(Resource.Kind.values)
    assert set(live.values_list("language", flat=True)) == {"en", "es"}
    briefing = live.get(kind=Resource.Kind.BRIEFING)
    assert briefing.file.read(5) == b"%PDF-"
    maya = User.objects.get(email="mentor@demo.practicum.test")
    reasons = [r.reason for r in recommendations.for_mentor(maya)]
    assert any("readiness reflection" in reason for reason in reasons)
    call_command("load_demo", quiet=True)
    assert Resource.objects.count() == live.count()
