"""The mentor's records: supervision sessions (read and write, under the log's rules),
relationships, engagements, training and CPD. A supervisor reads the sessions awaiting their
sign-off without the mentor's reflective text."""

import datetime
from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from practicum.accounts.models import Role
from practicum.api.auth import AUTH, require
from practicum.api.endpoints import Cursor, Id, PathId, responses
from practicum.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageOut, paginate
from practicum.api.problems import Problem
from practicum.api.scopes import Scope
from practicum.institutions.models import training_verification
from practicum.practice import services
from practicum.practice.forms import SessionForm
from practicum.practice.models import (
    CpdEntry,
    MentoringEngagement,
    SupervisionRelationship,
    SupervisionSession,
    TrainingRecord,
)
from practicum.practice.records_forms import CpdForm

router = Router(auth=AUTH, tags=["Records"])

Limit = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
SessionStatus = Literal["pending", "confirmed", "disputed"]
FormatName = Literal["one_to_one", "group", "thematic_lab"]


# --- Schemas ---------------------------------------------------------------------------------


class SignOutSchema(Schema):
    status: SessionStatus
    signed_off_at: datetime.datetime | None
    signed_off_by: str
    dispute_reason: str


class SessionSummary(Schema):
    id: int
    starts_at: datetime.datetime
    duration_minutes: int = Field(..., ge=1, le=24 * 60)
    format: FormatName
    focus: str
    relationship_id: int | None
    supervisor_name: str
    from_attendance: bool
    sign_off: SignOutSchema


class SessionOut(SessionSummary):
    cases_brought: str
    key_learnings: str
    actions: str
    experience: str
    feedback_to_supervisor: str
    competencies: list[int]
    clauses: list[int]


class SessionPage(PageOut):
    items: list[SessionOut]


class SupervisedSession(Schema):
    """What the supervisor sees: the facts to sign off, never the mentor's reflections."""

    id: int
    mentor_name: str
    starts_at: datetime.datetime
    duration_minutes: int = Field(..., ge=1, le=24 * 60)
    format: FormatName
    focus: str
    sign_off: SignOutSchema


class SupervisedPage(PageOut):
    items: list[SupervisedSession]


Text = Field("", max_length=10_000)


class SessionIn(Schema):
    """Status, sign-off and source are the platform's: sending them is refused."""

    model_config = ConfigDict(extra="forbid")

    relationship_id: Id
    starts_at: datetime.datetime
    duration_minutes: int = Field(..., ge=1, le=24 * 60)
    format: FormatName
    focus: str = Field(..., max_length=200)
    cases_brought: str = Text
    key_learnings: str = Text
    actions: str = Text
    experience: str = Text
    feedback_to_supervisor: str = Text
    competencies: list[Id] = Field(default_factory=list, max_length=50)
    clauses: list[Id] = Field(default_factory=list, max_length=200)
    names_checked: bool = Field(
        False, description="Confirms that words flagged as possible client names are not names."
    )


class SessionPatch(Schema):
    model_config = ConfigDict(extra="forbid")

    relationship_id: Id | None = None
    starts_at: datetime.datetime | None = None
    duration_minutes: int | None = Field(None, ge=1, le=24 * 60)
    format: FormatName | None = None
    focus: str | None = Field(None, max_length=200)
    cases_brought: str | None = Field(None, max_length=10_000)
    key_learnings: str | None = Field(None, max_length=10_000)
    actions: str | None = Field(None, max_length=10_000)
    experience: str | None = Field(None, max_length=10_000)
    feedback_to_supervisor: str | None = Field(None, max_length=10_000)
    competencies: list[Id] | None = Field(None, max_length=50)
    clauses: list[Id] | None = Field(None, max_length=200)
    names_checked: bool = False


class RelationshipOut(Schema):
    id: int
    supervisor_name: str
    on_platform: bool
    focus_area: str
    started_on: datetime.date
    ended_on: datetime.date | None


class RelationshipPage(PageOut):
    items: list[RelationshipOut]


class EngagementOut(Schema):
    """Mentees' names and emails and the private notes stay on the site."""

    id: int
    organisation: str
    kind: Literal["internal", "external"]
    started_on: datetime.date
    ended_on: datetime.date | None
    status: Literal["active", "completed", "ended_early"]
    hours: Decimal | None
    confidentiality_agreement: bool


class EngagementPage(PageOut):
    items: list[EngagementOut]


class TrainingOut(Schema):
    id: int
    centre_name: str
    centre_type: Literal["accredited", "endorsed", "non_accredited"]
    programme_name: str
    hours: Decimal
    mode: Literal["in_person", "online", "blended"]
    started_on: datetime.date
    ended_on: datetime.date
    has_evidence: bool
    verified_hours: Decimal | None = Field(
        ..., description="Hours the centre confirmed (Verified by the centre), else null."
    )
    claim_pending: bool = Field(..., description="Waiting for the centre to confirm.")


