"""Credential pages: the mentor's applications and credentials, staff review, public checks.

Every object is fetched through a `_get_<thing>_for_<who>` helper: another user's application
or credential is a 404. Public pages address a credential by its random verification code
(the QR code's URL), never by its sequential id.
"""

import datetime
import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from practicum.accounts.access import role_required
from practicum.accounts.models import Role, User
from practicum.credentials import badges, documents, payments, services
from practicum.credentials.eligibility import Evaluation, Records, TrainingFact, training_source
from practicum.credentials.forms import (
    AnswerForm,
    AssignForm,
    BadgeCheckForm,
    ContactForm,
    CredentialStatusForm,
    DecisionForm,
    DeclarationStepForm,
    EngagementsStepForm,
    InfoRequestForm,
    NoteForm,
    PaymentForm,
    QueueFilterForm,
    SupervisorStepForm,
    TrainingStepForm,
    VerifyNumberForm,
)
from practicum.credentials.models import (
    Application,
    ApplicationDocument,
    AuditEvent,
    Credential,
    Invoice,
    ReferenceContact,
    RuleSet,
    body_today,
)
from practicum.frameworks.access import member_required
from practicum.lib.forms import add_service_errors, flash_service_errors
from practicum.lib.uploads import EVIDENCE_CONTENT_TYPES
from practicum.practice.models import (
    MentoringEngagement,
    Reference,
    SupervisionRelationship,
    TrainingRecord,
)

PAGE_SIZE = 25
Status = Application.Status


