import pytest
from django.core.management import call_command

from practicum.practice.models import SupervisionSession
from practicum.supervision.models import (
    Booking,
    LabRegistration,
    SupervisionGroup,
    SupervisorApplication,
    SupervisorProfile,
    ThematicLab,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_supervisor_slots_a_group_and_a_lab_once(frameworks, settings):
    settings.DEBUG = True
    call_command("load_demo", quiet=True)
    call_command("load_demo", quiet=True)
    profile = SupervisorProfile.objects.get()
    assert profile.is_listed and profile.user.availability_windows.count() == 4
    assert Booking.objects.count() == 1
    assert SupervisionGroup.objects.get(reserved_for=None).sessions.count() == 5
    assert LabRegistration.objects.get().status == "registered"
    # The centre's own circle and lab, arranged once; an application waits for a decision.
    assert SupervisionGroup.objects.exclude(reserved_for=None).count() == 1
    assert ThematicLab.objects.exclude(reserved_for=None).count() == 1
    assert SupervisorApplication.objects.get().status == "submitted"
    entry = SupervisionSession.objects.get(source__startswith="group_session:")
    assert entry.status == "confirmed" and entry.mentor.email == "mentor@demo.practicum.test"


def test_site_admins_can_read_supervision_in_the_admin(client, site_admin, settings):
    from django.urls import reverse

    settings.DEBUG = True
    call_command("load_demo", quiet=True)
    client.force_login(site_admin)
    for model in (
        "eligibilityruleset",
        "reflectionmodel",
        "supervisorapplication",
        "supervisorprofile",
        "booking",
        "supervisiongroup",
        "thematiclab",
        "remindersent",
    ):
        assert client.get(reverse(f"admin:supervision_{model}_changelist")).status_code == 200
    group = SupervisionGroup.objects.get(reserved_for=None)
    url = reverse("admin:supervision_supervisiongroup_change", args=[group.pk])
    assert client.get(url).status_code == 200
