"""The review clock, for anything reviewed on a deadline: it starts with a number of days,
pauses while the applicant is asked for more, and the target date moves by the days paused.

The object needs `review_days`, `clock_started_at`, `paused_since`, `paused_days` and
`target_date` (credential `Application` and institutions' `AccreditationApplication` have them).
The rule is written once here; `services.payment_record`, `_info_request_create`, `info_answer`
and `_decide` hold the same lines for credential applications and should call these functions
once that module can be edited (issue 11's report).
"""

import datetime

from django.utils import timezone

from practicum.credentials.models import body_today


def clock_start(obj, *, days: int, today: datetime.date | None = None) -> None:
    today = today or body_today()
    obj.review_days = days
    obj.clock_started_at = timezone.now()
    obj.paused_since = None
    obj.paused_days = 0
    obj.target_date = today + datetime.timedelta(days=days)


def clock_pause(obj, *, today: datetime.date | None = None) -> None:
    if obj.paused_since is None:
        obj.paused_since = today or body_today()


def clock_resume(obj, *, today: datetime.date | None = None) -> int:
    """Restart a paused clock; returns the days it was paused (added to the target date)."""
    if obj.paused_since is None:
        return 0
    today = today or body_today()
    paused = max((today - obj.paused_since).days, 0)
    obj.paused_days += paused
    if obj.target_date is not None:
        obj.target_date += datetime.timedelta(days=paused)
    obj.paused_since = None
    return paused


def clock_stop(obj, *, today: datetime.date | None = None) -> None:
    """A decision stops the clock: days paused until then are counted, the target stays."""
    if obj.paused_since is not None:
        today = today or body_today()
        obj.paused_days += max((today - obj.paused_since).days, 0)
        obj.paused_since = None


def days_left(obj, today: datetime.date | None = None) -> int | None:
    if obj.target_date is None:
        return None
    return (obj.target_date - (today or body_today())).days
