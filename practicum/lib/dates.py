"""Dates and time zones, the same way everywhere."""

import datetime
import zoneinfo

UTC = zoneinfo.ZoneInfo("UTC")


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (or earlier); 29 February becomes the 28th in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def user_zone(user) -> zoneinfo.ZoneInfo:
    """The user's own time zone (`user.time_zone`), or UTC when it is unset or unknown."""
    try:
        return zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return UTC
