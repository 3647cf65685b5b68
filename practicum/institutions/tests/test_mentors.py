"""The centre's own mentors: join, consent, the yes/no figures; and the printable tools."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from practicum.institutions import services
from practicum.practice.models import CpdEntry, SupervisionSession

pytestmark = pytest.mark.django_db


def join(centre, user):
    _m, token = services.member_invite(centre=centre, email=user.email, role="mentor", by=None)
    return services.member_join(token=token, user=user)


def sessions(mentor, n, year):
    for day in range(1, n + 1):
        SupervisionSession.objects.create(
            mentor=mentor,
            starts_at=datetime.datetime(year, 2, day, 10, tzinfo=datetime.UTC),
            duration_minutes=60,
            format="one_to_one",
            status="confirmed",
            focus="Contracting",
            source=f"lab:{year}-{day}",
            key_learnings="A private learning that must never show.",
        )


def test_only_consenting_mentors_show_and_only_as_yes_no_and_hours(
    client, centre, centre_admin, mentor, other_mentor
):
    year = timezone.localdate().year
    maya = join(centre, mentor)
    join(centre, other_mentor)
    sessions(mentor, 5, year)
    sessions(other_mentor, 5, year)
    CpdEntry.objects.create(
        mentor=mentor,
        category="other",
        title="Secret title",
        occurred_on=datetime.date(year, 1, 5),
        hours=Decimal("3"),
    )
    figures = services.centre_mentor_figures(centre, year)
    assert figures.sharing == [] and figures.not_sharing == 2
    services.member_set_sharing(member=maya, by=mentor, shares=True)
    figures = services.centre_mentor_figures(centre, year)
    assert [(m.name, m.meets_sessions, m.cpd_hours) for m in figures.sharing] == [
        ("Maya Mentor", True, Decimal("3"))
    ]
    client.force_login(centre_admin)
    page = client.get(reverse("institutions:mentors", args=[centre.pk])).content.decode()
    assert "Maya Mentor" in page and "Omar Other" not in page
    assert "private learning" not in page and "Secret title" not in page
    with pytest.raises(ValidationError):
        services.member_set_sharing(member=maya, by=other_mentor, shares=False)


def test_a_mentor_leaves_and_stops_sharing(client, centre, mentor):
    member = join(centre, mentor)
    services.member_set_sharing(member=member, by=mentor, shares=True)
    client.force_login(mentor)
    assert centre.name in client.get(reverse("institutions:memberships")).content.decode()
    client.post(reverse("institutions:membership_leave", args=[member.pk]))
    member.refresh_from_db()
    assert member.left_at is not None and not member.shares_progress
    assert services.centre_mentor_figures(centre, 2026).sharing == []


def test_another_centres_mentors_are_a_404(client, centre_admin, other_centre):
    client.force_login(centre_admin)
    assert client.get(reverse("institutions:mentors", args=[other_centre.pk])).status_code == 404


def test_the_four_tools_print_as_a_pdf(client, centre_admin):
    from practicum.reflection.loader import tool_load_all

    tool_load_all()
    client.force_login(centre_admin)
    response = client.get(reverse("reflection:printable_tools"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
