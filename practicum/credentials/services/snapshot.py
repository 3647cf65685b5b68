"""The evidence snapshot frozen at submission, and the records it cites."""

import json
from collections.abc import Iterable

from django.core.files.base import ContentFile
from django.utils import timezone

from practicum.credentials.eligibility import Evaluation
from practicum.credentials.evidence import mentor_zone
from practicum.credentials.models import Application, ApplicationDocument, CitedRecord
from practicum.credentials.rules import Rules
from practicum.credentials.services._common import _json
from practicum.lib.translations import active_language
from practicum.practice.models import (
    CpdEntry,
    MentoringEngagement,
    Reference,
    SupervisionRelationship,
    SupervisionSession,
    TrainingRecord,
)


def _snapshot(application: Application, evaluation: Evaluation, rules: Rules) -> dict:
    """The evidence counted, with every field the body's page asks for, frozen."""
    applicant = application.applicant
    ids = evaluation.counted_ids()
    draft = application.draft
    doc: dict = {
        "credential": {
            "code": rules.code,
            "name": rules.name,
            "version": rules.version,
            "kind": application.kind,
        },
        "applicant": {
            "name": applicant.get_full_name(),
            "email": applicant.email,
            "membership_number": applicant.membership_number,
        },
    }
    if application.kind == Application.Kind.INITIAL:
        doc["training"] = [
            {
                "id": t.pk,
                "centre_name": t.centre_name,
                "centre_type": t.centre_type,
                "programme_name": t.programme_name,
                "hours": str(t.hours),
                "mode": t.mode,
                "started_on": t.started_on.isoformat(),
                "ended_on": t.ended_on.isoformat(),
                "instructor_name": t.instructor_name,
                "instructor_email": t.instructor_email,
                "evidence_type": t.evidence_type if t.evidence else "",
            }
            for t in TrainingRecord.objects.filter(
                mentor=applicant, pk__in=ids.get("training", [])
            ).order_by("started_on", "pk")
        ]
        chosen_refs = set(ids.get("reference", []))
        engagements = MentoringEngagement.objects.filter(
            mentor=applicant, pk__in=ids.get("engagement", [])
        ).order_by("started_on", "pk")
        references: dict[int, list] = {}
        for ref in Reference.objects.filter(pk__in=chosen_refs, engagement__mentor=applicant):
            references.setdefault(ref.engagement_id, []).append(
                {
                    "id": ref.pk,
                    "referee_name": ref.referee_name,
                    "referee_email": ref.referee_email,
                    "relation": ref.relation,
                    "status": ref.status,
                    "responded_at": ref.responded_at.isoformat() if ref.responded_at else None,
                    "corrected_started_on": (
                        ref.corrected_started_on.isoformat() if ref.corrected_started_on else None
                    ),
                    "corrected_ended_on": (
                        ref.corrected_ended_on.isoformat() if ref.corrected_ended_on else None
                    ),
                    "comment": ref.referee_comment,
                }
            )
        doc["engagements"] = [
            {
                "id": e.pk,
                "mentee_name": e.mentee_name,
                "mentee_email": e.mentee_email,
                "organisation": e.organisation,
                "kind": e.kind,
                "started_on": e.started_on.isoformat(),
                "ended_on": e.ended_on.isoformat() if e.ended_on else None,
                "status": e.status,
                "hours": str(e.hours) if e.hours is not None else None,
                "confidentiality_agreement": e.confidentiality_agreement,
                "references": references.get(e.pk, []),
            }
            for e in engagements
        ]
    else:
        credential = application.renews
        doc["renews"] = {
            "number": credential.number,
            "valid_from": credential.valid_from.isoformat(),
            "expires_on": credential.expires_on.isoformat(),
        }
        zone = mentor_zone(applicant)
        doc["sessions"] = [
            {
                "id": s.pk,
                "day": timezone.localtime(s.starts_at, zone).date().isoformat(),
                "duration_minutes": s.duration_minutes,
                "format": s.format,
                "supervisor": s.supervisor_name,
                "status": s.status,
                "signed_off_by": s.signed_off_by_name,
            }
            for s in SupervisionSession.objects.filter(
                mentor=applicant, pk__in=ids.get("session", [])
            )
            .select_related("relationship__supervisor", "facilitator")
            .order_by("starts_at")
        ]
        doc["cpd"] = [
            {
                "id": c.pk,
                "title": c.title,
                "category": c.category,
                "occurred_on": c.occurred_on.isoformat(),
                "hours": str(c.hours),
            }
            for c in CpdEntry.objects.filter(mentor=applicant, pk__in=ids.get("cpd", [])).order_by(
                "occurred_on"
            )
        ]
    relationship = (
        SupervisionRelationship.objects.select_related("supervisor")
        .filter(mentor=applicant, pk=draft.get("relationship") or 0)
        .first()
    )
    if relationship is not None:
        doc["supervisor"] = {
            "id": relationship.pk,
            "name": relationship.supervisor_name,
            "email": relationship.supervisor_email,
            "address": draft.get("supervisor_address", "").strip(),
            "focus_area": relationship.focus_area,
            "on_platform": not relationship.is_external,
            "started_on": relationship.started_on.isoformat(),
        }
    doc["declaration"] = {"text": rules.declaration}
    shown = application.rule_set.local_rules.declaration
    if shown != rules.declaration:
        # The applicant read and ticked it in their language: the record keeps both, the
        # version's own text first.
        doc["declaration"]["shown"] = {"language": active_language(), "text": shown}
    return json.loads(_json(doc))


CITED_KINDS = {
    "training": "training",
    "engagement": "engagement",
    "relationship": "relationship",
    "session": "session",
    "cpd": "cpd",
}


def _cite(application: Application, evaluation: Evaluation) -> None:
    ids = evaluation.counted_ids()
    engagements = set(ids.get("engagement", []))
    for counted in (r for result in evaluation.results for r in result.counted):
        if counted.kind == "reference":
            engagements.add(counted.facts["engagement_id"])
    rows = {("engagement", pk) for pk in engagements}
    for kind, values in ids.items():
        if kind in CITED_KINDS and kind != "engagement":
            rows.update((CITED_KINDS[kind], pk) for pk in values)
    CitedRecord.objects.bulk_create(
        CitedRecord(application=application, kind=kind, record_id=pk) for kind, pk in sorted(rows)
    )


def _copy_training_evidence(application: Application, training_ids: Iterable[int]) -> None:
    """The certificate as submitted: a later replacement in the records does not change it."""
    for record in TrainingRecord.objects.filter(pk__in=list(training_ids)).exclude(evidence=""):
        try:
            with record.evidence.open("rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            continue
        document = ApplicationDocument(
            application=application,
            purpose=ApplicationDocument.Purpose.TRAINING_EVIDENCE,
            source_record_id=record.pk,
            file_type=record.evidence_type,
        )
        document.file.save("evidence", ContentFile(content), save=False)
        document.save()
