"""Engagements, references, training and the CPD/CEU ledger (the supervision log is views.py).

Every mentor page fetches its object through a `_get_<thing>_for_user` helper: another mentor's
object is a 404. Confidential text (mentee names and emails, notes, referee details) appears in
pages only, never in URLs, flash messages or logs.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from practicum.accounts.models import Role
from practicum.frameworks.access import member_required
from practicum.institutions.models import training_verification
from practicum.institutions.services import graduates_match_user
from practicum.lib.conflict import Conflict, conflict_response
from practicum.lib.downloads import stored_file_response
from practicum.lib.forms import flash_service_errors
from practicum.practice import services
from practicum.practice.models import (
    CpdEntry,
    MentoringEngagement,
    Reference,
    TrainingRecord,
)
from practicum.practice.records_forms import (
    CpdForm,
    EngagementForm,
    RefereeAnswerForm,
    ReferenceForm,
    TrainingForm,
)

PAGE_SIZE = 25


# --- Access helpers ------------------------------------------------------------------------


def _get_engagement_for_user(request, pk: int) -> MentoringEngagement:
    return get_object_or_404(MentoringEngagement, pk=pk, mentor=request.user)


def _get_reference_for_user(request, pk: int) -> Reference:
    return get_object_or_404(
        Reference.objects.select_related("engagement__mentor"),
        pk=pk,
        engagement__mentor=request.user,
    )


def _get_training_for_user(request, pk: int) -> TrainingRecord:
    return get_object_or_404(TrainingRecord, pk=pk, mentor=request.user)


def _get_cpd_entry_for_user(request, pk: int) -> CpdEntry:
    return get_object_or_404(CpdEntry, pk=pk, mentor=request.user)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Engagements ---------------------------------------------------------------------------


@member_required(Role.MENTOR)
def engagement_list(request):
    engagements = MentoringEngagement.objects.filter(mentor=request.user).annotate(
        verified_references=Count("references", filter=Q(references__status__in=Reference.VERIFIED))
    )
    return render(
        request,
        "practice/records/engagement_list.html",
        {"engagements": _page(request, engagements.order_by("-started_on", "-pk"))},
    )


@member_required(Role.MENTOR)
def engagement_create(request):
    form = EngagementForm(request.POST or None, instance=MentoringEngagement(mentor=request.user))
    if request.method == "POST" and form.is_valid():
        engagement = form.save()
        messages.success(request, _("The engagement is recorded."))
        return redirect("practice:engagement_detail", pk=engagement.pk)
    return render(request, "practice/records/engagement_form.html", {"form": form})


@member_required(Role.MENTOR)
def engagement_detail(request, pk: int):
    engagement = _get_engagement_for_user(request, pk)
    return render(
        request,
        "practice/records/engagement_detail.html",
        {
            "engagement": engagement,
            "references": engagement.references.all(),
            "reference_form": _reference_form(engagement),
            "link_days": services.REFERENCE_LINK_DAYS,
        },
    )


@member_required(Role.MENTOR)
def engagement_edit(request, pk: int):
    engagement = _get_engagement_for_user(request, pk)
    form = EngagementForm(request.POST or None, instance=engagement)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The engagement is saved."))
        return redirect("practice:engagement_detail", pk=engagement.pk)
    return render(
        request, "practice/records/engagement_form.html", {"form": form, "engagement": engagement}
    )


# --- References ----------------------------------------------------------------------------


def _reference_form(engagement: MentoringEngagement, data=None) -> ReferenceForm:
    return ReferenceForm(
        data,
        initial={
            "referee_name": engagement.mentee_name,
            "referee_email": engagement.mentee_email,
            "relation": Reference.Relation.MENTEE,
        },
    )


@member_required(Role.MENTOR)
def reference_create(request, pk: int):
    engagement = _get_engagement_for_user(request, pk)
    form = _reference_form(engagement, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reference_request(engagement=engagement, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The referee has been sent a link to confirm."))
            return redirect("practice:engagement_detail", pk=engagement.pk)
    return render(
        request,
        "practice/records/reference_form.html",
        {"form": form, "engagement": engagement, "link_days": services.REFERENCE_LINK_DAYS},
    )


@member_required(Role.MENTOR)
@require_POST
def reference_without_letter(request, pk: int):
    engagement = _get_engagement_for_user(request, pk)
    try:
        services.reference_record_without_letter(engagement=engagement)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("Noted: the body will contact the mentee itself."))
    return redirect("practice:engagement_detail", pk=engagement.pk)


@member_required(Role.MENTOR)
@require_POST
def reference_resend(request, pk: int):
    reference = _get_reference_for_user(request, pk)
    try:
        services.reference_send(reference=reference)
    except ValidationError as exc:
        flash_service_errors(request, exc)
    else:
        messages.success(request, _("A new link has been sent; the old one no longer works."))
    return redirect("practice:engagement_detail", pk=reference.engagement_id)


@never_cache
def referee_response(request, token: str):
    """The referee's page, public: GET shows the engagement, POST records the answer once."""
    reference = services.reference_for_token(token)
    if reference is None:
        raise Http404
    if reference.status != Reference.Status.REQUESTED:
        return _referee_gone(request, reference)
    engagement = reference.engagement
    form = RefereeAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            reference = services.reference_respond(
                reference=reference,
                answer=data["answer"],
                comment=data["comment"],
                started_on=data["started_on"],
                ended_on=data["ended_on"],
            )
        except Conflict as conflict:  # answered meanwhile (another tab): 409 with the reason
            return conflict_response(request, conflict)
        except ValidationError:
            reference.refresh_from_db()
            return _referee_gone(request, reference)
        return render(request, "practice/records/referee_done.html", {"reference": reference})
    return render(
        request,
        "practice/records/referee_response.html",
        {
            "form": form,
            "mentor_name": engagement.mentor.get_full_name(),
            "engagement": engagement,
            "reference": reference,
        },
    )


