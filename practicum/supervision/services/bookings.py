"""One-to-one bookings: create, cancel, reschedule, attendance."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from practicum.accounts.models import Role, User
from practicum.audit.services import audit_record
from practicum.practice.models import SessionFormat, SupervisionRelationship, SupervisionSession
from practicum.practice.services import session_record_from_attendance
from practicum.supervision import slots as slot_math
from practicum.supervision.calendar import CalendarEvent
from practicum.supervision.models import (
    AvailabilityException,
    AvailabilityWindow,
    Booking,
    SupervisorProfile,
)
from practicum.supervision.services._common import _email, _url


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
    invitations: dict = {}
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
            invitations=invitations,
        )


def _is_known_supervisee(mentor: User, supervisor: User) -> bool:
    return (
        SupervisionRelationship.objects.active().filter(mentor=mentor, supervisor=supervisor)
    ).exists() or Booking.objects.filter(mentor=mentor, supervisor=supervisor).exists()


# The longest session a booking can be: one starting this long before a slot may still run.
LONGEST_SESSION = datetime.timedelta(minutes=240)


def _check_slot(
    profile: SupervisorProfile,
    mentor: User,
    starts_at: datetime.datetime,
    *,
    ignore: Booking | None = None,
) -> None:
    """Raise unless `starts_at` is one of the supervisor's free slots and the mentor is free.

    Three indexed reads, each bounded to the slot: the weekly windows, the exceptions around
    its day, and the active bookings of either person that could overlap it. Each answer is
    whether any row matches, so the rows come unsorted (their models' default order was half
    of each query's compiling), with only the columns that decide it."""
    supervisor = profile.user
    day = datetime.timedelta(days=1)
    # In any zone (offsets within a day of UTC) the slot falls on its UTC weekday or one either
    # side: windows on other days cannot offer it.
    weekday = starts_at.astimezone(datetime.UTC).weekday()
    weekdays = sorted({(weekday + shift) % 7 for shift in (-1, 0, 1)})
    offered = slot_math.is_slot(
        AvailabilityWindow.objects.filter(supervisor=supervisor, weekday__in=weekdays)
        .order_by()
        .only("weekday", "start_time", "end_time", "time_zone"),
        AvailabilityException.objects.filter(
            supervisor=supervisor,
            ends_on__gte=(starts_at - 2 * day).date(),
            starts_on__lte=(starts_at + 2 * day).date(),
        )
        .order_by()
        .only("starts_on", "ends_on", "time_zone"),
        slot_minutes=profile.slot_minutes,
        moment=starts_at,
    )
    if not offered:
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
    if starts_at > now + datetime.timedelta(days=profile.booking_horizon_days):
        raise ValidationError(
            _("Sessions can be booked up to %(days)s days ahead.")
            % {"days": profile.booking_horizon_days}
        )
    slot = slot_math.Slot(starts_at, profile.slot_minutes)
    around = (
        Booking.objects.active()
        .filter(
            Q(supervisor=supervisor) | Q(mentor=mentor),
            starts_at__gt=starts_at - LONGEST_SESSION,
            starts_at__lt=slot.ends_at,
        )
        .order_by()
        .only("supervisor", "starts_at", "duration_minutes")
    )
    if ignore is not None:
        around = around.exclude(pk=ignore.pk)
    clashes = [b for b in around if slot.overlaps(b.starts_at, b.ends_at)]
    if any(b.supervisor_id == supervisor.pk for b in clashes):
        raise _just_taken()
    if clashes:
        raise ValidationError(_("You already have a supervision session at that time."))


# What a booking reads of the supervisor's profile (the terms it checks), not the whole row.
BOOKING_TERMS = (
    "user",
    "is_listed",
    "offers_one_to_one",
    "accepting_new",
    "max_supervisees",
    "slot_minutes",
    "notice_hours",
    "booking_horizon_days",
)


def _locked_profile(supervisor: User) -> SupervisorProfile:
    # The supervisor's profile is the row that decides: bookings of one supervisor queue here.
    # Its user is `supervisor`, whose status and roles the checks below read: not read again.
    profile = (
        SupervisorProfile.objects.select_for_update()
        .filter(user=supervisor)
        .only(*BOOKING_TERMS)
        .first()
    )
    if profile is not None:
        profile.user = supervisor
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
    # Who is a supervisee matters only to a supervisor who limits new ones.
    limits_new = not profile.accepting_new or profile.max_supervisees is not None
    if limits_new and not _is_known_supervisee(mentor, supervisor):
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
        # No savepoint: the error leaves this atomic function, which rolls the attempt back.
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


def _check_change(booking: Booking, by: User, profile: SupervisorProfile) -> None:
    refusal = booking.change_refusal(by, notice_hours=profile.notice_hours)
    if refusal:
        raise ValidationError(refusal)


@transaction.atomic
def booking_cancel(*, booking: Booking, by: User, reason: str = "") -> Booking:
    profile = SupervisorProfile.objects.select_for_update().get(user_id=booking.supervisor_id)
    booking = _lock_booking(booking)
    _check_change(booking, by, profile)
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
    _check_change(booking, by, profile)
    starts_at = starts_at.astimezone(datetime.UTC)
    if starts_at == booking.starts_at:
        raise ValidationError(_("Choose a different time from the one booked."))
    _check_slot(profile, booking.mentor, starts_at, ignore=booking)
    booking.starts_at = starts_at
    booking.duration_minutes = profile.slot_minutes
    booking.sequence += 1
    try:
        booking.save()  # as in booking_create: no savepoint needed to raise
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
    audit_record(
        actor=by,
        action="booking.attendance_marked",
        subject=booking,
        person=booking.mentor,
        after={"attendance": booking.attendance},
    )
    if held:
        relationship = (
            SupervisionRelationship.objects.active()
            .filter(mentor=booking.mentor, supervisor=booking.supervisor)
            .order_by("-started_on")
            .first()
        )
        with translation.override(booking.mentor.preferred_language):
            focus = _("One-to-one supervision")
        log_entry = session_record_from_attendance(
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
