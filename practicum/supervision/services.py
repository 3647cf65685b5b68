"""Rules of the supervision formats. Views validate input; these functions enforce the rules.

Every state change runs in a transaction and locks the row that decides (the supervisor's
profile for a booking, the group for a membership, the lab for a registration), with database
constraints behind the locks. Emails are rendered here, in each recipient's language and time
zone, and queued in the same transaction as the change they report.
"""

import datetime
import secrets
import zoneinfo
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
    ApplicationEvent,
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


# --- Becoming a supervisor ----------------------------------------------------------------


def eligibility_evaluate(
    *,
    user: User,
    rule_set: EligibilityRuleSet,
    years_of_practice: int | None = None,
    training_hours: Decimal | None = None,
) -> list[dict]:
    """Each criterion of `rule_set` with the applicant's value and whether it is met."""
    values: dict[str, Callable[[], float | None]] = {
        "years_of_practice": lambda: years_of_practice,
        "supervision_training_hours": lambda: (
            float(training_hours) if training_hours is not None else None
        ),
        "completed_engagements": lambda: MentoringEngagement.objects.filter(
            mentor=user, status=MentoringEngagement.Status.COMPLETED
        ).count(),
        "confirmed_supervision_sessions": lambda: (
            SupervisionSession.objects.filter(mentor=user).counted().count()
        ),
    }
    results = []
    for criterion in rule_set.criteria:
        value = values[criterion["check"]]()
        results.append(
            {
                **criterion,
                "value": value,
                "met": value is not None and value >= criterion["minimum"],
            }
        )
    return results


def _audit(application, *, actor: User, event: str, old: str, note: str = "") -> None:
    ApplicationEvent.objects.create(
        application=application,
        actor=actor,
        actor_name=actor.get_full_name(),
        event=event,
        old_status=old,
        new_status=application.status,
        note=note,
    )


@transaction.atomic
def application_submit(*, applicant: User, **fields) -> SupervisorApplication:
    """Apply to become a supervisor under the criteria in force; required ones must be met."""
    applicant = User.objects.select_for_update().get(pk=applicant.pk)
    if applicant.has_role(Role.SUPERVISOR):
        raise ValidationError(_("You are already a supervisor."))
    if SupervisorApplication.objects.filter(
        applicant=applicant, status=SupervisorApplication.Status.SUBMITTED
    ).exists():
        raise ValidationError(_("You already have an application awaiting a decision."))
    rule_set = EligibilityRuleSet.objects.current()
    if rule_set is None:
        raise ValidationError(_("Applications are not open yet: no criteria are published."))
    results = eligibility_evaluate(
        user=applicant,
        rule_set=rule_set,
        years_of_practice=fields.get("years_of_practice"),
        training_hours=fields.get("training_hours"),
    )
    unmet = [r["text"] for r in results if r["required"] and not r["met"]]
    if unmet:
        raise ValidationError(
            [
                _("You do not meet this criterion yet: %(criterion)s") % {"criterion": t}
                for t in unmet
            ]
        )
    application = SupervisorApplication(
        applicant=applicant, rule_set=rule_set, eligibility=results, **fields
    )
    application.full_clean(exclude=["applicant", "rule_set"])
    application.save()
    _audit(application, actor=applicant, event="submitted", old="")
    _email(
        "application_received",
        to=applicant,
        context={"url": _url("supervision:application_detail", application.pk)},
    )
    return application


@transaction.atomic
def application_decide(
    *, application: SupervisorApplication, by: User, approve: bool, reason: str = ""
) -> SupervisorApplication:
    """Staff approve (granting the supervisor role) or decline with a reason, once."""
    application = (
        SupervisorApplication.objects.select_for_update()
        .select_related("applicant")
        .get(pk=application.pk)
    )
    if not by.has_role(Role.CREDENTIALING_STAFF, Role.SITE_ADMIN):
        raise ValidationError(_("Only credentialing staff decide applications."))
    if application.applicant_id == by.pk:
        raise ValidationError(_("You cannot decide your own application."))
    if not application.is_open:
        raise ValidationError(_("This application has already been decided."))
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError(_("Give the applicant a reason for declining."))
    old = application.status
    application.status = (
        SupervisorApplication.Status.APPROVED if approve else SupervisorApplication.Status.DECLINED
    )
    application.decided_by = by
    application.decided_at = timezone.now()
    application.decision_reason = reason
    application.save()
    _audit(application, actor=by, event="approved" if approve else "declined", old=old, note=reason)
    if approve:
        role_grant(user=application.applicant, role=Role.SUPERVISOR, granted_by=by)
    _email(
        "application_decided",
        to=application.applicant,
        context={
            "application": application,
            "approved": approve,
            "url": _url("supervision:profile_edit")
            if approve
            else _url("supervision:application_detail", application.pk),
        },
    )
    return application


# --- Supervisor profiles ------------------------------------------------------------------


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
    end = min(end, now + datetime.timedelta(days=BOOKING_HORIZON_DAYS))
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


def _just_taken() -> ValidationError:
    return ValidationError(
        _("Sorry, that slot was just taken by someone else. Please choose another time."),
        code="just_taken",
    )


