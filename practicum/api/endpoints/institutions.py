"""A training centre's administrators: their centres, programmes, cohorts and graduates, and
recording graduates one at a time or many at once.

Everything is scoped to the centres the caller administers now, through the same helpers as the
pages (another centre's object is a 404). A graduate's name and email are returned as the
cohort page shows them to the administrators; declined claims stay off, as on the pages.
Recording uses the page's form and `graduate_record`; a bulk create runs the CSV import's rules
(`graduate_import.import_rows`): every graduate is saved, or none.
"""

import datetime
from decimal import Decimal
from typing import Literal

from allauth.mfa.utils import is_mfa_enabled
from django.db import IntegrityError
from django.db.models import Count, Q
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from practicum.accounts.models import Role
from practicum.api.auth import AUTH, require
from practicum.api.endpoints import Cursor, Id, PathId, responses
from practicum.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageOut, paginate
from practicum.api.problems import Problem, ProblemOut
from practicum.api.scopes import Scope
from practicum.institutions import graduate_import, services
from practicum.institutions.forms import GraduateForm
from practicum.institutions.models import Cohort, Graduate, Programme, TrainingCentre
from practicum.lib.csv_import import Row

router = Router(auth=AUTH, tags=["Institution"])

Limit = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
Kind = Literal["accredited", "endorsed", "non_accredited"]
CentreStatus = Literal[
    "registered", "applied", "in_review", "recognised", "suspended", "lapsed", "withdrawn"
]
Mode = Literal["in_person", "online", "blended"]
GraduateStatus = Literal["confirmed", "requested"]


# --- Schemas ---------------------------------------------------------------------------------


class CentreOut(Schema):
    id: int
    code: str
    name: str
    kind: Kind
    status: CentreStatus
    country: str
    website: str
    valid_from: datetime.date | None
    valid_until: datetime.date | None


class CentrePage(PageOut):
    items: list[CentreOut]


class ProgrammeOut(Schema):
    id: int
    centre_id: int
    name: str
    hours: Decimal
    mode: Mode
    description: str
    active: bool
    indicators: list[str] = Field(..., description="Competency indicators covered, e.g. 3.4.")
    cohort_count: int
    graduate_count: int


class ProgrammePage(PageOut):
    items: list[ProgrammeOut]


class CohortOut(Schema):
    id: int
    programme_id: int
    started_on: datetime.date
    ended_on: datetime.date
    instructor_name: str
    graduate_count: int


class CohortPage(PageOut):
    items: list[CohortOut]


class GraduateOut(Schema):
    id: int
    programme_id: int
    cohort_id: int | None
    name: str
    email: str
    hours: Decimal
    completed_on: datetime.date
    status: GraduateStatus = Field(
        ..., description="confirmed by the centre, or requested by a mentor (a claim)"
    )
    source: Literal["recorded", "imported", "claim"]
    on_platform: bool = Field(..., description="Matched to a mentor's account.")
    decided_at: datetime.datetime | None


class GraduatePage(PageOut):
    items: list[GraduateOut]


