from django import template
from django.utils import timezone
from django.utils.formats import date_format

register = template.Library()


@register.filter
def local_when(value):
    """A moment in the viewer's zone, with the zone named: “21 Nov 2026, 14:05 (Europe/Madrid)”."""
    if value is None:
        return ""
    local = timezone.localtime(value)
    zone = timezone.get_current_timezone_name()
    return f"{date_format(local, 'DATETIME_FORMAT')} ({zone})"
