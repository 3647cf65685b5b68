"""Quarterly thematic labs: the list and registration for mentors, attendance for facilitators,
creation and editing for staff."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.access import role_required
from practicum.accounts.models import Role, User
from practicum.frameworks.access import member_required
from practicum.lib.forms import add_service_errors, flash_service_errors
from practicum.supervision import services
from practicum.supervision.forms import AttendanceForm, LabFilterForm, LabForm
from practicum.supervision.models import LabRegistration, ThematicLab
from practicum.supervision.views import PAGE_SIZE, is_htmx

Registration = LabRegistration.Status
REGISTERED_COUNT = Count("registrations", filter=Q(registrations__status=Registration.REGISTERED))
WAITING_COUNT = Count("registrations", filter=Q(registrations__status=Registration.WAITLISTED))
STAFF = (Role.CREDENTIALING_STAFF, Role.SITE_ADMIN)


def _facilitators():
    return Prefetch(
        "facilitators", queryset=User.objects.only("full_name", "email").order_by("full_name")
    )


def _get_lab(request, code: str) -> ThematicLab:
    """A lab the user may see: one reserved for another centre's mentors is a 404."""
    return get_object_or_404(
        services.labs_visible_to(request.user)
        .select_related("reserved_for")
        .prefetch_related(_facilitators()),
        code=code,
    )


@member_required(Role.MENTOR)
def lab_list(request):
    quarters = list(
        services.labs_visible_to(request.user)
        .order_by("-quarter")
        .values_list("quarter", flat=True)
        .distinct()
    )
    form = LabFilterForm(request.GET or None, quarters=quarters)
    mine = LabRegistration.objects.filter(lab=OuterRef("pk"), mentor=request.user).exclude(
        status=Registration.CANCELLED
    )
    labs = (
        services.labs_visible_to(request.user)
        .select_related("reserved_for")
        .annotate(
            registered=REGISTERED_COUNT,
            my_status=Subquery(mine.values("status")[:1]),
        )
        .prefetch_related(_facilitators())
        .order_by("starts_at", "pk")
    )
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("quarter"):
        labs = labs.filter(quarter=data["quarter"])
    else:
        labs = labs.filter(starts_at__gte=timezone.now())
    if data.get("theme"):
        labs = labs.filter(Q(theme__icontains=data["theme"]) | Q(title__icontains=data["theme"]))
    if data.get("open"):
        labs = labs.filter(registered__lt=F("capacity"))
    page = Paginator(labs, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "supervision/lab_list.html"
    if is_htmx(request):
        template += "#results"
    return render(request, template, {"form": form, "page": page})


@member_required(Role.MENTOR)
def lab_detail(request, code: str):
    lab = _get_lab(request, code)
    registration = LabRegistration.objects.filter(lab=lab, mentor=request.user).first()
    registered = lab.registrations.filter(status=Registration.REGISTERED).count()
    position = None
    if registration is not None and registration.status == Registration.WAITLISTED:
        position = (
            lab.registrations.filter(status=Registration.WAITLISTED)
            .filter(
                Q(queued_at__lt=registration.queued_at)
                | Q(queued_at=registration.queued_at, pk__lt=registration.pk)
            )
            .count()
            + 1
        )
    started = lab.starts_at <= timezone.now()
    return render(
        request,
        "supervision/lab_detail.html",
        {
            "lab": lab,
            "registration": registration,
            "registered": registered,
            "places_left": max(lab.capacity - registered, 0),
            "position": position,
            "started": started,
            "refusal": None if started else services.lab_registration_refusal(lab, request.user),
            "is_facilitator": any(f.pk == request.user.pk for f in lab.facilitators.all()),
        },
    )


@member_required(Role.MENTOR)
@require_POST
def lab_register(request, code: str):
    lab = get_object_or_404(services.labs_visible_to(request.user), code=code)
    try:
        registration = services.lab_register(lab=lab, mentor=request.user)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        if registration.status == Registration.WAITLISTED:
            messages.success(
                request,
                _(
                    "The lab is full: you are on the waiting list. If a place frees, it is yours "
                    "automatically and we email you."
                ),
            )
        else:
            messages.success(request, _("You are registered. The invitation is in your email."))
    return redirect("supervision:lab_detail", code=lab.code)


@member_required(Role.MENTOR)
@require_POST
def lab_cancel(request, code: str):
    lab = get_object_or_404(ThematicLab, code=code)
    registration = get_object_or_404(LabRegistration, lab=lab, mentor=request.user)
    try:
        services.lab_registration_cancel(registration=registration, by=request.user)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, _("Your registration is cancelled."))
    return redirect("supervision:lab_detail", code=lab.code)


@member_required(Role.SUPERVISOR)
def lab_attendance(request, code: str):
    lab = get_object_or_404(
        ThematicLab.objects.prefetch_related(_facilitators()), code=code, facilitators=request.user
    )
    registered = lab.registrations.filter(status=Registration.REGISTERED)
    attended = set(registered.filter(attended=True).values_list("mentor_id", flat=True))
    people = User.objects.filter(pk__in=registered.values("mentor")).order_by("full_name", "email")
    started = lab.starts_at <= timezone.now()
    form = AttendanceForm(
        request.POST if request.method == "POST" else None,
        people=people,
        initial={"attendees": list(attended)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            entries = services.lab_attendance_record(
                lab=lab, by=request.user, mentors=form.cleaned_data["attendees"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Attendance saved: %(n)s new entries with their CPD hours.")
                % {"n": len(entries)},
            )
            return redirect("supervision:lab_attendance", code=lab.code)
    return render(
        request,
        "supervision/lab_attendance.html",
        {"lab": lab, "form": form, "attended": attended, "started": started},
    )


# --- Staff --------------------------------------------------------------------------------


@role_required(*STAFF)
def lab_admin_list(request):
    labs = (
        ThematicLab.objects.annotate(registered=REGISTERED_COUNT, waiting=WAITING_COUNT)
        .prefetch_related(_facilitators())
        .order_by("-starts_at", "-pk")
    )
    page = Paginator(labs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/lab_admin_list.html", {"page": page})


@role_required(*STAFF)
def lab_create(request):
    form = LabForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lab = services.lab_create(
                by=request.user, facilitators=form.cleaned_data["facilitators"], **form.lab_fields()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The lab is published to mentors."))
            return redirect("supervision:lab_edit", code=lab.code)
    return render(request, "supervision/lab_form.html", {"form": form, "lab": None})


@role_required(*STAFF)
def lab_edit(request, code: str):
    lab = get_object_or_404(ThematicLab, code=code)
    form = LabForm(request.POST or None, instance=lab)
    if request.method == "POST" and form.is_valid():
        try:
            services.lab_update(
                lab=lab,
                by=request.user,
                facilitators=form.cleaned_data["facilitators"],
                **form.lab_fields(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("supervision:lab_edit", code=lab.code)
        lab.refresh_from_db()
    registrations = (
        lab.registrations.exclude(status=Registration.CANCELLED)
        .select_related("mentor")
        .order_by("status", "queued_at", "pk")
    )
    return render(
        request,
        "supervision/lab_form.html",
        {
            "form": form,
            "lab": lab,
            "registrations": registrations,
        },
    )
