"""Small supervision groups: membership, waiting lists, sessions, attendance."""

import datetime
import zoneinfo
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts.models import Role, User
from practicum.audit.services import audit_record
from practicum.practice.models import SessionFormat, SupervisionSession
from practicum.practice.services import session_record_from_attendance
from practicum.supervision import slots as slot_math
from practicum.supervision.calendar import CalendarEvent
from practicum.supervision.models import (
    GroupAttendance,
    GroupMembership,
    GroupSession,
    SupervisionGroup,
)
from practicum.supervision.services._common import (
    MAX_GROUP_SESSIONS_AT_ONCE,
    Membership,
    _email,
    _url,
)
from practicum.supervision.services.audience import reserved_refusal
from practicum.supervision.services.bookings import _prompt_notes


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
    # The group's row only: its facilitator's is read, not locked (`of`), so the requests to
    # one facilitator's other groups, and their own account, do not queue behind it.
    return (
        SupervisionGroup.objects.select_for_update(of=("self",))
        .select_related("facilitator")
        .get(pk=group.pk)
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
    refusal = reserved_refusal(group.reserved_for_id, mentor)
    if refusal:
        raise ValidationError(refusal)
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
    if reserved_refusal(group.reserved_for_id, mentor):
        raise ValidationError(
            _("This group is reserved for the mentors of %(centre)s: %(name)s is not one.")
            % {"centre": group.reserved_for, "name": mentor.get_full_name()}
        )
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
        refusal = reserved_refusal(group.reserved_for_id, membership.mentor)
        if refusal:
            raise ValidationError(refusal)
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
        organizer=(group.facilitator.get_full_name(), group.facilitator.email),
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
        audit_record(
            actor=by,
            action="group_session.attended",
            subject=session,
            person=mentor,
            after={"attended": True},
        )
        entry = session_record_from_attendance(
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
