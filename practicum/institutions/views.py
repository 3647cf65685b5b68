"""The public directory and status check, the centre administrators' pages (scoped to their
centres: any other centre's object is a 404), invitations, a mentor's claim, and staff's
registry pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.access import role_required
from practicum.accounts.models import Role
from practicum.audit.services import audit_trail
from practicum.frameworks.access import member_required
from practicum.institutions import graduate_import, services
from practicum.institutions.forms import (
    CentreForm,
    ClaimDecisionForm,
    ClaimForm,
    CohortForm,
    DirectoryFilter,
    GraduateForm,
    ImportForm,
    InviteForm,
    ProgrammeForm,
    RecognitionForm,
    StatusChangeForm,
    StatusCheckForm,
)
from practicum.institutions.models import (
    CentreMember,
    Cohort,
    Graduate,
    GraduateImport,
    Programme,
    TrainingCentre,
)
from practicum.lib.forms import add_service_errors, flash_service_errors

PAGE_SIZE = 20
Status = TrainingCentre.Status


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Public --------------------------------------------------------------------------------------


def directory(request):
    form = DirectoryFilter(request.GET or None)
    centres = TrainingCentre.objects.listed().annotate(
        programme_count=Count("programmes", filter=Q(programmes__active=True))
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["q"]:
            centres = centres.filter(name__icontains=data["q"])
        if data["country"]:
            centres = centres.filter(country__icontains=data["country"])
        if data["mode"]:
            centres = centres.filter(programmes__mode=data["mode"], programmes__active=True)
    return render(
        request,
        "institutions/directory.html",
        {"form": form, "centres": _page(request, centres.distinct().order_by("name"))},
    )


def centre_public(request, code: str):
    """A centre's public page: its status and dates; its programmes while it is recognised."""
    centre = get_object_or_404(TrainingCentre.objects.exclude(status=Status.REGISTERED), code=code)
    programmes = []
    if centre.is_recognised:
        programmes = centre.programmes.filter(active=True).prefetch_related(
            "indicators__competency"
        )
    return render(
        request,
        "institutions/centre_public.html",
        {"centre": centre, "programmes": programmes},
    )


def status_check(request):
    form = StatusCheckForm(request.GET or None)
    results = None
    if form.is_valid():
        results = TrainingCentre.objects.exclude(status=Status.REGISTERED).filter(
            name__icontains=form.cleaned_data["q"]
        )[:20]
    return render(request, "institutions/status_check.html", {"form": form, "results": results})


# --- Invitations ---------------------------------------------------------------------------------


def invitation(request, token: str):
    member = services.invitation_for_token(token)
    if member is None:
        return render(request, "institutions/invitation_gone.html", status=410)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{request.build_absolute_uri('/accounts/login/')}?next={request.path}")
        try:
            member = services.member_join(token=token, user=request.user)
        except ValidationError as error:
            flash_service_errors(request, error)
            return redirect(request.path)
        messages.success(
            request, _("Welcome: you have joined %(centre)s.") % {"centre": member.centre}
        )
        if member.role == CentreMember.Role.ADMIN:
            return redirect("institutions:centre", member.centre_id)
        return redirect("institutions:memberships")
    return render(request, "institutions/invitation.html", {"member": member})


# --- The centre's administrators -----------------------------------------------------------------


@role_required(Role.INSTITUTION_ADMIN)
def dashboard(request):
    centres = list(
        TrainingCentre.objects.administered_by(request.user).annotate(
            claims=Count(
                "programmes__graduates", filter=Q(programmes__graduates__status="requested")
            )
        )
    )
    if len(centres) == 1:
        return redirect("institutions:centre", centres[0].pk)
    return render(request, "institutions/dashboard.html", {"centres": centres})