def _booking_event(booking: Booking) -> CalendarEvent:
    mentor, supervisor = booking.mentor, booking.supervisor
    return CalendarEvent(
        uid=f"booking-{booking.code}",
        starts_at=booking.starts_at,
        ends_at=booking.ends_at,
        summary=_("One-to-one supervision: %(mentor)s with %(supervisor)s")
        % {"mentor": mentor.get_full_name(), "supervisor": supervisor.get_full_name()},
        url=_url("supervision:booking_detail", booking.code),
        sequence=booking.sequence,
        cancelled=not booking.is_active,
        organizer=(supervisor.get_full_name(), supervisor.email),
        attendees=((mentor.get_full_name(), mentor.email),),
    )


def _notify_booking(template: str, booking: Booking, *, by: User | None = None) -> None:
    for person in (booking.mentor, booking.supervisor):
        other = booking.supervisor if person == booking.mentor else booking.mentor
        _email(
            template,
            to=person,
            context={
                "booking": booking,
                "other": other,
                "by": by,
                "url": _url("supervision:booking_detail", booking.code),
            },
            event=lambda: _booking_event(booking),
        )


def _is_known_supervisee(mentor: User, supervisor: User) -> bool:
    return (
        SupervisionRelationship.objects.active().filter(mentor=mentor, supervisor=supervisor)
    ).exists() or Booking.objects.filter(mentor=mentor, supervisor=supervisor).exists()


def _check_slot(
    profile: SupervisorProfile,
    mentor: User,
    starts_at: datetime.datetime,
    *,
    ignore: Booking | None = None,
) -> None:
    """Raise unless `starts_at` is one of the supervisor's free slots and the mentor is free."""
    supervisor = profile.user
    day = datetime.timedelta(days=1)
    offered = slot_math.expand_windows(
        AvailabilityWindow.objects.filter(supervisor=supervisor),
        AvailabilityException.objects.filter(supervisor=supervisor),
        slot_minutes=profile.slot_minutes,
        start=starts_at - day,
        end=starts_at + day,
    )
    if starts_at not in {s.starts_at for s in offered}:
        raise ValidationError(
            _("That time is not one of %(name)s’s slots. Please choose from the list.")
            % {"name": supervisor.get_full_name()}
        )
    now = timezone.now()
    if starts_at < now + datetime.timedelta(hours=profile.notice_hours):
        raise ValidationError(
            _("Sessions are booked at least %(hours)s hours ahead.")
            % {"hours": profile.notice_hours}
        )
    if starts_at > now + datetime.timedelta(days=BOOKING_HORIZON_DAYS):
        raise ValidationError(
            _("Sessions can be booked up to %(days)s days ahead.") % {"days": BOOKING_HORIZON_DAYS}
        )
    free = offered_slots(
        profile, start=starts_at, end=starts_at + datetime.timedelta(minutes=1), ignore=ignore
    )
    if starts_at not in {s.starts_at for s in free}:
        raise _just_taken()
    end = starts_at + datetime.timedelta(minutes=profile.slot_minutes)
    clash = Booking.objects.active().filter(
        mentor=mentor,
        starts_at__lt=end,
        starts_at__gt=starts_at - datetime.timedelta(minutes=240),
    )
    if ignore is not None:
        clash = clash.exclude(pk=ignore.pk)
    if any(b.ends_at > starts_at for b in clash):
        raise ValidationError(_("You already have a supervision session at that time."))


def _locked_profile(supervisor: User) -> SupervisorProfile:
    # The supervisor's profile is the row that decides: bookings of one supervisor queue here.
    profile = (
        SupervisorProfile.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(user=supervisor)
        .first()
    )
    if (
        profile is None
        or not profile.is_listed
        or not profile.offers_one_to_one
        or not supervisor.is_active
        or not supervisor.has_role(Role.SUPERVISOR)
    ):
        raise ValidationError(_("This supervisor is not taking one-to-one bookings."))
    return profile


@transaction.atomic
def booking_create(*, mentor: User, supervisor: User, starts_at: datetime.datetime) -> Booking:
    """Book one free slot. Two mentors racing for it: one booking, one "just taken"."""
    if mentor.pk == supervisor.pk:
        raise ValidationError(_("You cannot book a session with yourself."))
    profile = _locked_profile(supervisor)
    if not _is_known_supervisee(mentor, supervisor):
        if not profile.accepting_new:
            raise ValidationError(
                _("%(name)s is not taking new supervisees at the moment.")
                % {"name": supervisor.get_full_name()}
            )
        if profile.max_supervisees is not None:
            current = SupervisionRelationship.objects.active().filter(supervisor=supervisor)
            if current.count() >= profile.max_supervisees:
                raise ValidationError(
                    _("%(name)s has no room for new supervisees at the moment.")
                    % {"name": supervisor.get_full_name()}
                )
    starts_at = starts_at.astimezone(datetime.UTC)
    _check_slot(profile, mentor, starts_at)
    booking = Booking(
        supervisor=supervisor,
        mentor=mentor,
        starts_at=starts_at,
        duration_minutes=profile.slot_minutes,
    )
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:  # the constraint, should a lock ever be bypassed
        raise _just_taken() from exc
    _notify_booking("booking_confirmed", booking)
    return booking


def _lock_booking(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("mentor", "supervisor")
        .get(pk=booking.pk)
    )