def _referee_gone(request, reference: Reference):
    expired = reference.status == Reference.Status.EXPIRED or (
        reference.status == Reference.Status.REQUESTED
        and reference.expires_at is not None
        and reference.expires_at <= timezone.now()
    )
    return render(
        request,
        "practice/records/referee_gone.html",
        {"expired": expired, "link_days": services.REFERENCE_LINK_DAYS},
        status=410,
    )


# --- Training ------------------------------------------------------------------------------


@member_required(Role.MENTOR)
def training_list(request):
    records = TrainingRecord.objects.filter(mentor=request.user)
    listed = records.select_related("centre", "programme").annotate(**training_verification())
    totals = records.aggregate(
        total=Sum("hours"),
        **{
            f"hours_{centre_type}": Sum("hours", filter=Q(centre_type=centre_type))
            for centre_type in TrainingRecord.CentreType.values
        },
    )
    by_type = [
        (label, totals[f"hours_{value}"]) for value, label in TrainingRecord.CentreType.choices
    ]
    return render(
        request,
        "practice/records/training_list.html",
        {
            "records": _page(request, listed.order_by("-ended_on", "-pk")),
            "total_hours": totals["total"] or Decimal(0),
            "hours_by_type": by_type,
        },
    )


@member_required(Role.MENTOR)
def training_create(request):
    form = TrainingForm(
        request.POST or None,
        request.FILES or None,
        instance=TrainingRecord(mentor=request.user),
    )
    if request.method == "POST" and form.is_valid():
        record = form.save()
        if record.programme_id:
            graduates_match_user(user=request.user)
        messages.success(request, _("The training is recorded."))
        return redirect("practice:training_list")
    return render(request, "practice/records/training_form.html", {"form": form})


@member_required(Role.MENTOR)
def training_evidence(request, pk: int):
    record = _get_training_for_user(request, pk)
    return stored_file_response(
        record.evidence, kind=record.evidence_type, filename_stem=f"training-evidence-{record.pk}"
    )


# --- CPD/CEU ledger -------------------------------------------------------------------------


def _cpd_totals(entries):
    """Hours per calendar year, split by category, summed by the database."""
    by_category = {
        f"hours_{category}": Sum("hours", filter=Q(category=category))
        for category in CpdEntry.Category.values
    }
    years = (
        entries.annotate(year=ExtractYear("occurred_on"))
        .values("year")
        .annotate(total=Sum("hours"), **by_category)
        .order_by("-year")
    )
    overall = entries.aggregate(total=Sum("hours"), **by_category)
    keys = [f"hours_{category}" for category in CpdEntry.Category.values]
    return {
        "years": [
            {
                "year": row["year"],
                "hours": [row[key] for key in keys],
                "total": row["total"],
            }
            for row in years
        ],
        "overall": {"hours": [overall[key] for key in keys], "total": overall["total"]},
    }


@member_required(Role.MENTOR)
def cpd_list(request):
    entries = CpdEntry.objects.filter(mentor=request.user)
    return render(
        request,
        "practice/records/cpd_list.html",
        {
            "entries": _page(request, entries.order_by("-occurred_on", "-pk")),
            "categories": CpdEntry.Category.labels,
            "totals": _cpd_totals(entries),
        },
    )


@member_required(Role.MENTOR)
def cpd_create(request):
    form = CpdForm(
        request.POST or None, request.FILES or None, instance=CpdEntry(mentor=request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The entry is added to your ledger."))
        return redirect("practice:cpd_list")
    return render(request, "practice/records/cpd_form.html", {"form": form})


@member_required(Role.MENTOR)
def cpd_evidence(request, pk: int):
    entry = _get_cpd_entry_for_user(request, pk)
    return stored_file_response(
        entry.evidence, kind=entry.evidence_type, filename_stem=f"cpd-evidence-{entry.pk}"
    )
