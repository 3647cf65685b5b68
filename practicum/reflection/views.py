"""The toolkit's home, the Reflective Conversation Framework, and sharing with a supervisor."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.models import Role
from practicum.frameworks.access import member_required
from practicum.lib.forms import add_service_errors
from practicum.practice.models import SupervisionSession
from practicum.reflection import scoring, services
from practicum.reflection.access import get_own, get_share_for_supervisor
from practicum.reflection.forms import (
    ReflectionDetailsForm,
    ReflectionStartForm,
    ReflectionStepForm,
    ShareForm,
    TagsForm,
)
from practicum.reflection.models import (
    EthicsWorksheet,
    Reflection,
    ReflectionShare,
    SelfCareCheck,
    Tag,
    ToolVersion,
)
from practicum.reflection.tool_templates import TEMPLATE_TOOLS

PAGE_SIZE = 25
Kind = ToolVersion.Kind


def suggested_themes() -> list[tuple[str, frozenset[str]]]:
    """The suggested themes in the reader's language, each with its name in every language
    (casefolded): a mentor who tagged "Boundaries" in English is not offered "الحدود" too."""
    tool = services.current_tool(Kind.THEMES)
    if tool is None:
        return []
    versions = [tool.content.get("themes", [])]
    versions += [(over or {}).get("themes", []) for over in (tool.translations or {}).values()]
    return [
        (
            name,
            frozenset(
                names[n].casefold()
                for names in versions
                if n < len(names) and isinstance(names[n], str)
            ),
        )
        for n, name in enumerate(tool.local.get("themes", []))
    ]


def _reflections(request):
    return Reflection.objects.filter(mentor=request.user).select_related("tool")


def _get_reflection(request, pk: int) -> Reflection:
    return get_own(request, _reflections(request).select_related("session", "engagement"), pk)


def _active_share(reflection: Reflection) -> ReflectionShare | None:
    return (
        ReflectionShare.objects.active()
        .filter(reflection=reflection)
        .select_related("supervisor", "session")
        .first()
    )


def _step_views(reflection: Reflection, keys: list[str] | None = None) -> list[dict]:
    """The framework's steps with this reflection's answers (only `keys` when given)."""
    answers = reflection.answer_map
    steps = []
    for number, step in enumerate(reflection.tool.steps, start=1):
        if keys is not None and step["key"] not in keys:
            continue
        fields = [{"label": f["label"], "text": answers.get(f["key"], "")} for f in step["fields"]]
        steps.append(
            {
                "number": number,
                "key": step["key"],
                "title": step["title"],
                "fields": fields,
                "answered": any(f["text"] for f in fields),
            }
        )
    return steps


@member_required(Role.MENTOR)
def toolkit(request):
    reflections = _reflections(request)
    # The page reads each check's score and date: not its answers or its (encrypted) note.
    latest_checks = list(
        SelfCareCheck.objects.filter(mentor=request.user)
        .select_related("tool")
        .only("score", "created_at", "tool")[:4]
    )
    prompt = None
    if latest_checks:
        tool = latest_checks[0].tool
        prompt = scoring.selfcare_prompt(
            [c.score for c in reversed(latest_checks)], tool.local["prompt"]
        )
    return render(
        request,
        "reflection/toolkit.html",
        {
            "drafts": reflections.filter(completed_at__isnull=True)[:5],
            "reflection_count": reflections.count(),
            "worksheet_count": EthicsWorksheet.objects.filter(mentor=request.user).count(),
            "latest_check": latest_checks[0] if latest_checks else None,
            "selfcare_prompt": prompt,
            "templates": TEMPLATE_TOOLS,
        },
    )


# --- Reflections ----------------------------------------------------------------------------


@member_required(Role.MENTOR)
def reflection_list(request):
    reflections = _reflections(request).prefetch_related(
        Prefetch(
            "shares",
            queryset=ReflectionShare.objects.active().select_related("supervisor"),
            to_attr="active_shares",
        ),
        "tags",
    )
    page = Paginator(reflections, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reflection/reflection_list.html", {"page": page})


@member_required(Role.MENTOR)
def reflection_create(request):
    tool = services.current_tool(Kind.REFLECTIVE_CONVERSATION)
    form = ReflectionStartForm(request.POST or None, mentor=request.user)
    if request.method == "POST" and tool is not None and form.is_valid():
        try:
            reflection = services.reflection_start(
                mentor=request.user, tool=tool, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("reflection:reflection_step", pk=reflection.pk, step=1)
    return render(request, "reflection/reflection_start.html", {"form": form, "tool": tool})


def _next_after_step(request, reflection: Reflection, step: int, action: str):
    count = reflection.step_count
    if action == "back":
        return redirect("reflection:reflection_step", pk=reflection.pk, step=max(1, step - 1))
    if action == "save":
        messages.success(request, _("Draft saved."))
        return redirect("reflection:reflection_step", pk=reflection.pk, step=step)
    if action.startswith("goto:"):
        target = action.partition(":")[2]
        target = int(target) if target.isdigit() else step
        return redirect(
            "reflection:reflection_step", pk=reflection.pk, step=min(max(1, target), count)
        )
    if action == "worksheet":
        worksheet = services.reflection_worksheet_open(reflection=reflection)
        return redirect("reflection:worksheet_detail", pk=worksheet.pk)
    if action == "finish" or step >= count:
        services.reflection_complete(reflection=reflection)
        messages.success(request, _("Your reflection is complete. You can still change it."))
        return redirect("reflection:reflection_detail", pk=reflection.pk)
    return redirect("reflection:reflection_step", pk=reflection.pk, step=step + 1)


@member_required(Role.MENTOR)
def reflection_step(request, pk: int, step: int):
    """One step per screen. Every button saves the step first: a draft is never lost."""
    reflection = _get_reflection(request, pk)
    steps = reflection.tool.steps
    if not 1 <= step <= len(steps):
        return redirect("reflection:reflection_step", pk=reflection.pk, step=1)
    current = steps[step - 1]
    answers = reflection.answer_map
    initial = {f["key"]: answers.get(f["key"], "") for f in current["fields"]}
    form = ReflectionStepForm(request.POST or None, step=current, initial=initial)
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "next")
        if request.POST.get("goto"):
            action = f"goto:{request.POST['goto']}"
        try:
            services.reflection_save_step(
                reflection=reflection, step=step, values=form.cleaned_data
            )
            return _next_after_step(request, reflection, step, action)
        except ValidationError as error:
            add_service_errors(form, error)
    progress = [
        {
            "number": number,
            "title": s["title"],
            "answered": reflection.step_is_answered(s),
            "current": number == step,
        }
        for number, s in enumerate(steps, start=1)
    ]
    return render(
        request,
        "reflection/reflection_step.html",
        {
            "reflection": reflection,
            "form": form,
            "step": current,
            "number": step,
            "count": len(steps),
            "progress": progress,
            "is_last": step == len(steps),
            "worksheet": EthicsWorksheet.objects.filter(reflection=reflection).first()
            if current.get("opens_worksheet")
            else None,
        },
        status=400 if request.method == "POST" else 200,
    )


@member_required(Role.MENTOR)
def reflection_detail(request, pk: int):
    reflection = _get_reflection(request, pk)
    return render(
        request,
        "reflection/reflection_detail.html",
        {
            "reflection": reflection,
            "steps": _step_views(reflection),
            "share": _active_share(reflection),
            "worksheet": EthicsWorksheet.objects.filter(reflection=reflection).first(),
            "tags": reflection.tags.all(),
        },
    )


@member_required(Role.MENTOR)
def reflection_details(request, pk: int):
    reflection = _get_reflection(request, pk)
    initial = {
        "title": reflection.title,
        "engagement": reflection.engagement_id,
        "tags": [t.name for t in reflection.tags.all()],
    }
    form = ReflectionDetailsForm(
        request.POST or None, mentor=request.user, suggested=suggested_themes(), initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.reflection_update(
                reflection=reflection,
                title=form.cleaned_data["title"],
                engagement=form.cleaned_data["engagement"],
                tag_names=form.tag_names(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("reflection:reflection_detail", pk=reflection.pk)
    return render(
        request, "reflection/reflection_details.html", {"reflection": reflection, "form": form}
    )


@member_required(Role.MENTOR)
@require_POST
def reflection_worksheet(request, pk: int):
    reflection = _get_reflection(request, pk)
    worksheet = services.reflection_worksheet_open(reflection=reflection)
    return redirect("reflection:worksheet_detail", pk=worksheet.pk)


@member_required(Role.MENTOR)
def reflection_supervision(request, pk: int):
    """Attach to a supervision session and, if the mentor chooses, share chosen steps with
    that session's supervisor."""
    reflection = _get_reflection(request, pk)
    share = _active_share(reflection)
    defaults = [s["key"] for s in reflection.tool.steps if s.get("shared_by_default")]
    initial = {
        "session": reflection.session_id,
        "share": share is not None,
        "steps": share.steps if share else defaults,
        "include_worksheet": share.include_worksheet if share else False,
    }
    form = ShareForm(request.POST or None, reflection=reflection, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["share"]:
                share = services.reflection_share(
                    reflection=reflection,
                    session=data["session"],
                    steps=data["steps"],
                    include_worksheet=data.get("include_worksheet", False),
                )
                messages.success(
                    request,
                    _("Shared with %(name)s. You can withdraw it at any time.")
                    % {"name": share.supervisor.get_full_name()},
                )
            else:
                services.reflection_attach(reflection=reflection, session=data["session"])
                withdrawn = services.reflection_share_withdraw(reflection=reflection)
                messages.success(
                    request,
                    _("Attached to the session; nothing is shared.")
                    if not withdrawn
                    else _("Attached to the session; sharing withdrawn."),
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("reflection:reflection_detail", pk=reflection.pk)
    return render(
        request,
        "reflection/reflection_supervision.html",
        {"reflection": reflection, "form": form, "share": share},
    )


@member_required(Role.MENTOR)
@require_POST
def reflection_withdraw(request, pk: int):
    reflection = _get_reflection(request, pk)
    if services.reflection_share_withdraw(reflection=reflection):
        messages.success(request, _("Sharing withdrawn: your supervisor can no longer see it."))
    else:
        messages.info(request, _("This reflection was not shared."))
    return redirect("reflection:reflection_detail", pk=reflection.pk)


@member_required(Role.MENTOR)
@require_POST
def reflection_delete(request, pk: int):
    reflection = _get_reflection(request, pk)
    services.reflection_delete(reflection=reflection)
    messages.success(request, _("Deleted for good."))
    return redirect("reflection:reflection_list")


# --- What supervisors see -------------------------------------------------------------------


@member_required(Role.SUPERVISOR)
def shared_list(request):
    shares = (
        ReflectionShare.objects.visible_to(request.user)
        .select_related("reflection", "reflection__mentor", "session")
        .order_by("-session__starts_at", "-shared_at")
    )
    page = Paginator(shares, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "reflection/shared_list.html", {"page": page})


@member_required(Role.SUPERVISOR)
def shared_reflection(request, code: str):
    """Only the steps the mentor chose, only while shared: otherwise a 404."""
    share = get_share_for_supervisor(request, code)
    reflection = share.reflection
    worksheet, rows = None, []
    if share.include_worksheet:
        worksheet = EthicsWorksheet.objects.filter(reflection=reflection).first()
    if worksheet is not None:
        rows = worksheet.analysis_rows(
            list(worksheet.cited_clauses.select_related("clause__framework"))
        )
    return render(
        request,
        "reflection/shared_reflection.html",
        {
            "share": share,
            "reflection": reflection,
            "steps": _step_views(reflection, keys=share.steps),
            "worksheet": worksheet,
            "rows": rows,
        },
    )


# --- A supervision log entry's reflections and themes (a fragment for the session page) ----


def _session_context(request, session: SupervisionSession, form=None) -> dict:
    reflections = list(
        Reflection.objects.filter(mentor=request.user, session=session)
        .select_related("tool")
        .prefetch_related(
            Prefetch(
                "shares",
                queryset=ReflectionShare.objects.active().select_related("supervisor"),
                to_attr="active_shares",
            )
        )
    )
    tags = Tag.objects.filter(session_tags__session=session, mentor=request.user)
    if form is None:
        form = TagsForm(
            mentor=request.user,
            suggested=suggested_themes(),
            initial={"tags": [t.name for t in tags]},
        )
    return {"session": session, "reflections": reflections, "tags": tags, "form": form}


def _render_session(request, context: dict, status: int = 200):
    template = "reflection/session_reflections.html"
    if request.headers.get("HX-Request"):
        template += "#fragment"
    return render(request, template, context, status=status)


@member_required(Role.MENTOR)
def session_reflections(request, pk: int):
    """The reflections attached to one of the mentor's log entries, and its themes. With
    HX-Request, only the fragment (for the supervision log's session page)."""
    session = get_own(
        request,
        SupervisionSession.objects.select_related("relationship__supervisor", "facilitator"),
        pk,
    )
    return _render_session(request, _session_context(request, session))


@member_required(Role.MENTOR)
@require_POST
def session_tags(request, pk: int):
    session = get_own(
        request,
        SupervisionSession.objects.select_related("relationship__supervisor", "facilitator"),
        pk,
    )
    form = TagsForm(request.POST, mentor=request.user, suggested=suggested_themes())
    if form.is_valid():
        try:
            services.session_tags_set(mentor=request.user, session=session, names=form.tag_names())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if not request.headers.get("HX-Request"):
                messages.success(request, _("Themes saved."))
                return redirect("reflection:session_reflections", pk=session.pk)
            context = _session_context(request, session)
            context["saved"] = True
            return _render_session(request, context)
    status = 200 if request.headers.get("HX-Request") else 400
    return _render_session(request, _session_context(request, session, form), status=status)