class GraduateItem(Schema):
    """Status, source and the matched account are the platform's: sending them is refused."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(..., max_length=150, examples=["Alex Example"])
    email: str = Field(
        ...,
        max_length=254,
        description="It matches the graduate's account.",
        examples=["alex@example.org"],
    )
    hours: Decimal | None = Field(
        None,
        max_digits=6,
        decimal_places=2,
        description="Default: the programme's hours.",
        examples=["40"],
    )
    completed_on: datetime.date | None = Field(
        None, description="Default: the cohort's end.", examples=["2024-06-30"]
    )


class GraduateIn(GraduateItem):
    cohort_id: Id = Field(..., examples=[1])


class GraduateBulkIn(Schema):
    model_config = ConfigDict(extra="forbid")

    cohort_id: Id = Field(..., examples=[1])
    graduates: list[GraduateItem] = Field(..., min_length=1, max_length=graduate_import.MAX_ROWS)


class GraduateBulkOut(Schema):
    imported: int
    items: list[GraduateOut]


class PageQuery(Schema):
    cursor: Cursor = None
    limit: int = Limit


class ProgrammeFilters(PageQuery):
    centre_id: Id | None = None


class CohortFilters(PageQuery):
    programme_id: Id | None = None


class GraduateFilters(PageQuery):
    status: GraduateStatus | None = None
    programme_id: Id | None = None
    cohort_id: Id | None = None


# --- Access and serialisers ------------------------------------------------------------------


def _admin(request):
    user = require(request, Scope.INSTITUTION, Role.INSTITUTION_ADMIN)
    if not is_mfa_enabled(user):
        raise Problem(403, _("Forbidden"), _("Staff access needs two-factor authentication."))
    return user


def _centres(user):
    return TrainingCentre.objects.administered_by(user)


def _centre_out(c: TrainingCentre) -> dict:
    return {
        "id": c.pk,
        "code": c.code,
        "name": c.name,
        "kind": c.kind,
        "status": c.status,
        "country": c.country,
        "website": c.website,
        "valid_from": c.valid_from,
        "valid_until": c.valid_until,
    }


def _programmes(user):
    return (
        Programme.objects.filter(centre__in=_centres(user))
        .annotate(
            cohort_count=Count("cohorts", distinct=True),
            graduate_count=Count(
                "graduates", filter=Q(graduates__status="confirmed"), distinct=True
            ),
        )
        .prefetch_related("indicators")
    )


def _programme_out(p: Programme) -> dict:
    return {
        "id": p.pk,
        "centre_id": p.centre_id,
        "name": p.name,
        "hours": p.hours,
        "mode": p.mode,
        "description": p.description,
        "active": p.active,
        "indicators": [i.identifier for i in p.indicators.all()],
        "cohort_count": p.cohort_count,
        "graduate_count": p.graduate_count,
    }


def _cohorts(user):
    return Cohort.objects.filter(programme__centre__in=_centres(user)).annotate(
        graduate_count=Count("graduates", filter=Q(graduates__status="confirmed"))
    )


def _cohort_out(c: Cohort) -> dict:
    return {
        "id": c.pk,
        "programme_id": c.programme_id,
        "started_on": c.started_on,
        "ended_on": c.ended_on,
        "instructor_name": c.instructor_name,
        "graduate_count": c.graduate_count,
    }


def _graduates(user):
    return Graduate.objects.filter(programme__centre__in=_centres(user)).exclude(
        status=Graduate.Status.DECLINED
    )


def graduate_out(g: Graduate) -> dict:
    return {
        "id": g.pk,
        "programme_id": g.programme_id,
        "cohort_id": g.cohort_id,
        "name": g.name,
        "email": g.email,
        "hours": g.hours,
        "completed_on": g.completed_on,
        "status": g.status,
        "source": g.source,
        "on_platform": g.user_id is not None,
        "decided_at": g.decided_at,
    }


def _one(queryset, pk: int):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _form_errors(form, prefix: str = "") -> list[dict]:
    return [
        {"field": prefix + ("" if f == "__all__" else f), "message": str(m)}
        for f, messages in form.errors.items()
        for m in messages
    ]


def _form_data(item: GraduateItem) -> dict:
    return {
        "name": item.name,
        "email": item.email,
        "hours": "" if item.hours is None else f"{item.hours:f}",
        "completed_on": item.completed_on.isoformat() if item.completed_on else "",
    }


def _race_lost() -> Problem:
    return Problem(
        409,
        _("Conflict"),
        _("Another request recorded the same graduate at the same moment; nothing was saved."),
    )


# --- Reading ---------------------------------------------------------------------------------


@router.get("/institution/centres", response=responses({200: CentrePage}))
def centre_list(request, filters: Query[PageQuery]):
    """The centres the caller administers."""
    user = _admin(request)
    page = paginate(_centres(user), cursor=filters.cursor, limit=filters.limit)
    return {"items": [_centre_out(c) for c in page["items"]], "next_cursor": page["next_cursor"]}


@router.get("/institution/centres/{centre_id}", response=responses({200: CentreOut}))
def centre_detail(request, centre_id: PathId):
    user = _admin(request)
    return _centre_out(_one(_centres(user), centre_id))


@router.get("/institution/programmes", response=responses({200: ProgrammePage}))
def programme_list(request, filters: Query[ProgrammeFilters]):
    """The programmes of the caller's centres (or of one of them), newest first."""
    user = _admin(request)
    programmes = _programmes(user)
    if filters.centre_id is not None:
        programmes = programmes.filter(centre_id=filters.centre_id)
    page = paginate(programmes, cursor=filters.cursor, limit=filters.limit)
    return {
        "items": [_programme_out(p) for p in page["items"]],
        "next_cursor": page["next_cursor"],
    }


@router.get("/institution/programmes/{programme_id}", response=responses({200: ProgrammeOut}))
def programme_detail(request, programme_id: PathId):
    user = _admin(request)
    return _programme_out(_one(_programmes(user), programme_id))


