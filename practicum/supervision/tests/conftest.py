"""Helpers for the supervision tests: listed supervisors with weekly windows, dates in zones."""

import datetime
import zoneinfo
from contextlib import contextmanager
from email import message_from_string
from unittest import mock

import pytest
from icalendar import Calendar

from conftest import make_user
from practicum.accounts.models import Role
from practicum.supervision import services
from practicum.supervision.loader import rules_load_all


@pytest.fixture
def rules(db):
    return rules_load_all()


def make_supervisor(
    email: str,
    *,
    name: str = "",
    zone: str = "Europe/London",
    windows=((0, "09:00", "12:00"),),
    slot_minutes: int = 60,
    notice_hours: int = 24,
    languages=("en",),
    **profile,
):
    user = make_user(
        email,
        Role.MENTOR,
        Role.SUPERVISOR,
        full_name=name or email.split("@")[0].title(),
        time_zone=zone,
    )
    fields = {
        "bio": "I supervise mentors in health and education.",
        "focus_area": "both",
        "experience": "Twelve years of practice.",
        "years_supervising": 5,
        "is_listed": True,
        "slot_minutes": slot_minutes,
        "notice_hours": notice_hours,
        **profile,
    }
    services.profile_save(user=user, languages=languages, **fields)
    for weekday, start, end in windows:
        services.window_add(
            supervisor=user,
            weekday=weekday,
            start_time=datetime.time.fromisoformat(start),
            end_time=datetime.time.fromisoformat(end),
        )
    return user


def in_zone(zone: str, *args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=zoneinfo.ZoneInfo(zone))


def next_weekday(weekday: int, zone: str, *, at: str = "09:00", min_days: int = 3):
    """The next `weekday` at least `min_days` away, at wall-clock `at` in `zone` (aware)."""
    tz = zoneinfo.ZoneInfo(zone)
    day = datetime.datetime.now(tz).date() + datetime.timedelta(days=min_days)
    while day.weekday() != weekday:
        day += datetime.timedelta(days=1)
    return datetime.datetime.combine(day, datetime.time.fromisoformat(at), tzinfo=tz)


@contextmanager
def frozen(moment: datetime.datetime):
    """`django.utils.timezone.now()` is `moment` for the duration."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def ics_of(message) -> Calendar | None:
    """The iCalendar attached to an outbox message, parsed."""
    raw = message_from_string(message.message().as_string())
    for part in raw.walk():
        if part.get_content_type() == "text/calendar":
            return Calendar.from_ical(part.get_payload(decode=True))
    return None


def ics_method(message) -> str | None:
    raw = message_from_string(message.message().as_string())
    for part in raw.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_param("method")
    return None
