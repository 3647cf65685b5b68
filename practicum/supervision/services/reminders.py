"""Reminders sent 24 hours before a booking, group session or lab."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from practicum.accounts.models import User
from practicum.supervision.models import Booking, GroupSession, ReminderSent, ThematicLab
from practicum.supervision.services._common import (
    REMINDER_LEAD,
    Membership,
    Registration,
    _email,
    _url,
)


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
