import zoneinfo

from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


@register.filter
def in_zone(value, zone_name: str):
    """A moment in a named zone, with the zone named: how the *other* person sees it."""
    if value is None or not zone_name:
        return ""
    try:
        zone = zoneinfo.ZoneInfo(zone_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return ""
    local = timezone.localtime(value, zone)
    return f"{date_format(local, 'DATETIME_FORMAT')} ({zone_name})"


@register.filter
def local_time(value):
    """Only the time of day of a moment in the viewer's zone, as "14:05"."""
    if value is None:
        return ""
    return date_format(timezone.localtime(value), "TIME_FORMAT")


@register.filter
def local_day(value):
    if value is None:
        return ""
    return date_format(timezone.localtime(value), "l j F Y")
