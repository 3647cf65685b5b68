import datetime

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


def test_load_scale_rows_read_back_as_the_app_writes_them(frameworks, settings):
    """The rows skip the model layer, so what the app derives on write is checked here: the
    stored local month, the encrypted text that the pages decrypt, the sign-off of the confirmed."""
    from practicum.lib.dates import user_zone
    from practicum.practice.models import local_month_of

    settings.DEBUG = True
    call_command("load_scale", "--mentors", "2", "--sessions", "70", "--big-mentor-sessions", "30")
    sessions = list(SupervisionSession.objects.select_related("mentor").order_by("pk"))
    assert len(sessions) == 30 + 2 * 20
    for session in sessions:
        assert session.local_month == local_month_of(session.starts_at, user_zone(session.mentor))
        assert session.starts_at.minute == 0 and session.created_at and session.updated_at
        assert session.relationship.mentor_id == session.mentor_id
        if session.status == SupervisionSession.Status.CONFIRMED:
            assert session.signed_off_at == session.starts_at + datetime.timedelta(days=1)
            assert session.signed_off_by_name == "Sol Supervisor"
        else:
            assert session.status == SupervisionSession.Status.PENDING
            assert session.signed_off_at is None and session.signed_off_by_name == ""
        assert session.key_learnings in ("", "Noticed my own pattern of rescuing.")
        assert session.cases_brought == "" and session.source == ""
    big = User.objects.get(email="big-mentor@scale.practicum.test")
    mine = big.supervision_sessions.order_by("-starts_at")
    # Every tenth is written with text, every seventh awaits sign-off, 6 hours apart.
    assert [bool(s.key_learnings) for s in mine] == [n % 10 == 0 for n in range(30)]
    assert [s.status == "pending" for s in mine] == [n % 7 == 0 for n in range(30)]
    assert mine[0].starts_at - mine[1].starts_at == datetime.timedelta(hours=6)
    for mentor in User.objects.filter(email__endswith="@scale.practicum.test"):
        assert mentor.engagements.count() == 6 and mentor.cpd_entries.count() == 8