class TrainingPage(PageOut):
    items: list[TrainingOut]


class CpdOut(Schema):
    id: int
    category: Literal["training", "thematic_lab", "supervision", "other"]
    title: str
    occurred_on: datetime.date
    hours: Decimal
    from_platform: bool
    has_evidence: bool


class CpdPage(PageOut):
    items: list[CpdOut]


class CpdIn(Schema):
    model_config = ConfigDict(extra="forbid")

    category: Literal["training", "thematic_lab", "supervision", "other"]
    title: str = Field(..., max_length=200)
    occurred_on: datetime.date
    hours: Decimal = Field(..., max_digits=6, decimal_places=2)


class SessionFilters(Schema):
    status: SessionStatus | None = None
    format: FormatName | None = None
    relationship_id: Id | None = None
    since: datetime.date | None = Field(None, description="Held on or after this day.")
    until: datetime.date | None = Field(None, description="Held on or before this day.")
    cursor: Cursor = None
    limit: int = Limit


class PageQuery(Schema):
    cursor: Cursor = None
    limit: int = Limit


class SupervisedFilters(PageQuery):
    status: SessionStatus | None = None


# --- Serialisers -----------------------------------------------------------------------------


def _sign_off(session: SupervisionSession) -> dict:
    return {
        "status": session.status,
        "signed_off_at": session.signed_off_at,
        "signed_off_by": session.signed_off_by_name,
        "dispute_reason": session.dispute_reason,
    }


def _session_summary(session: SupervisionSession) -> dict:
    return {
        "id": session.pk,
        "starts_at": session.starts_at,
        "duration_minutes": session.duration_minutes,
        "format": session.format,
        "focus": session.focus,
        "relationship_id": session.relationship_id,
        "supervisor_name": session.supervisor_name,
        "from_attendance": session.is_from_attendance,
        "sign_off": _sign_off(session),
    }


def session_out(session: SupervisionSession) -> dict:
    return {
        **_session_summary(session),
        "cases_brought": session.cases_brought,
        "key_learnings": session.key_learnings,
        "actions": session.actions,
        "experience": session.experience,
        "feedback_to_supervisor": session.feedback_to_supervisor,
        "competencies": [c.pk for c in session.competencies.all()],
        "clauses": [c.pk for c in session.clauses.all()],
    }


def _sessions_of(user):
    return SupervisionSession.objects.filter(mentor=user).select_related(
        "relationship__supervisor", "facilitator"
    )


def _session_for_mentor(user, pk: int) -> SupervisionSession:
    session = _sessions_of(user).filter(pk=pk).prefetch_related("competencies", "clauses").first()
    if session is None:
        raise Http404
    return session


# --- Sessions --------------------------------------------------------------------------------


@router.get("/sessions", response=responses({200: SessionPage}), url_name="sessions")
def session_list(request, filters: Query[SessionFilters]):
    """The caller's supervision log, newest first, with filters and cursor pagination."""
    user = require(request, Scope.RECORDS_READ, Role.MENTOR, pledged=True)
    sessions = _sessions_of(user).prefetch_related("competencies", "clauses")
    if filters.status:
        sessions = sessions.filter(status=filters.status)
    if filters.format:
        sessions = sessions.filter(format=filters.format)
    if filters.relationship_id is not None:
        sessions = sessions.filter(relationship_id=filters.relationship_id)
    zone = timezone.get_current_timezone()
    if filters.since:
        start = datetime.datetime.combine(filters.since, datetime.time.min, tzinfo=zone)
        sessions = sessions.filter(starts_at__gte=start)
    if filters.until and filters.until < datetime.date.max:
        end = datetime.datetime.combine(
            filters.until + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        )
        sessions = sessions.filter(starts_at__lt=end)
    page = paginate(sessions, cursor=filters.cursor, limit=filters.limit, key="starts_at")
    return {"items": [session_out(s) for s in page["items"]], "next_cursor": page["next_cursor"]}


def _form_data(values: dict) -> dict:
    """The page's form input for `values`, so the API runs the very same validation."""
    starts_at = values["starts_at"]
    try:
        if timezone.is_naive(starts_at):
            starts_at = starts_at.replace(tzinfo=datetime.UTC)
        local = timezone.localtime(starts_at)
    except (OverflowError, ValueError) as exc:
        raise Problem(
            422,
            _("Invalid request"),
            _("The start is not a date and time we can record."),
            errors=[{"field": "starts_at", "message": _("Out of range.")}],
        ) from exc
    return {
        "relationship": values["relationship_id"],
        "held_on": local.date().isoformat(),
        "start_time": local.time().isoformat(),
        "duration_minutes": values["duration_minutes"],
        "format": values["format"],
        "focus": values["focus"],
        "cases_brought": values["cases_brought"],
        "key_learnings": values["key_learnings"],
        "actions": values["actions"],
        "experience": values["experience"],
        "feedback_to_supervisor": values["feedback_to_supervisor"],
        "competencies": values["competencies"],
        "clauses": values["clauses"],
    }


