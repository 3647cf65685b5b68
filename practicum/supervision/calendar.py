"""iCalendar (RFC 5545) for invitations and private feeds.

Times are written in UTC ("...Z"): every calendar shows them in its owner's zone. Events carry
titles, people's names and a link back, never confidential text.
"""

import datetime
from dataclasses import dataclass

from icalendar import Calendar, Event, vCalAddress, vText

from practicum.lib.urls import absolute_url

PRODID = "-//Practicum//Supervision//EN"
UID_DOMAIN = "practicum"


@dataclass(frozen=True)
class CalendarEvent:
    uid: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    summary: str
    url: str = ""
    description: str = ""
    sequence: int = 0
    cancelled: bool = False
    organizer: tuple[str, str] | None = None  # (name, email)
    attendees: tuple[tuple[str, str], ...] = ()


def _calendar(method: str | None, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _address(name: str, email: str, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    if role:
        address.params["role"] = vText(role)
    return address


def _event(item: CalendarEvent, now: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", f"{item.uid}@{UID_DOMAIN}")
    event.add("dtstamp", now)
    event.add("dtstart", item.starts_at.astimezone(datetime.UTC))
    event.add("dtend", item.ends_at.astimezone(datetime.UTC))
    event.add("summary", item.summary)
    event.add("sequence", item.sequence)
    event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
    if item.url:
        event.add("url", item.url)
    description = "\n".join(part for part in (item.description, item.url) if part)
    if description:
        event.add("description", description)
    if item.organizer:
        event.add("organizer", _address(*item.organizer))
    for name, email in item.attendees:
        event.add("attendee", _address(name, email, "REQ-PARTICIPANT"))
    return event


def invitation_ics(item: CalendarEvent) -> str:
    """An .ics for an email: REQUEST to add or update the event, CANCEL to remove it."""
    now = datetime.datetime.now(datetime.UTC)
    calendar = _calendar("CANCEL" if item.cancelled else "REQUEST")
    calendar.add_component(_event(item, now))
    return calendar.to_ical().decode("utf-8")


def feed_ics(items: list[CalendarEvent], *, name: str) -> bytes:
    now = datetime.datetime.now(datetime.UTC)
    calendar = _calendar(None, name=name)
    calendar.add("x-published-ttl", "PT1H")
    for item in items:
        calendar.add_component(_event(item, now))
    return calendar.to_ical()


absolute = absolute_url
