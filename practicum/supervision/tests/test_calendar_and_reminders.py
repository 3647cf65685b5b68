"""The private calendar feed, and reminders 24 hours before, sent exactly once."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from practicum.practice.models import token_digest
from practicum.supervision import services
from practicum.supervision.models import CalendarFeed, ReminderSent, SupervisorProfile
from practicum.supervision.tests.conftest import frozen, make_supervisor, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(frameworks):
    return make_supervisor("sam.sup@example.org", name="Sam Supervisor")


@pytest.fixture
def booking(sam, mentor):
    return services.booking_create(
        mentor=mentor, supervisor=sam, starts_at=next_weekday(0, "Europe/London")
    )


# --- calendar feed ------------------------------------------------------------------------


def test_a_mentor_makes_a_private_feed_and_only_its_digest_is_kept(client, mentor, booking):
    client.force_login(mentor)
    response = client.post(reverse("supervision:calendar_settings"), {"action": "create"})
    url = response.context["feed_url"]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    feed = CalendarFeed.objects.get(user=mentor)
    assert feed.token_hash == token_digest(token) and token not in feed.token_hash
    client.logout()  # a calendar app has no session
    served = client.get(reverse("supervision:calendar_feed", args=[token]))
    assert served.status_code == 200
    assert served["Content-Type"] == "text/calendar; charset=utf-8"
    events = Calendar.from_ical(served.content).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == [f"booking-{booking.code}@practicum"]
    assert events[0].decoded("DTSTART") == booking.starts_at
    # the settings page no longer shows the link, only that one exists
    client.force_login(mentor)
    page = client.get(reverse("supervision:calendar_settings")).content.decode()
    assert token not in page and "You have a calendar link" in page


def test_the_feed_holds_groups_and_labs_and_the_supervisors_side(
    client, sam, booking, rules, staff
):
    from django.utils import timezone

    from practicum.supervision.models import GroupMembership, ReflectionModel

    group = services.group_create(
        facilitator=sam,
        name="Circle",
        description="x",
        reflection_model=ReflectionModel.objects.first(),
    )
    services.group_invite(group=group, by=sam, mentor=booking.mentor)
    services.group_invitation_respond(membership=GroupMembership.objects.get(), accept=True)
    services.group_schedule(
        group=group,
        by=sam,
        first_day=timezone.localdate() + datetime.timedelta(days=3),
        start_time=datetime.time(18),
        count=2,
        every_weeks=1,
        time_zone="UTC",
    )
    lab = services.lab_create(
        by=staff,
        facilitators=[sam],
        title="Boundaries",
        theme="Boundary challenges",
        description="x",
        starts_at=timezone.now() + datetime.timedelta(days=9),
        capacity=5,
        cpd_hours=2,
        audience="mentors",
    )
    services.lab_register(lab=lab, mentor=booking.mentor)
    mine = [e.uid for e in services.calendar_events_for(booking.mentor)]
    theirs = [e.uid for e in services.calendar_events_for(sam)]
    assert len(mine) == 4 and sorted(mine) == sorted(theirs)
    assert f"lab-{lab.code}" in mine


def test_a_reset_link_kills_the_old_one_and_turning_off_answers_410(client, mentor):
    first = services.calendar_feed_create(user=mentor)
    second = services.calendar_feed_create(user=mentor)
    url = lambda token: reverse("supervision:calendar_feed", args=[token])  # noqa: E731
    assert client.get(url(first)).status_code == 410
    assert client.get(url(second)).status_code == 200
    client.force_login(mentor)
    client.post(reverse("supervision:calendar_settings"), {"action": "revoke"})
    client.logout()
    response = client.get(url(second))
    assert response.status_code == 410 and b"turned off" in response.content
    assert client.get(url("made-up")).status_code == 404


def test_a_cancelled_booking_stays_in_the_feed_as_cancelled_for_a_while(mentor, booking):
    # Subscribed calendars only see the feed: an event that vanished would stay in them.
    before = services.calendar_events_for(mentor)[0]
    services.booking_cancel(booking=booking, by=mentor)
    (item,) = services.calendar_events_for(mentor)
    assert item.cancelled and item.uid == before.uid and item.sequence > before.sequence
    later = timezone.now() + datetime.timedelta(days=services.FEED_CANCELLED_DAYS + 1)
    with frozen(later):
        assert services.calendar_events_for(mentor) == []


# --- reminders ----------------------------------------------------------------------------


def test_reminders_go_once_to_each_participant_even_when_run_twice(booking, run_tasks):
    run_tasks()
    mail.outbox.clear()
    with frozen(booking.starts_at - datetime.timedelta(hours=23)):
        call_command("send_session_reminders", verbosity=0)
        call_command("send_session_reminders", verbosity=0)  # a second run, a restarted timer
        run_tasks()
        run_tasks()  # a restarted worker finds nothing left to send
    assert sorted(m.to[0] for m in mail.outbox) == ["maya@example.org", "sam.sup@example.org"]
    assert all("Reminder" in m.subject for m in mail.outbox)
    assert ReminderSent.objects.count() == 2


def test_no_reminder_before_the_last_24_hours_or_for_a_cancelled_session(booking, mentor):
    with frozen(booking.starts_at - datetime.timedelta(hours=25)):
        assert services.reminders_send() == 0
    services.booking_cancel(booking=booking, by=mentor)
    with frozen(booking.starts_at - datetime.timedelta(hours=2)):
        assert services.reminders_send() == 0


def test_a_moved_session_gets_a_reminder_for_its_new_time(booking, sam):
    with frozen(booking.starts_at - datetime.timedelta(hours=20)):
        assert services.reminders_send() == 2
    SupervisorProfile.objects.filter(user=sam).update(notice_hours=0)
    new_time = booking.starts_at + datetime.timedelta(hours=1)
    services.booking_reschedule(booking=booking, by=sam, starts_at=new_time)
    with frozen(new_time - datetime.timedelta(hours=20)):
        assert services.reminders_send() == 2
        assert services.reminders_send() == 0


def test_reminders_in_each_persons_zone(booking, sam, run_tasks):
    with frozen(booking.starts_at - datetime.timedelta(hours=3)):
        services.reminders_send()
        run_tasks()
    by_person = {m.to[0]: m for m in mail.outbox if "Reminder" in m.subject}
    assert "(Europe/London)" in by_person["sam.sup@example.org"].subject
    assert "(UTC)" in by_person["maya@example.org"].subject
    assert "With Sam Supervisor." in by_person["maya@example.org"].body
