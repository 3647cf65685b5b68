"""Quarterly thematic labs: registration with automatic promotion, attendance and CPD."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts.models import Role, User
from practicum.audit.services import audit_record
from practicum.practice.models import CpdEntry, SessionFormat, SupervisionSession
from practicum.practice.services import cpd_record_from_attendance, session_record_from_attendance
from practicum.supervision.calendar import CalendarEvent
from practicum.supervision.models import LabRegistration, ThematicLab
from practicum.supervision.services._common import (
    Registration,
    _email,
    _url,
    _zone,
)
from practicum.supervision.services.audience import reserved_refusal
from practicum.supervision.services.bookings import _prompt_notes


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
    # The organiser is the first facilitator named (prefetched in the feed: no query per lab).
    lead = min(lab.facilitators.all(), key=lambda person: person.pk, default=None)
    return CalendarEvent(
        uid=f"lab-{lab.code}",
        starts_at=lab.starts_at,
        ends_at=lab.ends_at,
        summary=_("Thematic lab: %(title)s") % {"title": lab.title},
        url=_url("supervision:lab_detail", lab.code),
        cancelled=cancelled,
        sequence=lab.sequence + (1 if cancelled else 0),
        organizer=(lead.get_full_name(), lead.email) if lead else None,
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
    """Why `user` may not register for `lab` (its audience, or the centre it is reserved
    for), else None."""
    if lab.reserved_for_id is not None:
        return reserved_refusal(lab.reserved_for_id, user)
    if lab.audience == ThematicLab.Audience.MEMBERS and not user.is_paid_member_on(
        timezone.localdate()
    ):
        return _("This lab is open to members of the body with a current membership.")
    # Read through the package: the hook list is registered (and replaced in tests) there.
    from practicum.supervision import services

    if lab.audience == ThematicLab.Audience.CREDENTIALED and not any(
        check(user) for check in services.CREDENTIAL_CHECKS
    ):
        return _("This lab is open to credentialed mentors: a current credential is needed.")
    return None


def upcoming_lab_for(user: User) -> ThematicLab | None:
    """The next lab `user` holds a place at (registered: not waiting-listed, not cancelled) that
    has not started yet, else None. Read by the resource library to recommend for its theme."""
    if not user.is_authenticated:
        return None
    return (
        ThematicLab.objects.filter(
            registrations__mentor=user,
            registrations__status=Registration.REGISTERED,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at", "pk")
        .first()
    )


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
        audit_record(
            actor=by,
            action="lab_registration.attended",
            subject=registration,
            person=mentor,
            after={"attended": True},
        )
        entry = session_record_from_attendance(
            mentor=mentor,
            facilitator=by,
            source=lab.source,
            starts_at=lab.starts_at,
            duration_minutes=lab.duration_minutes,
            format=SessionFormat.THEMATIC_LAB,
            focus=f"{lab.theme}: {lab.title}",
        )
        cpd_record_from_attendance(
            mentor=mentor,
            by=by,
            source=lab.source,
            category=CpdEntry.Category.THEMATIC_LAB,
            title=lab.title,
            occurred_on=timezone.localdate(lab.starts_at, _zone(mentor)),
            hours=lab.cpd_hours,
        )
        _prompt_notes(entry, what=lab.title)
        entries.append(entry)
    lab.attendance_marked_at = timezone.now()
    lab.save(update_fields=["attendance_marked_at"])
    return entries
