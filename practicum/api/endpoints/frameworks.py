"""The body's frameworks by version: public, as on the site."""

import datetime
from typing import Annotated, Any, Literal

from django.db.models import Prefetch
from django.http import Http404
from ninja import Field, Path, Query, Router, Schema

from practicum.api.endpoints import Cursor, responses
from practicum.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageOut, paginate
from practicum.frameworks.models import BehaviouralIndicator, FrameworkVersion

router = Router(tags=["Frameworks"], auth=None)

Kind = Literal["code_of_ethics", "competencies", "readiness_questionnaire"]
Version = Annotated[str, Path(pattern=r"^[A-Za-z0-9._-]{1,16}$")]


class VersionOut(Schema):
    kind: Kind
    version: str
    title: str
    effective_date: datetime.date
    current: bool


class VersionPage(PageOut):
    items: list[VersionOut]


class ClauseOut(Schema):
    id: int
    identifier: str
    group_number: int
    group_name: str
    section_letter: str
    section_title: str
    number: int
    text: str


class SanctionOut(Schema):
    position: int
    name: str
    description: str


class IndicatorOut(Schema):
    id: int
    identifier: str
    text: str


class CompetencyOut(Schema):
    id: int
    number: int
    name: str
    description: str
    indicators: list[IndicatorOut]


class StatementOut(Schema):
    code: str
    position: int
    text: str


class DocumentOut(VersionOut):
    content: dict[str, Any]
    clauses: list[ClauseOut]
    sanctions: list[SanctionOut]
    competencies: list[CompetencyOut]
    statements: list[StatementOut]


class VersionQuery(Schema):
    kind: Kind | None = None
    cursor: Cursor = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _current_ids() -> set[int]:
    current = (FrameworkVersion.objects.current(k) for k in FrameworkVersion.Kind.values)
    return {f.pk for f in current if f is not None}


def _version_out(framework: FrameworkVersion, current: set[int]) -> dict:
    return {
        "kind": framework.kind,
        "version": framework.version,
        "title": framework.title,
        "effective_date": framework.effective_date,
        "current": framework.pk in current,
    }


@router.get("/frameworks", response=responses({200: VersionPage}))
def framework_list(request, filters: Query[VersionQuery]):
    """Every published version, newest first; `current` marks the one in force."""
    versions = FrameworkVersion.objects.defer("content")
    if filters.kind:
        versions = versions.filter(kind=filters.kind)
    page = paginate(versions, cursor=filters.cursor, limit=filters.limit)
    current = _current_ids()
    return {
        "items": [_version_out(f, current) for f in page["items"]],
        "next_cursor": page["next_cursor"],
    }


@router.get("/frameworks/{kind}/{version}", response=responses({200: DocumentOut}))
def framework_detail(request, kind: Kind, version: Version):
    """One version with the rows others cite: clauses and sanctions (Code), competencies and
    indicators, or questionnaire statements. `version` may be `current`."""
    if version == "current":
        framework = FrameworkVersion.objects.current(kind)
    else:
        framework = FrameworkVersion.objects.filter(kind=kind, version=version).first()
    if framework is None:
        raise Http404
    competencies = framework.competencies.prefetch_related(
        Prefetch("indicators", queryset=BehaviouralIndicator.objects.order_by("number"))
    )
    return {
        **_version_out(framework, _current_ids()),
        "content": framework.content,
        "clauses": [
            {
                "id": c.pk,
                "identifier": c.identifier,
                "group_number": c.group_number,
                "group_name": c.group_name,
                "section_letter": c.section_letter,
                "section_title": c.section_title,
                "number": c.number,
                "text": c.text,
            }
            for c in framework.clauses.all()
        ],
        "sanctions": [
            {"position": s.position, "name": s.name, "description": s.description}
            for s in framework.sanctions.all()
        ],
        "competencies": [
            {
                "id": c.pk,
                "number": c.number,
                "name": c.name,
                "description": c.description,
                "indicators": [
                    {"id": i.pk, "identifier": i.identifier, "text": i.text}
                    for i in c.indicators.all()
                ],
            }
            for c in competencies
        ],
        "statements": [
            {"code": s.code, "position": s.position, "text": s.text}
            for s in framework.statements.all()
        ],
    }