@role_required(Role.INSTITUTION_ADMIN)
def centre(request, pk: int):
    centre = services.centre_for_admin(request.user, pk)
    invite_form = InviteForm()
    programmes = centre.programmes.annotate(
        cohort_count=Count("cohorts", distinct=True),
        graduate_count=Count("graduates", filter=Q(graduates__status="confirmed"), distinct=True),
    )
    claims = (
        Graduate.objects.filter(programme__centre=centre, status=Graduate.Status.REQUESTED)
        .select_related("programme")
        .prefetch_related(
            Prefetch("programme__cohorts", queryset=Cohort.objects.order_by("-started_on"))
        )
    )
    members = centre.members.filter(left_at__isnull=True).select_related("user")
    return render(
        request,
        "institutions/centre.html",
        {
            "centre": centre,
            "programmes": programmes,
            "claims": claims,
            "members": members,
            "invite_form": invite_form,
            "decision_form": ClaimDecisionForm(),
        },
    )


@role_required(Role.INSTITUTION_ADMIN)
def mentors(request, pk: int):
    """The centre's own mentors: yes/no and CPD hours for those who consent, a count of the
    others; never any reflective content."""
    centre = services.centre_for_admin(request.user, pk)
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = timezone.localdate().year
    year = min(max(year, 2000), timezone.localdate().year)
    return render(
        request,
        "institutions/mentors.html",
        {
            "centre": centre,
            "figures": services.centre_mentor_figures(centre, year),
            "sessions_needed": services.SESSIONS_PER_YEAR,
        },
    )


