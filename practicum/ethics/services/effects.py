"""Sanctions that act by themselves: applied, ended and reversed; what other apps ask."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts import services as account_services
from practicum.accounts.models import Role, RoleGrant, User
from practicum.accounts.services import sessions_end
from practicum.audit.services import audit_record
from practicum.credentials import services as credential_services
from practicum.credentials.models import Credential, body_today
from practicum.ethics.loader import current_rules
from practicum.ethics.models import (
    Case,
    Decision,
    MonitoringReport,
    SanctionEffect,
)
from practicum.ethics.services._common import (
    Effect,
)
from practicum.frameworks.models import Sanction
from practicum.practice.models import (
    CpdEntry,
    TrainingRecord,
)
from practicum.supervision import services as supervision_services
from practicum.supervision.models import Booking

# --- sanction effects ----------------------------------------------------------------------------


def effect_kind(case: Case, sanction: Sanction) -> str:
    mapping = case.rules.get("sanction_effects", default={}) or {}
    kind = mapping.get(str(sanction.position))
    if kind not in Effect.values:
        raise ValidationError(_("The rules say nothing about this sanction."))
    return kind


def end_login_sessions(user: User) -> int:
    """Sign the user out everywhere (the accounts service that deactivation uses too)."""
    return sessions_end(user_id=user.pk)


def _credential_audit(credential: Credential, event: str, by: User | None, old: dict, new: dict):
    audit_record(
        actor=by,
        action=f"credential.{event}",
        subject=credential,
        person=credential.holder,
        before=old,
        after=new,
    )


def _holds(professional: User, *kinds: str, exclude: SanctionEffect | None = None):
    qs = SanctionEffect.objects.filter(
        professional=professional, kind__in=kinds, status=SanctionEffect.Status.ACTIVE
    )
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def _suspension_end(professional: User, exclude: SanctionEffect | None = None):
    ends = [e.ends_on for e in _holds(professional, Effect.SUSPENSION, exclude=exclude)]
    return max(ends) if ends else None


def _cancel_future_bookings(user: User, reason: str) -> list[int]:
    cancelled = []
    for booking in Booking.objects.upcoming().filter(supervisor=user):
        supervision_services.booking_cancel(booking=booking, by=user, reason=reason)
        cancelled.append(booking.pk)
    return cancelled


def _remove_supervisor_role(user: User) -> bool:
    removed, _n = RoleGrant.objects.filter(user=user, role=Role.SUPERVISOR).delete()
    user.__dict__.pop("roles", None)
    return bool(removed)


def _apply_suspension(effect: SanctionEffect, by: User) -> dict:
    professional = effect.professional
    today = body_today()
    reason = _("Suspended by an ethics decision (case %(ref)s).") % {"ref": effect.case.reference}
    until = max(effect.ends_on, _suspension_end(professional, exclude=effect) or effect.ends_on)
    credentials = []
    for credential in Credential.objects.select_for_update().filter(holder=professional):
        status = credential.status_on(today)
        if status == Credential.Status.ACTIVE:
            credential_services.credential_suspend(
                credential=credential, by=by, reason=reason, until=until
            )
            credentials.append(credential.pk)
        elif status == Credential.Status.SUSPENDED and (
            credential.suspended_until is None or credential.suspended_until < until
        ):
            credential_services.credential_reinstate(credential=credential, by=by, reason=reason)
            credential_services.credential_suspend(
                credential=credential, by=by, reason=reason, until=until
            )
            credentials.append(credential.pk)
    role_removed = _remove_supervisor_role(professional)
    bookings = _cancel_future_bookings(
        professional, _("The supervisor is not available: this session is cancelled.")
    )
    sessions = end_login_sessions(professional)
    return {
        "credentials": credentials,
        "supervisor_role": role_removed,
        "bookings_cancelled": bookings,
        "sessions_ended": sessions,
    }


def _apply_revocation(effect: SanctionEffect, by: User) -> dict:
    professional = User.objects.select_for_update().get(pk=effect.professional_id)
    reason = _("Revoked by an ethics decision (case %(ref)s).") % {"ref": effect.case.reference}
    credentials = {}
    for credential in Credential.objects.select_for_update().filter(holder=professional):
        if credential.status == Credential.Status.REVOKED:
            continue
        credentials[str(credential.pk)] = {
            "status": credential.status,
            "reason": credential.status_reason,
            "suspended_until": (
                credential.suspended_until.isoformat() if credential.suspended_until else None
            ),
        }
        credential_services.credential_revoke(credential=credential, by=by, reason=reason)
    membership = {
        "status": professional.membership_status,
        "valid_until": (
            professional.membership_valid_until.isoformat()
            if professional.membership_valid_until
            else None
        ),
    }
    professional.membership_status = User.Membership.NON_MEMBER
    professional.membership_valid_until = None
    professional.save(update_fields=["membership_status", "membership_valid_until"])
    role_removed = _remove_supervisor_role(professional)
    bookings = _cancel_future_bookings(
        professional, _("The supervisor is not available: this session is cancelled.")
    )
    account_before = professional.account_status
    account_services.account_restrict(user=professional, by=by, reason=reason)
    sessions = end_login_sessions(professional)
    return {
        "credentials": credentials,
        "membership": membership,
        "supervisor_role": role_removed,
        "bookings_cancelled": bookings,
        "account_status": account_before,
        "sessions_ended": sessions,
    }


def _effect_start(
    *, case: Case, decision: Decision, sanction: Sanction, terms: dict, by: User
) -> SanctionEffect:
    kind = effect_kind(case, sanction)
    effect = SanctionEffect.objects.create(
        case=case,
        decision=decision,
        professional=case.professional,
        kind=kind,
        starts_on=body_today(),
        ends_on=terms.get("ends_on"),
        due_on=terms.get("due_on"),
        terms=terms.get("terms", ""),
    )
    if kind == Effect.SUSPENSION:
        effect.applied = _apply_suspension(effect, by)
    elif kind == Effect.REVOCATION:
        effect.applied = _apply_revocation(effect, by)
    effect.save()
    audit_record(
        actor=by,
        action="ethics.sanction_started",
        subject=effect,
        person=effect.professional,
        after={
            "case": case.reference,
            "kind": kind,
            "starts_on": effect.starts_on.isoformat(),
            "ends_on": effect.ends_on.isoformat() if effect.ends_on else None,
            "due_on": effect.due_on.isoformat() if effect.due_on else None,
            "applied": effect.applied,
        },
    )
    return effect


def _restore_credential(credential: Credential, by: User | None, reason: str) -> None:
    """Back to the status it would have without the sanction: active, or expired."""
    today = body_today()
    status = (
        Credential.Status.EXPIRED if credential.expires_on <= today else Credential.Status.ACTIVE
    )
    old = {"status": credential.status, "reason": credential.status_reason}
    credential.status = status
    credential.status_reason = ""
    credential.suspended_until = None
    credential.status_changed_on = today
    credential.save()
    _credential_audit(credential, "reinstated", by, old, {"status": status, "reason": reason})


def _undo_suspension(effect: SanctionEffect, by: User | None, reason: str) -> None:
    professional = effect.professional
    if _holds(professional, Effect.REVOCATION, exclude=effect).exists():
        return  # a revocation holds: nothing comes back
    other_end = _suspension_end(professional, exclude=effect)
    for credential in Credential.objects.select_for_update().filter(
        pk__in=effect.applied.get("credentials", [])
    ):
        if credential.status != Credential.Status.SUSPENDED:
            continue  # lifted already by the credentials' own job at its end date
        if other_end is not None:
            credential.suspended_until = other_end  # another suspension holds: it stays
            credential.save(update_fields=["suspended_until"])
            continue
        _restore_credential(credential, by, reason)
    if effect.applied.get("supervisor_role") and other_end is None:
        RoleGrant.objects.get_or_create(user=professional, role=Role.SUPERVISOR)


def _undo_revocation(effect: SanctionEffect, by: User | None, reason: str) -> None:
    professional = User.objects.select_for_update().get(pk=effect.professional_id)
    applied = effect.applied
    suspended = _suspension_end(professional, exclude=effect)
    for pk in applied.get("credentials", {}):
        credential = Credential.objects.select_for_update().filter(pk=int(pk)).first()
        if credential is None or credential.status != Credential.Status.REVOKED:
            continue
        if suspended is not None:
            old_status = credential.status
            credential.status = Credential.Status.SUSPENDED
            credential.suspended_until = suspended
            credential.save()
            _credential_audit(
                credential,
                "suspended",
                by,
                {"status": old_status},
                {"reason": reason},
            )
        else:
            _restore_credential(credential, by, reason)
    membership = applied.get("membership") or {}
    if membership:
        professional.membership_status = membership.get("status") or User.Membership.NON_MEMBER
        valid = membership.get("valid_until")
        professional.membership_valid_until = datetime.date.fromisoformat(valid) if valid else None
        professional.save(update_fields=["membership_status", "membership_valid_until"])
    if applied.get("supervisor_role") and suspended is None:
        RoleGrant.objects.get_or_create(user=professional, role=Role.SUPERVISOR)
    if applied.get("account_status", User.AccountStatus.ACTIVE) == User.AccountStatus.ACTIVE:
        account_services.account_reinstate(user=professional, by=by, reason=reason)


def effect_reverse(*, effect: SanctionEffect, by: User | None, reason: str, status: str) -> None:
    """End a sanction (its period is over, or it is overturned): undo what it changed, unless
    another sanction in force still holds it."""
    effect = SanctionEffect.objects.select_for_update().get(pk=effect.pk)
    if effect.status not in (SanctionEffect.Status.ACTIVE, SanctionEffect.Status.MET):
        return
    was = effect.status
    effect.status = status
    effect.ended_at = timezone.now()
    effect.end_reason = str(reason)[:500]
    effect.save()
    if was == SanctionEffect.Status.ACTIVE:
        if effect.kind == Effect.SUSPENSION:
            _undo_suspension(effect, by, str(reason))
        elif effect.kind == Effect.REVOCATION:
            _undo_revocation(effect, by, str(reason))
    audit_record(
        actor=by,
        action="ethics.sanction_reversed"
        if status == SanctionEffect.Status.REVERSED
        else "ethics.sanction_ended",
        subject=effect,
        person=effect.professional,
        before={"status": was},
        after={"status": status, "reason": str(reason)},
    )


@transaction.atomic
def training_accept(*, effect: SanctionEffect, by: User, record: str) -> SanctionEffect:
    """Staff accept a training or CPD record ("training:<id>" or "cpd:<id>") of the
    professional as meeting a further-training requirement."""
    effect = SanctionEffect.objects.select_for_update().get(pk=effect.pk)
    if effect.kind != Effect.TRAINING or effect.status != SanctionEffect.Status.ACTIVE:
        raise ValidationError(_("This is not an open training requirement."))
    if not by.has_role(Role.ETHICS_STAFF) or effect.case.owner_id != by.pk:
        raise ValidationError(_("Only the case owner can accept the training."))
    kind, _sep, pk = (record or "").partition(":")
    model = {"training": TrainingRecord, "cpd": CpdEntry}.get(kind)
    if model is None or not pk.isdigit():
        raise ValidationError(_("Choose one of the professional's records."))
    if not model.objects.filter(pk=int(pk), mentor=effect.professional).exists():
        raise ValidationError(_("Choose one of the professional's records."))
    effect.status = SanctionEffect.Status.MET
    effect.met_by = record
    effect.ended_at = timezone.now()
    effect.save()
    audit_record(
        actor=by,
        action="ethics.training_met",
        subject=effect,
        person=effect.professional,
        after={"record": record},
    )
    return effect


@transaction.atomic
def monitoring_report_submit(*, effect: SanctionEffect, by: User, text: str) -> MonitoringReport:
    if effect.professional_id != by.pk:
        raise ValidationError(_("Only the professional on probation submits reports."))
    if effect.kind != Effect.PROBATION or effect.status != SanctionEffect.Status.ACTIVE:
        raise ValidationError(_("There is no probation in force."))
    if not text.strip():
        raise ValidationError(_("Write your report."))
    report = MonitoringReport.objects.create(effect=effect, text=text.strip())
    audit_record(actor=by, action="ethics.monitoring_report", subject=effect, person=by)
    return report


def next_report_due(effect: SanctionEffect) -> datetime.date | None:
    if effect.kind != Effect.PROBATION or effect.status != SanctionEffect.Status.ACTIVE:
        return None
    every = int(effect.case.rules.get("probation", "report_every_days", default=90))
    last = effect.reports.order_by("-submitted_at").first()
    start = last.submitted_at.date() if last else effect.starts_on
    return start + datetime.timedelta(days=every)


# --- what others ask -----------------------------------------------------------------------------


def sanctions_in_force(user: User) -> list[SanctionEffect]:
    return list(
        SanctionEffect.objects.filter(professional=user, status=SanctionEffect.Status.ACTIVE)
    )


def reviewer_flags(user: User) -> list[str]:
    """What a credential reviewer may know about an applicant: an open case, a sanction in
    force; never the content."""
    flags = []
    if (
        Case.objects.filter(professional=user, stage__in=Case.OPEN)
        .exclude(stage=Case.Stage.RECEIVED)
        .exists()
    ):
        flags.append(_("The applicant has an open ethics case."))
    kinds = sorted({e.get_kind_display() for e in sanctions_in_force(user)})
    if kinds:
        flags.append(_("Ethics sanction in force: %(kinds)s.") % {"kinds": ", ".join(kinds)})
    return flags


def application_refusal(user: User) -> str | None:
    """A refusal of a new credential application while a suspension holds (rule data)."""
    rules = current_rules()
    if not rules.get("suspension_blocks_credential_applications", default=False):
        return None
    if _holds(user, Effect.SUSPENSION, Effect.REVOCATION).exists():
        return _("A suspension is in force: you cannot apply for a credential until it ends.")
    return None
