import pytest
from django.core.management import call_command

from practicum.accounts.models import User
from practicum.practice.models import SupervisionSession

pytestmark = pytest.mark.django_db


def test_load_scale_fills_and_is_idempotent(frameworks, settings):
    settings.DEBUG = True
    args = ["--mentors", "3", "--sessions", "40", "--big-mentor-sessions", "10"]
    call_command("load_scale", *args)
    assert User.objects.filter(email__endswith="@scale.practicum.test").count() == 4
    assert SupervisionSession.objects.count() == 10 + 3 * 10
    big = User.objects.get(email="big-mentor@scale.practicum.test")
    assert big.supervision_sessions.count() == 10
    call_command("load_scale", *args)
    assert SupervisionSession.objects.count() == 40


def test_load_scale_refuses_production(frameworks, settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_scale", "--mentors", "1", "--sessions", "1")
