"""Read a mentor's records into the engine's plain facts, in a fixed number of queries."""

import datetime
from collections.abc import Iterable

from django.db.models import Count, Q
from django.utils import timezone

from practicum.credentials.eligibility import (
    CONFIRMED_SESSION,
    PENDING_SESSION,
    CpdFact,
    CredentialFact,
    EngagementFact,
    Records,
    ReferenceFact,
    SessionFact,
    SupervisorFact,
    TrainingFact,
)
from practicum.credentials.models import Credential
from practicum.institutions.models import training_verification
from practicum.lib.dates import user_zone
from practicum.practice.models import (
    CpdEntry,
    MentoringEngagement,
    Reference,
    SupervisionRelationship,
    SupervisionSession,
    TrainingRecord,
)

mentor_zone = user_zone  # one home: practicum.lib.dates


def gather(
    mentor,
    *,
    selection: dict | None = None,
    sessions_since: datetime.date | None = None,
    include_sessions: bool = True,
) -> Records:
    """The mentor's records as facts. `selection` ({"training": [ids], "engagements": [ids],
    "references": [ids], "relationship": id}) narrows them to what an application chose."""
    selection = selection or {}
    zone = mentor_zone(mentor)

    training = TrainingRecord.objects.filter(mentor=mentor).order_by("ended_on", "pk")
    engagements = MentoringEngagement.objects.filter(mentor=mentor).order_by("started_on", "pk")
    references = Reference.objects.filter(engagement__mentor=mentor).order_by("created_at", "pk")
    # A supervisor's fact is their name and whether the relationship is active: the contract's
    # encrypted fields and the supervisor's account are left unread.
    relationships = (
        SupervisionRelationship.objects.filter(mentor=mentor)
        .select_related("supervisor")
        .only(
            "ended_on", "supervisor", "external_name", "supervisor__full_name", "supervisor__email"
        )
    )
    if "training" in selection:
        training = training.filter(pk__in=selection["training"])
    if "engagements" in selection:
        engagements = engagements.filter(pk__in=selection["engagements"])
        references = references.filter(engagement_id__in=selection["engagements"])
    if "references" in selection:
        references = references.filter(pk__in=selection["references"])
    if "relationship" in selection:
        relationships = relationships.filter(pk=selection["relationship"] or 0)

    sessions: tuple[SessionFact, ...] = ()
    if include_sessions:
        rows = SupervisionSession.objects.filter(mentor=mentor).order_by("starts_at", "pk")
        if sessions_since is not None:
            since = datetime.datetime.combine(sessions_since, datetime.time(), tzinfo=zone)
            rows = rows.filter(starts_at__gte=since - datetime.timedelta(days=1))
        sessions = tuple(
            SessionFact(pk, timezone.localtime(starts_at, zone).date(), status)
            for pk, starts_at, status in rows.values_list("pk", "starts_at", "status")
        )
    cpd = CpdEntry.objects.filter(mentor=mentor).order_by("occurred_on", "pk")
    if sessions_since is not None:
        cpd = cpd.filter(occurred_on__gte=sessions_since)

    return Records(
        training=tuple(
            TrainingFact(pk, hours, centre_type, programme, centre, verified)
            for pk, hours, centre_type, programme, centre, verified in training.annotate(
                **training_verification()
            ).values_list(
                "pk", "hours", "centre_type", "programme_name", "centre_name", "verified_hours"
            )
        ),
        engagements=tuple(
            EngagementFact(pk, status, kind, started, ended)
            for pk, status, kind, started, ended in engagements.values_list(
                "pk", "status", "kind", "started_on", "ended_on"
            )
        ),
        references=tuple(
            ReferenceFact(pk, engagement_id, status)
            for pk, engagement_id, status in references.values_list("pk", "engagement_id", "status")
        ),
        sessions=sessions,
        cpd=tuple(
            CpdFact(pk, hours, occurred_on, title)
            for pk, hours, occurred_on, title in cpd.values_list(
                "pk", "hours", "occurred_on", "title"
            )
        ),
        supervisors=tuple(
            SupervisorFact(r.pk, r.supervisor_name, r.ended_on is None) for r in relationships
        ),
        credentials=tuple(
            CredentialFact(pk, code, number, valid_from, expires_on, status)
            for pk, code, number, valid_from, expires_on, status in Credential.objects.filter(
                holder=mentor
            ).values_list(
                "pk",
                "credential_type__code",
                "number",
                "valid_from",
                "expires_on",
                "status",
            )
        ),
    )


def local_midnight(day: datetime.date, zone) -> datetime.datetime:
    """The first instant of `day` on the calendar of `zone`. Where midnight falls in a daylight
    saving gap (clocks jumping from 00:00 to 01:00), fold=0 maps it to the jump itself."""
    return datetime.datetime.combine(day, datetime.time(), tzinfo=zone).astimezone(datetime.UTC)


def session_counts(
    mentor, spans: Iterable[tuple[datetime.date, datetime.date]]
) -> dict[tuple[datetime.date, datetime.date], tuple[int, int]]:
    """(confirmed, pending) sessions per [first day, first day after) of the mentor's calendar,
    in one aggregate bounded to the spans: what `sessions_per_cycle_year` counts from
    `Records.sessions`, without reading every session the mentor ever logged."""
    spans = sorted(set(spans))
    if not spans:
        return {}
    zone = mentor_zone(mentor)
    figures = {}
    for i, (start, end) in enumerate(spans):
        window = Q(
            starts_at__gte=local_midnight(start, zone), starts_at__lt=local_midnight(end, zone)
        )
        figures[f"c{i}"] = Count("pk", filter=window & Q(status=CONFIRMED_SESSION))
        figures[f"p{i}"] = Count("pk", filter=window & Q(status=PENDING_SESSION))
    row = SupervisionSession.objects.filter(
        mentor=mentor,
        starts_at__gte=local_midnight(spans[0][0], zone),
        starts_at__lt=local_midnight(max(end for _start, end in spans), zone),
    ).aggregate(**figures)
    return {span: (row[f"c{i}"], row[f"p{i}"]) for i, span in enumerate(spans)}
