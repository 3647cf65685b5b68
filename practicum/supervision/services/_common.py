"""Constants, hook lists and helpers the supervision services share."""

import datetime
import zoneinfo
from collections.abc import Callable

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from practicum.accounts.models import User
from practicum.lib.emails import enqueue_email
from practicum.supervision.calendar import CalendarEvent, absolute, invitation_ics
from practicum.supervision.models import GroupMembership, LabRegistration
from practicum.supervision.tasks import enqueue_calendar_email

# How far ahead mentors can book one-to-one slots.
BOOKING_HORIZON_DAYS = 56
# Reminders go out this long before a session starts (issue 4).
REMINDER_LEAD = datetime.timedelta(hours=24)
# Feedback on groups and labs is shown only in aggregate, and only from this many people up,
# so that nobody can be identified by elimination.
FEEDBACK_MINIMUM = 3
MAX_GROUP_SESSIONS_AT_ONCE = 26

Membership = GroupMembership.Status
Registration = LabRegistration.Status

# Checks that apps to the right of `supervision` (credentials) add from their AppConfig.ready(),
# since supervision may not import them: each takes a user and says whether they hold a
# current credential. With none registered, no one counts as credentialed.
CREDENTIAL_CHECKS: list[Callable[[User], bool]] = []


# action -> label, registered with the audit trail in SupervisionConfig.ready().
AUDIT_ACTIONS = {
    "supervisor_application.submitted": gettext_lazy("Application to supervise submitted"),
    "supervisor_application.approved": gettext_lazy("Application to supervise approved"),
    "supervisor_application.declined": gettext_lazy("Application to supervise declined"),
    "booking.attendance_marked": gettext_lazy("Attendance marked"),
    "group_session.attended": gettext_lazy("Marked as attending the group session"),
    "lab_registration.attended": gettext_lazy("Marked as attending the lab"),
}


# --- Email --------------------------------------------------------------------------------


def _zone(user: User) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(user.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _email(
    template: str,
    *,
    to: User,
    context: dict,
    event: Callable[[], CalendarEvent] | None = None,
) -> None:
    """Render `supervision/email/<template>` in the recipient's language and zone and queue it;
    with `event`, an .ics invitation (built in the same language) goes with it."""
    with timezone.override(_zone(to)), translation.override(to.preferred_language):
        context = {**context, "recipient": to}
        subject = render_to_string(f"supervision/email/{template}_subject.txt", context)
        subject = " ".join(subject.split())
        text = render_to_string(f"supervision/email/{template}.txt", context)
        if event is None:
            enqueue_email(to=[to.email], subject=subject, text=text)
            return
        item = event()
        enqueue_calendar_email(
            to=[to.email],
            subject=subject,
            text=text,
            ics=invitation_ics(item),
            method="CANCEL" if item.cancelled else "REQUEST",
        )


def _url(name: str, *args) -> str:
    return absolute(reverse(name, args=args))
