"""The periodic upkeep: answer reminders, periods that end, overdue training."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.audit.services import audit_record
from practicum.credentials.models import body_today
from practicum.ethics.loader import current_rules
from practicum.ethics.models import (
    Case,
    ReminderSent,
    SanctionEffect,
)
from practicum.ethics.services._common import (
    Effect,
    Stage,
    _audit,
    _email_professional,
    _send,
    absolute,
)
from practicum.ethics.services.effects import (
    effect_reverse,
)

# --- periodic upkeep -----------------------------------------------------------------------------


def _once(case: Case, key: str) -> bool:
    """True the first time `key` is claimed for `case` (a second run, or two at once, sends
    nothing twice: the unique constraint decides)."""
    try:
        with transaction.atomic():
            ReminderSent.objects.create(case=case, key=key)
    except IntegrityError:
        return False
    return True


def ethics_periodic(*, today: datetime.date | None = None) -> dict[str, int]:
    today = today or body_today()
    counts = {"reminders": 0, "ended": 0, "escalated": 0}
    # Answer reminders before the deadline.
    for case in Case.objects.filter(
        stage=Stage.INVESTIGATION, answered_at__isnull=True, answer_due__isnull=False
    ).select_related("professional", "rules"):
        left = (case.answer_due - today).days
        for days in sorted(case.rules.get("answer", "reminder_days_before", default=[]) or []):
            if 0 <= left <= int(days):
                with transaction.atomic():
                    if _once(case, f"answer:{case.answer_due.isoformat()}:{days}"):
                        _email_professional(case, "answer_reminder", days_left=left)
                        _audit(case, "ethics.reminder_sent", None, days_left=left)
                        counts["reminders"] += 1
                break
    # Periods that end: suspension and probation.
    for effect in SanctionEffect.objects.filter(
        status=SanctionEffect.Status.ACTIVE,
        kind__in=[Effect.SUSPENSION, Effect.PROBATION],
        ends_on__lte=today,
    ):
        with transaction.atomic():
            locked = SanctionEffect.objects.select_for_update().get(pk=effect.pk)
            if locked.status != SanctionEffect.Status.ACTIVE:
                continue
            effect_reverse(
                effect=locked,
                by=None,
                reason=_("The set period has ended."),
                status=SanctionEffect.Status.ENDED,
            )
            counts["ended"] += 1
    # Overdue training escalates to the case owner.
    grace = datetime.timedelta(
        days=int(current_rules().get("training", "escalate_days_after_due", default=0))
    )
    for effect in SanctionEffect.objects.filter(
        status=SanctionEffect.Status.ACTIVE,
        kind=Effect.TRAINING,
        due_on__lt=today - grace,
        escalated_at__isnull=True,
    ).select_related("case", "case__owner"):
        with transaction.atomic():
            updated = SanctionEffect.objects.filter(pk=effect.pk, escalated_at__isnull=True).update(
                escalated_at=timezone.now()
            )
            if not updated:
                continue
            owner = effect.case.owner
            if owner is not None:
                _send(
                    "training_overdue",
                    to=owner.email,
                    language=owner.preferred_language,
                    context={
                        "case": effect.case,
                        "effect": effect,
                        "url": absolute(reverse("ethics:case", args=[effect.case_id])),
                    },
                )
            audit_record(
                actor=None,
                action="ethics.training_overdue",
                subject=effect,
                person=effect.professional,
            )
            counts["escalated"] += 1
    return counts
