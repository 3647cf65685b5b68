"""A supervisor's profile and one-to-one availability (windows, exceptions, offered slots)."""

import datetime
import zoneinfo
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts.models import Role, User
from practicum.supervision import slots as slot_math
from practicum.supervision.models import (
    AvailabilityException,
    AvailabilityWindow,
    Booking,
    SupervisorLanguage,
    SupervisorProfile,
)


@transaction.atomic
def profile_save(*, user: User, languages: Iterable[str], **fields) -> SupervisorProfile:
    if not user.has_role(Role.SUPERVISOR):
        raise ValidationError(_("Only supervisors have a supervisor profile."))
    languages = sorted(set(languages))
    if not languages:
        raise ValidationError(_("Choose at least one language you supervise in."))
    profile = SupervisorProfile.objects.filter(user=user).first() or SupervisorProfile(user=user)
    for name, value in fields.items():
        setattr(profile, name, value)
    if not (profile.offers_one_to_one or profile.offers_group or profile.offers_lab):
        raise ValidationError(_("Offer at least one format."))
    profile.full_clean(exclude=["user"])
    profile.save()
    profile.languages.exclude(code__in=languages).delete()
    have = set(profile.languages.values_list("code", flat=True))
    SupervisorLanguage.objects.bulk_create(
        SupervisorLanguage(profile=profile, code=code) for code in languages if code not in have
    )
    return profile


# --- Availability -------------------------------------------------------------------------


def window_add(
    *, supervisor: User, weekday: int, start_time: datetime.time, end_time: datetime.time
) -> AvailabilityWindow:
    """A weekly window in the supervisor's own zone (kept with it: a later change of zone
    does not move it)."""
    if end_time <= start_time:
        raise ValidationError(_("The window must end after it starts."))
    overlapping = AvailabilityWindow.objects.filter(
        supervisor=supervisor,
        weekday=weekday,
        time_zone=supervisor.time_zone,
        start_time__lt=end_time,
        end_time__gt=start_time,
    )
    if overlapping.exists():
        raise ValidationError(_("This window overlaps one you already have on that day."))
    window = AvailabilityWindow(
        supervisor=supervisor,
        weekday=weekday,
        start_time=start_time,
        end_time=end_time,
        time_zone=supervisor.time_zone,
    )
    window.full_clean(exclude=["supervisor"])
    window.save()
    return window


def exception_add(
    *, supervisor: User, starts_on: datetime.date, ends_on: datetime.date, label: str = ""
) -> AvailabilityException:
    if ends_on < starts_on:
        raise ValidationError(_("The last day cannot be before the first day."))
    if (ends_on - starts_on).days > 366:
        raise ValidationError(_("An exception can last a year at most."))
    exception = AvailabilityException(
        supervisor=supervisor,
        starts_on=starts_on,
        ends_on=ends_on,
        label=label.strip(),
        time_zone=supervisor.time_zone,
    )
    exception.full_clean(exclude=["supervisor"])
    exception.save()
    return exception


def bookings_during(exception: AvailabilityException):
    """Active bookings already made on the days of `exception` (they are not cancelled)."""
    zone = zoneinfo.ZoneInfo(exception.time_zone)
    start = datetime.datetime.combine(exception.starts_on, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(
        exception.ends_on + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
    )
    return Booking.objects.active().filter(
        supervisor=exception.supervisor, starts_at__gte=start, starts_at__lt=end
    )


def offered_slots(
    profile: SupervisorProfile,
    *,
    start: datetime.datetime,
    end: datetime.datetime,
    ignore: Booking | None = None,
) -> list[slot_math.Slot]:
    """The supervisor's free one-to-one slots in [start, end), within the notice period and
    the booking horizon, minus active bookings (`ignore` aside: a booking being moved)."""
    now = timezone.now()
    start = max(start, now + datetime.timedelta(hours=profile.notice_hours))
    end = min(end, now + datetime.timedelta(days=profile.booking_horizon_days))
    if start >= end:
        return []
    supervisor = profile.user
    windows = AvailabilityWindow.objects.filter(supervisor=supervisor)
    exceptions = AvailabilityException.objects.filter(
        supervisor=supervisor,
        ends_on__gte=(start - datetime.timedelta(days=1)).date(),
        starts_on__lte=(end + datetime.timedelta(days=1)).date(),
    )
    candidates = slot_math.expand_windows(
        windows, exceptions, slot_minutes=profile.slot_minutes, start=start, end=end
    )
    window = datetime.timedelta(minutes=240)  # the longest session that could overlap
    busy = Booking.objects.active().filter(
        supervisor=supervisor, starts_at__gte=start - window, starts_at__lt=end
    )
    if ignore is not None:
        busy = busy.exclude(pk=ignore.pk)
    return slot_math.free_slots(candidates, [(b.starts_at, b.ends_at) for b in busy])


# --- One-to-one bookings ------------------------------------------------------------------