def _validated_fields(user, values: dict, names_checked: bool) -> dict:
    form = SessionForm(data=_form_data(values), mentor=user)
    if not form.is_valid():
        errors = [
            {"field": "" if f == "__all__" else f, "message": str(m)}
            for f, messages in form.errors.items()
            for m in messages
        ]
        raise Problem(422, _("Invalid request"), _("Some values are not valid."), errors=errors)
    fields = form.session_fields()
    warnings = services.client_name_warnings(
        " ".join([fields["cases_brought"], fields["focus"]]), mentor=user
    )
    if warnings and not names_checked:
        raise Problem(
            422,
            _("Possible client name"),
            _(
                "This looks like it may hold a client’s name: %(words)s. Remove it, or send "
                "names_checked: true if it is not a name."
            )
            % {"words": ", ".join(warnings)},
            errors=[{"field": "cases_brought", "message": _("Possible client name.")}],
        )
    return fields


@router.post("/sessions", response=responses({201: SessionOut}), url_name="session_create")
def session_create(request, payload: SessionIn):
    """Log a held session; its supervisor is asked to sign it off, as from the page."""
    user = require(request, Scope.RECORDS_WRITE, Role.MENTOR, pledged=True)
    values = payload.model_dump()
    fields = _validated_fields(user, values, payload.names_checked)
    session = services.session_log(mentor=user, **fields)
    return Status(201, session_out(_session_for_mentor(user, session.pk)))


@router.get("/sessions/{session_id}", response=responses({200: SessionOut}), url_name="session")
def session_detail(request, session_id: PathId):
    user = require(request, Scope.RECORDS_READ, Role.MENTOR, pledged=True)
    return session_out(_session_for_mentor(user, session_id))


@router.patch("/sessions/{session_id}", response=responses({200: SessionOut}))
def session_update(request, session_id: PathId, payload: SessionPatch):
    """Change an entry. Changing what the supervisor confirmed asks for a new sign-off."""
    user = require(request, Scope.RECORDS_WRITE, Role.MENTOR, pledged=True)
    session = _session_for_mentor(user, session_id)
    if session.is_from_attendance:
        raise Problem(
            422,
            _("Refused"),
            _("This session was recorded from attendance; its facts are fixed."),
        )
    current = SessionForm.initial_for(session)
    values = {
        "relationship_id": current["relationship"],
        "starts_at": session.starts_at,
        "duration_minutes": current["duration_minutes"],
        "format": current["format"],
        "focus": current["focus"],
        "cases_brought": current["cases_brought"],
        "key_learnings": current["key_learnings"],
        "actions": current["actions"],
        "experience": current["experience"],
        "feedback_to_supervisor": current["feedback_to_supervisor"],
        "competencies": current["competencies"],
        "clauses": current["clauses"],
    }
    changes = payload.model_dump(exclude_unset=True, exclude={"names_checked"})
    values.update({k: v for k, v in changes.items() if v is not None})
    fields = _validated_fields(user, values, payload.names_checked)
    services.session_update(session=session, **fields)
    return session_out(_session_for_mentor(user, session_id))


@router.get("/supervised-sessions", response=responses({200: SupervisedPage}))
def supervised_session_list(request, filters: Query[SupervisedFilters]):
    """Sessions the caller supervises (on the platform): facts and sign-off, no reflections."""
    user = require(request, Scope.RECORDS_READ, Role.SUPERVISOR)
    sessions = SupervisionSession.objects.filter(relationship__supervisor=user).select_related(
        "mentor"
    )
    if filters.status:
        sessions = sessions.filter(status=filters.status)
    page = paginate(sessions, cursor=filters.cursor, limit=filters.limit, key="starts_at")
    return {
        "items": [
            {
                "id": s.pk,
                "mentor_name": s.mentor.get_full_name(),
                "starts_at": s.starts_at,
                "duration_minutes": s.duration_minutes,
                "format": s.format,
                "focus": s.focus,
                "sign_off": _sign_off(s),
            }
            for s in page["items"]
        ],
        "next_cursor": page["next_cursor"],
    }


# --- Relationships, engagements, training, CPD -----------------------------------------------


