"""The mentor's pages: credential types, the application wizard, applications, credentials."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.models import Role
from practicum.credentials import badges, documents, payments, services
from practicum.credentials.eligibility import Evaluation, Records, TrainingFact, training_source
from practicum.credentials.forms import (
    AnswerForm,
    DeclarationStepForm,
    EngagementsStepForm,
    SupervisorStepForm,
    TrainingStepForm,
)
from practicum.credentials.models import (
    Application,
    ApplicationDocument,
    Credential,
    Invoice,
    body_today,
)
from practicum.credentials.views._access import (
    PAGE_SIZE,
    _attachment,
    _document_response,
    _get_application_for_applicant,
    _get_credential_for_holder,
)
from practicum.frameworks.access import member_required
from practicum.lib.forms import add_service_errors, flash_service_errors
from practicum.practice.models import (
    MentoringEngagement,
    Reference,
    SupervisionRelationship,
    TrainingRecord,
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
            text=application.rule_set.local_rules.declaration,
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
            "linkedin_url": badges.linkedin_add_url(credential),
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
