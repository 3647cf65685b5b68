"""The Ethics Lens Worksheet: dilemma and options, relevant clauses, analysis, conclusion."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import BooleanField, Count, ExpressionWrapper, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.models import Role
from practicum.frameworks import services as framework_services
from practicum.frameworks.access import member_required
from practicum.frameworks.ranking import search_clauses
from practicum.lib.forms import add_service_errors
from practicum.lib.translations import isolated
from practicum.reflection import exports, services
from practicum.reflection.access import get_own
from practicum.reflection.forms import (
    ClauseAddForm,
    ClauseSearchForm,
    WorksheetAnalysisForm,
    WorksheetConclusionForm,
    WorksheetForm,
)
from practicum.reflection.models import EthicsWorksheet, WorksheetClause
from practicum.reflection.views import PAGE_SIZE

SEARCH_RESULTS = 25


def _get_worksheet(request, pk: int) -> EthicsWorksheet:
    return get_own(request, EthicsWorksheet.objects.select_related("reflection", "engagement"), pk)


def _cited(worksheet: EthicsWorksheet) -> list[WorksheetClause]:
    return list(worksheet.cited_clauses.select_related("clause__framework"))


@member_required(Role.MENTOR)
def worksheet_list(request):
    # Only what the list shows: each confidential field loaded is a decryption, and the list
    # needs the title alone (whether a decision is written is asked of the database: an empty
    # field is stored empty, not encrypted). Clauses are counted per row in a subquery, so
    # the paginator's count needs no join.
    clauses = (
        WorksheetClause.objects.filter(worksheet=OuterRef("pk"))
        .order_by()
        .values("worksheet")
        .annotate(n=Count("pk"))
        .values("n")
    )
    worksheets = (
        EthicsWorksheet.objects.filter(mentor=request.user)
        .only("pk", "mentor_id", "reflection_id", "title", "updated_at")
        .annotate(
            clause_count=Coalesce(Subquery(clauses), 0),
            decided=ExpressionWrapper(~Q(decision=""), output_field=BooleanField()),
        )
        .order_by("-updated_at", "-pk")
    )
    page = Paginator(worksheets, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reflection/worksheet_list.html", {"page": page})


@member_required(Role.MENTOR)
def worksheet_create(request):
    form = WorksheetForm(request.POST or None, mentor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            worksheet = services.worksheet_create(mentor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("reflection:worksheet_clauses", pk=worksheet.pk)
    return render(request, "reflection/worksheet_form.html", {"form": form, "worksheet": None})


@member_required(Role.MENTOR)
def worksheet_edit(request, pk: int):
    worksheet = _get_worksheet(request, pk)
    form = WorksheetForm(
        request.POST or None, mentor=request.user, initial=WorksheetForm.initial_for(worksheet)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.worksheet_update(worksheet=worksheet, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("reflection:worksheet_clauses", pk=worksheet.pk)
    return render(request, "reflection/worksheet_form.html", {"form": form, "worksheet": worksheet})


@member_required(Role.MENTOR)
def worksheet_detail(request, pk: int):
    worksheet = _get_worksheet(request, pk)
    cited = _cited(worksheet)
    code = services.current_code()
    older = sorted(
        {c.clause.framework.version for c in cited if code and c.clause.framework_id != code.pk}
    )
    return render(
        request,
        "reflection/worksheet_detail.html",
        {
            "worksheet": worksheet,
            "cited": cited,
            "analysis": worksheet.analysis_rows(cited),
            "code": code,
            "older_versions": older,
        },
    )


@member_required(Role.MENTOR)
def worksheet_clauses(request, pk: int):
    """Suggested clauses (closest in meaning to the dilemma and options), a search of the Code,
    and the
    clauses chosen. With HX-Request and a query, only the search results."""
    worksheet = _get_worksheet(request, pk)
    cited = _cited(worksheet)
    cited_ids = {c.clause_id for c in cited}
    code = services.current_code()
    search = ClauseSearchForm(request.GET or None)
    query = search.cleaned_data["q"] if search.is_valid() else ""
    results = []
    if code is not None and query:
        results = search_clauses(query, framework=code, limit=SEARCH_RESULTS)
    context = {
        "worksheet": worksheet,
        "cited": cited,
        "cited_ids": cited_ids,
        "suggestions": services.clause_suggestions(worksheet.ranking_text),
        "search": search,
        "query": query,
        "terms": framework_services.search_terms(query),
        "results": results,
        "code": code,
    }
    template = "reflection/worksheet_clauses.html"
    if request.headers.get("HX-Request"):
        template += "#results"
    return render(request, template, context)


@member_required(Role.MENTOR)
@require_POST
def worksheet_clause_add(request, pk: int):
    worksheet = _get_worksheet(request, pk)
    form = ClauseAddForm(request.POST, code=services.current_code())
    if form.is_valid():
        cited = services.worksheet_clause_add(
            worksheet=worksheet,
            clause=form.cleaned_data["clause"],
            source=form.cleaned_data["source"],
        )
        added = _("Clause %(id)s added.") % {"id": isolated(cited.clause.identifier)}
        messages.success(request, added)
    else:
        messages.error(request, _("Choose a clause of the Code in force."))
    url = reverse("reflection:worksheet_clauses", args=[worksheet.pk])
    query = request.POST.get("q", "").strip()[:200]
    return redirect(f"{url}?{urlencode({'q': query})}#search-title" if query else url)


@member_required(Role.MENTOR)
@require_POST
def worksheet_clause_remove(request, pk: int, clause_pk: int):
    worksheet = _get_worksheet(request, pk)
    if services.worksheet_clause_remove(worksheet=worksheet, clause_id=clause_pk):
        messages.success(request, _("Clause removed, with what you wrote about it."))
    return redirect("reflection:worksheet_clauses", pk=worksheet.pk)


@member_required(Role.MENTOR)
def worksheet_analysis(request, pk: int):
    worksheet = _get_worksheet(request, pk)
    cited = _cited(worksheet)
    form = WorksheetAnalysisForm(request.POST or None, worksheet=worksheet, cited=cited)
    if request.method == "POST" and form.is_valid():
        try:
            services.worksheet_analysis_save(worksheet=worksheet, analyses=form.analyses())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("reflection:worksheet_conclusion", pk=worksheet.pk)
    return render(
        request,
        "reflection/worksheet_analysis.html",
        {"worksheet": worksheet, "form": form, "cited": cited},
    )


@member_required(Role.MENTOR)
def worksheet_conclusion(request, pk: int):
    worksheet = _get_worksheet(request, pk)
    form = WorksheetConclusionForm(request.POST or None, instance=worksheet)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.CONCLUSION_FIELDS}
        try:
            services.worksheet_conclude(worksheet=worksheet, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("reflection:worksheet_detail", pk=worksheet.pk)
    return render(
        request, "reflection/worksheet_conclusion.html", {"worksheet": worksheet, "form": form}
    )


@member_required(Role.MENTOR)
def worksheet_pdf(request, pk: int):
    worksheet = _get_worksheet(request, pk)
    return exports.attachment(
        exports.worksheet_pdf(worksheet=worksheet),
        content_type="application/pdf",
        filename=f"ethics-lens-worksheet-{timezone.localdate():%Y-%m-%d}.pdf",
    )


@member_required(Role.MENTOR)
@require_POST
def worksheet_delete(request, pk: int):
    worksheet = _get_worksheet(request, pk)
    services.worksheet_delete(worksheet=worksheet)
    messages.success(request, _("Deleted for good."))
    return redirect("reflection:worksheet_list")
