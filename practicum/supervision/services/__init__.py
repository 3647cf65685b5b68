"""Rules of the supervision formats, one module per noun. Views validate input; these functions
enforce the rules.

Every state change runs in a transaction and locks the row that decides (the supervisor's
profile for a booking, the group for a membership, the lab for a registration), with database
constraints behind the locks. Emails are rendered in each recipient's language and time zone,
and queued in the same transaction as the change they report.

Every public name is re-exported here, so callers import from `practicum.supervision.services`.
"""

from practicum.accounts.models import Role, User
from practicum.accounts.services import role_grant
from practicum.lib.emails import enqueue_email
from practicum.practice.models import (
    CpdEntry,
    MentoringEngagement,
    SessionFormat,
    SupervisionRelationship,
    SupervisionSession,
    token_digest,
)
from practicum.supervision import slots as slot_math
from practicum.supervision.calendar import CalendarEvent, absolute, invitation_ics
from practicum.supervision.models import (
    AvailabilityException,
    AvailabilityWindow,
    Booking,
    CalendarFeed,
    EligibilityRuleSet,
    GroupAttendance,
    GroupMembership,
    GroupSession,
    LabRegistration,
    ReminderSent,
    SupervisionGroup,
    SupervisorApplication,
    SupervisorLanguage,
    SupervisorProfile,
    ThematicLab,
)
from practicum.supervision.services._common import (
    AUDIT_ACTIONS,
    CREDENTIAL_CHECKS,
    FEEDBACK_MINIMUM,
    MAX_GROUP_SESSIONS_AT_ONCE,
    REMINDER_LEAD,
    Membership,
    Registration,
)
from practicum.supervision.services.applications import (
    application_decide,
    application_submit,
    eligibility_evaluate,
)
from practicum.supervision.services.audience import (
    group_visible_to,
    groups_visible_to,
    labs_visible_to,
    reserved_refusal,
)
from practicum.supervision.services.bookings import (
    attendance_notes_save,
    booking_cancel,
    booking_create,
    booking_mark_attendance,
    booking_reschedule,
)
from practicum.supervision.services.centres import (
    centre_group_arrange,
    centre_lab_arrange,
    facilitators_offering,
)
from practicum.supervision.services.feeds import (
    FEED_CANCELLED_DAYS,
    FEED_PAST_DAYS,
    calendar_events_for,
    calendar_feed_create,
    calendar_feed_for_token,
    calendar_feed_revoke,
)
from practicum.supervision.services.groups import (
    group_attendance_record,
    group_create,
    group_invitation_respond,
    group_invite,
    group_leave,
    group_request,
    group_request_decide,
    group_schedule,
    group_session_cancel,
    group_update,
)
from practicum.supervision.services.labs import (
    lab_attendance_record,
    lab_create,
    lab_register,
    lab_registration_cancel,
    lab_registration_refusal,
    lab_update,
    upcoming_lab_for,
)
from practicum.supervision.services.profiles import (
    bookings_during,
    exception_add,
    offered_slots,
    profile_save,
    window_add,
)
from practicum.supervision.services.reminders import reminders_send
from practicum.supervision.tasks import enqueue_calendar_email

__all__ = [
    "facilitators_offering",
    "centre_lab_arrange",
    "centre_group_arrange",
    "reserved_refusal",
    "labs_visible_to",
    "groups_visible_to",
    "group_visible_to",
    "AUDIT_ACTIONS",
    "AvailabilityException",
    "AvailabilityWindow",
    "Booking",
    "CREDENTIAL_CHECKS",
    "CalendarEvent",
    "CalendarFeed",
    "CpdEntry",
    "EligibilityRuleSet",
    "FEEDBACK_MINIMUM",
    "FEED_PAST_DAYS",
    "FEED_CANCELLED_DAYS",
    "GroupAttendance",
    "GroupMembership",
    "GroupSession",
    "LabRegistration",
    "MAX_GROUP_SESSIONS_AT_ONCE",
    "Membership",
    "MentoringEngagement",
    "REMINDER_LEAD",
    "Registration",
    "ReminderSent",
    "Role",
    "SessionFormat",
    "SupervisionGroup",
    "SupervisionRelationship",
    "SupervisionSession",
    "SupervisorApplication",
    "SupervisorLanguage",
    "SupervisorProfile",
    "ThematicLab",
    "User",
    "absolute",
    "application_decide",
    "application_submit",
    "attendance_notes_save",
    "booking_cancel",
    "booking_create",
    "booking_mark_attendance",
    "booking_reschedule",
    "bookings_during",
    "calendar_events_for",
    "calendar_feed_create",
    "calendar_feed_for_token",
    "calendar_feed_revoke",
    "eligibility_evaluate",
    "enqueue_calendar_email",
    "enqueue_email",
    "exception_add",
    "group_attendance_record",
    "group_create",
    "group_invitation_respond",
    "group_invite",
    "group_leave",
    "group_request",
    "group_request_decide",
    "group_schedule",
    "group_session_cancel",
    "group_update",
    "invitation_ics",
    "lab_attendance_record",
    "lab_create",
    "lab_register",
    "lab_registration_cancel",
    "lab_registration_refusal",
    "lab_update",
    "offered_slots",
    "profile_save",
    "reminders_send",
    "role_grant",
    "slot_math",
    "token_digest",
    "upcoming_lab_for",
    "window_add",
]
