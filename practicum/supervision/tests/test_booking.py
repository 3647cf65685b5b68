"""One-to-one: free slots, booking, cancel and reschedule, invitations with .ics."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import make_user
from practicum.accounts.models import Role
from practicum.supervision import services
from practicum.supervision.models import Booking, SupervisorProfile
from practicum.supervision.tests.conftest import (
    frozen,
    ics_method,
    ics_of,
    make_supervisor,
    next_weekday,
)

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


@pytest.fixture
def sam(frameworks):
    return make_supervisor("sam.sup@example.org", name="Sam Supervisor", zone="Europe/London")


def profile_of(user) -> SupervisorProfile:
    return SupervisorProfile.objects.get(user=user)


def monday_nine():
    return next_weekday(0, "Europe/London", at="09:00")


def book(mentor, supervisor, when):
    return services.booking_create(mentor=mentor, supervisor=supervisor, starts_at=when)


# --- slots --------------------------------------------------------------------------------


def test_slots_are_cut_from_weekly_windows_and_skip_booked_ones(sam, mentor):
    start = monday_nine()
    slots = services.offered_slots(
        profile_of(sam), start=start, end=start + datetime.timedelta(hours=6)
    )
    assert [s.starts_at.astimezone(start.tzinfo).hour for s in slots] == [9, 10, 11]
    book(mentor, sam, start)
    slots = services.offered_slots(
        profile_of(sam), start=start, end=start + datetime.timedelta(hours=6)
    )
    assert [s.starts_at.astimezone(start.tzinfo).hour for s in slots] == [10, 11]


def test_days_off_offer_no_slots(sam):
    start = monday_nine()
    services.exception_add(supervisor=sam, starts_on=start.date(), ends_on=start.date())
    assert not services.offered_slots(
        profile_of(sam), start=start, end=start + datetime.timedelta(hours=6)
    )


def test_slots_inside_the_notice_period_are_not_offered(frameworks):
    sup = make_supervisor("n@example.org", windows=[(d, "00:00", "23:00") for d in range(7)])
    now = datetime.datetime.now(UTC)
    slots = services.offered_slots(profile_of(sup), start=now, end=now + datetime.timedelta(days=3))
    assert slots and min(s.starts_at for s in slots) >= now + datetime.timedelta(hours=24)


def test_overlapping_windows_are_refused(sam):
    with pytest.raises(ValidationError, match="overlaps"):
        services.window_add(
            supervisor=sam,
            weekday=0,
            start_time=datetime.time(11),
            end_time=datetime.time(13),
        )


def test_the_mentor_sees_slots_in_their_own_zone(client, sam, frameworks):
    mentor = make_user("ny@example.org", Role.MENTOR, time_zone="America/New_York")
    client.force_login(mentor)
    url = reverse("supervision:book", args=[sam.public_id])
    text = "".join(client.get(url, {"week": week}).content.decode() for week in range(3))
    # 09:00 in London is 04:00 or 05:00 in New York, and both zones are named
    assert "(Europe/London)" in text
    assert ">04:00<" in text or ">05:00<" in text


# --- booking ------------------------------------------------------------------------------


def test_a_booking_emails_both_an_invitation(sam, mentor, run_tasks):
    booking = book(mentor, sam, monday_nine())
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["maya@example.org", "sam.sup@example.org"]
    for message in mail.outbox:
        calendar = ics_of(message)
        assert ics_method(message) == "REQUEST"
        event = calendar.walk("VEVENT")[0]
        assert str(event["UID"]) == f"booking-{booking.code}@practicum"
        assert event.decoded("DTSTART") == booking.starts_at
        assert "Maya Mentor" in str(event["SUMMARY"])
        assert booking.code in message.body
    maya_mail = next(m for m in mail.outbox if m.to == ["maya@example.org"])
    assert "(UTC)" in maya_mail.subject  # Maya's zone, named


def test_choosing_a_slot_asks_for_confirmation_first(client, sam, frameworks):
    mentor = make_user("ny@example.org", Role.MENTOR, time_zone="America/New_York")
    client.force_login(mentor)
    when = monday_nine()
    response = client.post(
        reverse("supervision:book", args=[sam.public_id]),
        {"starts_at": when.astimezone(UTC).isoformat()},
    )
    assert response.status_code == 200 and Booking.objects.count() == 0
    page = response.content.decode()
    assert "Confirm your booking" in page
    assert "(America/New_York)" in page and "09:00 (Europe/London)" in page
    assert "up to 24 hours before it starts" in page
    assert 'name="confirm" value="yes"' in page


def test_a_slot_taken_before_confirming_goes_back_to_the_list(client, sam, mentor, other_mentor):
    book(other_mentor, sam, monday_nine())
    client.force_login(mentor)
    response = client.post(
        reverse("supervision:book", args=[sam.public_id]),
        {"starts_at": monday_nine().astimezone(UTC).isoformat()},
    )
    assert response.status_code == 409
    assert "no longer free" in response.content.decode()


def test_the_booking_page_books_and_shows_both_times(client, sam, frameworks):
    mentor = make_user("ny@example.org", Role.MENTOR, time_zone="America/New_York")
    client.force_login(mentor)
    when = monday_nine()
    response = client.post(
        reverse("supervision:book", args=[sam.public_id]),
        {"starts_at": when.astimezone(UTC).isoformat(), "confirm": "yes"},
    )
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("supervision:booking_detail", args=[booking.code])
    page = client.get(response["Location"]).content.decode()
    assert "(America/New_York)" in page and "09:00 (Europe/London)" in page


def test_a_booking_reads_the_supervisor_once_and_only_their_windows_that_day(
    client, sam, mentor, django_assert_max_num_queries
):
    client.force_login(mentor)
    client.get(reverse("supervision:book", args=[sam.public_id]))  # roles and pledge remembered
    when = monday_nine()
    with django_assert_max_num_queries(16) as queries:
        response = client.post(
            reverse("supervision:book", args=[sam.public_id]),
            {"starts_at": when.astimezone(UTC).isoformat(), "confirm": "yes"},
        )
    assert response.status_code == 302 and Booking.objects.get().starts_at == when
    sql = [q["sql"] for q in queries.captured_queries]
    # The view's read finds the profile and its user; the service's locks the profile alone.
    profile_reads = [
        q for q in sql if q.startswith("SELECT") and '"supervision_supervisorprofile"' in q
    ]
    assert len(profile_reads) == 2
    assert '"accounts_user"' not in profile_reads[1]
    # The slot is checked against the windows of its day and the days either side only.
    windows = [q for q in sql if "supervision_availabilitywindow" in q]
    assert len(windows) == 1 and "weekday" in windows[0]
    # Whether any window, day off or clash matches: unsorted, the deciding columns only; and
    # of the locked profile, only the terms a booking checks.
    for table, unread in [
        ("supervision_availabilitywindow", '"created_at"'),
        ("supervision_availabilityexception", '"label"'),
        ("supervision_booking", '"code"'),
    ]:
        (read,) = [q for q in sql if q.startswith("SELECT") and f'FROM "{table}"' in q]
        assert "ORDER BY" not in read and unread not in read, read
    assert '"bio"' not in profile_reads[1]


def test_a_day_off_refuses_a_booking_and_a_clash_of_the_mentors_too(frameworks, sam, mentor):
    when = monday_nine()
    services.exception_add(supervisor=sam, starts_on=when.date(), ends_on=when.date())
    with pytest.raises(ValidationError, match="not one of"):
        book(mentor, sam, when)
    other = make_supervisor("o@example.org", windows=((0, "09:30", "12:00"),))
    later = when + datetime.timedelta(days=7)
    book(mentor, other, later + datetime.timedelta(minutes=30))  # overlaps the hour at 09:00
    with pytest.raises(ValidationError, match="already have"):
        book(mentor, sam, later)
    assert book(mentor, sam, later + datetime.timedelta(hours=2)).supervisor == sam


def test_a_taken_slot_says_just_taken(client, sam, mentor, other_mentor):
    when = monday_nine()
    book(other_mentor, sam, when)
    client.force_login(mentor)
    response = client.post(
        reverse("supervision:book", args=[sam.public_id]),
        {"starts_at": when.astimezone(UTC).isoformat(), "confirm": "yes"},
    )
    assert response.status_code == 409
    assert "just taken" in response.content.decode()
    assert Booking.objects.count() == 1


def test_a_time_outside_the_windows_is_refused(sam, mentor):
    with pytest.raises(ValidationError, match="not one of"):
        book(mentor, sam, monday_nine() + datetime.timedelta(minutes=30))


@pytest.mark.parametrize("value", ["", "tomorrow", "2027-01-01T09:00", "9" * 40])
def test_bad_slot_values_are_a_clear_error_not_a_500(client, sam, mentor, value):
    client.force_login(mentor)
    response = client.post(reverse("supervision:book", args=[sam.public_id]), {"starts_at": value})
    assert response.status_code == 200
    assert Booking.objects.count() == 0
    assert "Choose a time from the list" in response.content.decode() or "required" in (
        response.content.decode()
    )


def test_no_one_books_themselves(sam):
    with pytest.raises(ValidationError, match="yourself"):
        book(sam, sam, monday_nine())


def test_an_unlisted_supervisor_takes_no_bookings(sam, mentor):
    SupervisorProfile.objects.filter(user=sam).update(is_listed=False)
    with pytest.raises(ValidationError, match="not taking"):
        book(mentor, sam, monday_nine())


def test_a_supervisor_not_taking_new_supervisees_still_books_known_ones(sam, mentor, other_mentor):
    book(mentor, sam, monday_nine())
    SupervisorProfile.objects.filter(user=sam).update(accepting_new=False)
    book(mentor, sam, monday_nine() + datetime.timedelta(hours=1))
    with pytest.raises(ValidationError, match="not taking new"):
        book(other_mentor, sam, monday_nine() + datetime.timedelta(hours=2))


def test_a_mentor_cannot_be_in_two_sessions_at_once(frameworks, mentor, sam):
    other = make_supervisor("o@example.org", zone="Europe/London")
    book(mentor, sam, monday_nine())
    with pytest.raises(ValidationError, match="already have"):
        book(mentor, other, monday_nine())


# --- cancel and reschedule ----------------------------------------------------------------


def test_the_mentor_cancels_and_both_are_told(client, sam, mentor, run_tasks):
    booking = book(mentor, sam, monday_nine())
    run_tasks()
    mail.outbox.clear()
    client.force_login(mentor)
    response = client.post(
        reverse("supervision:booking_cancel", args=[booking.code]), {"reason": "Unwell"}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.cancelled_by == mentor
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == ["maya@example.org", "sam.sup@example.org"]
    assert all(ics_method(m) == "CANCEL" for m in mail.outbox)
    event = ics_of(mail.outbox[0]).walk("VEVENT")[0]
    assert int(event["SEQUENCE"]) == 1 and str(event["STATUS"]) == "CANCELLED"
    # the slot is free again
    assert book(mentor, sam, monday_nine()).is_active


def test_the_mentor_cannot_cancel_inside_the_notice_period(sam, mentor):
    booking = book(mentor, sam, monday_nine())
    SupervisorProfile.objects.filter(user=sam).update(notice_hours=24 * 14)
    with pytest.raises(ValidationError, match="notice period"):
        services.booking_cancel(booking=booking, by=mentor)
    # the supervisor may still cancel (illness happens)
    services.booking_cancel(booking=booking, by=sam, reason="Unwell")
    assert Booking.objects.get().status == "cancelled"


def test_the_page_offers_a_change_only_when_the_service_would_allow_it(client, sam, mentor):
    booking = book(mentor, sam, monday_nine())
    SupervisorProfile.objects.filter(user=sam).update(notice_hours=24 * 14)
    url = reverse("supervision:booking_detail", args=[booking.code])
    client.force_login(mentor)
    page = client.get(url).content.decode()
    assert "Cancel this session" not in page and "notice period" in page
    client.force_login(sam)
    assert "Cancel this session" in client.get(url).content.decode()


def test_a_session_in_the_past_cannot_be_cancelled(sam, mentor):
    booking = book(mentor, sam, monday_nine())
    with (
        frozen(booking.starts_at + datetime.timedelta(minutes=5)),
        pytest.raises(ValidationError, match="already started"),
    ):
        services.booking_cancel(booking=booking, by=sam)


def test_reschedule_keeps_the_event_and_raises_its_sequence(client, sam, mentor, run_tasks):
    booking = book(mentor, sam, monday_nine())
    run_tasks()
    mail.outbox.clear()
    client.force_login(sam)
    new_time = monday_nine() + datetime.timedelta(hours=2)
    response = client.post(
        reverse("supervision:booking_reschedule", args=[booking.code]),
        {"starts_at": new_time.isoformat(), "confirm": "yes"},
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.starts_at == new_time and booking.sequence == 1
    run_tasks()
    assert len(mail.outbox) == 2
    event = ics_of(mail.outbox[0]).walk("VEVENT")[0]
    assert str(event["UID"]) == f"booking-{booking.code}@practicum"
    assert int(event["SEQUENCE"]) == 1
    assert event.decoded("DTSTART") == new_time


def test_reschedule_into_a_taken_slot_says_just_taken(sam, mentor, other_mentor):
    mine = book(mentor, sam, monday_nine())
    book(other_mentor, sam, monday_nine() + datetime.timedelta(hours=1))
    with pytest.raises(ValidationError, match="just taken"):
        services.booking_reschedule(
            booking=mine, by=mentor, starts_at=monday_nine() + datetime.timedelta(hours=1)
        )
    mine.refresh_from_db()
    assert mine.starts_at == monday_nine()


def test_the_reschedule_page_lists_the_supervisors_free_slots(client, sam, mentor):
    booking = book(mentor, sam, monday_nine())
    client.force_login(mentor)
    week = (monday_nine().date() - datetime.date.today()).days // 7
    response = client.get(
        reverse("supervision:booking_reschedule", args=[booking.code]), {"week": week}
    )
    assert response.status_code == 200
    assert "Move your session" in response.content.decode()


# --- refusals -----------------------------------------------------------------------------


def test_another_mentors_booking_is_404(client, sam, mentor, other_mentor):
    booking = book(mentor, sam, monday_nine())
    client.force_login(other_mentor)
    for name in ("booking_detail", "booking_reschedule"):
        assert client.get(reverse(f"supervision:{name}", args=[booking.code])).status_code == 404
    response = client.post(reverse("supervision:booking_cancel", args=[booking.code]))
    assert response.status_code == 404
    assert Booking.objects.get().is_active


def test_only_the_supervisor_marks_attendance(client, sam, mentor):
    booking = book(mentor, sam, monday_nine())
    client.force_login(mentor)
    response = client.post(
        reverse("supervision:booking_attendance", args=[booking.code]), {"held": "yes"}
    )
    assert response.status_code == 403


def test_the_booking_page_of_an_unknown_supervisor_is_404(client, mentor):
    client.force_login(mentor)
    assert client.get(reverse("supervision:book", args=["nobody"])).status_code == 404


def test_htmx_asks_only_for_the_slots_fragment(client, sam, mentor):
    client.force_login(mentor)
    response = client.get(
        reverse("supervision:book", args=[sam.public_id]), {"week": 1}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"<html" not in response.content and b'id="slots"' in response.content


# --- how far ahead ------------------------------------------------------------------------


def test_a_supervisor_chooses_how_far_ahead_mentors_book(sam, mentor):
    profile = profile_of(sam)
    assert profile.booking_horizon_days == 90
    now = datetime.datetime.now(UTC)
    far = now + datetime.timedelta(days=200)
    assert not services.offered_slots(profile, start=far, end=far + datetime.timedelta(days=7))
    profile.booking_horizon_days = 365
    profile.save()
    slots = services.offered_slots(profile, start=far, end=far + datetime.timedelta(days=7))
    assert slots
    book(mentor, sam, slots[0].starts_at)


@pytest.mark.parametrize("days", ["6", "366", "x"])
def test_the_horizon_is_a_week_to_a_year(sam, days):
    from practicum.supervision.forms import ProfileForm

    bound = ProfileForm({"booking_horizon_days": days}, instance=profile_of(sam))
    assert not bound.is_valid() and "booking_horizon_days" in bound.errors


def test_a_one_to_one_can_be_booked_across_the_next_clock_change(sam, mentor):
    """09:00 London on the Monday after the next change of clocks (up to seven months away, so
    past the default 90 days: the supervisor opens a year) stays 09:00 London, at another UTC
    hour than before the change."""
    import zoneinfo

    london = zoneinfo.ZoneInfo("Europe/London")
    now = datetime.datetime.now(UTC)
    offset = now.astimezone(london).utcoffset()
    day = now.astimezone(london).date()
    while datetime.datetime.combine(day, datetime.time(12), london).utcoffset() == offset:
        day += datetime.timedelta(days=1)
    monday = day + datetime.timedelta(days=(7 - day.weekday()) % 7)
    when = datetime.datetime.combine(monday, datetime.time(9), london)
    profile = profile_of(sam)
    profile.booking_horizon_days = 365
    profile.save()
    booking = book(mentor, sam, when.astimezone(UTC))
    assert booking.starts_at.astimezone(london).hour == 9
    assert booking.starts_at.astimezone(london).utcoffset() != offset
