"""Accreditation of training centres: the centre's application and answers (its administrators
only; another centre's application is a 404), and credentialing staff's queue and review."""

import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.access import role_required
from practicum.accounts.models import Role
from practicum.audit.services import audit_trail
from practicum.credentials import accreditation, documents, payments
from practicum.credentials.accreditation_forms import (
    AnswerForm,
    ApplicationForm,
    DecisionForm,
    InfoRequestForm,
)
from practicum.credentials.forms import PaymentForm
from practicum.credentials.models import Invoice, body_today
from practicum.credentials.views._access import _attachment
from practicum.institutions import services as institutions
from practicum.institutions.models import AccreditationApplication, TrainingCentre
from practicum.lib.conflict import Conflict, conflict_response
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
            messages.success(
                request,
                _("Your application is submitted. Pay the invoice below: the review starts then."),
            )
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
    invoice, payment = _invoice_of(application)
    return render(
        request,
        "credentials/accreditation/detail.html",
        {
            "application": application,
            "invoice": invoice,
            "payment": payment,
            "provider": payments.provider_for(invoice.provider) if invoice else None,
            "form": form,
            "checks": accreditation.stored_checks(application),
            "requests": application.info_requests.all(),
            "documents": application.documents.all(),
        },
    )


def _invoice_of(application: AccreditationApplication) -> tuple[Invoice | None, object]:
    invoice = Invoice.objects.filter(accreditation=application).select_related("payment").first()
    return invoice, getattr(invoice, "payment", None) if invoice else None


@role_required(Role.INSTITUTION_ADMIN, Role.CREDENTIALING_STAFF)
def receipt(request, pk: int):
    """The fee's receipt (PDF), for the centre's administrators and credentialing staff."""
    application = _for_viewer(request, pk)
    _invoice, payment = _invoice_of(application)
    if payment is None:
        raise Http404
    return _attachment(
        documents.receipt_pdf(payment),
        content_type="application/pdf",
        filename=f"receipt-{payment.receipt_number}.pdf",
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
    invoice, payment = _invoice_of(application)
    payment_form = None
    if invoice is not None and invoice.status == Invoice.Status.OPEN:
        payment_form = PaymentForm(
            initial={
                "amount": invoice.amount,
                "received_on": body_today(),
                "idempotency_key": secrets.token_urlsafe(24),
            }
        )
    return render(
        request,
        "credentials/accreditation/review.html",
        {
            "application": application,
            "invoice": invoice,
            "payment": payment,
            "payment_form": payment_form,
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
        elif action == "paid":
            invoice = get_object_or_404(Invoice, accreditation=application)
            form = PaymentForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    [error for errors in form.errors.values() for error in errors]
                )
            accreditation.fee_payment_record(
                invoice=invoice,
                by=request.user,
                confirmation=form.confirmation(invoice.currency),
            )
            messages.success(request, _("Payment recorded: the review clock has started."))
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
    except Conflict as error:  # another member of staff got there first
        return conflict_response(
            request, error, back_url=reverse("credentials:accreditation_review", args=[pk])
        )
    except ValidationError as error:
        flash_service_errors(request, error)
    return redirect("credentials:accreditation_review", application.pk)
