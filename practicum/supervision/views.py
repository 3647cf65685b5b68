"""The supervisor's dashboard, the directory and profiles, one-to-one availability and bookings,
attendees' notes, feedback and the calendar feed. Groups, labs and applications have their own
view modules."""

import datetime
import itertools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.models import Role
from practicum.frameworks.access import member_required
from practicum.lib.forms import add_service_errors, flash_service_errors
from practicum.practice.models import SupervisionRelationship, SupervisionSession
from practicum.supervision import feedback, services
from practicum.supervision.calendar import absolute, feed_ics
from practicum.supervision.forms import (
    BookingAttendanceForm,
    CalendarForm,
    CancelForm,
    DirectoryFilterForm,
    ExceptionForm,
    NotesForm,
    ProfileForm,
    SlotForm,
    WindowForm,
)
from practicum.supervision.models import (
    AvailabilityException,
    AvailabilityWindow,
    Booking,
    CalendarFeed,
    GroupMembership,
    GroupSession,
    LabRegistration,
    SupervisionGroup,
    SupervisorLanguage,
    SupervisorProfile,
    ThematicLab,
)

PAGE_SIZE = 25


def is_htmx(request) -> bool:
    """An htmx request for a fragment (a history restore wants the whole page)."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )


# --- Access helpers -----------------------------------------------------------------------


def _get_profile_for_viewer(
    request, public_id: str, *, languages: bool = True
) -> SupervisorProfile:
    """A listed supervisor's profile, or one's own (listed or not); anything else is a 404.
    `languages=False` for pages that do not list them (one query less)."""
    profiles = SupervisorProfile.objects.select_related("user")
    if languages:
        profiles = profiles.prefetch_related("languages")
    profile = get_object_or_404(
        profiles,
        user__public_id=public_id,
        user__is_active=True,
    )
    if profile.user_id != request.user.pk and not (
        profile.is_listed and profile.user.has_role(Role.SUPERVISOR)
    ):
        raise Http404
    return profile


def _get_booking_for_user(request, code: str) -> Booking:
    return get_object_or_404(
        Booking.objects.select_related("mentor", "supervisor").filter(
            Q(mentor=request.user) | Q(supervisor=request.user)
        ),
        code=code,
    )


# --- Dashboard ----------------------------------------------------------------------------


@member_required(Role.SUPERVISOR)
def supervisor_dashboard(request):
    me, now = request.user, timezone.now()
    supervisees = (
        SupervisionRelationship.objects.active()
        .filter(supervisor=me)
        .select_related("mentor")
        .order_by("mentor__full_name")
    )
    awaiting = SupervisionSession.objects.filter(
        relationship__supervisor=me, status=SupervisionSession.Status.PENDING
    ).count()
    bookings = Booking.objects.active().filter(supervisor=me).select_related("mentor")
    to_mark_bookings = bookings.filter(
        starts_at__lte=now, attendance=Booking.Attendance.UNMARKED
    ).order_by("-starts_at")[:PAGE_SIZE]
    to_mark_sessions = (
        GroupSession.objects.filter(
            group__facilitator=me,
            status=GroupSession.Status.SCHEDULED,
            starts_at__lte=now,
            attendance_marked_at__isnull=True,
        )
        .select_related("group")
        .order_by("-starts_at")[:PAGE_SIZE]
    )
    labs = ThematicLab.objects.filter(facilitators=me)
    return render(
        request,
        "supervision/supervisor_dashboard.html",
        {
            "supervisees": supervisees,
            "awaiting": awaiting,
            "profile": SupervisorProfile.objects.filter(user=me).first(),
            "upcoming": bookings.filter(starts_at__gt=now)[:PAGE_SIZE],
            "to_mark_bookings": to_mark_bookings,
            "to_mark_sessions": to_mark_sessions,
            "labs_to_mark": labs.filter(starts_at__lte=now, attendance_marked_at__isnull=True)[
                :PAGE_SIZE
            ],
            "labs_upcoming": labs.filter(starts_at__gt=now)[:PAGE_SIZE],
            "groups": SupervisionGroup.objects.filter(facilitator=me).annotate(
                members=Count("memberships", filter=Q(memberships__status="member")),
                waiting=Count(
                    "memberships", filter=Q(memberships__status__in=["requested", "waitlisted"])
                ),
            ),
        },
    )


@member_required(Role.MENTOR)
def my_supervision(request):
    """The mentor's own agenda: bookings, groups, labs, and log entries waiting for notes."""
    me, now = request.user, timezone.now()
    memberships = (
        GroupMembership.objects.filter(mentor=me)
        .exclude(status__in=[GroupMembership.Status.LEFT, GroupMembership.Status.DECLINED])
        .select_related("group__facilitator")
    )
    member_of = [m.group_id for m in memberships if m.status == GroupMembership.Status.MEMBER]
    return render(
        request,
        "supervision/my_supervision.html",
        {
            "bookings": Booking.objects.active()
            .filter(mentor=me, starts_at__gt=now)
            .select_related("supervisor")[:PAGE_SIZE],
            "memberships": memberships,
            "group_sessions": GroupSession.objects.filter(
                group__in=member_of, status=GroupSession.Status.SCHEDULED, starts_at__gt=now
            ).select_related("group")[:PAGE_SIZE],
            "registrations": LabRegistration.objects.filter(mentor=me, lab__starts_at__gt=now)
            .exclude(status=LabRegistration.Status.CANCELLED)
            .select_related("lab")
            .order_by("lab__starts_at"),
            "notes_wanted": SupervisionSession.objects.filter(mentor=me, key_learnings="")
            .exclude(source="")
            .select_related("facilitator")
            .order_by("-starts_at")[:10],
        },
    )


