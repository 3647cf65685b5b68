"""Every page renders with real objects, for the role it is for (the authorisation matrix sees
only refusals and empty pages)."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from practicum.accounts.models import User
from practicum.practice.models import SupervisionSession
from practicum.supervision.models import (
    Booking,
    GroupSession,
    SupervisionGroup,
    ThematicLab,
)
from practicum.supervision.tests.conftest import frozen

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(frameworks, settings):
    settings.DEBUG = True
    call_command("load_demo", quiet=True)
    people = {u.email.split("@")[0]: u for u in User.objects.all()}
    return people


def test_every_page_renders_for_its_people(client, demo):
    maya, samir, chloe = demo["mentor"], demo["supervisor"], demo["credentialing"]
    booking = Booking.objects.get()
    group = SupervisionGroup.objects.get(reserved_for=None)
    session = GroupSession.objects.filter(attendance_marked_at__isnull=True).first()
    lab = ThematicLab.objects.get(reserved_for=None)
    entry = SupervisionSession.objects.get(mentor=maya, source__startswith="group_session:")
    pages = {
        maya: [
            ("my_supervision", []),
            ("directory", []),
            ("supervisor_profile", [samir.public_id]),
            ("book", [samir.public_id]),
            ("booking_detail", [booking.code]),
            ("booking_reschedule", [booking.code]),
            ("group_list", []),
            ("group_detail", [group.code]),
            ("group_session_detail", [session.code]),
            ("lab_list", []),
            ("lab_detail", [lab.code]),
            ("attendance_notes", [entry.pk]),
            ("calendar_settings", []),
            ("application_create", []),
        ],
        samir: [
            ("supervisor_dashboard", []),
            ("profile_edit", []),
            ("availability", []),
            ("booking_detail", [booking.code]),
            ("group_create", []),
            ("group_manage", [group.code]),
            ("group_session_detail", [session.code]),
            ("lab_detail", [lab.code]),
            ("lab_attendance", [lab.code]),
            ("feedback", []),
            ("supervisor_profile", [samir.public_id]),
        ],
        chloe: [
            ("application_queue", []),
            ("lab_admin_list", []),
            ("lab_create", []),
            ("lab_edit", [lab.code]),
        ],
    }
    for person, names in pages.items():
        client.force_login(person)
        for name, args in names:
            response = client.get(reverse(f"supervision:{name}", args=args))
            assert response.status_code == 200, (person.email, name, response.status_code)
            assert b"<h1" in response.content, name


def test_the_facilitator_sees_the_attendance_form_once_a_session_started(client, demo):
    samir = demo["supervisor"]
    session = GroupSession.objects.filter(attendance_marked_at__isnull=True).first()
    with frozen(session.starts_at):
        client.force_login(samir)
        page = client.get(reverse("supervision:group_session_detail", args=[session.code]))
    assert "Save attendance" in page.content.decode() and "Maya Thornton" in page.content.decode()
