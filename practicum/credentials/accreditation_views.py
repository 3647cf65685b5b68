"""Accreditation of training centres: the centre's application and answers (its administrators
only; another centre's application is a 404), and credentialing staff's queue and review."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.access import role_required
from practicum.accounts.models import Role
from practicum.audit.services import audit_trail
from practicum.credentials import accreditation
from practicum.credentials.accreditation_forms import (
    AnswerForm,
    ApplicationForm,
    DecisionForm,
    InfoRequestForm,
)
from practicum.credentials.models import body_today
from practicum.institutions import services as institutions
from practicum.institutions.models import AccreditationApplication, TrainingCentre
from practicum.lib.downloads import stored_file_response
from practicum.lib.forms import add_service_errors, flash_service_errors

Status = AccreditationApplication.Status


def _for_admin(request, pk: int) -> AccreditationApplication:
    return get_object_or_404(
        AccreditationApplication.objects.select_related("centre", "rules"),
        pk=pk,
        centre__in=TrainingCentre.objects.administered_by(request.user),
    )


def _for_viewer(request, pk: int) -> AccreditationApplication:
    if request.user.has_role(Role.CREDENTIALING_STAFF):
        return get_object_or_404(AccreditationApplication, pk=pk)
    return _for_admin(request, pk)


@role_required(Role.INSTITUTION_ADMIN)
def apply(request, pk: int):
    centre = institutions.centre_for_admin(request.user, pk)
    rules = accreditation.rules_in_force() if _rules_loaded() else None
    form = ApplicationForm(request.POST or None, request.FILES or None, centre=centre)
    if request.method == "POST" and form.is_valid() and rules is not None:
        data = form.cleaned_data
        try:
            application = accreditation.application_submit(
                centre=centre,
                by=request.user,
                kind=data["kind"],
                organisation=data["organisation"],
                programmes=data["programmes"],
                faculty=data["faculty"],
                files=request.FILES.getlist("files"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your application is submitted and in review."))
            return redirect("credentials:accreditation_detail", application.pk)
    return render(
        request,
        "credentials/accreditation/apply.html",
        {
            "centre": centre,
            "form": form,
            "rules": rules,
            "open": centre.accreditation_applications.open().first(),
        },
    )


def _rules_loaded() -> bool:
    try:
        accreditation.rules_in_force()
    except ValidationError:
        return False
    return True


@role_required(Role.INSTITUTION_ADMIN)
def detail(request, pk: int):
    """The centre's view of its application (and where it answers a request)."""
    application = _for_admin(request, pk)
    form = AnswerForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            accreditation.info_answer(
                application=application,
                by=request.user,
                answer=form.cleaned_data["answer"],
                files=request.FILES.getlist("files"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answer is sent; the review continues."))
            return redirect("credentials:accreditation_detail", application.pk)
    return render(
        request,
        "credentials/accreditation/detail.html",
        {
            "application": application,
            "form": form,
            "checks": accreditation.stored_checks(application),
            "requests": application.info_requests.all(),
            "documents": application.documents.all(),
        },
    )


@role_required(Role.INSTITUTION_ADMIN, Role.CREDENTIALING_STAFF)
def document(request, pk: int, document_pk: int):
    application = _for_viewer(request, pk)
    doc = get_object_or_404(application.documents, pk=document_pk)
    return stored_file_response(
        doc.file, kind=doc.file_type, filename_stem=f"{application.reference}-{doc.pk}"
    )


@role_required(Role.CREDENTIALING_STAFF)
def queue(request):
    status = request.GET.get("status", "open")
    applications = AccreditationApplication.objects.select_related("centre", "assigned_to")
    if status == "open":
        applications = applications.open().order_by("target_date", "pk")
    elif status in Status.values:
        applications = applications.filter(status=status).order_by("-submitted_at")
    page = Paginator(applications, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "credentials/accreditation/queue.html",
        {"page": page, "status": status, "statuses": Status.choices, "today": body_today()},
    )


@role_required(Role.CREDENTIALING_STAFF)
def review(request, pk: int):
    application = get_object_or_404(
        AccreditationApplication.objects.select_related("centre", "rules", "assigned_to"), pk=pk
    )
    return render(
        request,
        "credentials/accreditation/review.html",
        {
            "application": application,
            "checks": accreditation.stored_checks(application),
            "requests": application.info_requests.all(),
            "documents": application.documents.all(),
            "info_form": InfoRequestForm(),
            "decision_form": DecisionForm(),
            "entries": audit_trail(application, application.centre),
            "today": body_today(),
            "criteria": application.rules.content["kinds"][application.kind],
        },
    )


@require_POST
@role_required(Role.CREDENTIALING_STAFF)
def act(request, pk: int):
    """One endpoint for the reviewer's acts: take it, ask for more, decide."""
    application = get_object_or_404(AccreditationApplication, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "take":
            accreditation.application_assign(
                application=application, reviewer=request.user, by=request.user
            )
            messages.success(request, _("The application is yours to review."))
        elif action == "info":
            form = InfoRequestForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Say what you need from the centre."))
            accreditation.info_request(
                application=application, by=request.user, message=form.cleaned_data["message"]
            )
            messages.success(request, _("The centre is asked; the clock is paused."))
        elif action == "decide":
            form = DecisionForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Choose the decision."))
            accreditation.application_decide(
                application=application,
                by=request.user,
                approve=form.cleaned_data["decision"] == "approve",
                reasons=form.cleaned_data["reasons"],
            )
            messages.success(request, _("The decision is recorded; the centre is told."))
        else:
            raise Http404
    except ValidationError as error:
        flash_service_errors(request, error)
    return redirect("credentials:accreditation_review", application.pk)
