"""Invitations and feeds as other calendar software reads them: three independent parsers
(icalendar, vobject, ics), and the MIME layout mail clients act on (RFC 5546, RFC 6047)."""

import datetime
from email import message_from_bytes, policy

import ics
import pytest
import vobject
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from practicum.supervision import services
from practicum.supervision.tests.conftest import make_supervisor, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def sam(frameworks):
    return make_supervisor("sam.sup@example.org", name="Sam Supervisor")


@pytest.fixture
def lab(sam, staff):
    return services.lab_create(
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


def _parsed(message):
    return message_from_bytes(message.message().as_bytes(), policy=policy.default)


def _calendar_parts(message):
    parsed = _parsed(message)
    inline = [p for p in parsed.walk() if p.get_content_type() == "text/calendar"]
    attached = [p for p in parsed.walk() if p.get_filename() == "invitation.ics"]
    return parsed, inline, attached


def _check_everywhere(raw: bytes, *, method: str | None = None):
    """Parsed by the three libraries; returns icalendar's events."""
    text = raw.decode("utf-8")
    calendar = Calendar.from_ical(raw)
    if method:
        assert str(calendar["METHOD"]) == method
    events = calendar.walk("VEVENT")
    v = vobject.readOne(text)
    assert len(v.vevent_list) == len(events)
    assert {e.uid.value for e in v.vevent_list} == {str(e["UID"]) for e in events}
    other = ics.Calendar(text)
    assert {e.uid for e in other.events} == {str(e["UID"]) for e in events}
    return events


def test_a_lab_invitation_names_organiser_and_attendee_and_clients_can_act_on_it(
    lab, mentor, sam, run_tasks
):
    mail.outbox.clear()
    services.lab_register(lab=lab, mentor=mentor)
    run_tasks()
    (message,) = [m for m in mail.outbox if m.to == [mentor.email]]
    parsed, inline, attached = _calendar_parts(message)
    # multipart/mixed: [multipart/alternative: text, HTML, text/calendar], invitation.ics
    assert parsed.get_content_type() == "multipart/mixed"
    alternative = next(p for p in parsed.iter_parts())
    assert alternative.get_content_type() == "multipart/alternative"
    kinds = [p.get_content_type() for p in alternative.iter_parts()]
    assert kinds == ["text/plain", "text/html", "text/calendar"]
    assert inline[0].get_param("method") == "REQUEST"
    assert attached and attached[0].get_content_type() == "application/ics"
    # the same calendar (text parts travel with the line endings of the message)
    assert attached[0].get_content().splitlines() == inline[0].get_content().encode().splitlines()

    (event,) = _check_everywhere(inline[0].get_content().encode(), method="REQUEST")
    assert str(event["ORGANIZER"]) == f"mailto:{sam.email}"
    assert event["ORGANIZER"].params["CN"] == sam.get_full_name()
    assert str(event["ATTENDEE"]) == f"mailto:{mentor.email}"
    v = vobject.readOne(inline[0].get_content()).vevent
    assert v.organizer.value == f"mailto:{sam.email}"
    assert v.attendee.value == f"mailto:{mentor.email}"


def test_a_cancelled_lab_place_is_a_cancel_with_a_higher_sequence(lab, mentor, sam, run_tasks):
    registration = services.lab_register(lab=lab, mentor=mentor)
    run_tasks()
    mail.outbox.clear()
    services.lab_registration_cancel(registration=registration, by=mentor)
    run_tasks()
    (message,) = [m for m in mail.outbox if m.to == [mentor.email]]
    _parsed_message, inline, attached = _calendar_parts(message)
    assert inline[0].get_param("method") == "CANCEL" and attached
    (event,) = _check_everywhere(inline[0].get_content().encode(), method="CANCEL")
    assert str(event["STATUS"]) == "CANCELLED" and int(event["SEQUENCE"]) >= 1
    assert str(event["ORGANIZER"]) == f"mailto:{sam.email}"
    assert str(event["ATTENDEE"]) == f"mailto:{mentor.email}"


def test_the_feed_keeps_a_cancelled_booking_as_cancelled_for_every_parser(client, sam, mentor):
    booking = services.booking_create(
        mentor=mentor, supervisor=sam, starts_at=next_weekday(0, "Europe/London")
    )
    token = services.calendar_feed_create(user=mentor)
    url = reverse("supervision:calendar_feed", args=[token])
    (before,) = _check_everywhere(client.get(url).content)
    services.booking_cancel(booking=booking, by=mentor)
    raw = client.get(url).content
    (after,) = _check_everywhere(raw)
    assert str(after["UID"]) == str(before["UID"])
    assert str(after["STATUS"]) == "CANCELLED" and str(before["STATUS"]) == "CONFIRMED"
    assert int(after["SEQUENCE"]) > int(before["SEQUENCE"])
    assert vobject.readOne(raw.decode()).vevent.status.value == "CANCELLED"
    (event,) = ics.Calendar(raw.decode()).events
    assert event.status == "CANCELLED"