def _attachment(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _document_response(document: ApplicationDocument) -> FileResponse:
    content_type = EVIDENCE_CONTENT_TYPES.get(document.file_type)
    if content_type is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{document.application.reference}-document-{document.pk}.{document.file_type}",
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- Access helpers --------------------------------------------------------------------------


def _get_application_for_applicant(request, pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related(
            "credential_type", "rule_set", "renews", "applicant", "decided_by"
        ),
        pk=pk,
        applicant=request.user,
    )


def _get_application_for_staff(request, pk: int) -> Application:
    """Staff see submitted applications; a draft is the mentor's own business."""
    return get_object_or_404(
        Application.objects.submitted().select_related(
            "credential_type", "rule_set", "renews", "applicant", "assigned_to", "decided_by"
        ),
        pk=pk,
    )


def _get_credential_for_holder(request, pk: int) -> Credential:
    return get_object_or_404(
        Credential.objects.select_related("credential_type", "rule_set", "holder"),
        pk=pk,
        holder=request.user,
    )


def _get_credential_by_code(code: str) -> Credential:
    return get_object_or_404(
        Credential.objects.select_related("credential_type", "rule_set", "holder", "renewal_of"),
        verification_code=code,
    )


# --- The mentor's pages ----------------------------------------------------------------------


@member_required(Role.MENTOR)
def index(request):
    today = body_today()
    overview = services.mentor_overview(request.user, today)
    applications = (
        Application.objects.filter(applicant=request.user)
        .select_related("credential_type")
        .order_by("-created_at")
    )
    credentials = Credential.objects.filter(holder=request.user).select_related("credential_type")
    return render(
        request,
        "credentials/index.html",
        {
            "overview": overview,
            "applications": Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page")),
            "credentials": credentials,
            "today": today,
        },
    )


@member_required(Role.MENTOR)
def dashboard_panel(request):
    """A fragment for the mentor dashboard (embedded with htmx): each credential's eligibility
    at a glance, and for a holder the confirmed sessions per year of the current cycle."""
    today = body_today()
    return render(
        request,
        "credentials/dashboard_panel.html",
        {"overview": services.mentor_overview(request.user, today), "today": today},
    )


def _type_overview(request, code: str):
    today = body_today()
    for item in services.mentor_overview(request.user, today):
        if item.rule_set.code == code.upper():
            return item
    raise Http404


@member_required(Role.MENTOR)
def type_detail(request, code: str):
    item = _type_overview(request, code)
    return render(
        request,
        "credentials/type_detail.html",
        {
            "item": item,
            "rules": item.rules,
            "member": request.user.is_paid_member_on(body_today()),
            "today": body_today(),
        },
    )


@member_required(Role.MENTOR)
@require_POST
def apply(request, code: str):
    item = _type_overview(request, code)
    try:
        application = services.application_start(applicant=request.user, code=item.rule_set.code)
    except ValidationError as error:
        flash_service_errors(request, error)
        return redirect("credentials:type_detail", code=item.rule_set.code)
    return redirect("credentials:application_step", pk=application.pk, step="eligibility")


@member_required(Role.MENTOR)
@require_POST
def renew(request, pk: int):
    credential = _get_credential_for_holder(request, pk)
    try:
        application = services.application_start(
            applicant=request.user, code=credential.credential_type.code, renews=credential
        )
    except ValidationError as error:
        flash_service_errors(request, error)
        return redirect("credentials:credential_detail", pk=credential.pk)
    return redirect("credentials:application_step", pk=application.pk, step="eligibility")


def _step_form(application: Application, step: str, data=None):
    draft, applicant = application.draft, application.applicant
    if step == "training":
        return TrainingStepForm(
            data, applicant=applicant, initial={"training": draft.get("training", [])}
        )
    if step == "engagements":
        return EngagementsStepForm(
            data,
            applicant=applicant,
            initial={
                "engagements": draft.get("engagements", []),
                "references": draft.get("references", []),
            },
        )
    if step == "supervisor":
        return SupervisorStepForm(
            data,
            applicant=applicant,
            initial={
                "relationship": draft.get("relationship"),
                "supervisor_address": draft.get("supervisor_address", ""),
            },
        )
    if step == "declaration":
        return DeclarationStepForm(
            data,
            text=application.rule_set.rules.declaration,
            initial={"declaration": draft.get("declaration", False)},
        )
    return None


def _review_context(application: Application) -> dict:
    """What the review step shows: the chosen records, the verdict on them, the fee today."""
    draft, applicant = application.draft, application.applicant
    rules = application.rule_set.rules
    renewal = application.kind == Application.Kind.RENEWAL
    member = applicant.is_paid_member_on(body_today())
    fees = rules.renewal.fees if renewal else rules.fees
    context = {
        "fee": fees.for_membership(member=member),
        "currency": fees.currency,
        "member": member,
        "relationship": SupervisionRelationship.objects.filter(
            mentor=applicant, pk=draft.get("relationship") or 0
        )
        .select_related("supervisor")
        .first(),
    }
    if not renewal:
        training = TrainingRecord.objects.filter(
            mentor=applicant, pk__in=draft.get("training", [])
        ).order_by("started_on")
        context["training"] = training
        context["engagements"] = MentoringEngagement.objects.filter(
            mentor=applicant, pk__in=draft.get("engagements", [])
        ).order_by("started_on")
        context["references"] = Reference.objects.filter(
            engagement__mentor=applicant, pk__in=draft.get("references", [])
        ).select_related("engagement")
        source = training_source(
            Records(training=tuple(TrainingFact(t.pk, t.hours, t.centre_type) for t in training))
        )
        context["review_weeks"] = rules.review_weeks[source] if source else None
    else:
        context["review_weeks"] = rules.renewal.review_weeks
    return context


@member_required(Role.MENTOR)
def application_step(request, pk: int, step: str):
    application = _get_application_for_applicant(request, pk)
    if not application.is_draft:
        return redirect("credentials:application_detail", pk=application.pk)
    steps = services.application_steps(application)
    if step not in steps:
        raise Http404
    index = steps.index(step)
    form = _step_form(application, step, request.POST if request.method == "POST" else None)
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            services.application_save_step(
                application=application,
                step=step,
                data=form.step_data() if form is not None else {},
            )
        except ValidationError as error:
            if form is None:
                flash_service_errors(request, error)
            else:
                add_service_errors(form, error)
        else:
            if "save_exit" in request.POST:
                messages.success(request, _("Your draft is saved."))
                return redirect("credentials:index")
            following = steps[min(index + 1, len(steps) - 1)]
            return redirect("credentials:application_step", pk=application.pk, step=following)
    context = {
        "application": application,
        "rules": application.rule_set.rules,
        "steps": steps,
        "step": step,
        "index": index,
        "previous": steps[index - 1] if index else None,
        "form": form,
    }
    if step in {"eligibility", "records", "review"}:
        context["evaluation"] = services.application_evaluate(
            application, chosen_only=step == "review"
        )
    if step == "review":
        context.update(_review_context(application))
    return render(
        request,
        "credentials/application_step.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@member_required(Role.MENTOR)
@require_POST
def application_submit(request, pk: int):
    application = _get_application_for_applicant(request, pk)
    try:
        application = services.application_submit(application=application)
    except ValidationError as error:
        flash_service_errors(request, error)
        if application.is_draft:
            return redirect("credentials:application_step", pk=application.pk, step="review")
        return redirect("credentials:application_detail", pk=application.pk)
    messages.success(
        request,
        _("Application %(ref)s is submitted. Pay the invoice below: the review starts then.")
        % {"ref": application.reference},
    )
    return redirect("credentials:application_detail", pk=application.pk)


@member_required(Role.MENTOR)
@require_POST
def application_discard(request, pk: int):
    application = _get_application_for_applicant(request, pk)
    try:
        services.application_discard(application=application)
    except ValidationError as error:
        flash_service_errors(request, error)
        return redirect("credentials:application_detail", pk=application.pk)
    messages.success(request, _("The draft is discarded."))
    return redirect("credentials:index")


def _open_request(application: Application):
    return next((r for r in application.info_requests.all() if r.answered_at is None), None)


def _detail(request, application: Application, *, answer_form=None, status: int = 200):
    open_request = _open_request(application)
    if answer_form is None and open_request is not None:
        answer_form = AnswerForm(for_audit=open_request.for_audit)
    invoice = Invoice.objects.filter(application=application).select_related("payment").first()
    return render(
        request,
        "credentials/application_detail.html",
        {
            "application": application,
            "snapshot": services.snapshot_of(application),
            "evaluation": Evaluation.from_json(application.eligibility),
            "invoice": invoice,
            "payment": getattr(invoice, "payment", None) if invoice else None,
            "provider": payments.provider_for(invoice.provider) if invoice else None,
            "info_requests": application.info_requests.all(),
            "open_request": open_request,
            "answer_form": answer_form,
            "documents": application.documents.all(),
            "credential": Credential.objects.filter(application=application).first(),
            "today": body_today(),
        },
        status=status,
    )


@member_required(Role.MENTOR)
def application_detail(request, pk: int):
    application = _get_application_for_applicant(request, pk)
    if application.is_draft:
        return redirect("credentials:application_step", pk=application.pk, step="eligibility")
    return _detail(request, application)


@member_required(Role.MENTOR)
@require_POST
def application_answer(request, pk: int):
    application = _get_application_for_applicant(request, pk)
    open_request = _open_request(application)
    if open_request is None:
        messages.error(request, _("Nothing is waiting for your answer."))
        return redirect("credentials:application_detail", pk=application.pk)
    form = AnswerForm(request.POST, request.FILES, for_audit=open_request.for_audit)
    if form.is_valid():
        try:
            services.info_answer(
                application=application,
                by=request.user,
                answer=form.cleaned_data["answer"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your answer is sent. The review resumes."))
            return redirect("credentials:application_detail", pk=application.pk)
    return _detail(request, application, answer_form=form, status=400)


@member_required(Role.MENTOR)
def receipt(request, pk: int):
    application = _get_application_for_applicant(request, pk)
    invoice = Invoice.objects.filter(application=application).select_related("payment").first()
    payment = getattr(invoice, "payment", None) if invoice else None
    if payment is None:
        raise Http404
    return _attachment(
        documents.receipt_pdf(payment),
        content_type="application/pdf",
        filename=f"receipt-{payment.receipt_number}.pdf",
    )


@member_required(Role.MENTOR)
def application_document(request, pk: int, document_pk: int):
    application = _get_application_for_applicant(request, pk)
    document = get_object_or_404(
        ApplicationDocument.objects.select_related("application"),
        pk=document_pk,
        application=application,
    )
    return _document_response(document)


@member_required(Role.MENTOR)
def credential_detail(request, pk: int):
    credential = _get_credential_for_holder(request, pk)
    today = body_today()
    item = next(
        (
            i
            for i in services.mentor_overview(request.user, today)
            if i.held is not None and i.held.pk == credential.pk
        ),
        None,
    )
    return render(
        request,
        "credentials/credential_detail.html",
        {
            "credential": credential,
            "item": item,
            "today": today,
            "status": credential.status_on(today),
            "renewal_application": Application.objects.filter(renews=credential)
            .order_by("-created_at")
            .first(),
        },
    )


@member_required(Role.MENTOR)
def certificate(request, pk: int):
    credential = _get_credential_for_holder(request, pk)
    return _attachment(
        documents.certificate_pdf(credential),
        content_type="application/pdf",
        filename=f"certificate-{credential.number}.pdf",
    )


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
    return render(
        request,
        "credentials/staff/queue.html",
        {
            "form": form,
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
            "audit": AuditEvent.objects.filter(application=application).order_by("at", "pk"),
            "credential": Credential.objects.filter(application=application).first(),
            "today": today,
            "payment_form": payment_form,
            "assign_form": forms.get("assign_form")
            or AssignForm(initial={"reviewer": application.assigned_to_id}),
            "decision_form": forms.get("decision_form") or DecisionForm(),
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
        data = form.cleaned_data
        try:
            services.payment_record(
                invoice=invoice,
                by=request.user,
                confirmation=payments.Confirmation(
                    idempotency_key=data["idempotency_key"],
                    amount=data["amount"],
                    currency=invoice.currency,
                    received_on=data["received_on"],
                    provider_reference=data["provider_reference"],
                ),
            )
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
            "audit": AuditEvent.objects.filter(credential=credential).order_by("at", "pk"),
            "today": today,
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Public ----------------------------------------------------------------------------------


def verify(request):
    """Look a credential up by its number (as printed); the page itself is by random code."""
    form = VerifyNumberForm(request.GET or None)
    if form.is_valid():
        credential = Credential.objects.filter(number=form.cleaned_data["number"]).first()
        if credential is not None:
            return redirect("credentials:verify_code", code=credential.verification_code)
        form.add_error("number", _("No credential has this number. Check it and try again."))
    return render(request, "credentials/verify.html", {"form": form})


def verify_code(request, code: str):
    credential = _get_credential_by_code(code)
    today = body_today()
    renewed_by = Credential.objects.filter(renewal_of=credential).first()
    return render(
        request,
        "credentials/verify_result.html",
        {
            "credential": credential,
            "status": credential.status_on(today),
            "today": today,
            "renewed_by": renewed_by,
        },
    )


def qr(request, code: str):
    credential = _get_credential_by_code(code)
    response = HttpResponse(
        documents.qr_svg(documents.verification_url(credential)), content_type="image/svg+xml"
    )
    response["Cache-Control"] = "public, max-age=86400"
    return response


def badge_jwt(request, code: str):
    credential = _get_credential_by_code(code)
    response = HttpResponse(badges.credential_jwt(credential), content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="{credential.number}.jwt"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


@never_cache
def badge_check(request):
    posted = request.method == "POST"
    form = BadgeCheckForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = badges.badge_verify(form.cleaned_data["jwt"])
    return render(
        request,
        "credentials/badge_check.html",
        {"form": form, "result": result},
        status=400 if request.method == "POST" and not form.is_valid() else 200,
    )


def issuer(request):
    return JsonResponse(badges.issuer_profile(), content_type="application/ld+json")


def jwks(request):
    response = JsonResponse(badges.jwks())
    response["Cache-Control"] = "public, max-age=300"
    return response


def revocation_list(request):
    return JsonResponse(badges.revocation_list(), content_type="application/ld+json")


def achievement(request, code: str):
    rule_set = RuleSet.objects.current(code.upper())
    if rule_set is None:
        raise Http404
    return JsonResponse(
        {"@context": badges.CONTEXTS, **badges.achievement(rule_set)},
        content_type="application/ld+json",
    )


def holder_badges(request, public_id: str):
    """A fragment (the supervision directory and the public profile may embed it): the active
    credentials of a paid member whose profile is public; empty otherwise."""
    today = body_today()
    holder = User.objects.filter(public_id=public_id, is_active=True).first()
    credentials = []
    if holder is not None and holder.profile_public and holder.is_paid_member_on(today):
        seen = set()
        for credential in (
            Credential.objects.valid_on(today)
            .filter(holder=holder)
            .select_related("credential_type")
            .order_by("credential_type__code", "-expires_on")
        ):
            if credential.credential_type_id not in seen:
                seen.add(credential.credential_type_id)
                credentials.append(credential)
    if not credentials:
        return HttpResponse("")  # an empty slot stays hidden where it is embedded
    return render(
        request, "credentials/holder_badges.html", {"credentials": credentials, "today": today}
    )


@role_required(Role.INSTITUTION_ADMIN)
def institution_dashboard(request):
    return render(request, "credentials/institution_dashboard.html")