def _check_party(booking: Booking, by: User) -> None:
    if by.pk not in (booking.mentor_id, booking.supervisor_id):
        raise ValidationError(_("Only the mentor or the supervisor can change this booking."))
    if not booking.is_active:
        raise ValidationError(_("This booking has been cancelled."))
    if booking.starts_at <= timezone.now():
        raise ValidationError(_("This session has already started."))


def _check_notice(booking: Booking, by: User, profile: SupervisorProfile) -> None:
    """Mentors keep the supervisor's notice period; the supervisor may always cancel or move."""
    if by.pk != booking.mentor_id:
        return
    if booking.starts_at - timezone.now() < datetime.timedelta(hours=profile.notice_hours):
        raise ValidationError(
            _(
                "This session starts within %(name)s’s notice period of %(hours)s hours: "
                "please contact them directly."
            )
            % {"name": booking.supervisor.get_full_name(), "hours": profile.notice_hours}
        )


@transaction.atomic
def booking_cancel(*, booking: Booking, by: User, reason: str = "") -> Booking:
    profile = SupervisorProfile.objects.select_for_update().get(user_id=booking.supervisor_id)
    booking = _lock_booking(booking)
    _check_party(booking, by)
    _check_notice(booking, by, profile)
    booking.status = Booking.Status.CANCELLED
    booking.cancelled_by = by
    booking.cancelled_at = timezone.now()
    booking.cancel_reason = reason.strip()[:300]
    booking.sequence += 1
    booking.save()
    _notify_booking("booking_cancelled", booking, by=by)
    return booking


@transaction.atomic
def booking_reschedule(*, booking: Booking, by: User, starts_at: datetime.datetime) -> Booking:
    """Move to another free slot: the same calendar event (UID), a higher SEQUENCE."""
    profile = _locked_profile(booking.supervisor)
    booking = _lock_booking(booking)
    _check_party(booking, by)
    _check_notice(booking, by, profile)
    starts_at = starts_at.astimezone(datetime.UTC)
    if starts_at == booking.starts_at:
        raise ValidationError(_("Choose a different time from the one booked."))
    _check_slot(profile, booking.mentor, starts_at, ignore=booking)
    booking.starts_at = starts_at
    booking.duration_minutes = profile.slot_minutes
    booking.sequence += 1
    try:
        with transaction.atomic():
            booking.save()
    except IntegrityError as exc:
        raise _just_taken() from exc
    _notify_booking("booking_rescheduled", booking, by=by)
    return booking


@transaction.atomic
def booking_mark_attendance(*, booking: Booking, by: User, held: bool) -> Booking:
    """The supervisor says whether the session took place; if it did, it enters the mentor's
    log, signed off. Marked once."""
    booking = _lock_booking(booking)
    if by.pk != booking.supervisor_id:
        raise ValidationError(_("Only the supervisor marks attendance."))
    if not booking.is_active:
        raise ValidationError(_("This booking has been cancelled."))
    if booking.starts_at > timezone.now():
        raise ValidationError(_("Attendance is marked once the session has started."))
    if booking.attendance != Booking.Attendance.UNMARKED:
        raise ValidationError(_("Attendance for this session is already marked."))
    booking.attendance = Booking.Attendance.ATTENDED if held else Booking.Attendance.NO_SHOW
    booking.attendance_marked_at = timezone.now()
    booking.save(update_fields=["attendance", "attendance_marked_at"])
    if held:
        relationship = (
            SupervisionRelationship.objects.active()
            .filter(mentor=booking.mentor, supervisor=booking.supervisor)
            .order_by("-started_on")
            .first()
        )
        with translation.override(booking.mentor.preferred_language):
            focus = _("One-to-one supervision")
        log_entry = _log_attendance(
            mentor=booking.mentor,
            facilitator=by,
            source=booking.source,
            starts_at=booking.starts_at,
            duration_minutes=booking.duration_minutes,
            format=SessionFormat.ONE_TO_ONE,
            focus=focus,
            relationship=relationship,
        )
        _prompt_notes(log_entry, what=f"{focus} · {by.get_full_name()}")
    return booking


# --- Attendance into the log --------------------------------------------------------------


def _log_attendance(
    *,
    mentor: User,
    facilitator: User,
    source: str,
    starts_at: datetime.datetime,
    duration_minutes: int,
    format: str,
    focus: str,
    relationship: SupervisionRelationship | None = None,
) -> SupervisionSession:
    """The attendee's log entry, already signed off by the facilitator: created once per
    (mentor, source), whoever marks attendance twice or however often."""
    existing = SupervisionSession.objects.filter(mentor=mentor, source=source).first()
    if existing is not None:
        return existing
    now = timezone.now()
    fields = {
        "mentor": mentor,
        "facilitator": facilitator,
        "facilitator_name": facilitator.get_full_name()[:150],
        "source": source,
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "format": format,
        "focus": focus[:200],
        "status": SupervisionSession.Status.CONFIRMED,
        "signed_off_by": facilitator,
        "signed_off_by_name": facilitator.get_full_name()[:150],
        "signed_off_at": now,
    }
    try:
        with transaction.atomic():
            return SupervisionSession.objects.create(relationship=relationship, **fields)
    except IntegrityError:
        existing = SupervisionSession.objects.filter(mentor=mentor, source=source).first()
        if existing is not None:
            return existing
        if relationship is None:
            raise
    # The mentor had already logged this very session with this supervisor: keep theirs, and
    # record ours by its source only, so the attendance is still counted exactly once.
    manual = SupervisionSession.objects.filter(
        relationship=relationship, starts_at=starts_at
    ).first()
    if manual is not None:
        return manual
    return SupervisionSession.objects.create(relationship=None, **fields)


