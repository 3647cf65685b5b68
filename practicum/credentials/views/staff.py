"""Staff pages: the queue, review and decisions, issued credentials; the institution's dashboard."""

import datetime
import hashlib
import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.access import role_required
from practicum.accounts.models import Role, User
from practicum.credentials import services
from practicum.credentials.eligibility import Evaluation
from practicum.credentials.forms import (
    AssignForm,
    ContactForm,
    CredentialStatusForm,
    DecisionForm,
    InfoRequestForm,
    NoteForm,
    PaymentForm,
    QueueFilterForm,
)
from practicum.credentials.models import (
    Application,
    ApplicationDocument,
    Credential,
    Invoice,
    ReferenceContact,
    body_today,
)
from practicum.credentials.views._access import (
    PAGE_SIZE,
    Status,
    _document_response,
    _get_application_for_staff,
)
from practicum.lib.conflict import Conflict, conflict_response
from practicum.lib.forms import add_service_errors, flash_service_errors
from practicum.practice.models import Reference, SupervisionRelationship

# --- Staff -----------------------------------------------------------------------------------


@role_required(Role.CREDENTIALING_STAFF)
def staff_dashboard(request):
    today = body_today()
    counts = Application.objects.submitted().aggregate(
        awaiting_payment=Count("pk", filter=Q(status=Status.AWAITING_PAYMENT)),
        in_review=Count("pk", filter=Q(status=Status.IN_REVIEW)),
        info_requested=Count("pk", filter=Q(status=Status.INFO_REQUESTED)),
        overdue=Count("pk", filter=Q(status=Status.IN_REVIEW, target_date__lt=today)),
        due_soon=Count(
            "pk",
            filter=Q(
                status=Status.IN_REVIEW,
                target_date__gte=today,
                target_date__lte=today + datetime.timedelta(days=services.DUE_SOON_DAYS),
            ),
        ),
        mine=Count("pk", filter=Q(status__in=Application.OPEN, assigned_to=request.user)),
    )
    return render(
        request,
        "credentials/staff_dashboard.html",
        {"counts": counts, "active_credentials": Credential.objects.valid_on(today).count()},
    )


def _conflicted_applicants(reviewer: User) -> set[int]:
    """Applicants `reviewer` may not review, as `services.reviewer_conflict` judges one at a
    time: themself, their supervisees and their supervisors (on the platform or by email)."""
    ids = {reviewer.pk}
    emails = set()
    for mentor_id, supervisor_id, external_email in SupervisionRelationship.objects.filter(
        Q(supervisor=reviewer) | Q(external_email__iexact=reviewer.email) | Q(mentor=reviewer)
    ).values_list("mentor_id", "supervisor_id", "external_email"):
        if mentor_id != reviewer.pk:
            ids.add(mentor_id)  # reviewer supervises them
        elif supervisor_id:
            ids.add(supervisor_id)  # their supervisor on the platform
        elif external_email:
            emails.add(external_email.lower())  # their supervisor, declared by email
    if emails:
        ids |= set(User.objects.filter(email__in=emails).values_list("pk", flat=True))
    return ids


