"""Expanding weekly wall-clock windows into bookable moments (UTC), daylight saving included.

A window is "Mondays 09:00-12:00 in Europe/London": each Monday is expanded in London's own
zone, so the slot is 09:00 London both in winter (09:00 UTC) and in summer (08:00 UTC).
A wall-clock time that does not exist on a given day (skipped by a spring-forward change) yields
no slot; one that happens twice (autumn) is taken the first time.
"""

import datetime
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass

UTC = datetime.UTC


@dataclass(frozen=True, order=True)
class Slot:
    starts_at: datetime.datetime  # aware, UTC
    minutes: int

    @property
    def ends_at(self) -> datetime.datetime:
        return self.starts_at + datetime.timedelta(minutes=self.minutes)

    def overlaps(self, start: datetime.datetime, end: datetime.datetime) -> bool:
        return self.starts_at < end and start < self.ends_at


def wall_clock_to_utc(
    day: datetime.date, at: datetime.time, zone: zoneinfo.ZoneInfo
) -> datetime.datetime | None:
    """`day` at `at` in `zone`, as UTC; None when that wall-clock time does not exist there."""
    naive = datetime.datetime.combine(day, at)
    aware = naive.replace(tzinfo=zone, fold=0)
    moment = aware.astimezone(UTC)
    if moment.astimezone(zone).replace(tzinfo=None) != naive:
        return None  # inside a spring-forward gap
    return moment


def _days(first: datetime.date, last: datetime.date) -> Iterable[datetime.date]:
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def expand_windows(
    windows: Iterable,
    exceptions: Iterable,
    *,
    slot_minutes: int,
    start: datetime.datetime,
    end: datetime.datetime,
) -> list[Slot]:
    """Every slot of `windows` starting in [start, end), minus the days of `exceptions`.

    `windows` need weekday, start_time, end_time, time_zone; `exceptions` need starts_on,
    ends_on, time_zone (their dates are read in their own zone).
    """
    exceptions = list(exceptions)
    step = datetime.timedelta(minutes=slot_minutes)
    found: set[Slot] = set()
    for window in windows:
        zone = zoneinfo.ZoneInfo(window.time_zone)
        first = start.astimezone(zone).date()
        last = end.astimezone(zone).date()
        for day in _days(first, last):
            if day.weekday() != window.weekday:
                continue
            at = datetime.datetime.combine(day, window.start_time)
            close = datetime.datetime.combine(day, window.end_time)
            while at + step <= close:
                moment = wall_clock_to_utc(day, at.time(), zone)
                at += step
                if moment is None or not (start <= moment < end):
                    continue
                if _is_excepted(moment, exceptions):
                    continue
                found.add(Slot(moment, slot_minutes))
    return sorted(found)


def is_slot(
    windows: Iterable, exceptions: Iterable, *, slot_minutes: int, moment: datetime.datetime
) -> bool:
    """Whether `moment` is one of the slots `expand_windows` gives, answered from the moment's
    own wall-clock time in each window's zone instead of stepping through the window's day: on
    the window's weekday, a whole number of slots after it opens, ending by its close, a time
    that exists that day (the first time when it happens twice), and on no excepted day."""
    exceptions = list(exceptions)
    step = datetime.timedelta(minutes=slot_minutes)
    for window in windows:
        zone = zoneinfo.ZoneInfo(window.time_zone)
        day = moment.astimezone(zone).date()
        if day.weekday() != window.weekday:
            continue
        at = moment.astimezone(zone).replace(tzinfo=None, fold=0)
        opens = datetime.datetime.combine(day, window.start_time)
        if at < opens or at + step > datetime.datetime.combine(day, window.end_time):
            continue
        if (at - opens) % step or wall_clock_to_utc(day, at.time(), zone) != moment:
            continue
        if not _is_excepted(moment, exceptions):
            return True
    return False


def _is_excepted(moment: datetime.datetime, exceptions: list) -> bool:
    for exception in exceptions:
        day = moment.astimezone(zoneinfo.ZoneInfo(exception.time_zone)).date()
        if exception.starts_on <= day <= exception.ends_on:
            return True
    return False


def free_slots(
    slots: Iterable[Slot], busy: Iterable[tuple[datetime.datetime, datetime.datetime]]
) -> list[Slot]:
    """`slots` minus those overlapping any busy interval."""
    busy = list(busy)
    return [s for s in slots if not any(s.overlaps(b_start, b_end) for b_start, b_end in busy)]