def _prompt_notes(log_entry: SupervisionSession, *, what: str) -> None:
    _email(
        "attendance_logged",
        to=log_entry.mentor,
        context={
            "session": log_entry,
            "what": what,
            "url": _url("supervision:attendance_notes", log_entry.pk),
        },
    )


@transaction.atomic
def attendance_notes_save(*, session: SupervisionSession, **fields) -> SupervisionSession:
    """The attendee's own notes on a session created from attendance; its facts stay fixed."""
    allowed = {"key_learnings", "actions", "experience", "feedback_to_supervisor"}
    if not session.is_from_attendance:
        raise ValidationError(_("Only sessions recorded from attendance are edited here."))
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"not an attendee's note: {sorted(unknown)}")
    session = SupervisionSession.objects.select_for_update().get(pk=session.pk)
    for name, value in fields.items():
        setattr(session, name, value.strip())
    session.save(update_fields=[*fields, "updated_at"])
    return session


# --- Group supervision --------------------------------------------------------------------


def _require_supervisor(user: User) -> None:
    if not user.has_role(Role.SUPERVISOR):
        raise ValidationError(_("Only supervisors facilitate groups."))


def group_create(*, facilitator: User, **fields) -> SupervisionGroup:
    _require_supervisor(facilitator)
    group = SupervisionGroup(facilitator=facilitator, **fields)
    group.full_clean(exclude=["facilitator"])
    group.save()
    return group


def _members(group: SupervisionGroup):
    return group.memberships.filter(status=Membership.MEMBER)


@transaction.atomic
def group_update(*, group: SupervisionGroup, **fields) -> SupervisionGroup:
    group = SupervisionGroup.objects.select_for_update().get(pk=group.pk)
    for name, value in fields.items():
        setattr(group, name, value)
    members = _members(group).count()
    if group.capacity < members:
        raise ValidationError(
            _("The group already has %(n)s members: it cannot have fewer places.") % {"n": members}
        )
    group.full_clean(exclude=["facilitator"])
    group.save()
    _group_fill(group)
    return group


def _group_fill(group: SupervisionGroup) -> list[GroupMembership]:
    """Free places go to the waiting list, first come first served; each is told by email."""
    free = group.capacity - _members(group).count()
    promoted = []
    if free <= 0:
        return promoted
    waiting = group.memberships.filter(status=Membership.WAITLISTED).select_related("mentor")
    for membership in waiting.order_by("queued_at", "pk")[:free]:
        membership.status = Membership.MEMBER
        membership.joined_at = timezone.now()
        membership.save(update_fields=["status", "joined_at", "updated_at"])
        _email(
            "group_place_offered",
            to=membership.mentor,
            context={"group": group, "url": _url("supervision:group_detail", group.code)},
        )
        promoted.append(membership)
    return promoted


def _lock_group(group: SupervisionGroup) -> SupervisionGroup:
    return (
        SupervisionGroup.objects.select_for_update().select_related("facilitator").get(pk=group.pk)
    )


def _membership(group: SupervisionGroup, mentor: User) -> GroupMembership | None:
    return GroupMembership.objects.filter(group=group, mentor=mentor).first()


def _is_full(group: SupervisionGroup) -> bool:
    return _members(group).count() >= group.capacity


@transaction.atomic
def group_request(*, group: SupervisionGroup, mentor: User) -> GroupMembership:
    """Ask to join; a full group puts the mentor on its waiting list."""
    group = _lock_group(group)
    if mentor.pk == group.facilitator_id:
        raise ValidationError(_("You facilitate this group."))
    membership = _membership(group, mentor)
    if membership is not None and membership.status == Membership.INVITED:
        raise ValidationError(_("You are invited to this group: accept the invitation instead."))
    if membership is not None and membership.status in {
        Membership.MEMBER,
        Membership.REQUESTED,
        Membership.WAITLISTED,
    }:
        raise ValidationError(
            _("You are already in this group’s list: %(status)s.")
            % {"status": membership.get_status_display()}
        )
    if not group.is_open:
        raise ValidationError(_("This group is not taking requests."))
    status = Membership.WAITLISTED if _is_full(group) else Membership.REQUESTED
    membership = membership or GroupMembership(group=group, mentor=mentor)
    membership.status = status
    membership.queued_at = timezone.now()
    membership.save()
    _email(
        "group_request_received",
        to=group.facilitator,
        context={
            "group": group,
            "mentor": mentor,
            "waitlisted": status == Membership.WAITLISTED,
            "url": _url("supervision:group_manage", group.code),
        },
    )
    return membership