@role_required(Role.CREDENTIALING_STAFF)
def queue(request):
    today = body_today()
    form = QueueFilterForm(request.GET or None)
    applications = Application.objects.submitted().select_related(
        "applicant", "credential_type", "assigned_to"
    )
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("status"):
        applications = applications.filter(status=filters["status"])
    else:
        applications = applications.open()
    if filters.get("type"):
        applications = applications.filter(credential_type__code=filters["type"])
    if filters.get("source"):
        applications = applications.filter(training_source=filters["source"])
    if filters.get("due") == "soon":
        applications = applications.due_soon(today, services.DUE_SOON_DAYS)
    elif filters.get("due") == "overdue":
        applications = applications.overdue(today)
    if filters.get("assigned") == "me":
        applications = applications.filter(assigned_to=request.user)
    elif filters.get("assigned") == "nobody":
        applications = applications.filter(assigned_to__isnull=True)
    sort = filters.get("sort") or "target"
    if sort == "-target":
        order = [F("target_date").desc(nulls_last=True), "-submitted_at"]
    elif sort == "submitted":
        order = ["submitted_at", "pk"]
    else:
        order = [F("target_date").asc(nulls_last=True), "submitted_at"]
    page = Paginator(applications.order_by(*order), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    # The filter form's HTML follows from the query and the credential types offered (and the
    # language, which the template adds): the template keeps it under this key.
    types = [(str(code), str(label)) for code, label in form.fields["type"].choices]
    form_key = hashlib.sha256(repr((sorted(request.GET.lists()), types)).encode()).hexdigest()
    return render(
        request,
        "credentials/staff/queue.html",
        {
            "form": form,
            "form_key": form_key,
            "page": page,
            "today": today,
            "conflicted": _conflicted_applicants(request.user),
            "query": query.urlencode(),
        },
    )


def _review(request, application: Application, *, status: int = 200, **forms):
    today = body_today()
    snapshot = services.snapshot_of(application)
    references = services.frozen_references(application)
    live = {
        r.pk: r
        for r in Reference.objects.filter(
            pk__in=[ref["id"] for ref in references], engagement__mentor=application.applicant
        )
    }
    contacts: dict[int, list] = {}
    for contact in ReferenceContact.objects.filter(application=application).select_related("by"):
        contacts.setdefault(contact.reference_id, []).append(contact)
    for ref in references:
        ref["live"] = live.get(ref["id"])
        ref["contacts"] = contacts.get(ref["id"], [])
    invoice = Invoice.objects.filter(application=application).select_related("payment").first()
    conflict = services.reviewer_conflict(request.user, application.applicant)
    payment_form = forms.get("payment_form")
    if payment_form is None and invoice is not None and invoice.status == Invoice.Status.OPEN:
        payment_form = PaymentForm(
            initial={
                "amount": invoice.amount,
                "received_on": today,
                "idempotency_key": secrets.token_urlsafe(24),
            }
        )
    return render(
        request,
        "credentials/staff/review.html",
        {
            "application": application,
            "snapshot": snapshot,
            "evaluation": Evaluation.from_json(application.eligibility),
            "references": references,
            "invoice": invoice,
            "payment": getattr(invoice, "payment", None) if invoice else None,
            "conflict": conflict,
            "info_requests": application.info_requests.select_related("requested_by"),
            "documents": application.documents.all(),
            "notes": application.notes.select_related("author"),
            "audit": services.credential_audit_trail(application=application),
            "credential": Credential.objects.filter(application=application).first(),
            "today": today,
            "payment_form": payment_form,
            "assign_form": forms.get("assign_form")
            or AssignForm(initial={"reviewer": application.assigned_to_id}),
            "decision_form": forms.get("decision_form") or DecisionForm(),
            "approval_checks": services.approval_checks(application, request.user)
            if application.status in Application.DECIDABLE
            else [],
            "info_form": forms.get("info_form") or InfoRequestForm(),
            "note_form": forms.get("note_form") or NoteForm(),
            "contact_form": forms.get("contact_form") or ContactForm(references=references),
        },
        status=status,
    )


@role_required(Role.CREDENTIALING_STAFF)
def review(request, pk: int):
    return _review(request, _get_application_for_staff(request, pk))


def _back(application: Application):
    return redirect("credentials:review", pk=application.pk)


@role_required(Role.CREDENTIALING_STAFF)
@require_POST
def assign(request, pk: int):
    application = _get_application_for_staff(request, pk)
    if "take" in request.POST:
        reviewer = request.user
    else:
        form = AssignForm(request.POST)
        if not form.is_valid():
            return _review(request, application, assign_form=form, status=400)
        reviewer = form.cleaned_data["reviewer"]
    try:
        services.application_assign(application=application, reviewer=reviewer, by=request.user)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        if reviewer is None:
            messages.success(request, _("The application is unassigned."))
        else:
            messages.success(
                request,
                _("%(ref)s is assigned to %(name)s.")
                % {"ref": application.reference, "name": reviewer.get_full_name()},
            )
    if request.POST.get("next") == "queue":
        return redirect("credentials:queue")
    return _back(application)


@role_required(Role.CREDENTIALING_STAFF)
@require_POST
def mark_paid(request, pk: int):
    application = _get_application_for_staff(request, pk)
    invoice = get_object_or_404(Invoice, application=application)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.payment_record(
                invoice=invoice,
                by=request.user,
                confirmation=form.confirmation(invoice.currency),
            )
        except Conflict as error:  # another member of staff recorded it first
            return conflict_response(request, error, back_url=_back(application).url)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Payment recorded: the review clock has started."))
            return _back(application)
    return _review(request, application, payment_form=form, status=400)


@role_required(Role.CREDENTIALING_STAFF)
@require_POST
def request_info(request, pk: int):
    application = _get_application_for_staff(request, pk)
    form = InfoRequestForm(request.POST)
    if form.is_valid():
        try:
            services.info_request(
                application=application, by=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Request sent. The review clock is paused."))
            return _back(application)
    return _review(request, application, info_form=form, status=400)


@role_required(Role.CREDENTIALING_STAFF)
@require_POST
def decide(request, pk: int):
    application = _get_application_for_staff(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == DecisionForm.APPROVE
        try:
            services.application_decide(
                application=application,
                by=request.user,
                approve=approve,
                reasons=form.cleaned_data["reasons"],
            )
        except Conflict as error:  # another member of staff decided first
            return conflict_response(request, error, back_url=_back(application).url)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Approved: the credential is issued and the applicant is told.")
                if approve
                else _("Not approved: the applicant is told, with your reasons."),
            )
            return _back(application)
    return _review(request, application, decision_form=form, status=400)


@role_required(Role.CREDENTIALING_STAFF)
@require_POST
def add_note(request, pk: int):
    application = _get_application_for_staff(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.note_add(
                application=application, by=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Note added."))
            return _back(application)
    return _review(request, application, note_form=form, status=400)


@role_required(Role.CREDENTIALING_STAFF)
@require_POST
def record_contact(request, pk: int):
    application = _get_application_for_staff(request, pk)
    form = ContactForm(request.POST, references=services.frozen_references(application))
    if form.is_valid():
        try:
            services.referee_contact_record(
                application=application, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The contact is recorded."))
            return _back(application)
    return _review(request, application, contact_form=form, status=400)


@role_required(Role.CREDENTIALING_STAFF)
def staff_document(request, pk: int, document_pk: int):
    application = _get_application_for_staff(request, pk)
    document = get_object_or_404(
        ApplicationDocument.objects.select_related("application"),
        pk=document_pk,
        application=application,
    )
    return _document_response(document)


@role_required(Role.CREDENTIALING_STAFF)
def credential_list(request):
    credentials = Credential.objects.select_related("holder", "credential_type").order_by(
        "-issued_on", "-pk"
    )
    query = " ".join(request.GET.get("q", "").split())[:100]
    if query:
        credentials = credentials.filter(
            Q(number__icontains=query)
            | Q(holder__email__icontains=query)
            | Q(holder__full_name__icontains=query)
        )
    return render(
        request,
        "credentials/staff/credential_list.html",
        {
            "page": Paginator(credentials, PAGE_SIZE).get_page(request.GET.get("page")),
            "query": query,
            "today": body_today(),
        },
    )


@role_required(Role.CREDENTIALING_STAFF)
def credential_manage(request, pk: int):
    credential = get_object_or_404(
        Credential.objects.select_related("holder", "credential_type", "rule_set", "application"),
        pk=pk,
    )
    form = CredentialStatusForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] == CredentialStatusForm.SUSPEND:
                services.credential_suspend(
                    credential=credential,
                    by=request.user,
                    reason=data["reason"],
                    until=data["until"],
                )
            elif data["action"] == CredentialStatusForm.REINSTATE:
                services.credential_reinstate(
                    credential=credential, by=request.user, reason=data["reason"]
                )
            else:
                services.credential_revoke(
                    credential=credential, by=request.user, reason=data["reason"]
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The credential's status is changed."))
            return redirect("credentials:credential_manage", pk=credential.pk)
    today = body_today()
    return render(
        request,
        "credentials/staff/credential_manage.html",
        {
            "credential": credential,
            "form": form,
            "status": credential.status_on(today),
            "audit": services.credential_audit_trail(credential=credential),
            "today": today,
        },
        status=400 if request.method == "POST" else 200,
    )


@role_required(Role.INSTITUTION_ADMIN)
def institution_dashboard(request):
    # The first institution page lived here and always said "no programme": the centre's own
    # pages are the institutions app's; old links and bookmarks land there.
    return redirect("institutions:dashboard", permanent=True)
