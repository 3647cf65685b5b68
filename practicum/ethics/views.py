from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.access import role_required
from practicum.accounts.models import Role
from practicum.audit.services import audit_trail
from practicum.ethics import forms, services
from practicum.ethics.clauses import suggest_clauses
from practicum.ethics.loader import current_rules
from practicum.ethics.models import (
    Case,
    CaseEvidence,
    CaseMessage,
    Panel,
    PanelMember,
    SanctionEffect,
)
from practicum.frameworks.services import current_code
from practicum.lib import ratelimit
from practicum.lib.downloads import stored_file_response
from practicum.lib.forms import add_service_errors, flash_service_errors

PAGE_SIZE = 25
Party = CaseMessage.Party


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def _rate_limited(request, per_hour: int) -> bool:
    """At most `per_hour` concerns from one address an hour, counted in the shared cache."""
    key = f"ethics-concern:{_client_ip(request)}"
    return ratelimit.hit(key, limit=per_hour, window=3600) is not None


# --- the public: raise a concern, follow it ----------------------------------------------------


def raise_concern(request):
    rules = current_rules()
    framework = current_code()
    minimum = int(rules.get("intake", "minimum_seconds", default=3))
    user = request.user if request.user.is_authenticated else None
    initial = {}
    if user is not None:
        initial = {"complainant_name": user.get_full_name(), "complainant_email": user.email}
    form = forms.ConcernForm(
        request.POST or None,
        request.FILES or None,
        framework=framework,
        minimum_seconds=minimum,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if _rate_limited(request, int(rules.get("intake", "per_ip_per_hour", default=5))):
            form.add_error(
                None, _("Too many concerns were sent from here. Please try again in an hour.")
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                case, _token = services.concern_submit(
                    complainant_name=data["complainant_name"],
                    complainant_email=data["complainant_email"],
                    relation=data["relation"],
                    professional_query=data["professional_query"],
                    professional_description=data["professional_description"],
                    what_happened=data["what_happened"],
                    happened_on=data["happened_on"],
                    clauses=data["clauses"],
                    share_identity=data["share_identity"],
                    consent=data["consent"],
                    files=data["evidence"],
                    complainant=user,
                    language=get_language() or "en",
                )
            except ValidationError as error:
                add_service_errors(form, error)
                status = 400
            else:
                request.session["ethics_concern_sent"] = case.reference
                return redirect("ethics:concern_sent")
        else:
            status = 400
    return render(
        request,
        "ethics/raise_concern.html",
        {"form": form, "framework": framework},
        status=status,
    )


def concern_sent(request):
    reference = request.session.pop("ethics_concern_sent", None)
    if reference is None:
        return redirect("ethics:raise_concern")
    return render(request, "ethics/concern_sent.html", {"reference": reference})


@require_POST
def suggest(request):
    """htmx: clause suggestions for the text typed so far (POST: the text never goes in a URL)."""
    text = (request.POST.get("what_happened") or "")[:5000]
    return render(
        request,
        "ethics/_suggestions.html",
        {"suggestions": suggest_clauses(text, limit=5) if len(text) > 20 else []},
    )


def _party_context(case: Case, party: str) -> dict:
    visible = case.messages.filter(party=party)
    decisions = case.decisions.select_related("sanction", "panel")
    return {
        "case": case,
        "party": party,
        "messages_for_party": visible,
        "decisions": decisions,
        "effects": case.effects.all(),
        "appeal_open": services.appeal_open_to(case, party),
    }


def follow(request, token: str):
    """The complainant's private link: GET shows, POST acts (add information, withdraw)."""
    case = services.case_for_token(token)
    if case is None:
        return render(request, "ethics/link_invalid.html", status=404)
    info_form = forms.InformationForm()
    appeal_form = forms.AppealForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "information":
                info_form = forms.InformationForm(request.POST, request.FILES)
                if info_form.is_valid():
                    services.information_add(
                        case=case,
                        party=Party.COMPLAINANT,
                        text=info_form.cleaned_data["text"],
                        files=info_form.cleaned_data["evidence"],
                    )
                    messages.success(request, _("Thank you: your information is on the case."))
                    return redirect("ethics:follow", token=token)
            elif action == "withdraw":
                services.concern_withdraw(case=case)
                messages.success(request, _("Your concern is withdrawn."))
                return redirect("ethics:follow", token=token)
            elif action == "appeal":
                appeal_form = forms.AppealForm(request.POST)
                if appeal_form.is_valid():
                    services.appeal_file(
                        case=case,
                        party=Party.COMPLAINANT,
                        grounds=appeal_form.cleaned_data["grounds"],
                    )
                    messages.success(request, _("Your appeal is filed."))
                    return redirect("ethics:follow", token=token)
        except ValidationError as error:
            flash_service_errors(request, error)
            return redirect("ethics:follow", token=token)
    context = _party_context(case, Party.COMPLAINANT)
    context.update(info_form=info_form, appeal_form=appeal_form, token=token)
    return render(
        request, "ethics/follow.html", context, status=400 if request.method == "POST" else 200
    )


# --- members: their cases as professional or complainant ---------------------------------------


@login_required
def my_cases(request):
    about_me = Case.objects.filter(professional=request.user).exclude(stage=Case.Stage.RECEIVED)
    about_me = about_me.exclude(stage=Case.Stage.DISMISSED, jurisdiction_ok__isnull=True)
    raised = Case.objects.filter(complainant=request.user)
    return render(
        request,
        "ethics/my_cases.html",
        {
            "about_me": about_me,
            "raised": raised,
            "effects": SanctionEffect.objects.filter(professional=request.user).select_related(
                "case"
            ),
        },
    )


def _case_of_professional(request, pk: int) -> Case:
    case = get_object_or_404(
        Case.objects.select_related("rules", "framework"), pk=pk, professional=request.user
    )
    if case.stage == Case.Stage.RECEIVED or case.jurisdiction_ok is None:
        raise Http404  # not told yet: the professional learns of a case when it is investigated
    return case


@login_required
def my_case(request, pk: int):
    """The professional's case page: the allegations and clauses, requests, the answer, the
    decision, the appeal, sanctions and monitoring reports."""
    case = _case_of_professional(request, pk)
    answer_form = forms.AnswerForm()
    appeal_form = forms.AppealForm()
    report_form = forms.ReportForm()
    info_form = forms.InformationForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "answer":
                answer_form = forms.AnswerForm(request.POST, request.FILES)
                if answer_form.is_valid():
                    services.answer_submit(
                        case=case,
                        by=request.user,
                        text=answer_form.cleaned_data["text"],
                        files=answer_form.cleaned_data["evidence"],
                    )
                    messages.success(request, _("Your answer is on the case."))
                    return redirect("ethics:my_case", pk=case.pk)
            elif action == "information":
                info_form = forms.InformationForm(request.POST, request.FILES)
                if info_form.is_valid():
                    services.information_add(
                        case=case,
                        party=Party.PROFESSIONAL,
                        text=info_form.cleaned_data["text"],
                        files=info_form.cleaned_data["evidence"],
                        by=request.user,
                    )
                    messages.success(request, _("Your information is on the case."))
                    return redirect("ethics:my_case", pk=case.pk)
            elif action == "appeal":
                appeal_form = forms.AppealForm(request.POST)
                if appeal_form.is_valid():
                    services.appeal_file(
                        case=case,
                        party=Party.PROFESSIONAL,
                        grounds=appeal_form.cleaned_data["grounds"],
                        by=request.user,
                    )
                    messages.success(request, _("Your appeal is filed."))
                    return redirect("ethics:my_case", pk=case.pk)
            elif action == "report":
                report_form = forms.ReportForm(request.POST)
                effect = get_object_or_404(
                    SanctionEffect, pk=request.POST.get("effect") or 0, case=case
                )
                if report_form.is_valid():
                    services.monitoring_report_submit(
                        effect=effect, by=request.user, text=report_form.cleaned_data["text"]
                    )
                    messages.success(request, _("Your report is sent."))
                    return redirect("ethics:my_case", pk=case.pk)
        except ValidationError as error:
            flash_service_errors(request, error)
            return redirect("ethics:my_case", pk=case.pk)
    context = _party_context(case, Party.PROFESSIONAL)
    context.update(
        answer_form=answer_form,
        appeal_form=appeal_form,
        report_form=report_form,
        info_form=info_form,
        complainant_shown=case.share_identity,
    )
    return render(request, "ethics/my_case.html", context)


@login_required
def my_concern(request, pk: int):
    """A signed-in complainant's view of a concern they raised."""
    case = get_object_or_404(Case, pk=pk, complainant=request.user)
    return render(request, "ethics/my_concern.html", _party_context(case, Party.COMPLAINANT))


@login_required
def member_panel(request):
    """A fragment for the mentor dashboard: sanctions in force and what they ask."""
    effects = [
        (effect, services.next_report_due(effect))
        for effect in SanctionEffect.objects.filter(
            professional=request.user, status=SanctionEffect.Status.ACTIVE
        ).select_related("case")
    ]
    return render(request, "ethics/member_panel.html", {"effects": effects})


@login_required
def evidence_mine(request, pk: int, evidence_pk: int):
    """The professional's own uploads on their case."""
    case = _case_of_professional(request, pk)
    item = get_object_or_404(CaseEvidence, pk=evidence_pk, case=case, from_party=Party.PROFESSIONAL)
    return _file(item)


def _file(item: CaseEvidence):
    return stored_file_response(item.file, kind=item.kind, filename_stem=f"evidence-{item.pk}")


# --- ethics staff --------------------------------------------------------------------------------


@role_required(Role.ETHICS_STAFF)
def staff_dashboard(request):
    form = forms.QueueFilterForm(request.GET or None)
    cases = Case.objects.select_related("owner", "rules", "professional").annotate(
        n_clauses=Count("clauses")
    )
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("stage"):
        cases = cases.filter(stage=filters["stage"])
    else:
        cases = cases.filter(stage__in=Case.OPEN)
    if filters.get("assigned") == "me":
        cases = cases.filter(owner=request.user)
    elif filters.get("assigned") == "nobody":
        cases = cases.filter(owner__isnull=True)
    if filters.get("owner"):
        cases = cases.filter(owner=filters["owner"])
    if filters.get("clause"):
        cases = cases.filter(clauses__identifier=filters["clause"].strip().upper())
    cases = cases.order_by("stage_since", "pk")
    if filters.get("age") == "overdue":
        ids = [c.pk for c in cases if c.overdue()]
        cases = cases.filter(pk__in=ids)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ethics/staff_dashboard.html", {"form": form, "page": page})


def _staff_case(pk: int) -> Case:
    return get_object_or_404(
        Case.objects.select_related("rules", "framework", "owner", "professional", "complainant"),
        pk=pk,
    )


def _case_page(request, case: Case, status: int = 200, **forms_given):
    readable = services.can_read(case, request.user)
    panel = services.open_panel(case)
    seat = PanelMember.objects.filter(panel=panel, member=request.user).first() if panel else None
    appeal = Panel.Kind.APPEAL if case.stage == Case.Stage.APPEAL else None
    context = {
        "case": case,
        "readable": readable,
        "is_owner": case.owner_id == request.user.pk,
        "conflict": services.staff_conflict(request.user, case),
        "jurisdiction": services.jurisdiction_check(case) if readable else [],
        "panel": panel,
        "seat": seat,
        "panels": case.panels.prefetch_related("seats__member", "seats__findings__clause"),
        "decisions": case.decisions.select_related("sanction", "decided_by"),
        "effects": case.effects.all(),
        "tally": services.tally(panel) if panel else None,
        "trail": audit_trail(case, *case.effects.all()),
        "assign_form": forms.AssignForm(),
        "identify_form": forms.IdentifyForm(),
        "investigate_form": forms.InvestigateForm(),
        "panel_form": forms.PanelForm(),
        "request_form": forms.RequestForm(),
        "extend_form": forms.ExtendForm(),
        "note_form": forms.TextForm(label=_("Staff note (never shown to the parties)")),
        "dismiss_form": forms.TextForm(label=_("Reasons for dismissing")),
        "resolve_form": forms.TextForm(label=_("Outcome agreed")),
        "conflict_form": forms.TextForm(label=_("Why you have a conflict")),
        "vote_form": forms.VoteForm(case=case, appeal=bool(appeal)) if seat else None,
        "decide_form": forms.DecideForm(case=case),
        "training_form": (
            forms.TrainingAcceptForm(professional=case.professional) if case.professional else None
        ),
    }
    if readable:
        context.update(
            messages_all=case.messages.select_related("author"),
            notes=case.notes.select_related("author"),
            evidence=case.evidence.all(),
            appeal_record=getattr(case, "appeal", None) if hasattr(case, "appeal") else None,
        )
    context.update(forms_given)
    return render(request, "ethics/staff_case.html", context, status=status)


@role_required(Role.ETHICS_STAFF)
def case_detail(request, pk: int):
    return _case_page(request, _staff_case(pk))


@role_required(Role.ETHICS_STAFF)
def staff_evidence(request, pk: int, evidence_pk: int):
    case = _staff_case(pk)
    if not services.can_read(case, request.user):
        raise Http404
    return _file(get_object_or_404(CaseEvidence, pk=evidence_pk, case=case))


@require_POST
@role_required(Role.ETHICS_STAFF)
def case_act(request, pk: int, action: str):
    """Every staff act on a case: a form validates, a service decides, the page redirects."""
    case = _staff_case(pk)
    user = request.user
    handlers = {
        "assign": (
            forms.AssignForm,
            lambda d: services.case_assign(case=case, owner=d["owner"], by=user),
        ),
        "take": (None, lambda d: services.case_assign(case=case, owner=user, by=user)),
        "identify": (
            forms.IdentifyForm,
            lambda d: services.professional_identify(case=case, by=user, query=d["query"]),
        ),
        "conflict": (
            forms.TextForm,
            lambda d: services.conflict_declare(case=case, staff=user, reason=d["text"]),
        ),
        "dismiss": (
            forms.TextForm,
            lambda d: services.case_dismiss(case=case, by=user, reasons=d["text"]),
        ),
        "resolve": (
            forms.TextForm,
            lambda d: services.case_resolve(case=case, by=user, outcome=d["text"]),
        ),
        "investigate": (
            forms.InvestigateForm,
            lambda d: services.investigation_open(
                case=case, by=user, investigators=d["investigators"]
            ),
        ),
        "request": (
            forms.RequestForm,
            lambda d: services.info_request(case=case, by=user, party=d["party"], text=d["text"]),
        ),
        "extend": (
            forms.ExtendForm,
            lambda d: services.answer_extend(case=case, by=user, days=d["days"]),
        ),
        "note": (forms.TextForm, lambda d: services.note_add(case=case, by=user, text=d["text"])),
        "panel": (
            forms.PanelForm,
            lambda d: services.panel_form(case=case, by=user, members=d["members"]),
        ),
    }
    if action in handlers:
        form_class, act = handlers[action]
        form = form_class(request.POST) if form_class else None
        if form is not None and not form.is_valid():
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
            return redirect("ethics:case", pk=case.pk)
        data = form.cleaned_data if form is not None else {}
    elif action == "vote":
        appeal = case.stage == Case.Stage.APPEAL
        form = forms.VoteForm(request.POST, case=case, appeal=appeal)
        if not form.is_valid():
            return _case_page(request, case, status=400, vote_form=form)

        def act(d):
            return services.vote_record(
                case=case,
                member=user,
                vote=d["vote"],
                findings=form.findings(),
                sanction=d.get("sanction"),
            )

        data = form.cleaned_data
    elif action in ("decide", "appeal_decide"):
        form = forms.DecideForm(request.POST, case=case)
        if not form.is_valid():
            return _case_page(request, case, status=400, decide_form=form)
        service = services.case_decide if action == "decide" else services.appeal_decide

        def act(d):
            return service(
                case=case,
                by=user,
                reasons=d["reasons"],
                sanction=d.get("sanction"),
                terms=form.terms_dict(),
            )

        data = form.cleaned_data
    elif action == "training":
        effect = get_object_or_404(SanctionEffect, pk=request.POST.get("effect") or 0, case=case)
        form = forms.TrainingAcceptForm(request.POST, professional=case.professional)
        if not form.is_valid():
            return _case_page(request, case, status=400, training_form=form)

        def act(d):
            return services.training_accept(effect=effect, by=user, record=d["record"])

        data = form.cleaned_data
    else:
        raise Http404
    try:
        act(data)
    except ValidationError as error:
        flash_service_errors(request, error)
    else:
        messages.success(request, _("Done."))
    return redirect("ethics:case", pk=case.pk)
