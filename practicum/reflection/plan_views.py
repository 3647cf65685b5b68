"""The development plan (SMART goals and their evidence), themes, and the patterns page."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.models import Role
from practicum.frameworks.access import member_required
from practicum.frameworks.models import Competency, FrameworkVersion
from practicum.lib.forms import add_service_errors
from practicum.practice.models import MentoringEngagement
from practicum.reflection import recurring, services
from practicum.reflection.access import get_own
from practicum.reflection.forms import EvidenceForm, GoalForm, PatternKeepForm
from practicum.reflection.models import DevelopmentGoal, GoalEvidence, Tag
from practicum.reflection.patterns import theme_patterns
from practicum.reflection.views import PAGE_SIZE


def _goals(request):
    return DevelopmentGoal.objects.filter(mentor=request.user).prefetch_related(
        Prefetch("competencies", queryset=Competency.objects.order_by("number"))
    )


def _current_competencies() -> FrameworkVersion | None:
    return FrameworkVersion.objects.current(FrameworkVersion.Kind.COMPETENCIES)


@member_required(Role.MENTOR)
def plan(request):
    goals = (
        _goals(request)
        .annotate(evidence_count=Count("evidence"))
        .order_by("status", "due_on", "pk")
    )
    page = Paginator(goals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reflection/plan.html", {"page": page})


def _goal_form_view(request, goal: DevelopmentGoal | None):
    initial = GoalForm.initial_for(goal) if goal else {}
    if goal is None and request.GET.get("competency", "").isdigit():
        initial["competencies"] = [int(request.GET["competency"])]
    form = GoalForm(
        request.POST or None, framework=_current_competencies(), goal=goal, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            goal = services.goal_save(
                mentor=request.user,
                goal=goal,
                competencies=list(data.pop("competencies")),
                due_on=data.pop("due_on"),
                progress=data.pop("progress"),
                status=data.pop("status"),
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("reflection:goal_detail", pk=goal.pk)
    return render(request, "reflection/goal_form.html", {"form": form, "goal": goal})


@member_required(Role.MENTOR)
def goal_create(request):
    return _goal_form_view(request, None)


@member_required(Role.MENTOR)
def goal_edit(request, pk: int):
    return _goal_form_view(request, get_own(request, _goals(request), pk))


@member_required(Role.MENTOR)
def goal_detail(request, pk: int):
    """The goal, its evidence, and (POST) a record of the mentor's added as evidence."""
    goal = get_own(request, _goals(request), pk)
    form = EvidenceForm(request.POST or None, mentor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_evidence_add(
                goal=goal, note=form.cleaned_data["note"], **form.cleaned_data["record"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Evidence added."))
            return redirect("reflection:goal_detail", pk=goal.pk)
    evidence = goal.evidence.select_related(
        "session__relationship__supervisor", "session__facilitator", "cpd_entry", "reflection"
    )
    return render(
        request,
        "reflection/goal_detail.html",
        {"goal": goal, "evidence": evidence, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@member_required(Role.MENTOR)
@require_POST
def goal_delete(request, pk: int):
    services.goal_delete(goal=get_own(request, DevelopmentGoal, pk))
    messages.success(request, _("Deleted for good."))
    return redirect("reflection:plan")


@member_required(Role.MENTOR)
@require_POST
def goal_evidence_remove(request, pk: int):
    evidence = get_object_or_404(GoalEvidence, pk=pk, goal__mentor=request.user)
    services.goal_evidence_remove(evidence=evidence)
    messages.success(request, _("Evidence removed from the goal (the record itself stays)."))
    return redirect("reflection:goal_detail", pk=evidence.goal_id)


# --- Themes and patterns ----------------------------------------------------------------------


@member_required(Role.MENTOR)
def tag_list(request):
    tags = sorted(
        Tag.objects.filter(mentor=request.user).annotate(
            reflection_count=Count("reflections", distinct=True),
            session_count=Count("session_tags", distinct=True),
        ),
        key=lambda t: t.name.casefold(),
    )
    return render(request, "reflection/tag_list.html", {"tags": tags})


@member_required(Role.MENTOR)
@require_POST
def tag_delete(request, pk: int):
    services.tag_delete(tag=get_own(request, Tag, pk))
    messages.success(request, _("Theme deleted from every entry."))
    return redirect("reflection:tag_list")


@member_required(Role.MENTOR)
def patterns(request):
    engagements = MentoringEngagement.objects.filter(mentor=request.user).only(
        "mentee_name", "started_on", "mentor_id"
    )
    engagement = None
    chosen = request.GET.get("engagement", "")
    if chosen:
        if not chosen.isdigit():
            return redirect("reflection:patterns")
        engagement = get_object_or_404(engagements, pk=int(chosen))
    # Grouping by meaning reads and encodes the mentor's texts: only when asked for.
    look = request.GET.get("recurring") == "1" and engagement is None
    return render(
        request,
        "reflection/patterns.html",
        {
            "patterns": theme_patterns(request.user, engagement=engagement),
            "engagements": engagements,
            "engagement": engagement,
            "looked": look,
            "groups": recurring.recurring_groups(request.user) if look else [],
        },
    )


@member_required(Role.MENTOR)
@require_POST
def pattern_keep(request):
    """Keep a group of the recurring patterns as a named theme on its sessions and reflections."""
    form = PatternKeepForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, errors[0])
        return redirect(f"{reverse('reflection:patterns')}?recurring=1#recurring-title")
    try:
        tag, count = recurring.keep_as_theme(
            mentor=request.user, name=form.cleaned_data["name"], keys=form.cleaned_data["keys"]
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(f"{reverse('reflection:patterns')}?recurring=1#recurring-title")
    messages.success(
        request,
        _("Kept as the theme “%(name)s” on %(n)d entries.") % {"name": tag.name, "n": count},
    )
    return redirect("reflection:patterns")