@transaction.atomic
def group_invite(*, group: SupervisionGroup, by: User, mentor: User) -> GroupMembership:
    group = _lock_group(group)
    if by.pk != group.facilitator_id:
        raise ValidationError(_("Only the facilitator invites mentors."))
    if mentor.pk == group.facilitator_id:
        raise ValidationError(_("You facilitate this group."))
    if not mentor.has_role(Role.MENTOR) or not mentor.is_active:
        raise ValidationError(_("Invite a mentor on Practicum."))
    membership = _membership(group, mentor)
    if membership is not None and membership.status in {Membership.MEMBER, Membership.INVITED}:
        raise ValidationError(
            _("%(name)s is already %(status)s.")
            % {"name": mentor.get_full_name(), "status": membership.get_status_display().lower()}
        )
    membership = membership or GroupMembership(group=group, mentor=mentor)
    membership.status = Membership.INVITED
    membership.queued_at = timezone.now()
    membership.save()
    _email(
        "group_invitation",
        to=mentor,
        context={
            "group": group,
            "facilitator": group.facilitator,
            "url": _url("supervision:group_detail", group.code),
        },
    )
    return membership


def _join(membership: GroupMembership, group: SupervisionGroup) -> None:
    if _is_full(group):
        membership.status = Membership.WAITLISTED
        membership.queued_at = timezone.now()
    else:
        membership.status = Membership.MEMBER
        membership.joined_at = timezone.now()
    membership.save()


@transaction.atomic
def group_invitation_respond(*, membership: GroupMembership, accept: bool) -> GroupMembership:
    """Accept (a member, or on the waiting list when the group filled meanwhile) or decline."""
    group = _lock_group(membership.group)
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.status != Membership.INVITED:
        raise ValidationError(_("There is no invitation to answer."))
    if accept:
        _join(membership, group)
    else:
        membership.status = Membership.DECLINED
        membership.save()
    _email(
        "group_invitation_answered",
        to=group.facilitator,
        context={
            "group": group,
            "mentor": membership.mentor,
            "membership": membership,
            "url": _url("supervision:group_manage", group.code),
        },
    )
    return membership


@transaction.atomic
def group_request_decide(*, membership: GroupMembership, by: User, accept: bool) -> GroupMembership:
    group = _lock_group(membership.group)
    membership = (
        GroupMembership.objects.select_for_update(of=("self",))
        .select_related("mentor")
        .get(pk=membership.pk)
    )
    if by.pk != group.facilitator_id:
        raise ValidationError(_("Only the facilitator decides requests."))
    if membership.status not in {Membership.REQUESTED, Membership.WAITLISTED}:
        raise ValidationError(_("This request has already been answered."))
    if accept and _is_full(group):
        if membership.status == Membership.WAITLISTED:
            raise ValidationError(
                _("The group is full: %(name)s stays on the waiting list until a place frees.")
                % {"name": membership.mentor.get_full_name()}
            )
        # Accepted, but no place is free: the waiting list, in the order of the request.
        membership.status = Membership.WAITLISTED
        membership.save()
        return membership
    if accept:
        membership.status = Membership.MEMBER
        membership.joined_at = timezone.now()
    else:
        membership.status = Membership.DECLINED
    membership.save()
    _email(
        "group_request_answered",
        to=membership.mentor,
        context={
            "group": group,
            "accepted": accept,
            "url": _url("supervision:group_detail", group.code),
        },
    )
    return membership


@transaction.atomic
def group_leave(*, membership: GroupMembership, by: User) -> GroupMembership:
    """The mentor leaves (or the facilitator removes them); a freed place goes to the next on
    the waiting list."""
    group = _lock_group(membership.group)
    membership = GroupMembership.objects.select_for_update().get(pk=membership.pk)
    if by.pk not in (membership.mentor_id, group.facilitator_id):
        raise ValidationError(_("Only the mentor or the facilitator can do this."))
    if membership.status in {Membership.LEFT, Membership.DECLINED}:
        raise ValidationError(_("This mentor is no longer in the group."))
    membership.status = Membership.LEFT
    membership.save()
    _group_fill(group)
    return membership


def group_schedule(
    *,
    group: SupervisionGroup,
    by: User,
    first_day: datetime.date,
    start_time: datetime.time,
    count: int,
    every_weeks: int,
    time_zone: str,
) -> list[GroupSession]:
    """Add `count` sessions, every `every_weeks` weeks, at `start_time` wall-clock time in
    `time_zone` (each date expanded on its own, so daylight saving does not move them)."""
    if by.pk != group.facilitator_id:
        raise ValidationError(_("Only the facilitator schedules sessions."))
    if not 1 <= count <= MAX_GROUP_SESSIONS_AT_ONCE:
        raise ValidationError(
            _("Schedule between 1 and %(n)s sessions at once.") % {"n": MAX_GROUP_SESSIONS_AT_ONCE}
        )
    zone = zoneinfo.ZoneInfo(time_zone)
    moments = []
    for index in range(count):
        day = first_day + datetime.timedelta(weeks=index * every_weeks)
        moment = slot_math.wall_clock_to_utc(day, start_time, zone)
        if moment is None:
            raise ValidationError(
                _("%(time)s does not exist on %(day)s in %(zone)s (the clocks change).")
                % {"time": start_time.strftime("%H:%M"), "day": day, "zone": time_zone}
            )
        moments.append(moment)
    if moments[0] <= timezone.now():
        raise ValidationError(_("The first session must be in the future."))
    existing = set(
        GroupSession.objects.filter(group=group, starts_at__in=moments).values_list(
            "starts_at", flat=True
        )
    )
    with transaction.atomic():
        return [
            GroupSession.objects.create(
                group=group, starts_at=moment, duration_minutes=group.duration_minutes
            )
            for moment in moments
            if moment not in existing
        ]