@router.get("/relationships", response=responses({200: RelationshipPage}))
def relationship_list(request, filters: Query[PageQuery]):
    """The caller's declared supervisors (a session is logged against one of them)."""
    user = require(request, Scope.RECORDS_READ, Role.MENTOR, pledged=True)
    rows = SupervisionRelationship.objects.filter(mentor=user).select_related("supervisor")
    page = paginate(rows, cursor=filters.cursor, limit=filters.limit)
    return {
        "items": [
            {
                "id": r.pk,
                "supervisor_name": r.supervisor_name,
                "on_platform": not r.is_external,
                "focus_area": r.focus_area,
                "started_on": r.started_on,
                "ended_on": r.ended_on,
            }
            for r in page["items"]
        ],
        "next_cursor": page["next_cursor"],
    }


def _engagement_out(e: MentoringEngagement) -> dict:
    return {
        "id": e.pk,
        "organisation": e.organisation,
        "kind": e.kind,
        "started_on": e.started_on,
        "ended_on": e.ended_on,
        "status": e.status,
        "hours": e.hours,
        "confidentiality_agreement": e.confidentiality_agreement,
    }


ENGAGEMENT_FIELDS = [
    "id",
    "organisation",
    "kind",
    "started_on",
    "ended_on",
    "status",
    "hours",
    "confidentiality_agreement",
    "mentor_id",
]


@router.get("/engagements", response=responses({200: EngagementPage}))
def engagement_list(request, filters: Query[PageQuery]):
    user = require(request, Scope.RECORDS_READ, Role.MENTOR, pledged=True)
    rows = MentoringEngagement.objects.filter(mentor=user).only(*ENGAGEMENT_FIELDS)
    page = paginate(rows, cursor=filters.cursor, limit=filters.limit)
    return {
        "items": [_engagement_out(e) for e in page["items"]],
        "next_cursor": page["next_cursor"],
    }


@router.get("/engagements/{engagement_id}", response=responses({200: EngagementOut}))
def engagement_detail(request, engagement_id: PathId):
    user = require(request, Scope.RECORDS_READ, Role.MENTOR, pledged=True)
    engagement = (
        MentoringEngagement.objects.filter(mentor=user, pk=engagement_id)
        .only(*ENGAGEMENT_FIELDS)
        .first()
    )
    if engagement is None:
        raise Http404
    return _engagement_out(engagement)


def _training_out(t: TrainingRecord) -> dict:
    return {
        "id": t.pk,
        "centre_name": t.centre_name,
        "centre_type": t.centre_type,
        "programme_name": t.programme_name,
        "hours": t.hours,
        "mode": t.mode,
        "started_on": t.started_on,
        "ended_on": t.ended_on,
        "has_evidence": bool(t.evidence),
        "verified_hours": t.verified_hours,
        "claim_pending": t.claim_pending,
    }


@router.get("/training", response=responses({200: TrainingPage}))
def training_list(request, filters: Query[PageQuery]):
    user = require(request, Scope.RECORDS_READ, Role.MENTOR, pledged=True)
    records = TrainingRecord.objects.filter(mentor=user).annotate(**training_verification())
    page = paginate(records, cursor=filters.cursor, limit=filters.limit)
    return {"items": [_training_out(t) for t in page["items"]], "next_cursor": page["next_cursor"]}


def _cpd_out(c: CpdEntry) -> dict:
    return {
        "id": c.pk,
        "category": c.category,
        "title": c.title,
        "occurred_on": c.occurred_on,
        "hours": c.hours,
        "from_platform": bool(c.source),
        "has_evidence": bool(c.evidence),
    }


@router.get("/cpd", response=responses({200: CpdPage}))
def cpd_list(request, filters: Query[PageQuery]):
    user = require(request, Scope.RECORDS_READ, Role.MENTOR, pledged=True)
    page = paginate(
        CpdEntry.objects.filter(mentor=user), cursor=filters.cursor, limit=filters.limit
    )
    return {"items": [_cpd_out(c) for c in page["items"]], "next_cursor": page["next_cursor"]}


@router.post("/cpd", response=responses({201: CpdOut}))
def cpd_create(request, payload: CpdIn):
    """Add a line to the CPD ledger (evidence files are uploaded on the site)."""
    user = require(request, Scope.RECORDS_WRITE, Role.MENTOR, pledged=True)
    form = CpdForm(data=payload.model_dump(), instance=CpdEntry(mentor=user))
    if not form.is_valid():
        errors = [
            {"field": "" if f == "__all__" else f, "message": str(m)}
            for f, messages in form.errors.items()
            for m in messages
        ]
        raise Problem(422, _("Invalid request"), _("Some values are not valid."), errors=errors)
    with transaction.atomic():
        entry = form.save()
    return Status(201, _cpd_out(entry))
