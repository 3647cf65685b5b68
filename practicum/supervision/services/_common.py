"""Constants, hook lists and helpers the supervision services share."""

import dataclasses
import datetime
from collections.abc import Callable

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from practicum.accounts.models import User
from practicum.lib.dates import user_zone
from practicum.lib.emails import render_email, send_templated_email
from practicum.lib.urls import absolute_reverse
from practicum.supervision.calendar import CalendarEvent, invitation_ics
from practicum.supervision.models import GroupMembership, LabRegistration
from practicum.supervision.tasks import enqueue_calendar_email

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
    "group.arranged_for_centre": gettext_lazy("Group arranged for a centre's mentors"),
    "lab.arranged_for_centre": gettext_lazy("Lab arranged for a centre's mentors"),
}


# --- Email --------------------------------------------------------------------------------


_zone = user_zone


def _email(
    template: str,
    *,
    to: User,
    context: dict,
    event: Callable[[], CalendarEvent] | None = None,
    invitations: dict[CalendarEvent, str] | None = None,
) -> None:
    """Render `supervision/email/<template>` in the recipient's language and zone and queue it;
    with `event`, an .ics invitation (built in the same language) goes with it. `invitations`,
    shared by the emails of one change, keeps each distinct invitation built once (two people
    reading the same language get the same one)."""
    context = {**context, "recipient": to}
    if event is None:
        send_templated_email(f"supervision/email/{template}", recipient=to, context=context)
        return
    subject, text, html = render_email(
        f"supervision/email/{template}", recipient=to, context=context
    )
    with timezone.override(user_zone(to)), translation.override(to.preferred_language):
        item = event()
    if not item.attendees:
        # RFC 5546: a REQUEST or CANCEL names who it is addressed to.
        item = dataclasses.replace(item, attendees=((to.get_full_name(), to.email),))
    if invitations is None:
        invitations = {}
    if item not in invitations:
        invitations[item] = invitation_ics(item)
    enqueue_calendar_email(
        to=[to.email],
        subject=subject,
        text=text,
        html=html,
        ics=invitations[item],
        method="CANCEL" if item.cancelled else "REQUEST",
    )


def _url(name: str, *args) -> str:
    return absolute_reverse(name, *args)