def _group_event(session: GroupSession) -> CalendarEvent:
    group = session.group
    return CalendarEvent(
        uid=f"group-session-{session.code}",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=_("Group supervision: %(group)s") % {"group": group.name},
        url=_url("supervision:group_session_detail", session.code),
        cancelled=session.status == GroupSession.Status.CANCELLED,
        sequence=1 if session.status == GroupSession.Status.CANCELLED else 0,
    )


@transaction.atomic
def group_session_cancel(*, session: GroupSession, by: User) -> GroupSession:
    session = GroupSession.objects.select_for_update().select_related("group").get(pk=session.pk)
    if by.pk != session.group.facilitator_id:
        raise ValidationError(_("Only the facilitator cancels sessions."))
    if session.status == GroupSession.Status.CANCELLED:
        raise ValidationError(_("This session is already cancelled."))
    if session.starts_at <= timezone.now():
        raise ValidationError(_("This session has already started."))
    session.status = GroupSession.Status.CANCELLED
    session.save(update_fields=["status"])
    for membership in _members(session.group).select_related("mentor"):
        _email(
            "group_session_cancelled",
            to=membership.mentor,
            context={
                "session": session,
                "group": session.group,
                "url": _url("supervision:group_detail", session.group.code),
            },
            event=lambda: _group_event(session),
        )
    return session


@transaction.atomic
def group_attendance_record(
    *, session: GroupSession, by: User, mentors: Iterable[User]
) -> list[SupervisionSession]:
    """Mark who attended: each new attendee's log entry is created, signed off. Attendance
    already marked stays (a correction is a matter for staff)."""
    session = GroupSession.objects.select_for_update().select_related("group").get(pk=session.pk)
    group = session.group
    if by.pk != group.facilitator_id:
        raise ValidationError(_("Only the facilitator marks attendance."))
    if session.status != GroupSession.Status.SCHEDULED:
        raise ValidationError(_("This session was cancelled."))
    if session.starts_at > timezone.now():
        raise ValidationError(_("Attendance is marked once the session has started."))
    member_ids = set(_members(group).values_list("mentor_id", flat=True))
    mentors = list(mentors)
    strangers = [m for m in mentors if m.pk not in member_ids]
    if strangers:
        raise ValidationError(_("Only members of the group can be marked as attending."))
    already = set(session.attendance.values_list("mentor_id", flat=True))
    entries = []
    for mentor in mentors:
        if mentor.pk in already:
            continue
        GroupAttendance.objects.create(session=session, mentor=mentor, marked_by=by)
        entry = _log_attendance(
            mentor=mentor,
            facilitator=by,
            source=session.source,
            starts_at=session.starts_at,
            duration_minutes=session.duration_minutes,
            format=SessionFormat.GROUP,
            focus=group.name,
        )
        _prompt_notes(entry, what=group.name)
        entries.append(entry)
    session.attendance_marked_at = timezone.now()
    session.save(update_fields=["attendance_marked_at"])
    return entries


# --- Quarterly thematic labs --------------------------------------------------------------


def _check_facilitators(facilitators: Iterable[User]) -> list[User]:
    facilitators = list(facilitators)
    if not facilitators:
        raise ValidationError(_("Choose at least one facilitator."))
    for person in facilitators:
        if not person.has_role(Role.SUPERVISOR):
            raise ValidationError(
                _("%(name)s is not a supervisor.") % {"name": person.get_full_name()}
            )
    return facilitators


@transaction.atomic
def lab_create(*, by: User, facilitators: Iterable[User], **fields) -> ThematicLab:
    facilitators = _check_facilitators(facilitators)
    lab = ThematicLab(created_by=by, **fields)
    if lab.starts_at <= timezone.now():
        raise ValidationError(_("A lab is created for a date in the future."))
    lab.full_clean(exclude=["created_by", "quarter"])
    lab.save()
    lab.facilitators.set(facilitators)
    return lab


def _lab_event(lab: ThematicLab, *, cancelled: bool = False) -> CalendarEvent:
    return CalendarEvent(
        uid=f"lab-{lab.code}",
        starts_at=lab.starts_at,
        ends_at=lab.ends_at,
        summary=_("Thematic lab: %(title)s") % {"title": lab.title},
        url=_url("supervision:lab_detail", lab.code),
        cancelled=cancelled,
        sequence=lab.sequence + (1 if cancelled else 0),
    )


def _registered(lab: ThematicLab):
    return lab.registrations.filter(status=Registration.REGISTERED)


@transaction.atomic
def lab_update(
    *, lab: ThematicLab, by: User, facilitators: Iterable[User], **fields
) -> ThematicLab:
    """Edit a lab. More places are given to the waiting list at once; a new time is sent to
    everyone registered."""
    facilitators = _check_facilitators(facilitators)
    lab = ThematicLab.objects.select_for_update().get(pk=lab.pk)
    old_start = lab.starts_at
    for name, value in fields.items():
        setattr(lab, name, value)
    registered = _registered(lab).count()
    if lab.capacity < registered:
        raise ValidationError(
            _("%(n)s mentors are registered: the lab cannot have fewer places.") % {"n": registered}
        )
    lab.full_clean(exclude=["created_by", "quarter"])
    lab.save()
    lab.facilitators.set(facilitators)
    if lab.starts_at != old_start:
        lab.sequence += 1
        lab.save(update_fields=["sequence"])
        for registration in _registered(lab).select_related("mentor"):
            _email(
                "lab_moved",
                to=registration.mentor,
                context={"lab": lab, "url": _url("supervision:lab_detail", lab.code)},
                event=lambda: _lab_event(lab),
            )
    _lab_fill(lab)
    return lab


