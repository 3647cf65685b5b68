"""Credentialing staff match a training record whose centre was typed in (not picked from the
registry) to a registry centre. Suggestions rank the registry's names by similarity to the
typed name: trigram similarity in PostgreSQL (`pg_trgm`), the same idea in Python on SQLite.
Once linked, the record follows the registry's rules: it keeps the centre's kind on the day the
training ended, and a confirmed graduate of the chosen programme makes it Verified."""

import difflib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import FloatField, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts.models import User
from practicum.audit.services import audit_record
from practicum.institutions.models import Programme, TrainingCentre
from practicum.institutions.services import graduates_match_user
from practicum.lib.conflict import Conflict
from practicum.lib.emails import send_templated_email
from practicum.lib.urls import absolute_reverse
from practicum.practice.models import TrainingRecord

# Below this similarity (0 to 1) a registry centre is not worth suggesting: pg_trgm's own
# default for trigrams; Python's sequence ratio scores unrelated names higher, so it needs more.
MIN_SIMILARITY = 0.3
MIN_PYTHON_SIMILARITY = 0.65
SUGGESTIONS = 5


@dataclass(frozen=True)
class Suggestion:
    centre: TrainingCentre
    similarity: float

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def unmatched_records():
    """Records with a typed-in centre that staff have not yet linked or set aside."""
    return TrainingRecord.objects.filter(centre__isnull=True, registry_checked_at__isnull=True)


def _in_database() -> bool:
    return connection.vendor == "postgresql"


def _python_similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a.casefold().strip(), b.casefold().strip()).ratio()


def centre_suggestions(name: str, *, limit: int = SUGGESTIONS) -> list[Suggestion]:
    """The registry centres whose names are most like `name`, best first."""
    if _in_database():
        from django.contrib.postgres.search import TrigramSimilarity

        centres = (
            TrainingCentre.objects.annotate(similarity=TrigramSimilarity("name", name))
            .filter(similarity__gte=MIN_SIMILARITY)
            .order_by("-similarity", "name")[:limit]
        )
        return [Suggestion(c, float(c.similarity)) for c in centres]
    scored = [Suggestion(c, _python_similarity(c.name, name)) for c in TrainingCentre.objects.all()]
    scored = [s for s in scored if s.similarity >= MIN_PYTHON_SIMILARITY]
    scored.sort(key=lambda s: (-s.similarity, s.centre.name))
    return scored[:limit]


def best_suggestions(records: list[TrainingRecord]) -> dict[int, Suggestion]:
    """The best registry centre for each of `records` (a page of the queue), in a fixed number
    of queries: one subquery per record row in PostgreSQL, one read of the registry on SQLite."""
    if not records:
        return {}
    if _in_database():
        from django.contrib.postgres.search import TrigramSimilarity

        best = (
            TrainingCentre.objects.annotate(
                similarity=TrigramSimilarity("name", OuterRef("centre_name"))
            )
            .filter(similarity__gte=MIN_SIMILARITY)
            .order_by("-similarity", "name")
        )
        rows = TrainingRecord.objects.filter(pk__in=[r.pk for r in records]).annotate(
            best_id=Subquery(best.values("pk")[:1]),
            best_similarity=Subquery(best.values("similarity")[:1], output_field=FloatField()),
        )
        found = {r.pk: (r.best_id, r.best_similarity) for r in rows if r.best_id}
        centres = TrainingCentre.objects.in_bulk([pk for pk, _s in found.values()])
        return {pk: Suggestion(centres[c], float(s)) for pk, (c, s) in found.items()}
    registry = list(TrainingCentre.objects.all())
    result = {}
    for record in records:
        scored = sorted(
            (Suggestion(c, _python_similarity(c.name, record.centre_name)) for c in registry),
            key=lambda s: (-s.similarity, s.centre.name),
        )
        if scored and scored[0].similarity >= MIN_PYTHON_SIMILARITY:
            result[record.pk] = scored[0]
    return result


def _facts(record: TrainingRecord) -> dict:
    return {
        "centre": record.centre.name if record.centre_id else None,
        "centre_name": record.centre_name,
        "programme": record.programme.name if record.programme_id else None,
        "programme_name": record.programme_name,
        "centre_type": record.centre_type,
    }


def _locked(record: TrainingRecord) -> TrainingRecord:
    record = (
        TrainingRecord.objects.select_for_update(of=("self",))
        .select_related("mentor", "centre", "programme")
        .get(pk=record.pk)
    )
    if record.centre_id is not None:
        raise Conflict(_("This training record is already linked to a centre on the registry."))
    if record.registry_checked_at is not None:
        raise Conflict(_("This training record was already set aside: no centre matched."))
    return record


@transaction.atomic
def training_centre_match(
    *,
    record: TrainingRecord,
    centre: TrainingCentre,
    programme: Programme | None,
    by: User,
) -> TrainingRecord:
    """Link the record to a registry centre (and, when known, its programme). The record then
    counts with the centre's kind on its end date; the mentor's graduate record of that
    programme, if the centre has one, makes it Verified. Two staff at once: one link, the other
    a conflict."""
    record = _locked(record)
    if programme is not None and programme.centre_id != centre.pk:
        raise ValidationError(_("Choose a programme of that centre."))
    before = _facts(record)
    record.centre = centre
    record.programme = programme
    record.centre_name = centre.name
    if programme is not None:
        record.programme_name = programme.name
    record.centre_type = centre.kind_on(record.ended_on)
    record.save(
        update_fields=["centre", "programme", "centre_name", "programme_name", "centre_type"]
    )
    audit_record(
        actor=by,
        action="training.centre_matched",
        subject=record,
        person=record.mentor,
        before=before,
        after=_facts(record),
    )
    if programme is not None:
        graduates_match_user(user=record.mentor)
    send_templated_email(
        "practice/email/training_centre_matched",
        recipient=record.mentor,
        context={
            "record": record,
            "centre": centre,
            "url": absolute_reverse("practice:training_list"),
        },
    )
    return record


@transaction.atomic
def training_centre_set_aside(*, record: TrainingRecord, by: User) -> TrainingRecord:
    """No registry centre matches: the record leaves the queue and stays Non-Accredited."""
    record = _locked(record)
    record.registry_checked_at = timezone.now()
    record.save(update_fields=["registry_checked_at"])
    audit_record(
        actor=by,
        action="training.centre_unmatched",
        subject=record,
        person=record.mentor,
        after={"centre_name": record.centre_name},
    )
    return record
