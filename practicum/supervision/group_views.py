"""Group supervision: the list and page of each group for mentors, the facilitator's pages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.models import Role, User
from practicum.frameworks.access import member_required
from practicum.lib.forms import add_service_errors, flash_service_errors
from practicum.supervision import services
from practicum.supervision.forms import (
    AnswerForm,
    AttendanceForm,
    GroupForm,
    InviteForm,
    MemberDecisionForm,
    ScheduleForm,
)
from practicum.supervision.models import GroupMembership, GroupSession, SupervisionGroup
from practicum.supervision.views import PAGE_SIZE

Status = GroupMembership.Status
MEMBER_COUNT = Count("memberships", filter=Q(memberships__status=Status.MEMBER))


def _get_group(request, code: str) -> SupervisionGroup:
    """A group the user may see: one reserved for another centre's mentors is a 404."""
    group = get_object_or_404(
        SupervisionGroup.objects.select_related("facilitator", "reflection_model", "reserved_for"),
        code=code,
    )
    if not services.group_visible_to(group, request.user):
        raise Http404
    return group


def _get_group_for_facilitator(request, code: str) -> SupervisionGroup:
    return get_object_or_404(
        SupervisionGroup.objects.select_related("reflection_model"),
        code=code,
        facilitator=request.user,
    )


def _get_session_for_participant(request, code: str) -> GroupSession:
    """A session of a group the user facilitates or is a member of; otherwise a 404."""
    return get_object_or_404(
        GroupSession.objects.select_related("group__facilitator", "group__reflection_model")
        .filter(
            Q(group__facilitator=request.user)
            | Q(group__memberships__mentor=request.user, group__memberships__status=Status.MEMBER)
        )
        .distinct(),
        code=code,
    )