def lab_registration_refusal(lab: ThematicLab, user: User) -> str | None:
    """Why `user` may not register for `lab` (its audience), else None."""
    if lab.audience == ThematicLab.Audience.MEMBERS and not user.is_paid_member_on(
        timezone.localdate()
    ):
        return _("This lab is open to members of the body with a current membership.")
    if lab.audience == ThematicLab.Audience.CREDENTIALED and not any(
        check(user) for check in CREDENTIAL_CHECKS
    ):
        return _("This lab is open to credentialed mentors: a current credential is needed.")
    return None


def _lab_fill(lab: ThematicLab) -> list[LabRegistration]:
    """Freed places go to the waiting list in order, automatically; each is told by email."""
    free = lab.capacity - _registered(lab).count()
    promoted = []
    if free <= 0 or lab.starts_at <= timezone.now():
        return promoted
    waiting = lab.registrations.filter(status=Registration.WAITLISTED).select_related("mentor")
    for registration in waiting.order_by("queued_at", "pk")[:free]:
        registration.status = Registration.REGISTERED
        registration.promoted_at = timezone.now()
        registration.save(update_fields=["status", "promoted_at", "updated_at"])
        _email(
            "lab_place_offered",
            to=registration.mentor,
            context={"lab": lab, "url": _url("supervision:lab_detail", lab.code)},
            event=lambda: _lab_event(lab),
        )
        promoted.append(registration)
    return promoted


@transaction.atomic
def lab_register(*, lab: ThematicLab, mentor: User) -> LabRegistration:
    """A place if one is free, else the waiting list."""
    lab = ThematicLab.objects.select_for_update().get(pk=lab.pk)
    if lab.starts_at <= timezone.now():
        raise ValidationError(_("Registration has closed: this lab has started."))
    refusal = lab_registration_refusal(lab, mentor)
    if refusal:
        raise ValidationError(refusal)
    registration = LabRegistration.objects.filter(lab=lab, mentor=mentor).first()
    if registration is not None and registration.status != Registration.CANCELLED:
        raise ValidationError(
            _("You are already %(status)s.") % {"status": registration.get_status_display().lower()}
        )
    full = _registered(lab).count() >= lab.capacity
    registration = registration or LabRegistration(lab=lab, mentor=mentor)
    registration.status = Registration.WAITLISTED if full else Registration.REGISTERED
    registration.queued_at = timezone.now()
    registration.promoted_at = None
    registration.save()
    context = {"lab": lab, "url": _url("supervision:lab_detail", lab.code)}
    if full:
        _email("lab_waitlisted", to=mentor, context=context)
    else:
        _email("lab_registered", to=mentor, context=context, event=lambda: _lab_event(lab))
    return registration


@transaction.atomic
def lab_registration_cancel(*, registration: LabRegistration, by: User) -> LabRegistration:
    lab = ThematicLab.objects.select_for_update().get(pk=registration.lab_id)
    registration = LabRegistration.objects.select_for_update().get(pk=registration.pk)
    if by.pk != registration.mentor_id:
        raise ValidationError(_("Only the mentor can cancel their registration."))
    if registration.status == Registration.CANCELLED:
        raise ValidationError(_("This registration is already cancelled."))
    if lab.starts_at <= timezone.now():
        raise ValidationError(_("This lab has already started."))
    was_registered = registration.status == Registration.REGISTERED
    registration.status = Registration.CANCELLED
    registration.save(update_fields=["status", "updated_at"])
    if was_registered:
        _email(
            "lab_cancelled",
            to=registration.mentor,
            context={"lab": lab, "url": _url("supervision:lab_detail", lab.code)},
            event=lambda: _lab_event(lab, cancelled=True),
        )
        _lab_fill(lab)
    return registration


@transaction.atomic
def lab_attendance_record(
    *, lab: ThematicLab, by: User, mentors: Iterable[User]
) -> list[SupervisionSession]:
    """Mark who attended: each new attendee gets the log entry, signed off, and the lab's CPD
    hours. Attendance already marked stays."""
    lab = ThematicLab.objects.select_for_update().get(pk=lab.pk)
    if not lab.facilitators.filter(pk=by.pk).exists():
        raise ValidationError(_("Only the lab's facilitators mark attendance."))
    if lab.starts_at > timezone.now():
        raise ValidationError(_("Attendance is marked once the lab has started."))
    mentors = list(mentors)
    registrations = {
        r.mentor_id: r for r in _registered(lab).filter(mentor__in=mentors).select_for_update()
    }
    if len(registrations) != len({m.pk for m in mentors}):
        raise ValidationError(_("Only registered mentors can be marked as attending."))
    entries = []
    for mentor in mentors:
        registration = registrations[mentor.pk]
        if registration.attended:
            continue
        registration.attended = True
        registration.save(update_fields=["attended", "updated_at"])
        entry = _log_attendance(
            mentor=mentor,
            facilitator=by,
            source=lab.source,
            starts_at=lab.starts_at,
            duration_minutes=lab.duration_minutes,
            format=SessionFormat.THEMATIC_LAB,
            focus=f"{lab.theme}: {lab.title}",
        )
        CpdEntry.objects.get_or_create(
            mentor=mentor,
            source=lab.source,
            defaults={
                "category": CpdEntry.Category.THEMATIC_LAB,
                "title": lab.title[:200],
                "occurred_on": timezone.localdate(lab.starts_at, _zone(mentor)),
                "hours": lab.cpd_hours,
            },
        )
        _prompt_notes(entry, what=lab.title)
        entries.append(entry)
    lab.attendance_marked_at = timezone.now()
    lab.save(update_fields=["attendance_marked_at"])
    return entries


