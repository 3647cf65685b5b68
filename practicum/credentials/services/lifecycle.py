"""Issued credentials: issue, suspend, reinstate, revoke, expire."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from practicum.accounts.models import User
from practicum.credentials.models import Application, Credential, add_years, body_today
from practicum.credentials.services._common import Event, _audit, _email, absolute, next_number

# --- Issued credentials ----------------------------------------------------------------------


def credential_issue(*, application: Application, by: User | None) -> Credential:
    """Issue the credential an approved application earned. A renewal is a new cycle that
    starts on the old expiry date (renewing early loses no time, renewing late gains none)."""
    today = body_today()
    rules = application.rule_set.rules
    code = rules.code
    renews = application.renews
    valid_from = renews.expires_on if renews else today
    number = next_number(f"credential:{code}:{today.year}")
    credential = Credential.objects.create(
        number=f"IMC-{code}-{today.year}-{number:06d}",
        holder=application.applicant,
        credential_type=application.credential_type,
        rule_set=application.rule_set,
        application=application,
        renewal_of=renews,
        issued_on=today,
        valid_from=valid_from,
        expires_on=add_years(valid_from, rules.validity_years),
    )
    _audit(
        Event.ISSUED,
        actor=by,
        application=application,
        credential=credential,
        new={
            "number": credential.number,
            "valid_from": credential.valid_from,
            "expires_on": credential.expires_on,
            "renews": renews.number if renews else None,
        },
    )
    return credential


def _credential_status_change(
    *,
    credential: Credential,
    by: User | None,
    status: str,
    event: str,
    reason: str,
    until: datetime.date | None = None,
    keep_reason: bool = True,
) -> Credential:
    """Change the stored status; `reason` goes to the audit trail, and stays on the credential
    (shown on the verification page) unless `keep_reason` is off (a reinstatement)."""
    old = {
        "status": credential.status,
        "reason": credential.status_reason,
        "suspended_until": credential.suspended_until,
    }
    credential.status = status
    credential.status_reason = reason.strip() if keep_reason else ""
    credential.status_changed_on = body_today()
    credential.suspended_until = until
    credential.save()
    _audit(
        event,
        actor=by,
        credential=credential,
        application=credential.application,
        old=old,
        new={"status": status, "reason": reason.strip(), "suspended_until": until},
    )
    if event != Event.EXPIRED:
        _email(
            "credential_status",
            to=credential.holder,
            context={
                "credential": credential,
                "url": absolute(reverse("credentials:credential_detail", args=[credential.pk])),
            },
        )
    return credential


@transaction.atomic
def credential_suspend(
    *, credential: Credential, by: User, reason: str, until: datetime.date | None = None
) -> Credential:
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.status_on(body_today()) != Credential.Status.ACTIVE:
        raise ValidationError(_("Only an active credential can be suspended."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the suspension."))
    if until is not None and until <= body_today():
        raise ValidationError(_("The end of the suspension must be after today."))
    return _credential_status_change(
        credential=credential,
        by=by,
        status=Credential.Status.SUSPENDED,
        event=Event.SUSPENDED,
        reason=reason,
        until=until,
    )


@transaction.atomic
def credential_reinstate(*, credential: Credential, by: User, reason: str) -> Credential:
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.status != Credential.Status.SUSPENDED:
        raise ValidationError(_("Only a suspended credential can be reinstated."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for reinstating it."))
    status = (
        Credential.Status.EXPIRED
        if credential.expires_on <= body_today()
        else Credential.Status.ACTIVE
    )
    return _credential_status_change(
        credential=credential,
        by=by,
        status=status,
        event=Event.REINSTATED,
        reason=reason,
        keep_reason=False,
    )


@transaction.atomic
def credential_revoke(*, credential: Credential, by: User, reason: str) -> Credential:
    credential = Credential.objects.select_for_update().get(pk=credential.pk)
    if credential.status == Credential.Status.REVOKED:
        raise ValidationError(_("This credential is already revoked."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the revocation."))
    return _credential_status_change(
        credential=credential,
        by=by,
        status=Credential.Status.REVOKED,
        event=Event.REVOKED,
        reason=reason,
    )


def credentials_expire(*, today: datetime.date | None = None) -> int:
    """The periodic upkeep of statuses: lift suspensions whose set period has ended, then mark
    active credentials past their expiry date as expired. Idempotent: a second run finds
    nothing left to change. Returns the number of credentials changed."""
    today = today or body_today()
    count = 0
    for pk in Credential.objects.suspension_ended(today).values_list("pk", flat=True):
        with transaction.atomic():
            credential = Credential.objects.select_for_update().get(pk=pk)
            if credential.status != Credential.Status.SUSPENDED or not (
                credential.suspended_until and credential.suspended_until <= today
            ):
                continue
            _credential_status_change(
                credential=credential,
                by=None,
                status=Credential.Status.ACTIVE,
                event=Event.REINSTATED,
                reason=_("The suspension's set period has ended."),
                keep_reason=False,
            )
            count += 1
    for pk in Credential.objects.due_to_expire(today).values_list("pk", flat=True):
        with transaction.atomic():
            credential = Credential.objects.select_for_update().get(pk=pk)
            if credential.status != Credential.Status.ACTIVE or credential.expires_on > today:
                continue
            credential.status = Credential.Status.EXPIRED
            credential.status_changed_on = today
            credential.save(update_fields=["status", "status_changed_on"])
            _audit(
                Event.EXPIRED,
                actor=None,
                credential=credential,
                old={"status": Credential.Status.ACTIVE},
                new={"status": Credential.Status.EXPIRED, "expires_on": credential.expires_on},
            )
            count += 1
    return count