# --- Directory and profiles ---------------------------------------------------------------


@member_required(Role.MENTOR)
def directory(request):
    languages = list(
        SupervisorLanguage.objects.filter(profile__is_listed=True)
        .values_list("code", flat=True)
        .distinct()
        .order_by()
    )
    form = DirectoryFilterForm(request.GET or None, languages=languages)
    profiles = (
        SupervisorProfile.objects.listed()
        .select_related("user")
        .prefetch_related("languages")
        .order_by("user__full_name", "pk")
    )
    profiles = form.filter(profiles, viewer_zone=request.user.time_zone)
    page = Paginator(profiles, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "supervision/directory.html"
    if is_htmx(request):
        template += "#results"
    return render(request, template, {"form": form, "page": page})


@member_required(Role.MENTOR)
def supervisor_profile(request, public_id: str):
    profile = _get_profile_for_viewer(request, public_id)
    supervisor = profile.user
    return render(
        request,
        "supervision/supervisor_profile.html",
        {
            "profile": profile,
            "supervisor": supervisor,
            "groups": services.groups_visible_to(request.user).filter(
                facilitator=supervisor, is_open=True
            ),
            "labs": services.labs_visible_to(request.user)
            .filter(facilitators=supervisor, starts_at__gte=timezone.now())
            .order_by("starts_at")[:5],
        },
    )


@member_required(Role.SUPERVISOR)
def profile_edit(request):
    profile = SupervisorProfile.objects.filter(user=request.user).first()
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        languages = data.pop("languages")
        try:
            profile = services.profile_save(user=request.user, languages=languages, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your supervisor profile is saved."))
            return redirect("supervision:supervisor_dashboard")
    return render(request, "supervision/profile_form.html", {"form": form, "profile": profile})


# --- Availability -------------------------------------------------------------------------


@member_required(Role.SUPERVISOR)
def availability(request):
    me = request.user
    profile = SupervisorProfile.objects.filter(user=me).first()
    if profile is None:
        messages.info(
            request, _("First write your supervisor profile: it sets your session length.")
        )
        return redirect("supervision:profile_edit")
    window_form = WindowForm(
        request.POST if "add_window" in request.POST else None,
        prefix="window",
        slot_minutes=profile.slot_minutes,
    )
    exception_form = ExceptionForm(
        request.POST if "add_exception" in request.POST else None, prefix="exception"
    )
    if request.method == "POST":
        if window_form.is_bound and window_form.is_valid():
            try:
                services.window_add(supervisor=me, **window_form.cleaned_data)
            except ValidationError as error:
                add_service_errors(window_form, error)
            else:
                messages.success(request, _("Window added."))
                return redirect("supervision:availability")
        elif exception_form.is_bound and exception_form.is_valid():
            try:
                exception = services.exception_add(supervisor=me, **exception_form.cleaned_data)
            except ValidationError as error:
                add_service_errors(exception_form, error)
            else:
                messages.success(request, _("No slots will be offered on those days."))
                booked = services.bookings_during(exception).count()
                if booked:
                    messages.warning(
                        request,
                        _(
                            "%(n)s sessions are already booked on those days: cancel them from "
                            "your dashboard if you will not hold them."
                        )
                        % {"n": booked},
                    )
                return redirect("supervision:availability")
    now = timezone.now()
    preview = services.offered_slots(profile, start=now, end=now + datetime.timedelta(days=7))
    return render(
        request,
        "supervision/availability.html",
        {
            "profile": profile,
            "windows": AvailabilityWindow.objects.filter(supervisor=me),
            "exceptions": AvailabilityException.objects.filter(
                supervisor=me, ends_on__gte=timezone.localdate()
            ),
            "window_form": window_form,
            "exception_form": exception_form,
            "preview": preview[:20],
        },
    )


@member_required(Role.SUPERVISOR)
@require_POST
def window_delete(request, pk: int):
    window = get_object_or_404(AvailabilityWindow, pk=pk, supervisor=request.user)
    window.delete()
    messages.success(request, _("Window removed. Sessions already booked in it stay booked."))
    return redirect("supervision:availability")


@member_required(Role.SUPERVISOR)
@require_POST
def exception_delete(request, pk: int):
    exception = get_object_or_404(AvailabilityException, pk=pk, supervisor=request.user)
    exception.delete()
    messages.success(request, _("Those days are open again."))
    return redirect("supervision:availability")


# --- Booking ------------------------------------------------------------------------------


def _weeks_shown(profile: SupervisorProfile) -> int:
    # Week n shows days 7n to 7n+6 from today: enough weeks to reach the supervisor's horizon.
    return -(-profile.booking_horizon_days // 7)


def _week(request, profile: SupervisorProfile) -> int:
    try:
        return min(max(int(request.GET.get("week", 0)), 0), _weeks_shown(profile) - 1)
    except ValueError:
        return 0


def _week_start(week: int) -> datetime.datetime:
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return today + datetime.timedelta(days=7 * week)


def _slot_days(profile: SupervisorProfile, week: int, *, ignore: Booking | None = None):
    """Free slots for one week, grouped by day in the viewer's zone."""
    start = _week_start(week)
    slots = services.offered_slots(
        profile, start=start, end=start + datetime.timedelta(days=7), ignore=ignore
    )
    return [
        (day, list(items))
        for day, items in itertools.groupby(slots, key=lambda s: timezone.localdate(s.starts_at))
    ]


def _slot_page(request, profile, *, form, booking=None, status=200):
    week = _week(request, profile)
    context = {
        "profile": profile,
        "supervisor": profile.user,
        "form": form,
        "booking": booking,
        "week": week,
        "week_start": _week_start(week).date(),
        "week_end": _week_start(week).date() + datetime.timedelta(days=6),
        "days": _slot_days(profile, week, ignore=booking),
        "previous_week": week - 1 if week > 0 else None,
        "next_week": week + 1 if week < _weeks_shown(profile) - 1 else None,
    }
    template = "supervision/book.html"
    if is_htmx(request):
        template += "#slots"
    return render(request, template, context, status=status)


def _confirm_page(request, profile, form, *, booking=None):
    """The step between choosing a slot and booking it: the time in both zones and the notice
    period, with a button that books. A slot no longer offered goes back to the list."""
    starts_at = form.cleaned_data["starts_at"]
    offered = services.offered_slots(
        profile, start=starts_at, end=starts_at + datetime.timedelta(minutes=1), ignore=booking
    )
    if not any(slot.starts_at == starts_at for slot in offered):
        form.add_error(None, _("That time is no longer free. Please choose another from the list."))
        return _slot_page(request, profile, form=form, booking=booking, status=409)
    return render(
        request,
        "supervision/book_confirm.html",
        {
            "profile": profile,
            "supervisor": profile.user,
            "booking": booking,
            "starts_at": starts_at,
            "ends_at": starts_at + datetime.timedelta(minutes=profile.slot_minutes),
            "week": _week(request, profile),
        },
    )


@member_required(Role.MENTOR)
def book(request, public_id: str):
    profile = _get_profile_for_viewer(request, public_id, languages=False)
    if not profile.offers_one_to_one or profile.user_id == request.user.pk:
        raise Http404
    form = SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") != "yes":
            return _confirm_page(request, profile, form)
        try:
            booking = services.booking_create(
                mentor=request.user,
                supervisor=profile.user,
                starts_at=form.cleaned_data["starts_at"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return _slot_page(request, profile, form=form, status=409)
        messages.success(request, _("Booked. You and your supervisor will receive an invitation."))
        return redirect("supervision:booking_detail", code=booking.code)
    return _slot_page(request, profile, form=form)


@member_required(Role.MENTOR)
def booking_detail(request, code: str):
    booking = _get_booking_for_user(request, code)
    is_supervisor = booking.supervisor_id == request.user.pk
    other = booking.mentor if is_supervisor else booking.supervisor
    change_refusal = booking.change_refusal(request.user)
    can_mark = (
        is_supervisor
        and booking.is_active
        and booking.starts_at <= timezone.now()
        and booking.attendance == Booking.Attendance.UNMARKED
    )
    return render(
        request,
        "supervision/booking_detail.html",
        {
            "booking": booking,
            "is_supervisor": is_supervisor,
            "other": other,
            "can_change": change_refusal is None,
            # Said only while the booking is still ahead (the notice period); the rest shows.
            "change_refusal": change_refusal
            if booking.is_active and booking.starts_at > timezone.now()
            else None,
            "can_mark": can_mark,
            "cancel_form": CancelForm(),
            "attendance_form": BookingAttendanceForm(),
            "log_entry": SupervisionSession.objects.filter(
                mentor=request.user, source=booking.source
            ).first(),
        },
    )


@member_required(Role.MENTOR)
@require_POST
def booking_cancel(request, code: str):
    booking = _get_booking_for_user(request, code)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.booking_cancel(
                booking=booking, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            flash_service_errors(request, error)
        else:
            messages.success(request, _("Cancelled. Both of you have been told."))
    else:
        messages.error(request, " ".join(form.errors.get("reason", [])))
    return redirect("supervision:booking_detail", code=booking.code)


@member_required(Role.MENTOR)
def booking_reschedule(request, code: str):
    booking = _get_booking_for_user(request, code)
    if not booking.is_active:
        messages.info(request, _("This booking has been cancelled."))
        return redirect("supervision:booking_detail", code=booking.code)
    profile = get_object_or_404(
        SupervisorProfile.objects.select_related("user"), user=booking.supervisor
    )
    form = SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("confirm") != "yes":
            return _confirm_page(request, profile, form, booking=booking)
        try:
            services.booking_reschedule(
                booking=booking, by=request.user, starts_at=form.cleaned_data["starts_at"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return _slot_page(request, profile, form=form, booking=booking, status=409)
        messages.success(request, _("Moved. Both of you have been sent the new time."))
        return redirect("supervision:booking_detail", code=booking.code)
    return _slot_page(request, profile, form=form, booking=booking)


@member_required(Role.SUPERVISOR)
@require_POST
def booking_attendance(request, code: str):
    booking = get_object_or_404(
        Booking.objects.select_related("mentor"), code=code, supervisor=request.user
    )
    form = BookingAttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether the session took place."))
    else:
        try:
            services.booking_mark_attendance(
                booking=booking, by=request.user, held=form.cleaned_data["held"]
            )
        except ValidationError as error:
            flash_service_errors(request, error)
        else:
            messages.success(
                request,
                _("Marked. The session is in %(name)s’s supervision log, signed off by you.")
                % {"name": booking.mentor.get_full_name()}
                if form.cleaned_data["held"]
                else _("Marked as not held."),
            )
    return redirect("supervision:booking_detail", code=booking.code)


# --- After a session: the attendee's notes, the supervisor's feedback ---------------------


@member_required(Role.MENTOR)
def attendance_notes(request, pk: int):
    session = get_object_or_404(
        SupervisionSession.objects.select_related("facilitator"), pk=pk, mentor=request.user
    )
    if not session.is_from_attendance:
        return redirect("practice:session_edit", pk=session.pk)
    form = NotesForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        services.attendance_notes_save(session=session, **form.cleaned_data)
        messages.success(request, _("Your notes are saved."))
        return redirect("practice:session_detail", pk=session.pk)
    return render(request, "supervision/attendance_notes.html", {"form": form, "session": session})


@member_required(Role.SUPERVISOR)
def feedback_view(request):
    one_to_one = Paginator(feedback.one_to_one_feedback(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "supervision/feedback.html",
        {
            "one_to_one": one_to_one,
            "groups": feedback.group_feedback(request.user),
            "labs": feedback.lab_feedback(request.user),
            "minimum": services.FEEDBACK_MINIMUM,
        },
    )


# --- Calendar -----------------------------------------------------------------------------


@member_required(Role.MENTOR)
def calendar_settings(request):
    form = CalendarForm(request.POST or None)
    feed_url = None
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["action"] == "create":
            token = services.calendar_feed_create(user=request.user)
            feed_url = absolute(reverse("supervision:calendar_feed", args=[token]))
            messages.success(
                request, _("Your new calendar link is below. Any older link has stopped working.")
            )
        else:
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, _("Your calendar link is turned off."))
            return redirect("supervision:calendar_settings")
    live = CalendarFeed.objects.filter(user=request.user, revoked_at__isnull=True).first()
    return render(
        request,
        "supervision/calendar_settings.html",
        {"live": live, "feed_url": feed_url},
    )


def calendar_feed(request, token: str):
    """A private iCalendar feed: no sign-in, the secret token is the key. 410 once revoked."""
    feed = services.calendar_feed_for_token(token)
    if feed is None or not feed.user.is_active:
        raise Http404
    if feed.revoked_at is not None:
        return HttpResponse(
            _("This calendar link was turned off. Create a new one on Practicum."),
            status=410,
            content_type="text/plain; charset=utf-8",
        )
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    body = feed_ics(services.calendar_events_for(feed.user), name="Practicum")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="practicum.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
