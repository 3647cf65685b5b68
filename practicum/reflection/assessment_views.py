"""The self-assessments: supervision readiness, self-care and burnout, competencies.

Nobody but the mentor ever sees any of it: every query is filtered by the signed-in mentor.
"""

from collections import defaultdict

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.models import Role
from practicum.frameworks.access import member_required
from practicum.frameworks.models import Competency, FrameworkVersion
from practicum.lib.forms import add_service_errors
from practicum.reflection import charts, scoring, services
from practicum.reflection.access import get_own
from practicum.reflection.forms import CompetencyForm, ReadinessForm, ReminderForm, SelfCareForm
from practicum.reflection.models import (
    CompetencyAssessment,
    IndicatorRating,
    ReadinessAnswer,
    ReadinessAttempt,
    SelfCareCheck,
    SelfCarePreference,
    ToolVersion,
)
from practicum.reflection.views import PAGE_SIZE

Kind = ToolVersion.Kind
CHART_POINTS = 24
TOOL_URLS = {
    "reflection": "reflection:reflection_create",
    "worksheet": "reflection:worksheet_create",
    "patterns": "reflection:patterns",
    "plan": "reflection:goal_create",
    "selfcare": "reflection:selfcare_index",
    "competency": "reflection:competency_take",
    "log": "practice:session_list",
    "frameworks": "frameworks:readiness",
}


# --- Supervision-readiness self-assessment --------------------------------------------------


@member_required(Role.MENTOR)
def readiness_index(request):
    attempts = ReadinessAttempt.objects.filter(mentor=request.user).select_related("framework")
    page = Paginator(attempts, PAGE_SIZE).get_page(request.GET.get("page"))
    recent = list(attempts[:CHART_POINTS])[::-1]
    bands = recent[-1].framework.local.get("bands", []) if recent else []
    for attempt in page:
        band = scoring.band_for(attempt.framework.local.get("bands", []), attempt.total)
        attempt.band_label = band["label"] if band else ""
    chart = (
        charts.line_chart(
            [(f"{a.created_at:%Y-%m-%d}", a.total) for a in recent],
            low=min(b["min"] for b in bands),
            high=max(b["max"] for b in bands),
        )
        if len(recent) > 1 and bands
        else None
    )
    return render(
        request,
        "reflection/readiness_index.html",
        {
            "page": page,
            "chart": chart,
            "framework": FrameworkVersion.objects.current(
                FrameworkVersion.Kind.READINESS_QUESTIONNAIRE
            ),
        },
    )


