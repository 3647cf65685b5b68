from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from practicum.accounts.models import Role
from practicum.frameworks.access import member_required
from practicum.lib.conflict import Conflict, conflict_response
from practicum.lib.forms import add_service_errors, flash_service_errors
from practicum.practice import services
from practicum.practice.forms import (
    EndRelationshipForm,
    RelationshipForm,
    SessionForm,
    SignOffForm,
)
from practicum.practice.models import SupervisionRelationship, SupervisionSession
from practicum.practice.progress import chart_bars, mentor_progress

PAGE_SIZE = 25


def _get_relationship_for_mentor(request, pk: int) -> SupervisionRelationship:
    return get_object_or_404(SupervisionRelationship, pk=pk, mentor=request.user)


def _get_session_for_mentor(request, pk: int) -> SupervisionSession:
    return get_object_or_404(
        SupervisionSession.objects.select_related("relationship__supervisor", "facilitator"),
        pk=pk,
        mentor=request.user,
    )


def _get_session_for_supervisor(request, pk: int, *, facts: bool = True) -> SupervisionSession:
    """A session the user supervises, or a 404. `facts=False` reads only its status: a decision's
    service locks the row and reads what it needs itself, so the facts would be read twice."""
    sessions = SupervisionSession.objects.filter(relationship__supervisor=request.user)
    if facts:
        # The supervisor's pages show the facts, never the mentor's (encrypted) notes: not read.
        sessions = sessions.select_related("mentor").defer(*services.MENTOR_NOTES)
    else:
        sessions = sessions.only("status")
    return get_object_or_404(sessions, pk=pk)


@member_required(Role.MENTOR)
def mentor_dashboard(request):
    progress = mentor_progress(request.user)
    return render(
        request,
        "practice/mentor_dashboard.html",
        {
            "progress": progress,
            "bars": chart_bars(progress),
        },
    )


# --- Supervisors -----------------------------------------------------------------------------


@member_required(Role.MENTOR)
def relationship_list(request):
    relationships = SupervisionRelationship.objects.filter(mentor=request.user).select_related(
        "supervisor"
    )
    return render(request, "practice/relationship_list.html", {"relationships": relationships})


@member_required(Role.MENTOR)
def relationship_create(request):
    form = RelationshipForm(request.POST or None, mentor=request.user)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "kind"}
        try:
            services.relationship_declare(mentor=request.user, **data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your supervisor is declared."))
            return redirect("practice:relationship_list")
    return render(request, "practice/relationship_form.html", {"form": form})


@member_required(Role.MENTOR)
@require_POST
def relationship_end(request, pk: int):
    relationship = _get_relationship_for_mentor(request, pk)
    return _end(request, relationship, "practice:relationship_list")


@member_required(Role.SUPERVISOR)
@require_POST
def supervisee_end(request, pk: int):
    relationship = get_object_or_404(SupervisionRelationship, pk=pk, supervisor=request.user)
    return _end(request, relationship, "supervision:supervisor_dashboard")


def _end(request, relationship, next_url: str):
    form = EndRelationshipForm(request.POST)
    if form.is_valid():
        try:
            services.relationship_end(
                relationship=relationship, by=request.user, ended_on=form.cleaned_data["ended_on"]
            )
        except ValidationError as error:
            flash_service_errors(request, error)
        else:
            messages.success(request, _("The supervision relationship has ended."))
    else:
        messages.error(request, " ".join(form.errors.get("ended_on", [_("Give a valid date.")])))
    return redirect(next_url)


# --- The supervision log ---------------------------------------------------------------------


# The session's pages show its supervisor's name, never the contract: left unread, it is not
# decrypted on every view.
CONTRACT_DEFERS = (
    "relationship__contract_fees",
    "relationship__contract_logistics",
    "relationship__confidentiality_scope",
    "relationship__confidentiality_limits",
    "relationship__external_address",
)
# The log's rows show none of a session's confidential texts either (25 rows a page).
LIST_DEFERS = (
    "cases_brought",
    "key_learnings",
    "actions",
    "experience",
    "feedback_to_supervisor",
    "dispute_reason",
    *CONTRACT_DEFERS,
)


@member_required(Role.MENTOR)
def session_list(request):
    sessions = (
        SupervisionSession.objects.filter(mentor=request.user)
        .select_related("relationship__supervisor", "facilitator")
        .defer(*LIST_DEFERS)
    )
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "practice/session_list.html", {"page": page})