# --- Calendar feed ------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, user: User) -> str:
    """A new private feed URL token; any previous one stops working. Returns the token (shown
    once: only its digest is kept)."""
    CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.create(user=user, token_hash=token_digest(token))
    return token


def calendar_feed_revoke(*, user: User) -> int:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def calendar_feed_for_token(token: str) -> CalendarFeed | None:
    return (
        CalendarFeed.objects.select_related("user").filter(token_hash=token_digest(token)).first()
    )


FEED_PAST_DAYS = 30


def calendar_events_for(user: User) -> list[CalendarEvent]:
    """`user`'s sessions (as mentor, supervisor, member, facilitator, registrant) from a month
    ago on, in a fixed number of queries."""
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    items = []
    bookings = (
        Booking.objects.active()
        .for_user(user)
        .filter(starts_at__gte=since)
        .select_related("mentor", "supervisor")
    )
    items += [_booking_event(b) for b in bookings]
    sessions = (
        GroupSession.objects.filter(starts_at__gte=since, status=GroupSession.Status.SCHEDULED)
        .filter(
            Q(group__facilitator=user)
            | Q(group__memberships__mentor=user, group__memberships__status=Membership.MEMBER)
        )
        .select_related("group")
        .distinct()
    )
    items += [_group_event(s) for s in sessions]
    labs = (
        ThematicLab.objects.filter(starts_at__gte=since)
        .filter(
            Q(facilitators=user)
            | Q(registrations__mentor=user, registrations__status=Registration.REGISTERED)
        )
        .distinct()
    )
    items += [_lab_event(lab) for lab in labs]
    return sorted(items, key=lambda item: item.starts_at)


# --- Reminders ----------------------------------------------------------------------------


def _remind(
    kind: str, object_id: int, starts_at: datetime.datetime, person: User, context: dict
) -> bool:
    """Record and queue one reminder in one transaction: if the record exists, nothing is sent;
    if the queueing fails, no record is kept."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(
                kind=kind, object_id=object_id, starts_at=starts_at, recipient=person
            )
            _email("reminder", to=person, context=context)
    except IntegrityError:
        return False
    return True


def reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Queue a reminder for every session starting in the next 24 hours, to each participant,
    exactly once (however often this runs, whatever restarts in between). Returns how many."""
    now = now or timezone.now()
    until = now + REMINDER_LEAD
    sent = {
        (r.kind, r.object_id, r.starts_at, r.recipient_id)
        for r in ReminderSent.objects.filter(starts_at__gt=now, starts_at__lte=until)
    }
    jobs: list[tuple[str, int, datetime.datetime, User, dict]] = []
    kind = ReminderSent.Kind
    bookings = (
        Booking.objects.active()
        .filter(starts_at__gt=now, starts_at__lte=until)
        .select_related("mentor", "supervisor")
    )
    for b in bookings:
        for person in (b.mentor, b.supervisor):
            context = {
                "what": gettext_lazy("One-to-one supervision"),
                "starts_at": b.starts_at,
                "with_whom": (b.supervisor if person == b.mentor else b.mentor).get_full_name(),
                "url": _url("supervision:booking_detail", b.code),
            }
            jobs.append((kind.BOOKING, b.pk, b.starts_at, person, context))
    sessions = (
        GroupSession.objects.filter(
            status=GroupSession.Status.SCHEDULED, starts_at__gt=now, starts_at__lte=until
        )
        .select_related("group__facilitator")
        .prefetch_related("group__memberships__mentor")
    )
    for s in sessions:
        people = [s.group.facilitator] + [
            m.mentor for m in s.group.memberships.all() if m.status == Membership.MEMBER
        ]
        for person in people:
            context = {
                "what": s.group.name,
                "starts_at": s.starts_at,
                "url": _url("supervision:group_session_detail", s.code),
            }
            jobs.append((kind.GROUP_SESSION, s.pk, s.starts_at, person, context))
    labs = ThematicLab.objects.filter(starts_at__gt=now, starts_at__lte=until).prefetch_related(
        "facilitators", "registrations__mentor"
    )
    for lab in labs:
        people = list(lab.facilitators.all()) + [
            r.mentor for r in lab.registrations.all() if r.status == Registration.REGISTERED
        ]
        for person in people:
            context = {
                "what": lab.title,
                "starts_at": lab.starts_at,
                "url": _url("supervision:lab_detail", lab.code),
            }
            jobs.append((kind.LAB, lab.pk, lab.starts_at, person, context))
    count = 0
    for job_kind, object_id, starts_at, person, context in jobs:
        if (job_kind, object_id, starts_at, person.pk) in sent:
            continue
        count += _remind(job_kind, object_id, starts_at, person, context)
    return count
