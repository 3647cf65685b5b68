"""Becoming a supervisor: eligibility against the criteria in force, applications and decisions."""

from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from practicum.accounts.models import Role, User
from practicum.accounts.services import role_grant
from practicum.audit.services import audit_record
from practicum.practice.models import MentoringEngagement, SupervisionSession
from practicum.supervision.models import EligibilityRuleSet, SupervisorApplication
from practicum.supervision.services._common import _email, _url

# --- Becoming a supervisor ----------------------------------------------------------------


def eligibility_evaluate(
    *,
    user: User,
    rule_set: EligibilityRuleSet,
    years_of_practice: int | None = None,
    training_hours: Decimal | None = None,
) -> list[dict]:
    """Each criterion of `rule_set` with the applicant's value and whether it is met."""
    values: dict[str, Callable[[], float | None]] = {
        "years_of_practice": lambda: years_of_practice,
        "supervision_training_hours": lambda: (
            float(training_hours) if training_hours is not None else None
        ),
        "completed_engagements": lambda: MentoringEngagement.objects.filter(
            mentor=user, status=MentoringEngagement.Status.COMPLETED
        ).count(),
        "confirmed_supervision_sessions": lambda: (
            SupervisionSession.objects.filter(mentor=user).counted().count()
        ),
    }
    results = []
    for criterion in rule_set.criteria:
        value = values[criterion["check"]]()
        results.append(
            {
                **criterion,
                "value": value,
                "met": value is not None and value >= criterion["minimum"],
            }
        )
    return results


def _audit(application, *, actor: User, event: str, old: str, note: str = "") -> None:
    after = {"status": application.status}
    if note:
        after["reason"] = note
    audit_record(
        actor=actor,
        action=f"supervisor_application.{event}",
        subject=application,
        person=application.applicant,
        before={"status": old} if old else {},
        after=after,
    )


@transaction.atomic
def application_submit(*, applicant: User, **fields) -> SupervisorApplication:
    """Apply to become a supervisor under the criteria in force; required ones must be met."""
    applicant = User.objects.select_for_update().get(pk=applicant.pk)
    if applicant.has_role(Role.SUPERVISOR):
        raise ValidationError(_("You are already a supervisor."))
    if SupervisorApplication.objects.filter(
        applicant=applicant, status=SupervisorApplication.Status.SUBMITTED
    ).exists():
        raise ValidationError(_("You already have an application awaiting a decision."))
    rule_set = EligibilityRuleSet.objects.current()
    if rule_set is None:
        raise ValidationError(_("Applications are not open yet: no criteria are published."))
    results = eligibility_evaluate(
        user=applicant,
        rule_set=rule_set,
        years_of_practice=fields.get("years_of_practice"),
        training_hours=fields.get("training_hours"),
    )
    unmet = [r["text"] for r in results if r["required"] and not r["met"]]
    if unmet:
        raise ValidationError(
            [
                _("You do not meet this criterion yet: %(criterion)s") % {"criterion": t}
                for t in unmet
            ]
        )
    application = SupervisorApplication(
        applicant=applicant, rule_set=rule_set, eligibility=results, **fields
    )
    application.full_clean(exclude=["applicant", "rule_set"])
    application.save()
    _audit(application, actor=applicant, event="submitted", old="")
    _email(
        "application_received",
        to=applicant,
        context={"url": _url("supervision:application_detail", application.pk)},
    )
    return application


@transaction.atomic
def application_decide(
    *, application: SupervisorApplication, by: User, approve: bool, reason: str = ""
) -> SupervisorApplication:
    """Staff approve (granting the supervisor role) or decline with a reason, once."""
    application = (
        SupervisorApplication.objects.select_for_update()
        .select_related("applicant")
        .get(pk=application.pk)
    )
    if not by.has_role(Role.CREDENTIALING_STAFF, Role.SITE_ADMIN):
        raise ValidationError(_("Only credentialing staff decide applications."))
    if application.applicant_id == by.pk:
        raise ValidationError(_("You cannot decide your own application."))
    if not application.is_open:
        raise ValidationError(_("This application has already been decided."))
    reason = reason.strip()
    if not approve and not reason:
        raise ValidationError(_("Give the applicant a reason for declining."))
    old = application.status
    application.status = (
        SupervisorApplication.Status.APPROVED if approve else SupervisorApplication.Status.DECLINED
    )
    application.decided_by = by
    application.decided_at = timezone.now()
    application.decision_reason = reason
    application.save()
    _audit(application, actor=by, event="approved" if approve else "declined", old=old, note=reason)
    if approve:
        role_grant(user=application.applicant, role=Role.SUPERVISOR, granted_by=by)
    _email(
        "application_decided",
        to=application.applicant,
        context={
            "application": application,
            "approved": approve,
            "url": _url("supervision:profile_edit")
            if approve
            else _url("supervision:application_detail", application.pk),
        },
    )
    return application


# --- Supervisor profiles ------------------------------------------------------------------