@member_required(Role.MENTOR)
def readiness_take(request):
    framework = FrameworkVersion.objects.current(FrameworkVersion.Kind.READINESS_QUESTIONNAIRE)
    form = ReadinessForm(request.POST or None, framework=framework) if framework else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            attempt = services.readiness_submit(
                mentor=request.user, framework=framework, scores=form.scores()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("reflection:readiness_result", pk=attempt.pk)
    return render(
        request,
        "reflection/readiness_take.html",
        {"form": form, "framework": framework},
        status=400 if request.method == "POST" else 200,
    )


def _readiness_steps(version: str) -> dict:
    for tool in ToolVersion.objects.filter(kind=Kind.READINESS_STEPS).order_by("-effective_date"):
        if tool.local.get("questionnaire_version") == version:
            return tool.local.get("steps", {})
    return {}


@member_required(Role.MENTOR)
def readiness_result(request, pk: int):
    attempt = get_own(request, ReadinessAttempt.objects.select_related("framework"), pk)
    answers = list(attempt.answers.select_related("statement"))
    previous = (
        ReadinessAttempt.objects.filter(mentor=request.user, created_at__lt=attempt.created_at)
        .order_by("-created_at", "-pk")
        .first()
    )
    previous_scores = (
        dict(
            ReadinessAnswer.objects.filter(attempt=previous).values_list("statement__code", "score")
        )
        if previous
        else None
    )
    current = {a.statement.code: a.score for a in answers}
    change = scoring.changes_since(current, previous_scores)
    lowest = scoring.lowest_scored([(a.statement.code, a.score) for a in answers])
    steps = _readiness_steps(attempt.framework.version)
    by_code = {a.statement.code: a for a in answers}
    suggestions = [
        {
            "statement": by_code[code].statement,
            "score": by_code[code].score,
            "text": steps.get(code, {}).get("text", ""),
            "url_name": TOOL_URLS.get(steps.get(code, {}).get("tool", "")),
        }
        for code in lowest
    ]
    bands = attempt.framework.local.get("bands", [])
    return render(
        request,
        "reflection/readiness_result.html",
        {
            "attempt": attempt,
            "band": scoring.band_for(bands, attempt.total),
            "low": min((b["min"] for b in bands), default=None),
            "high": max((b["max"] for b in bands), default=None),
            "rows": [(a, change[a.statement.code]) for a in answers],
            "previous": previous,
            "suggestions": suggestions,
        },
    )


@member_required(Role.MENTOR)
@require_POST
def readiness_delete(request, pk: int):
    services.readiness_delete(attempt=get_own(request, ReadinessAttempt, pk))
    messages.success(request, _("Deleted for good."))
    return redirect("reflection:readiness_index")


# --- Self-Care and Burnout Checklist --------------------------------------------------------


def _selfcare_chart(checks: list[SelfCareCheck], tool: ToolVersion) -> charts.LineChart:
    statements = len(tool.local["statements"])
    top = statements * (tool.scale["max"] - tool.scale["min"])
    return charts.line_chart(
        [(f"{c.created_at:%Y-%m-%d}", c.score) for c in checks],
        low=0,
        high=top,
        threshold=tool.local["prompt"]["at_or_above"],
    )


def _prompt_for(checks_oldest_first: list[SelfCareCheck]) -> scoring.SelfCarePrompt:
    if not checks_oldest_first:
        return scoring.selfcare_prompt([], {})
    rule = checks_oldest_first[-1].tool.local["prompt"]
    return scoring.selfcare_prompt([c.score for c in checks_oldest_first], rule)


@member_required(Role.MENTOR)
def selfcare_index(request):
    checks = SelfCareCheck.objects.filter(mentor=request.user).select_related("tool")
    recent = list(checks[:CHART_POINTS])[::-1]
    tool = recent[-1].tool if recent else services.current_tool(Kind.SELF_CARE)
    preference = SelfCarePreference.objects.filter(mentor=request.user).first()
    page = Paginator(checks, PAGE_SIZE).get_page(request.GET.get("page"))
    for check in page:
        band = scoring.band_for(check.tool.local["bands"], check.score)
        check.band_label = band["label"] if band else ""
    return render(
        request,
        "reflection/selfcare_index.html",
        {
            "tool": tool,
            "page": page,
            "recent": recent,
            "chart": _selfcare_chart(recent, tool) if recent and tool else None,
            "prompt": _prompt_for(recent),
            "reminder_form": ReminderForm(
                initial={"monthly_reminder": preference.monthly_reminder if preference else False}
            ),
            "preference": preference,
        },
    )


@member_required(Role.MENTOR)
def selfcare_take(request):
    tool = services.current_tool(Kind.SELF_CARE)
    form = SelfCareForm(request.POST or None, tool=tool) if tool else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            check = services.selfcare_submit(
                mentor=request.user,
                tool=tool,
                answers=form.answers(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("reflection:selfcare_result", pk=check.pk)
    return render(
        request,
        "reflection/selfcare_take.html",
        {"form": form, "tool": tool},
        status=400 if request.method == "POST" else 200,
    )


@member_required(Role.MENTOR)
def selfcare_result(request, pk: int):
    check = get_own(request, SelfCareCheck.objects.select_related("tool"), pk)
    window = check.tool.local["prompt"]["window"]
    before = list(
        SelfCareCheck.objects.filter(mentor=request.user, created_at__lt=check.created_at)
        .select_related("tool")
        .order_by("-created_at", "-pk")[:window]
    )[::-1]
    scale = check.tool.scale
    labels = scale.get("labels", [])
    answers = [
        {
            "text": s["text"],
            "value": check.answers.get(s["code"]),
            "label": labels[check.answers[s["code"]] - scale["min"]]
            if s["code"] in check.answers and labels
            else "",
        }
        for s in check.tool.local["statements"]
    ]
    return render(
        request,
        "reflection/selfcare_result.html",
        {
            "check": check,
            "band": scoring.band_for(check.tool.local["bands"], check.score),
            "prompt": _prompt_for([*before, check]),
            "answers": answers,
            "top": len(answers) * (scale["max"] - scale["min"]),
            "reminder_on": SelfCarePreference.objects.filter(
                mentor=request.user, monthly_reminder=True
            ).exists(),
        },
    )


@member_required(Role.MENTOR)
@require_POST
def selfcare_reminder(request):
    form = ReminderForm(request.POST)
    enabled = form.is_valid() and form.cleaned_data["monthly_reminder"]
    services.selfcare_reminder_set(mentor=request.user, enabled=enabled)
    messages.success(
        request,
        _("You will get a reminder once a month.") if enabled else _("Monthly reminders are off."),
    )
    return redirect("reflection:selfcare_index")


@member_required(Role.MENTOR)
@require_POST
def selfcare_delete(request, pk: int):
    services.selfcare_delete(check=get_own(request, SelfCareCheck, pk))
    messages.success(request, _("Deleted for good."))
    return redirect("reflection:selfcare_index")


# --- Competency self-assessment -------------------------------------------------------------


def competency_scores_by_assessment(assessments) -> dict[int, dict[int, object]]:
    """{assessment pk: {competency number: mean score}} in one query."""
    rows = IndicatorRating.objects.filter(assessment__in=assessments).values_list(
        "assessment_id", "indicator__competency__number", "score"
    )
    grouped: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for assessment_id, number, score in rows:
        grouped[assessment_id].append((number, score))
    return {pk: scoring.competency_scores(items) for pk, items in grouped.items()}


def _radar(
    competencies: list[Competency], scores: dict, previous: dict | None, tool: ToolVersion
) -> charts.Radar:
    previous = previous or {}
    return charts.radar(
        [(c.number, c.name, scores.get(c.number), previous.get(c.number)) for c in competencies],
        low=tool.scale["min"],
        high=tool.scale["max"],
    )


@member_required(Role.MENTOR)
def competency_index(request):
    assessments = CompetencyAssessment.objects.filter(mentor=request.user).select_related(
        "framework", "tool"
    )
    page = Paginator(assessments, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page)
    latest_two = list(assessments[:2])
    scores = competency_scores_by_assessment([*items, *latest_two])
    radar = None
    competencies: list[Competency] = []
    if latest_two:
        latest = latest_two[0]
        competencies = list(latest.framework.competencies.all())
        previous = (
            scores.get(latest_two[1].pk)
            if len(latest_two) > 1 and latest_two[1].framework_id == latest.framework_id
            else None
        )
        radar = _radar(competencies, scores.get(latest.pk, {}), previous, latest.tool)
    history = [
        {
            "assessment": a,
            "scores": [scores.get(a.pk, {}).get(c.number) for c in competencies],
            "overall": scoring.overall_score(scores.get(a.pk, {})),
        }
        for a in items
    ]
    return render(
        request,
        "reflection/competency_index.html",
        {
            "page": page,
            "history": history,
            "competencies": competencies,
            "radar": radar,
            "latest": latest_two[0] if latest_two else None,
        },
    )


@member_required(Role.MENTOR)
def competency_take(request):
    framework = FrameworkVersion.objects.current(FrameworkVersion.Kind.COMPETENCIES)
    tool = services.current_tool(Kind.COMPETENCY_SCALE)
    form = None
    if framework and tool:
        form = CompetencyForm(request.POST or None, framework=framework, tool=tool)
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            assessment = services.competency_submit(
                mentor=request.user,
                framework=framework,
                tool=tool,
                ratings=form.ratings(),
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("reflection:competency_result", pk=assessment.pk)
    return render(
        request,
        "reflection/competency_take.html",
        {"form": form, "tool": tool, "framework": framework},
        status=400 if request.method == "POST" else 200,
    )


@member_required(Role.MENTOR)
def competency_result(request, pk: int):
    assessment = get_own(
        request, CompetencyAssessment.objects.select_related("framework", "tool"), pk
    )
    previous = (
        CompetencyAssessment.objects.filter(
            mentor=request.user,
            framework=assessment.framework,
            created_at__lt=assessment.created_at,
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    scores = competency_scores_by_assessment([a for a in (assessment, previous) if a])
    competencies = list(assessment.framework.competencies.all())
    mine = scores.get(assessment.pk, {})
    before = scores.get(previous.pk) if previous else None
    ratings = list(
        assessment.ratings.select_related("indicator__competency").order_by(
            "indicator__competency__number", "indicator__number"
        )
    )
    labels = dict(assessment.tool.scale_choices)
    by_competency = defaultdict(list)
    for rating in ratings:
        by_competency[rating.indicator.competency.number].append(
            (rating.indicator, rating.score, labels.get(rating.score, ""))
        )
    rows = [
        {
            "competency": c,
            "score": mine.get(c.number),
            "previous": before.get(c.number) if before else None,
            "indicators": by_competency[c.number],
        }
        for c in competencies
    ]
    return render(
        request,
        "reflection/competency_result.html",
        {
            "assessment": assessment,
            "previous": previous,
            "rows": rows,
            "overall": scoring.overall_score(mine),
            "radar": _radar(competencies, mine, before, assessment.tool),
            "lowest": sorted((r for r in rows if r["score"] is not None), key=lambda r: r["score"])[
                :3
            ],
        },
    )


@member_required(Role.MENTOR)
@require_POST
def competency_delete(request, pk: int):
    services.competency_delete(assessment=get_own(request, CompetencyAssessment, pk))
    messages.success(request, _("Deleted for good."))
    return redirect("reflection:competency_index")