@role_required(Role.INSTITUTION_ADMIN)
def centre_edit(request, pk: int):
    centre = services.centre_for_admin(request.user, pk)
    form = CentreForm(request.POST or None, instance=TrainingCentre.objects.get(pk=centre.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.centre_update(centre=centre, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The centre's details are saved."))
            return redirect("institutions:centre", centre.pk)
    return render(request, "institutions/centre_form.html", {"centre": centre, "form": form})


@require_POST
@role_required(Role.INSTITUTION_ADMIN)
def member_invite(request, pk: int):
    centre = services.centre_for_admin(request.user, pk)
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            services.member_invite(centre=centre, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            flash_service_errors(request, error)
        else:
            messages.success(request, _("The invitation is sent."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    return redirect("institutions:centre", centre.pk)


@require_POST
@role_required(Role.INSTITUTION_ADMIN)
def member_remove(request, pk: int):
    member = get_object_or_404(
        CentreMember,
        pk=pk,
        centre__in=TrainingCentre.objects.administered_by(request.user),
    )
    try:
        services.member_leave(member=member, by=request.user)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, _("The membership has ended."))
    return redirect("institutions:centre", member.centre_id)


@role_required(Role.INSTITUTION_ADMIN)
def programme_create(request, pk: int):
    centre = services.centre_for_admin(request.user, pk)
    form = ProgrammeForm(request.POST or None, instance=Programme(centre=centre))
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.programme_save(
                programme=form.instance, by=request.user, indicators=form.cleaned_data["indicators"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect("institutions:programme", programme.pk)
    return render(request, "institutions/programme_form.html", {"centre": centre, "form": form})


@role_required(Role.INSTITUTION_ADMIN)
def programme_edit(request, pk: int):
    programme = services.programme_for_admin(request.user, pk)
    form = ProgrammeForm(request.POST or None, instance=programme)
    if request.method == "POST" and form.is_valid():
        try:
            services.programme_save(
                programme=form.instance, by=request.user, indicators=form.cleaned_data["indicators"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The programme is saved."))
            return redirect("institutions:programme", programme.pk)
    return render(
        request,
        "institutions/programme_form.html",
        {"centre": programme.centre, "form": form, "programme": programme},
    )


@role_required(Role.INSTITUTION_ADMIN)
def programme(request, pk: int):
    programme = services.programme_for_admin(request.user, pk)
    cohorts = programme.cohorts.annotate(
        graduate_count=Count("graduates", filter=Q(graduates__status="confirmed"))
    )
    return render(
        request,
        "institutions/programme.html",
        {
            "programme": programme,
            "centre": programme.centre,
            "cohorts": cohorts,
            "indicators": programme.indicators.select_related("competency"),
        },
    )


@role_required(Role.INSTITUTION_ADMIN)
def cohort_create(request, pk: int):
    programme = services.programme_for_admin(request.user, pk)
    form = CohortForm(request.POST or None, instance=Cohort(programme=programme))
    if request.method == "POST" and form.is_valid():
        try:
            cohort = services.cohort_save(cohort=form.instance, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The cohort is saved."))
            return redirect("institutions:cohort", cohort.pk)
    return render(request, "institutions/cohort_form.html", {"programme": programme, "form": form})


@role_required(Role.INSTITUTION_ADMIN)
def cohort(request, pk: int):
    """The cohort's graduates, and the form to record one more."""
    cohort = services.cohort_for_admin(request.user, pk)
    form = GraduateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.graduate_record(cohort=cohort, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The graduate is recorded."))
            return redirect("institutions:cohort", cohort.pk)
    graduates = cohort.graduates.exclude(status=Graduate.Status.DECLINED).order_by("pk")
    return render(
        request,
        "institutions/cohort.html",
        {
            "cohort": cohort,
            "programme": cohort.programme,
            "centre": cohort.programme.centre,
            "form": form,
            "graduates": _page(request, graduates),
        },
    )


@role_required(Role.INSTITUTION_ADMIN)
def import_upload(request, pk: int):
    cohort = services.cohort_for_admin(request.user, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = graduate_import.import_create(
                cohort=cohort, by=request.user, data=form.cleaned_data["file"].read()
            )
        except ValidationError as error:
            add_service_errors(form, error, "file")
        else:
            return redirect("institutions:import_preview", batch.pk)
    return render(
        request,
        "institutions/import_upload.html",
        {
            "cohort": cohort,
            "form": form,
            "columns": graduate_import.COLUMNS,
            "header": graduate_import.HEADER,
            "example": graduate_import.EXAMPLE,
        },
    )


def _import_for_admin(request, pk: int) -> GraduateImport:
    return get_object_or_404(
        GraduateImport.objects.select_related("cohort__programme__centre"),
        pk=pk,
        cohort__programme__centre__in=TrainingCentre.objects.administered_by(request.user),
    )


@role_required(Role.INSTITUTION_ADMIN)
def import_preview(request, pk: int):
    batch = _import_for_admin(request, pk)
    error_rows = {error["row"] for error in batch.errors}
    rows = [(row, row.number in error_rows) for row in graduate_import.preview(batch)]
    return render(
        request,
        "institutions/import_preview.html",
        {"batch": batch, "cohort": batch.cohort, "rows": rows},
    )


@require_POST
@role_required(Role.INSTITUTION_ADMIN)
def import_commit(request, pk: int):
    batch = _import_for_admin(request, pk)
    try:
        count = graduate_import.import_commit(batch=batch, by=request.user)
    except ValidationError as error:
        flash_service_errors(request, error)
        return redirect("institutions:import_preview", batch.pk)
    messages.success(request, _("%(count)s graduates imported.") % {"count": count})
    return redirect("institutions:cohort", batch.cohort_id)


@require_POST
@role_required(Role.INSTITUTION_ADMIN)
def claim_decide(request, pk: int):
    graduate = services.graduate_for_admin(request.user, pk)
    form = ClaimDecisionForm(request.POST)
    cohort = None
    if request.POST.get("cohort"):
        cohort = graduate.programme.cohorts.filter(pk=request.POST.get("cohort")).first()
    if form.is_valid():
        try:
            services.claim_decide(
                graduate=graduate,
                by=request.user,
                confirm=form.cleaned_data["confirm"],
                cohort=cohort,
            )
        except ValidationError as error:
            flash_service_errors(request, error)
        else:
            messages.success(request, _("Your answer is recorded; the mentor is told."))
    return redirect("institutions:centre", graduate.programme.centre_id)


# --- Mentors -------------------------------------------------------------------------------------


@require_POST
@member_required(Role.MENTOR)
def claim_request(request):
    form = ClaimForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The request could not be sent: record the training again."))
        return redirect("practice:training_list")
    try:
        services.claim_request(mentor=request.user, **form.cleaned_data)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, _("The centre is asked to confirm your completion."))
    return redirect("practice:training_list")


@login_required
def memberships(request):
    members = (
        CentreMember.objects.filter(user=request.user, left_at__isnull=True)
        .select_related("centre")
        .order_by("centre__name")
    )
    return render(request, "institutions/memberships.html", {"members": members})


@require_POST
@login_required
def membership_leave(request, pk: int):
    member = get_object_or_404(CentreMember, pk=pk, user=request.user, left_at__isnull=True)
    try:
        services.member_leave(member=member, by=request.user)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, _("You have left %(centre)s.") % {"centre": member.centre})
    return redirect("institutions:memberships")


@require_POST
@login_required
def membership_sharing(request, pk: int):
    member = get_object_or_404(CentreMember, pk=pk, user=request.user, left_at__isnull=True)
    try:
        services.member_set_sharing(
            member=member, by=request.user, shares=request.POST.get("shares") == "1"
        )
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, _("Your choice is saved."))
    return redirect("institutions:memberships")


# --- Staff ---------------------------------------------------------------------------------------


@role_required(Role.CREDENTIALING_STAFF)
def staff_centres(request):
    form = CentreForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            centre = services.centre_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The centre is on the registry."))
            return redirect("institutions:staff_centre", centre.pk)
    centres = TrainingCentre.objects.order_by("name")
    status = request.GET.get("status", "")
    if status in Status.values:
        centres = centres.filter(status=status)
    return render(
        request,
        "institutions/staff/centres.html",
        {
            "form": form,
            "centres": _page(request, centres),
            "statuses": Status.choices,
            "status": status,
        },
    )


@role_required(Role.CREDENTIALING_STAFF)
def staff_centre(request, pk: int):
    centre = get_object_or_404(TrainingCentre, pk=pk)
    recognition_form = RecognitionForm(prefix="r")
    status_form = StatusChangeForm(prefix="s")
    invite_form = InviteForm(prefix="i")
    if request.method == "POST":
        try:
            if "r-kind" in request.POST:
                recognition_form = RecognitionForm(request.POST, prefix="r")
                if recognition_form.is_valid():
                    services.recognition_grant(
                        centre=centre, by=request.user, **recognition_form.cleaned_data
                    )
                    messages.success(request, _("The accreditation is recorded."))
                    return redirect("institutions:staff_centre", centre.pk)
            elif "s-action" in request.POST:
                status_form = StatusChangeForm(request.POST, prefix="s")
                if status_form.is_valid():
                    change = {
                        "suspend": services.centre_suspend,
                        "reinstate": services.centre_reinstate,
                        "withdraw": services.centre_withdraw,
                    }[status_form.cleaned_data["action"]]
                    change(
                        centre=centre, by=request.user, reason=status_form.cleaned_data["reason"]
                    )
                    messages.success(request, _("The centre's status is changed."))
                    return redirect("institutions:staff_centre", centre.pk)
            elif "i-email" in request.POST:
                invite_form = InviteForm(request.POST, prefix="i")
                if invite_form.is_valid():
                    services.member_invite(
                        centre=centre, by=request.user, **invite_form.cleaned_data
                    )
                    messages.success(request, _("The invitation is sent."))
                    return redirect("institutions:staff_centre", centre.pk)
            else:
                raise Http404
        except ValidationError as error:
            flash_service_errors(request, error)
            return redirect("institutions:staff_centre", centre.pk)
    return render(
        request,
        "institutions/staff/centre.html",
        {
            "centre": centre,
            "recognitions": centre.recognitions.all(),
            "members": centre.members.filter(left_at__isnull=True).select_related("user"),
            "recognition_form": recognition_form,
            "status_form": status_form,
            "invite_form": invite_form,
            "entries": audit_trail(centre),
        },
    )