def _session_form_view(request, *, session: SupervisionSession | None):
    initial = SessionForm.initial_for(session) if session else {}
    form = SessionForm(request.POST or None, mentor=request.user, initial=initial)
    warnings: list[str] = []
    if request.method == "POST" and form.is_valid():
        fields = form.session_fields()
        checked = form.cleaned_data["names_checked"]

        def name_warnings() -> list[str]:
            return services.client_name_warnings(
                " ".join([fields["cases_brought"], fields["focus"]]), mentor=request.user
            )

        # A ticked "not client names" box answers the warnings: they are looked for only if
        # the form comes back (below), where the box shows beside them.
        warnings = [] if checked else name_warnings()
        if warnings:
            form.add_error(
                "cases_brought",
                _(
                    "This looks like it may hold a client’s name: %(words)s. Remove it, or tick "
                    "the box below if it is not a name."
                )
                % {"words": ", ".join(warnings)},
            )
        else:
            try:
                if session is None:
                    session = services.session_log(mentor=request.user, **fields)
                    messages.success(
                        request, _("Logged. Your supervisor has been asked to sign it off.")
                    )
                else:
                    was_confirmed = session.is_locked
                    session = services.session_update(session=session, **fields)
                    if was_confirmed and not session.is_locked:
                        messages.warning(
                            request,
                            _("You changed what was confirmed: it needs a new sign-off."),
                        )
                    else:
                        messages.success(request, _("Saved."))
                return redirect("practice:session_detail", pk=session.pk)
            except ValidationError as error:
                add_service_errors(form, error)
                if checked:
                    warnings = name_warnings()
    elif session is None and "relationship" in form.errors and not _has_supervisor(request):
        return _declare_supervisor_first(request)
    return render(
        request,
        "practice/session_form.html",
        {"form": form, "session": session, "warnings": warnings},
    )


def _has_supervisor(request) -> bool:
    return SupervisionRelationship.objects.filter(mentor=request.user).exists()


def _declare_supervisor_first(request):
    messages.info(request, _("First declare your supervisor: every session is signed off by them."))
    return redirect("practice:relationship_create")


@member_required(Role.MENTOR)
def session_create(request):
    # A POST is not asked first: its form finds the chosen supervisor among the mentor's own,
    # and only a POST that names none asks (`_session_form_view`): one query less a session.
    if request.method != "POST" and not _has_supervisor(request):
        return _declare_supervisor_first(request)
    return _session_form_view(request, session=None)


@member_required(Role.MENTOR)
def session_edit(request, pk: int):
    session = _get_session_for_mentor(request, pk)
    refusal = services.session_edit_refusal(session)
    if refusal:
        messages.info(request, refusal)
        return redirect("practice:session_detail", pk=session.pk)
    return _session_form_view(request, session=session)


@member_required(Role.MENTOR)
def session_detail(request, pk: int):
    session = get_object_or_404(
        SupervisionSession.objects.select_related("relationship__supervisor", "facilitator").defer(
            *CONTRACT_DEFERS
        ),
        pk=pk,
        mentor=request.user,
    )
    return render(
        request,
        "practice/session_detail.html",
        {
            "session": session,
            "competencies": session.competencies.all(),
            "clauses": session.clauses.all(),
        },
    )


# --- Sign-off --------------------------------------------------------------------------------


@member_required(Role.SUPERVISOR)
def sign_off_queue(request):
    pending = (
        SupervisionSession.objects.filter(
            relationship__supervisor=request.user, status=SupervisionSession.Status.PENDING
        )
        .select_related("mentor")
        .only(
            "starts_at",
            "duration_minutes",
            "format",
            "focus",
            "mentor__full_name",
            "mentor__email",
            "relationship",
        )
        .order_by("starts_at")
    )
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "practice/sign_off_queue.html", {"page": page})


def _decide(request, session, *, by=None, link=None, template: str, extra: dict, facts=None):
    """The sign-off form and its decision. `facts`, given when `session` was read without them,
    reads them for the form shown again (an error)."""
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = services.SignOffDecision(
            confirm=form.cleaned_data["decision"] == "confirm",
            reason=form.cleaned_data["reason"],
        )
        try:
            session = services.session_sign_off(
                session=session, decision=decision, by=by, link=link
            )
        except Conflict as conflict:  # another click or tab decided first: 409, not a form error
            back = reverse("practice:sign_off_queue") if by is not None else None
            return conflict_response(request, conflict, back_url=back)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return render(request, "practice/sign_off_done.html", {"session": session, **extra})
    if facts is not None:
        session = facts()
    return render(request, template, {"form": form, "session": session, **extra})


@member_required(Role.SUPERVISOR)
def sign_off_session(request, pk: int):
    # A decision (POST) reads the entry's status only; the page, on GET or with an error, its facts.
    deciding = request.method == "POST"
    session = _get_session_for_supervisor(request, pk, facts=not deciding)
    if session.status != SupervisionSession.Status.PENDING:
        messages.info(request, _("This session has already been signed off."))
        return redirect("practice:sign_off_queue")
    return _decide(
        request,
        session,
        by=request.user,
        template="practice/sign_off_form.html",
        extra={"external": False},
        facts=(lambda: _get_session_for_supervisor(request, pk)) if deciding else None,
    )


def external_sign_off(request, token: str):
    """An external supervisor's emailed link: a page on GET, a decision only on POST."""
    link = services.sign_off_link_for_token(token)
    if link is None:
        raise Http404
    if not link.is_usable or link.session.status != SupervisionSession.Status.PENDING:
        return render(request, "practice/link_expired.html", status=410)
    return _decide(
        request,
        link.session,
        link=link,
        template="practice/sign_off_form.html",
        extra={"external": True, "expires_at": link.expires_at, "now": timezone.now()},
    )
