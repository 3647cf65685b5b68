"""Becoming a supervisor: a mentor applies; credentialing staff approve or decline."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from practicum.accounts.access import role_required
from practicum.accounts.models import Role
from practicum.audit.services import audit_trail
from practicum.frameworks.access import member_required
from practicum.lib.forms import add_service_errors
from practicum.supervision import services
from practicum.supervision.forms import ApplicationForm, DecisionForm
from practicum.supervision.models import EligibilityRuleSet, SupervisorApplication
from practicum.supervision.views import PAGE_SIZE

STAFF = (Role.CREDENTIALING_STAFF, Role.SITE_ADMIN)


@member_required(Role.MENTOR)
def application_create(request):
    me = request.user
    open_application = SupervisorApplication.objects.filter(
        applicant=me, status=SupervisorApplication.Status.SUBMITTED
    ).first()
    if open_application is not None:
        return redirect("supervision:application_detail", pk=open_application.pk)
    rule_set = EligibilityRuleSet.objects.current()
    form = ApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and not me.has_role(Role.SUPERVISOR):
        try:
            application = services.application_submit(applicant=me, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your application is sent to the credentialing staff."))
            return redirect("supervision:application_detail", pk=application.pk)
    criteria = services.eligibility_evaluate(user=me, rule_set=rule_set) if rule_set else []
    if rule_set is not None:
        texts = rule_set.local_texts()
        criteria = [{**c, "text": texts.get(c["code"], c["text"])} for c in criteria]
    return render(
        request,
        "supervision/application_form.html",
        {
            "form": form,
            "rule_set": rule_set,
            "criteria": criteria,
            "already": me.has_role(Role.SUPERVISOR),
            "past": SupervisorApplication.objects.filter(applicant=me),
        },
    )


@member_required(Role.MENTOR)
def application_detail(request, pk: int):
    application = get_object_or_404(
        SupervisorApplication.objects.select_related("rule_set"), pk=pk, applicant=request.user
    )
    return render(request, "supervision/application_detail.html", {"application": application})


@role_required(*STAFF)
def application_queue(request):
    applications = (
        SupervisorApplication.objects.select_related("applicant", "decided_by")
        .annotate(
            open_first=Case(
                When(status=SupervisorApplication.Status.SUBMITTED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("open_first", "created_at")
    )
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/application_queue.html", {"page": page})


@role_required(*STAFF)
def application_review(request, pk: int):
    application = get_object_or_404(
        SupervisorApplication.objects.select_related("applicant", "rule_set", "decided_by"), pk=pk
    )
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.application_decide(
                application=application,
                by=request.user,
                approve=approve,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Approved: %(name)s is now a supervisor.")
                % {"name": application.applicant.get_full_name()}
                if approve
                else _("Declined. The applicant has been told why."),
            )
            return redirect("supervision:application_queue")
    return render(
        request,
        "supervision/application_review.html",
        {"application": application, "form": form, "audit": audit_trail(application)},
    )
