"""Credentials held before the platform: a mentor declares one, credentialing staff verify it
(it becomes an issued credential with the declared number and dates) or decline it."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts.models import Role, User
from practicum.audit.services import audit_record
from practicum.credentials.models import (
    Credential,
    CredentialType,
    DeclaredCredential,
    RuleSet,
    body_today,
)
from practicum.credentials.services._common import _email, absolute
from practicum.lib.conflict import Conflict

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024


def _audit(action: str, *, actor: User, declared: DeclaredCredential, old=None, new=None):
    audit_record(
        actor=actor,
        action=f"declared_credential.{action}",
        subject=declared,
        person=declared.holder,
        before=old,
        after=new,
    )


@transaction.atomic
def declared_credential_submit(
    *,
    holder: User,
    credential_type: CredentialType,
    number: str,
    issued_on: datetime.date,
    valid_from: datetime.date,
    expires_on: datetime.date,
    evidence,
) -> DeclaredCredential:
    """Declare a credential already held; the evidence is checked by its content."""
    from practicum.lib.uploads import validate_evidence

    number = " ".join(number.split()).upper()
    problems = []
    if not number:
        problems.append(_("Give the credential's number."))
    if issued_on > body_today():
        problems.append(_("The issue date cannot be in the future."))
    if expires_on <= valid_from:
        problems.append(_("The expiry date must come after the date it took effect."))
    if valid_from < issued_on - datetime.timedelta(days=366):
        problems.append(_("The credential cannot take effect long before it was issued."))
    if number and Credential.objects.filter(number=number).exists():
        problems.append(_("A credential with this number is already on the platform."))
    if problems:
        raise ValidationError(problems)
    file_type = validate_evidence(evidence, max_bytes=EVIDENCE_MAX_BYTES)
    declared = DeclaredCredential(
        holder=holder,
        credential_type=credential_type,
        number=number,
        issued_on=issued_on,
        valid_from=valid_from,
        expires_on=expires_on,
        evidence_type=file_type,
    )
    evidence.seek(0)
    declared.evidence.save("evidence", evidence, save=False)
    try:
        with transaction.atomic():
            declared.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("You have already declared this credential: it is waiting for verification.")
        ) from exc
    _audit(
        "declared",
        actor=holder,
        declared=declared,
        new={"type": credential_type.code, "number": number, "expires_on": expires_on},
    )
    return declared


def _lock_pending(declared: DeclaredCredential, by: User) -> DeclaredCredential:
    if not by.has_role(Role.CREDENTIALING_STAFF):
        raise ValidationError(_("Only credentialing staff can verify declared credentials."))
    declared = (
        DeclaredCredential.objects.select_for_update(of=("self",))
        .select_related("holder", "credential_type")
        .get(pk=declared.pk)
    )
    if declared.status != DeclaredCredential.Status.PENDING:
        raise Conflict(_("This declaration has already been decided."))
    if declared.holder_id == by.pk:
        raise ValidationError(_("You cannot verify your own declaration."))
    return declared


@transaction.atomic
def declared_credential_verify(*, declared: DeclaredCredential, by: User) -> Credential:
    """Issue the declared credential with the declared number and dates."""
    declared = _lock_pending(declared, by)
    rule_set = RuleSet.objects.current(
        declared.credential_type.code, declared.valid_from
    ) or RuleSet.objects.current(declared.credential_type.code)
    if rule_set is None:
        raise ValidationError(_("No rules are loaded for this credential."))
    if Credential.objects.filter(number=declared.number).exists():
        raise ValidationError(_("A credential with this number is already on the platform."))
    credential = Credential.objects.create(
        number=declared.number,
        holder=declared.holder,
        credential_type=declared.credential_type,
        rule_set=rule_set,
        issued_on=declared.issued_on,
        valid_from=declared.valid_from,
        expires_on=declared.expires_on,
    )
    declared.status = DeclaredCredential.Status.VERIFIED
    declared.credential = credential
    declared.decided_by = by
    declared.decided_at = timezone.now()
    declared.save()
    _audit(
        "verified",
        actor=by,
        declared=declared,
        old={"status": DeclaredCredential.Status.PENDING},
        new={"status": declared.status, "credential": credential.number},
    )
    audit_record(
        actor=by,
        action="credential.issued",
        subject=credential,
        person=credential.holder,
        after={"declared": True, "valid_from": credential.valid_from},
    )
    return credential


@transaction.atomic
def declared_credential_decline(
    *, declared: DeclaredCredential, by: User, reason: str
) -> DeclaredCredential:
    """Decline with a reason the mentor reads on their page (the email links to it)."""
    if not reason.strip():
        raise ValidationError(_("Write the reason for declining: the mentor reads it."))
    declared = _lock_pending(declared, by)
    declared.status = DeclaredCredential.Status.DECLINED
    declared.decline_reason = reason.strip()
    declared.decided_by = by
    declared.decided_at = timezone.now()
    declared.save()
    _audit(
        "declined",
        actor=by,
        declared=declared,
        old={"status": DeclaredCredential.Status.PENDING},
        new={"status": declared.status},
    )
    _email(
        "declared_declined",
        to=declared.holder,
        context={"declared": declared, "url": absolute(reverse("credentials:declare"))},
    )
    return declared
