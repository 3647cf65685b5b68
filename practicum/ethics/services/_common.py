"""Shared by the ethics services: the action labels, emails, audit, locks and stages."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from practicum.accounts.models import User
from practicum.audit.services import audit_record, register_actions
from practicum.credentials import services as credential_services
from practicum.ethics.models import (
    Case,
    CaseEvidence,
    CaseMessage,
    PanelMember,
    SanctionEffect,
)
from practicum.lib.emails import enqueue_email
from practicum.lib.uploads import validate_evidence

Stage = Case.Stage
Party = CaseMessage.Party
Vote = PanelMember.Vote
Effect = SanctionEffect.Kind

register_actions(
    {
        "ethics.concern_received": gettext_lazy("Concern received"),
        "ethics.information_added": gettext_lazy("Information added"),
        "ethics.withdrawn": gettext_lazy("Concern withdrawn"),
        "ethics.assigned": gettext_lazy("Case assigned"),
        "ethics.conflict_declared": gettext_lazy("Conflict of interest declared"),
        "ethics.dismissed": gettext_lazy("Concern dismissed"),
        "ethics.resolved": gettext_lazy("Resolved informally"),
        "ethics.investigation_opened": gettext_lazy("Investigation opened"),
        "ethics.info_requested": gettext_lazy("Information requested"),
        "ethics.answered": gettext_lazy("Professional answered"),
        "ethics.extended": gettext_lazy("Answer deadline extended"),
        "ethics.note_added": gettext_lazy("Staff note added"),
        "ethics.panel_formed": gettext_lazy("Panel formed"),
        "ethics.finding": gettext_lazy("Finding recorded"),
        "ethics.vote": gettext_lazy("Vote recorded"),
        "ethics.decided": gettext_lazy("Decision made"),
        "ethics.appeal_filed": gettext_lazy("Appeal filed"),
        "ethics.appeal_decided": gettext_lazy("Appeal decided"),
        "ethics.sanction_started": gettext_lazy("Sanction in force"),
        "ethics.sanction_ended": gettext_lazy("Sanction ended"),
        "ethics.sanction_reversed": gettext_lazy("Sanction reversed"),
        "ethics.training_met": gettext_lazy("Training requirement met"),
        "ethics.training_overdue": gettext_lazy("Training requirement overdue"),
        "ethics.monitoring_report": gettext_lazy("Monitoring report submitted"),
        "ethics.reminder_sent": gettext_lazy("Answer reminder sent"),
    }
)


# --- helpers -------------------------------------------------------------------------------------


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(template: str, *, to: str, language: str, context: dict) -> None:
    """Render ethics/email/<template> in the recipient's language and queue it. Emails say what
    happened and link back; they never carry the concern's text."""
    with translation.override(language or "en"):
        subject = " ".join(
            render_to_string(f"ethics/email/{template}_subject.txt", context).split()
        )
        text = render_to_string(f"ethics/email/{template}.txt", context)
    enqueue_email(to=[to], subject=subject, text=text)


def _email_complainant(case: Case, template: str, **context) -> None:
    url = absolute(reverse("ethics:my_concern", args=[case.pk])) if case.complainant_id else ""
    _send(
        template,
        to=case.complainant_email,
        language=case.complainant_language,
        context={"case": case, "party": Party.COMPLAINANT, "url": url, **context},
    )


def _email_professional(case: Case, template: str, **context) -> None:
    user = case.professional
    _send(
        template,
        to=user.email,
        language=user.preferred_language,
        context={
            "case": case,
            "party": Party.PROFESSIONAL,
            "url": absolute(reverse("ethics:my_case", args=[case.pk])),
            **context,
        },
    )


def _audit(case: Case, action: str, by: User | None, **after) -> None:
    audit_record(
        actor=by,
        action=action,
        subject=case,
        person=case.professional,
        before={"stage": after.pop("before_stage", "")} if "before_stage" in after else {},
        after=after,
    )


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


def _set_stage(case: Case, stage: str) -> None:
    case.stage = stage
    case.stage_since = timezone.now()


def _require_stage(case: Case, *stages: str) -> None:
    if case.stage not in stages:
        raise ValidationError(
            _("This case is at the stage “%(stage)s”: that step is not open now.")
            % {"stage": case.get_stage_display()}
        )


def _next_reference() -> str:
    year = timezone.now().year
    return f"EC-{year}-{credential_services.next_number(f'ethics-case:{year}'):05d}"


def _store_evidence(case: Case, files: Iterable, party: str) -> int:
    rules = case.rules
    files = list(files)
    if len(files) > int(rules.get("intake", "evidence_max_files", default=5)):
        raise ValidationError(
            _("Attach at most %(n)s files.")
            % {"n": rules.get("intake", "evidence_max_files", default=5)}
        )
    max_bytes = int(rules.get("intake", "evidence_max_bytes", default=10 * 1024 * 1024))
    for upload in files:
        kind = validate_evidence(upload, max_bytes=max_bytes)
        upload.seek(0)
        item = CaseEvidence(case=case, kind=kind, from_party=party)
        item.file.save("evidence", ContentFile(upload.read()), save=True)
    return len(files)