@router.get("/institution/cohorts", response=responses({200: CohortPage}))
def cohort_list(request, filters: Query[CohortFilters]):
    """The cohorts of the caller's programmes, the latest start first."""
    user = _admin(request)
    cohorts = _cohorts(user)
    if filters.programme_id is not None:
        cohorts = cohorts.filter(programme_id=filters.programme_id)
    page = paginate(cohorts, cursor=filters.cursor, limit=filters.limit, key="started_on")
    return {"items": [_cohort_out(c) for c in page["items"]], "next_cursor": page["next_cursor"]}


@router.get("/institution/cohorts/{cohort_id}", response=responses({200: CohortOut}))
def cohort_detail(request, cohort_id: PathId):
    user = _admin(request)
    return _cohort_out(_one(_cohorts(user), cohort_id))


@router.get("/institution/graduates", response=responses({200: GraduatePage}))
def graduate_list(request, filters: Query[GraduateFilters]):
    """Graduates of the caller's programmes, the latest completion first: confirmed ones and
    mentors' claims awaiting an answer."""
    user = _admin(request)
    graduates = _graduates(user)
    if filters.status:
        graduates = graduates.filter(status=filters.status)
    if filters.programme_id is not None:
        graduates = graduates.filter(programme_id=filters.programme_id)
    if filters.cohort_id is not None:
        graduates = graduates.filter(cohort_id=filters.cohort_id)
    page = paginate(graduates, cursor=filters.cursor, limit=filters.limit, key="completed_on")
    return {"items": [graduate_out(g) for g in page["items"]], "next_cursor": page["next_cursor"]}


# --- Recording graduates ---------------------------------------------------------------------


@router.post(
    "/institution/graduates",
    response=responses({201: GraduateOut, 409: ProblemOut}),
    url_name="graduate_create",
)
def graduate_create(request, payload: GraduateIn):
    """Record one graduate of a cohort, as the cohort page does. When the email is a mentor's,
    their training in the programme shows Verified by the centre (`graduate.verified`)."""
    user = _admin(request)
    cohort = services.cohort_for_admin(user, payload.cohort_id)
    form = GraduateForm(data=_form_data(payload))
    if not form.is_valid():
        raise Problem(
            422, _("Invalid request"), _("Some values are not valid."), errors=_form_errors(form)
        )
    try:
        graduate = services.graduate_record(cohort=cohort, by=user, **form.cleaned_data)
    except IntegrityError as exc:
        raise _race_lost() from exc
    return Status(201, graduate_out(graduate))


@router.post(
    "/institution/graduates/bulk",
    response=responses({201: GraduateBulkOut, 409: ProblemOut}),
)
def graduate_bulk_create(request, payload: GraduateBulkIn):
    """Record many graduates of a cohort at once, with the CSV import's rules: every one is
    saved, or none. Errors name each graduate by its position in `graduates`, from 0."""
    user = _admin(request)
    cohort = services.cohort_for_admin(user, payload.cohort_id)
    rows, errors = [], []
    for index, item in enumerate(payload.graduates):
        form = GraduateForm(data=_form_data(item))
        if not form.is_valid():
            errors.extend(_form_errors(form, f"graduates.{index}."))
            continue
        data = form.cleaned_data
        values = {
            "name": data["name"],
            "email": data["email"],
            "hours": "" if data["hours"] is None else f"{data['hours']:f}",
            "completed_on": data["completed_on"].isoformat() if data["completed_on"] else "",
        }
        rows.append(Row(number=index, values=values))
    if errors:
        raise Problem(422, _("Invalid request"), _("Some values are not valid."), errors=errors)
    try:
        refused, graduates = graduate_import.import_rows(cohort=cohort, by=user, rows=rows)
    except IntegrityError as exc:
        raise _race_lost() from exc
    if refused:
        raise Problem(
            422,
            _("Refused"),
            _("Nothing was saved: some graduates do not pass the checks."),
            errors=[
                {
                    "field": "graduates"
                    + ("" if e["row"] is None else f".{e['row']}")
                    + (f".{e['column']}" if e["column"] else ""),
                    "message": e["message"],
                }
                for e in refused
            ],
        )
    return Status(201, {"imported": len(graduates), "items": [graduate_out(g) for g in graduates]})


# After /bulk: a path parameter would match that word too.
@router.get("/institution/graduates/{graduate_id}", response=responses({200: GraduateOut}))
def graduate_detail(request, graduate_id: PathId):
    user = _admin(request)
    return graduate_out(_one(_graduates(user), graduate_id))
