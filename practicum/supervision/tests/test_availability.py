"""The supervisor's availability page: weekly windows and days off, in their own zone."""

import datetime

import pytest
from django.urls import reverse

from practicum.supervision import services
from practicum.supervision.models import AvailabilityException, AvailabilityWindow
from practicum.supervision.tests.conftest import make_supervisor, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(frameworks):
    return make_supervisor("sam.sup@example.org", zone="America/Sao_Paulo", windows=[])


def test_a_supervisor_without_a_profile_writes_it_first(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("supervision:availability"))
    assert response["Location"] == reverse("supervision:profile_edit")


def test_windows_are_added_in_the_supervisors_zone(client, sam):
    client.force_login(sam)
    response = client.post(
        reverse("supervision:availability"),
        {
            "add_window": "1",
            "window-weekday": "2",
            "window-start_time": "08:00",
            "window-end_time": "10:00",
        },
    )
    assert response.status_code == 302
    window = AvailabilityWindow.objects.get()
    assert (window.weekday, window.start_time, window.time_zone) == (
        2,
        datetime.time(8),
        "America/Sao_Paulo",
    )
    page = client.get(reverse("supervision:availability")).content.decode()
    assert "(America/Sao_Paulo)" in page  # the preview of free slots, in their zone


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("10:00", "09:00", "must end after it starts"),
        ("09:00", "09:30", "shorter than one session"),
        ("", "09:30", "required"),
        ("25:00", "26:00", "valid time"),
    ],
)
def test_a_bad_window_says_why_and_saves_nothing(client, sam, start, end, message):
    client.force_login(sam)
    response = client.post(
        reverse("supervision:availability"),
        {
            "add_window": "1",
            "window-weekday": "2",
            "window-start_time": start,
            "window-end_time": end,
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AvailabilityWindow.objects.exists()


def test_days_off_warn_about_sessions_already_booked(client, sam, mentor):
    services.window_add(
        supervisor=sam, weekday=0, start_time=datetime.time(9), end_time=datetime.time(12)
    )
    when = next_weekday(0, "America/Sao_Paulo")
    services.booking_create(mentor=mentor, supervisor=sam, starts_at=when)
    client.force_login(sam)
    response = client.post(
        reverse("supervision:availability"),
        {
            "add_exception": "1",
            "exception-starts_on": when.date().isoformat(),
            "exception-ends_on": when.date().isoformat(),
            "exception-label": "Holiday",
        },
        follow=True,
    )
    assert AvailabilityException.objects.get().time_zone == "America/Sao_Paulo"
    assert "1 sessions are already booked" in response.content.decode()


def test_another_supervisors_windows_and_days_off_are_404(client, sam, supervisor):
    window = services.window_add(
        supervisor=sam, weekday=0, start_time=datetime.time(9), end_time=datetime.time(12)
    )
    day = datetime.date.today() + datetime.timedelta(days=10)
    exception = services.exception_add(supervisor=sam, starts_on=day, ends_on=day)
    client.force_login(supervisor)
    assert client.post(reverse("supervision:window_delete", args=[window.pk])).status_code == 404
    response = client.post(reverse("supervision:exception_delete", args=[exception.pk]))
    assert response.status_code == 404
    client.force_login(sam)
    client.post(reverse("supervision:window_delete", args=[window.pk]))
    client.post(reverse("supervision:exception_delete", args=[exception.pk]))
    assert not AvailabilityWindow.objects.exists() and not AvailabilityException.objects.exists()


def test_an_invitation_cannot_be_answered_without_one(client, frameworks, rules, mentor):
    from practicum.supervision.models import ReflectionModel

    facilitator = make_supervisor("f@example.org")
    group = services.group_create(
        facilitator=facilitator,
        name="G",
        description="x",
        reflection_model=ReflectionModel.objects.first(),
    )
    client.force_login(mentor)
    url = reverse("supervision:group_invitation", args=[group.code])
    assert client.post(url, {"answer": "accept"}).status_code == 404
    assert client.post(reverse("supervision:group_leave", args=[group.code])).status_code == 404
