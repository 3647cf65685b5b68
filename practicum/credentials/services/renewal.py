"""Renewal reminders before a credential expires."""

import datetime

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation

from practicum.credentials import eligibility
from practicum.credentials.evidence import gather
from practicum.credentials.models import (
    Application,
    Credential,
    RenewalReminder,
    RuleSet,
    body_today,
)
from practicum.credentials.services._common import Event, Status, _audit, _email, absolute
from practicum.credentials.services.standing import cycle_of

# --- Renewal reminders -----------------------------------------------------------------------


def _reminder_due(
    credential: Credential, today: datetime.date, days: tuple[int, ...]
) -> int | None:
    """The threshold due today: the smallest one not yet passed (a credential issued with 25
    days left gets the 30-day reminder, not also the 90-day one)."""
    left = (credential.expires_on - today).days
    if left <= 0:
        return None
    due = [d for d in days if left <= d]
    return min(due) if due else None


def renewal_reminders_send(*, today: datetime.date | None = None) -> int:
    """Send the renewal reminders due (90, 30 and 7 days before expiry, as the rules say), each
    at most once per credential: the sent reminder is a row under a unique constraint."""
    today = today or body_today()
    sent = 0
    horizon = max(
        (max(rs.rules.renewal.reminder_days, default=0) for rs in RuleSet.objects.all()),
        default=0,
    )
    candidates = (
        Credential.objects.valid_on(today)
        .filter(expires_on__lte=today + datetime.timedelta(days=horizon), renewed_by__isnull=True)
        .select_related("holder", "credential_type", "rule_set")
    )
    for credential in candidates:
        rule_set = RuleSet.objects.current(credential.credential_type.code, today) or (
            credential.rule_set
        )
        rules = rule_set.rules
        threshold = _reminder_due(credential, today, rules.renewal.reminder_days)
        if threshold is None:
            continue
        if Application.objects.filter(renews=credential).exclude(status=Status.DRAFT).exists():
            continue  # already renewing
        if RenewalReminder.objects.filter(credential=credential, days_before=threshold).exists():
            continue
        records = gather(credential.holder, sessions_since=credential.valid_from)
        evaluation = eligibility.evaluate(
            rules.renewal.requirements, records, today=today, cycle=cycle_of(credential)
        )
        try:
            with transaction.atomic():
                RenewalReminder.objects.create(credential=credential, days_before=threshold)
                _audit(
                    Event.REMINDED,
                    actor=None,
                    credential=credential,
                    new={"days_before": threshold},
                )
                with translation.override(credential.holder.preferred_language):
                    missing = evaluation.missing
                _email(
                    "renewal_reminder",
                    to=credential.holder,
                    context={
                        "credential": credential,
                        "days": (credential.expires_on - today).days,
                        "missing": missing,
                        "url": absolute(
                            reverse("credentials:credential_detail", args=[credential.pk])
                        ),
                    },
                )
        except IntegrityError:
            continue  # another run sent it a moment ago
        sent += 1
    return sent