@member_required(Role.MENTOR)
def group_list(request):
    mine = GroupMembership.objects.filter(mentor=request.user).values("group")
    groups = (
        services.groups_visible_to(request.user)
        .filter(Q(is_open=True) | Q(pk__in=mine))
        .select_related("facilitator", "reserved_for")
        .annotate(members=MEMBER_COUNT)
        .order_by("name", "pk")
    )
    page = Paginator(groups, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/group_list.html", {"page": page})


@member_required(Role.SUPERVISOR)
def group_create(request):
    form = GroupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.group_create(facilitator=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your group is created. Now schedule its sessions."))
            return redirect("supervision:group_manage", code=group.code)
    return render(request, "supervision/group_form.html", {"form": form})


@member_required(Role.MENTOR)
def group_detail(request, code: str):
    group = _get_group(request, code)
    membership = GroupMembership.objects.filter(group=group, mentor=request.user).first()
    members = group.memberships.filter(status=Status.MEMBER).count()
    return render(
        request,
        "supervision/group_detail.html",
        {
            "group": group,
            "membership": membership,
            "members": members,
            "full": members >= group.capacity,
            "is_facilitator": group.facilitator_id == request.user.pk,
            "sessions": group.sessions.filter(
                starts_at__gte=timezone.now(), status=GroupSession.Status.SCHEDULED
            )[:10],
            "is_member": membership is not None and membership.status == Status.MEMBER,
        },
    )


@member_required(Role.MENTOR)
@require_POST
def group_join(request, code: str):
    group = _get_group(request, code)
    try:
        membership = services.group_request(group=group, mentor=request.user)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        if membership.status == Status.WAITLISTED:
            messages.success(
                request, _("The group is full: you are on its waiting list. We will email you.")
            )
        else:
            messages.success(request, _("Your request is sent to the facilitator."))
    return redirect("supervision:group_detail", code=group.code)


@member_required(Role.MENTOR)
@require_POST
def group_leave(request, code: str):
    group = _get_group(request, code)
    membership = get_object_or_404(GroupMembership, group=group, mentor=request.user)
    try:
        services.group_leave(membership=membership, by=request.user)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, _("You have left the group."))
    return redirect("supervision:group_detail", code=group.code)


@member_required(Role.MENTOR)
@require_POST
def group_invitation(request, code: str):
    group = _get_group(request, code)
    membership = get_object_or_404(
        GroupMembership, group=group, mentor=request.user, status=Status.INVITED
    )
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept or decline."))
        return redirect("supervision:group_detail", code=group.code)
    accept = form.cleaned_data["answer"] == "accept"
    try:
        membership = services.group_invitation_respond(membership=membership, accept=accept)
    except ValidationError as error:
        flash_service_errors(request, error)
        return redirect("supervision:group_detail", code=group.code)
    if not accept:
        messages.success(request, _("You declined the invitation."))
    elif membership.status == Status.WAITLISTED:
        messages.success(request, _("The group filled meanwhile: you are on its waiting list."))
    else:
        messages.success(request, _("Welcome to the group."))
    return redirect("supervision:group_detail", code=group.code)


# --- The facilitator's pages --------------------------------------------------------------


def _manage_page(
    request, group, *, edit_form=None, invite_form=None, schedule_form=None, status=200
):
    memberships = group.memberships.select_related("mentor").exclude(
        status__in=[Status.LEFT, Status.DECLINED]
    )
    by_status: dict[str, list] = {}
    for membership in memberships.order_by("queued_at", "pk"):
        by_status.setdefault(membership.status, []).append(membership)
    return render(
        request,
        "supervision/group_manage.html",
        {
            "group": group,
            "edit_form": edit_form or GroupForm(instance=group),
            "invite_form": invite_form or InviteForm(),
            "schedule_form": schedule_form or ScheduleForm(),
            "members": by_status.get(Status.MEMBER, []),
            "requests": by_status.get(Status.REQUESTED, []),
            "waiting": by_status.get(Status.WAITLISTED, []),
            "invited": by_status.get(Status.INVITED, []),
            "sessions": group.sessions.order_by("-starts_at")[:PAGE_SIZE],
            "zone": timezone.get_current_timezone_name(),
        },
        status=status,
    )


@member_required(Role.SUPERVISOR)
def group_manage(request, code: str):
    group = _get_group_for_facilitator(request, code)
    form = GroupForm(request.POST or None, instance=group)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_update(group=group, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("supervision:group_manage", code=group.code)
        group.refresh_from_db()
    return _manage_page(request, group, edit_form=form)


@member_required(Role.SUPERVISOR)
@require_POST
def group_invite(request, code: str):
    group = _get_group_for_facilitator(request, code)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.group_invite(group=group, by=request.user, mentor=form.cleaned_data["mentor"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Invitation sent."))
            return redirect("supervision:group_manage", code=group.code)
    return _manage_page(request, group, invite_form=form, status=400)


@member_required(Role.SUPERVISOR)
@require_POST
def group_schedule(request, code: str):
    group = _get_group_for_facilitator(request, code)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        try:
            created = services.group_schedule(
                group=group,
                by=request.user,
                time_zone=timezone.get_current_timezone_name(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(n)s sessions scheduled.") % {"n": len(created)})
            return redirect("supervision:group_manage", code=group.code)
    return _manage_page(request, group, schedule_form=form, status=400)


@member_required(Role.SUPERVISOR)
@require_POST
def group_member_decide(request, code: str, pk: int):
    group = _get_group_for_facilitator(request, code)
    membership = get_object_or_404(
        GroupMembership.objects.select_related("mentor"), pk=pk, group=group
    )
    form = MemberDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose accept, decline or remove."))
        return redirect("supervision:group_manage", code=group.code)
    action = form.cleaned_data["action"]
    name = membership.mentor.get_full_name()
    try:
        if action == "remove":
            services.group_leave(membership=membership, by=request.user)
            message = _("%(name)s is no longer in the group.") % {"name": name}
        else:
            membership = services.group_request_decide(
                membership=membership, by=request.user, accept=action == "accept"
            )
            if membership.status == Status.WAITLISTED:
                message = _(
                    "The group is full: %(name)s is on the waiting list and joins when a "
                    "place frees."
                ) % {"name": name}
            else:
                message = _("Done. %(name)s has been told.") % {"name": name}
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, message)
    return redirect("supervision:group_manage", code=group.code)


@member_required(Role.MENTOR)
def group_session_detail(request, code: str):
    session = _get_session_for_participant(request, code)
    group = session.group
    is_facilitator = group.facilitator_id == request.user.pk
    form = None
    attended = set(session.attendance.values_list("mentor_id", flat=True))
    if is_facilitator and session.starts_at <= timezone.now() and session.status == "scheduled":
        people = group.memberships.filter(status=Status.MEMBER).values("mentor")
        form = AttendanceForm(
            people=User.objects.filter(pk__in=people).order_by("full_name"),
            initial={"attendees": list(attended)},
        )
    return render(
        request,
        "supervision/group_session.html",
        {
            "session": session,
            "group": group,
            "steps": group.reflection_model.local_steps,
            "is_facilitator": is_facilitator,
            "form": form,
            "attended": attended,
            "can_cancel": is_facilitator
            and session.status == "scheduled"
            and session.starts_at > timezone.now(),
        },
    )


@member_required(Role.SUPERVISOR)
@require_POST
def group_session_attendance(request, code: str):
    session = get_object_or_404(
        GroupSession.objects.select_related("group"), code=code, group__facilitator=request.user
    )
    people = session.group.memberships.filter(status=Status.MEMBER).values("mentor")
    form = AttendanceForm(request.POST, people=User.objects.filter(pk__in=people))
    if not form.is_valid():
        messages.error(request, _("Tick the members who attended."))
    else:
        try:
            entries = services.group_attendance_record(
                session=session, by=request.user, mentors=form.cleaned_data["attendees"]
            )
        except ValidationError as error:
            flash_service_errors(request, error)
        else:
            messages.success(
                request,
                _("Attendance saved: %(n)s new entries in members’ supervision logs.")
                % {"n": len(entries)},
            )
    return redirect("supervision:group_session_detail", code=session.code)


@member_required(Role.SUPERVISOR)
@require_POST
def group_session_cancel(request, code: str):
    session = get_object_or_404(GroupSession, code=code, group__facilitator=request.user)
    try:
        services.group_session_cancel(session=session, by=request.user)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, _("Cancelled. The members have been told."))
    return redirect("supervision:group_session_detail", code=session.code)
