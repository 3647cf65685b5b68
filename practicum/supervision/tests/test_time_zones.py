"""Daylight saving does not move a session: windows are wall-clock times in a named zone,
bookings are instants in UTC, and each viewer sees their own zone.

In 2027 the United States change on 14 March and the United Kingdom on 28 March (and back on
7 November and 31 October): between those dates New York and London are 4 hours apart, not 5.
"""

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from conftest import make_user
from practicum.accounts.models import Role
from practicum.supervision import services, slots
from practicum.supervision.models import AvailabilityWindow, SupervisorProfile
from practicum.supervision.tests.conftest import frozen, in_zone, make_supervisor

pytestmark = pytest.mark.django_db
UTC = datetime.UTC
LONDON, NEW_YORK = "Europe/London", "America/New_York"
BEFORE_BOTH = datetime.datetime(2027, 3, 1, 12, tzinfo=UTC)  # a Monday, both zones on winter time
AFTER_BOTH = datetime.datetime(2027, 4, 6, 12, tzinfo=UTC)


def local(moment, zone):
    return moment.astimezone(zoneinfo.ZoneInfo(zone))


@pytest.fixture
def london_supervisor(frameworks):
    return make_supervisor("lon@example.org", name="Lena London", zone=LONDON)


@pytest.fixture
def ny_mentor(frameworks):
    return make_user("ny@example.org", Role.MENTOR, full_name="Nia NewYork", time_zone=NEW_YORK)


def test_a_weekly_london_window_stays_at_nine_london_across_both_changes(london_supervisor):
    profile = SupervisorProfile.objects.get(user=london_supervisor)
    with frozen(BEFORE_BOTH):
        offered = services.offered_slots(
            profile, start=BEFORE_BOTH, end=BEFORE_BOTH + datetime.timedelta(days=35)
        )
    first_slots = [s.starts_at for s in offered if local(s.starts_at, LONDON).hour == 9]
    assert [local(s, LONDON).strftime("%d %H:%M") for s in first_slots] == [
        "08 09:00",
        "15 09:00",
        "22 09:00",
        "29 09:00",
        "05 09:00",
    ]
    assert [s.strftime("%d %H:%M") for s in first_slots] == [
        "08 09:00",  # GMT
        "15 09:00",
        "22 09:00",
        "29 08:00",  # BST: one hour earlier in UTC, still 09:00 in London
        "05 08:00",
    ]
    # in New York the same sessions start at 04:00, then 05:00 while only the US has changed
    assert [local(s, NEW_YORK).hour for s in first_slots] == [4, 5, 5, 4, 4]


def test_a_booking_made_in_winter_keeps_its_time_after_both_changes(
    client, london_supervisor, ny_mentor
):
    mid_march = in_zone(LONDON, 2027, 3, 15, 9, 0)  # after the US change, before the UK's
    end_of_march = in_zone(LONDON, 2027, 3, 29, 9, 0)  # after both
    with frozen(BEFORE_BOTH):
        first = services.booking_create(
            mentor=ny_mentor, supervisor=london_supervisor, starts_at=mid_march
        )
        second = services.booking_create(
            mentor=ny_mentor,
            supervisor=london_supervisor,
            starts_at=end_of_march.astimezone(zoneinfo.ZoneInfo(NEW_YORK)),  # same instant
        )
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.starts_at == datetime.datetime(2027, 3, 15, 9, 0, tzinfo=UTC)
    assert second.starts_at == datetime.datetime(2027, 3, 29, 8, 0, tzinfo=UTC)

    with frozen(AFTER_BOTH):
        client.force_login(ny_mentor)
        mentor_view = client.get(reverse("supervision:booking_detail", args=[first.code]))
        client.force_login(london_supervisor)
        supervisor_view = client.get(reverse("supervision:booking_detail", args=[first.code]))
    mentor_text, supervisor_text = mentor_view.content.decode(), supervisor_view.content.decode()
    assert "15 Mar 2027, 05:00 (America/New_York)" in mentor_text
    assert "15 Mar 2027, 09:00 (Europe/London)" in mentor_text  # the supervisor's time
    assert "15 Mar 2027, 09:00 (Europe/London)" in supervisor_text
    assert "15 Mar 2027, 05:00 (America/New_York)" in supervisor_text  # the mentor's time


def test_a_new_york_window_books_correctly_from_london_in_the_autumn_gap(frameworks):
    """The other way round, in the autumn weeks when the UK has changed back and the US not."""
    supervisor = make_supervisor("nys@example.org", zone=NEW_YORK, windows=[(0, "09:00", "11:00")])
    mentor = make_user("lm@example.org", Role.MENTOR, time_zone=LONDON)
    now = datetime.datetime(2027, 10, 18, 12, tzinfo=UTC)
    with frozen(now):
        profile = SupervisorProfile.objects.get(user=supervisor)
        offered = services.offered_slots(profile, start=now, end=now + datetime.timedelta(days=22))
        nine = [s.starts_at for s in offered if local(s.starts_at, NEW_YORK).hour == 9]
        # 25 Oct: both on summer time; 1 Nov: UK back on GMT, US still EDT; 8 Nov: both winter
        assert [local(s, LONDON).strftime("%d %H:%M") for s in nine] == [
            "25 14:00",
            "01 13:00",
            "08 14:00",
        ]
        booking = services.booking_create(mentor=mentor, supervisor=supervisor, starts_at=nine[1])
    assert local(booking.starts_at, NEW_YORK).strftime("%H:%M") == "09:00"


