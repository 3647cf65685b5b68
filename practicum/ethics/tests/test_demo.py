"""The demo has one ethics case at each stage, and loading it twice adds nothing."""

import pytest
from django.core.management import call_command

from practicum.ethics.models import Case


@pytest.mark.django_db
def test_demo_has_a_case_at_each_stage(frameworks, settings):
    settings.DEBUG = True
    call_command("load_demo", quiet=True)
    call_command("load_demo", quiet=True)
    stages = sorted(Case.objects.values_list("stage", flat=True))
    assert stages == sorted(["received", "investigation", "panel", "decided", "appeal", "closed"])
