import pytest
from django.core.management import CommandError, call_command

from practicum.accounts.models import RoleGrant, User

pytestmark = pytest.mark.django_db


def test_demo_data_loads_twice_without_duplicates(frameworks, settings):
    settings.DEBUG = True
    call_command("load_demo", quiet=True)
    once = (User.objects.count(), RoleGrant.objects.count())
    call_command("load_demo", quiet=True)
    assert (User.objects.count(), RoleGrant.objects.count()) == once
    # one person per role, and apps may add the people their demo needs (ethics: its panels)
    assert User.objects.filter(email__endswith="@demo.practicum.test").count() >= 6


def test_demo_data_refuses_to_load_in_production(frameworks, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo", quiet=True)