def test_a_wall_clock_time_skipped_by_the_clocks_yields_no_slot(frameworks):
    supervisor = make_supervisor("night@example.org", zone=LONDON, windows=[(6, "00:00", "03:00")])
    profile = SupervisorProfile.objects.get(user=supervisor)
    with frozen(datetime.datetime(2027, 3, 20, tzinfo=UTC)):
        offered = services.offered_slots(
            profile,
            start=datetime.datetime(2027, 3, 27, 12, tzinfo=UTC),
            end=datetime.datetime(2027, 3, 29, tzinfo=UTC),
        )
    # Sunday 28 March: 01:00 London does not exist (01:00 GMT becomes 02:00 BST)
    assert [local(s.starts_at, LONDON).strftime("%H:%M") for s in offered] == ["00:00", "02:00"]
    assert (
        slots.wall_clock_to_utc(
            datetime.date(2027, 3, 28), datetime.time(1, 30), zoneinfo.ZoneInfo(LONDON)
        )
        is None
    )


def test_a_window_keeps_the_zone_it_was_made_in(london_supervisor):
    london_supervisor.time_zone = "Asia/Kolkata"
    london_supervisor.save()
    assert AvailabilityWindow.objects.get(supervisor=london_supervisor).time_zone == LONDON


def test_group_sessions_keep_their_wall_clock_time_across_the_change(frameworks, rules):
    facilitator = make_supervisor("g@example.org", zone=LONDON)
    group = services.group_create(
        facilitator=facilitator,
        name="Evening group",
        description="Reflective practice.",
        reflection_model=rules_model(),
    )
    with frozen(BEFORE_BOTH):
        sessions = services.group_schedule(
            group=group,
            by=facilitator,
            first_day=datetime.date(2027, 3, 17),
            start_time=datetime.time(18, 0),
            count=3,
            every_weeks=1,
            time_zone=LONDON,
        )
    assert [local(s.starts_at, LONDON).strftime("%d %H:%M") for s in sessions] == [
        "17 18:00",
        "24 18:00",
        "31 18:00",
    ]
    assert [s.starts_at.hour for s in sessions] == [18, 18, 17]


def rules_model():
    from practicum.supervision.models import ReflectionModel

    return ReflectionModel.objects.get(code="reflective-conversation")


@pytest.mark.parametrize(
    "zone, first_day",
    [
        (LONDON, datetime.date(2027, 3, 27)),  # spring forward, 01:00 skipped
        (LONDON, datetime.date(2027, 10, 30)),  # fall back, 01:00-02:00 twice
        (NEW_YORK, datetime.date(2027, 3, 13)),
        (NEW_YORK, datetime.date(2027, 11, 6)),
        ("Australia/Lord_Howe", datetime.date(2027, 4, 3)),  # a 30-minute change
        ("Asia/Kolkata", datetime.date(2027, 1, 4)),  # a half-hour offset, no change
        ("Pacific/Kiritimati", datetime.date(2027, 1, 4)),  # UTC+14: the day after UTC's
        ("Pacific/Pago_Pago", datetime.date(2027, 1, 4)),  # UTC-11: the day before UTC's
    ],
)
@pytest.mark.parametrize("slot_minutes", [30, 45, 90])
def test_a_moment_is_a_slot_exactly_when_the_expanded_windows_offer_it(
    zone, first_day, slot_minutes
):
    """The booking check answers from the moment alone (slots.is_slot); the pages expand the
    windows. Every 5 minutes over three days around a clock change, and a second off each
    slot, the two agree."""

    class Window:
        def __init__(self, weekday, start, end):
            self.weekday, self.time_zone = weekday, zone
            self.start_time, self.end_time = start, end

    class DayOff:
        time_zone = zone
        starts_on = ends_on = first_day + datetime.timedelta(days=2)

    windows = [
        Window(day, datetime.time(h), datetime.time(h + 3, 10))
        for day in range(7)
        for h in (0, 1, 9, 20)
    ]
    start = datetime.datetime.combine(first_day, datetime.time(), tzinfo=UTC)
    start -= datetime.timedelta(days=1)
    end = start + datetime.timedelta(days=4)
    offered = {
        s.starts_at
        for s in slots.expand_windows(
            windows, [DayOff()], slot_minutes=slot_minutes, start=start, end=end
        )
    }
    assert offered
    moment = start
    while moment < end:
        for probe in (moment, moment + datetime.timedelta(seconds=1)):
            found = slots.is_slot(windows, [DayOff()], slot_minutes=slot_minutes, moment=probe)
            assert found == (probe in offered), probe
        moment += datetime.timedelta(minutes=5)
    for slot in offered:  # a 45- or 90-minute grid falls off the 5-minute probes
        assert slots.is_slot(windows, [DayOff()], slot_minutes=slot_minutes, moment=slot)
