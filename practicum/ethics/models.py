"""Ethics cases: a concern about a professional, its handling, the panel's decision, the
sanction's effects and the appeal. Confidential text is encrypted at rest."""

import datetime
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practicum.frameworks.models import EthicsClause, FrameworkVersion, Sanction
from practicum.lib.crypto import EncryptedCharField, EncryptedTextField
from practicum.lib.versioned import VersionedDocument


class ProcessRules(VersionedDocument):
    """A version of the ethics process rules (data/rules/<version>.yaml)."""

    class Kind(models.TextChoices):
        PROCESS = "process", _("Ethics process")

    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.PROCESS)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="unique_ethics_rules"),
        ]
        verbose_name = _("ethics process rules")
        verbose_name_plural = _("ethics process rules")

    def get(self, *path, default=None):
        value = self.content
        for key in path:
            if not isinstance(value, dict) or key not in value:
                return default
            value = value[key]
        return value


def evidence_path(instance: "CaseEvidence", filename: str) -> str:
    # The uploaded name is discarded: it may carry personal data.
    return f"ethics/{instance.case_id}/{secrets.token_hex(12)}"


class Relation(models.TextChoices):
    CLIENT = "client", _("Client or mentee")
    SPONSOR = "sponsor", _("Sponsor")
    COLLEAGUE = "colleague", _("Colleague")
    PUBLIC = "public", _("Member of the public")
    OTHER = "other", _("Other")


class Case(models.Model):
    class Stage(models.TextChoices):
        RECEIVED = "received", _("Initial review")
        INVESTIGATION = "investigation", _("Investigation")
        PANEL = "panel", _("Panel")
        DECIDED = "decided", _("Decided")
        APPEAL = "appeal", _("Appeal")
        CLOSED = "closed", _("Closed")
        DISMISSED = "dismissed", _("Dismissed")
        RESOLVED = "resolved", _("Resolved informally")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN = (Stage.RECEIVED, Stage.INVESTIGATION, Stage.PANEL, Stage.DECIDED, Stage.APPEAL)
    ACTIVE = (Stage.RECEIVED, Stage.INVESTIGATION, Stage.PANEL, Stage.APPEAL)

    reference = models.CharField(max_length=24, unique=True)
    rules = models.ForeignKey(ProcessRules, on_delete=models.PROTECT, related_name="cases")
    framework = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.RECEIVED)
    stage_since = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    # Complainant: an account, or a name and address (confidential).
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="concerns_raised",
    )
    complainant_name = EncryptedCharField(max_length=150)
    complainant_email = EncryptedCharField(max_length=254)
    complainant_language = models.CharField(max_length=8, default="en")
    relation = models.CharField(max_length=16, choices=Relation.choices)
    share_identity = models.BooleanField(default=False)
    token_hash = models.CharField(max_length=64, unique=True)
    # The professional: an account when found, else the complainant's description.
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ethics_cases",
    )
    professional_description = EncryptedTextField(blank=True)
    what_happened = EncryptedTextField()
    happened_on = models.DateField()
    clauses = models.ManyToManyField(EthicsClause, blank=True, related_name="+")
    # Handling
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    investigators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    jurisdiction_ok = models.BooleanField(null=True)
    outcome_text = EncryptedTextField(blank=True)  # dismissal reasons or the informal outcome
    answer_due = models.DateField(null=True, blank=True)
    answer = EncryptedTextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    appeal_until = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["stage", "stage_since"]),
            models.Index(fields=["professional", "stage"]),
            models.Index(fields=["owner", "stage"]),
        ]
        ordering = ["-created_at", "-pk"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.stage in self.OPEN

    def age_days(self, now: datetime.datetime | None = None) -> int:
        return ((now or timezone.now()) - self.stage_since).days

    def target_days(self) -> int | None:
        return self.rules.get("stage_target_days", self.stage)

    def overdue(self) -> bool:
        target = self.target_days()
        return target is not None and self.age_days() > target


class CaseEvidence(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path)
    kind = models.CharField(max_length=8)  # pdf, png, jpeg
    from_party = models.CharField(max_length=16)  # complainant, professional
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("case evidence")
        verbose_name_plural = _("case evidence")

    def __str__(self) -> str:
        return f"evidence {self.pk} of {self.case_id}"


class CaseMessage(models.Model):
    """What passes between the case and a party: added information, a request for more,
    an answer. Staff notes are `CaseNote`, never shown to a party."""

    class Party(models.TextChoices):
        COMPLAINANT = "complainant", _("Complainant")
        PROFESSIONAL = "professional", _("Professional")

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information added")
        REQUEST = "request", _("Request for information")
        ANSWER = "answer", _("Answer")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    party = models.CharField(max_length=16, choices=Party.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = EncryptedTextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("case message")
        verbose_name_plural = _("case messages")

    def __str__(self) -> str:
        return f"{self.kind} on {self.case_id}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return f"note on {self.case_id}"


class ConflictDeclaration(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="conflicts")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    reason = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "staff"], name="one_conflict_per_staff"),
        ]
        verbose_name = _("conflict of interest declaration")
        verbose_name_plural = _("conflict of interest declarations")

    def __str__(self) -> str:
        return f"conflict of {self.staff_id} on {self.case_id}"


class Panel(models.Model):
    class Kind(models.TextChoices):
        DECISION = "decision", _("Decision panel")
        APPEAL = "appeal", _("Appeal panel")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="panels")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="PanelMember", related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="one_panel_per_kind"),
        ]
        verbose_name = _("panel")
        verbose_name_plural = _("panels")

    def __str__(self) -> str:
        return f"{self.kind} panel of {self.case_id}"


class PanelMember(models.Model):
    class Vote(models.TextChoices):
        UPHOLD = "uphold", _("Uphold the concern")
        NOT_UPHOLD = "not_uphold", _("Do not uphold")
        # appeal panels
        CONFIRM = "confirm", _("Confirm the decision")
        VARY = "vary", _("Vary the sanction")
        OVERTURN = "overturn", _("Overturn the decision")

    panel = models.ForeignKey(Panel, on_delete=models.CASCADE, related_name="seats")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    vote = models.CharField(max_length=16, choices=Vote.choices, blank=True)
    sanction = models.ForeignKey(
        Sanction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    voted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["panel", "member"], name="one_seat_per_member"),
        ]
        verbose_name = _("panel member")
        verbose_name_plural = _("panel members")

    def __str__(self) -> str:
        return f"seat of {self.member_id} on panel {self.panel_id}"


class Finding(models.Model):
    seat = models.ForeignKey(PanelMember, on_delete=models.CASCADE, related_name="findings")
    clause = models.ForeignKey(EthicsClause, on_delete=models.PROTECT, related_name="+")
    upheld = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["seat", "clause"], name="one_finding_per_clause"),
        ]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"finding on {self.clause_id}"


class Decision(models.Model):
    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Concern upheld")
        NOT_UPHELD = "not_upheld", _("Concern not upheld")
        CONFIRMED = "confirmed", _("Decision confirmed on appeal")
        VARIED = "varied", _("Sanction varied on appeal")
        OVERTURNED = "overturned", _("Decision overturned on appeal")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    # One decision per panel: the database refuses a second (two staff deciding at once).
    panel = models.OneToOneField(Panel, on_delete=models.PROTECT, related_name="decision")
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    sanction = models.ForeignKey(
        Sanction, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    terms = models.JSONField(default=dict, blank=True)
    reasons = EncryptedTextField()
    votes_for = models.PositiveSmallIntegerField()
    votes_cast = models.PositiveSmallIntegerField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["decided_at", "pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.outcome} on {self.case_id}"


class Appeal(models.Model):
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="appeal")
    party = models.CharField(max_length=16, choices=CaseMessage.Party.choices)
    grounds = EncryptedTextField()
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    filed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"appeal on {self.case_id}"


class SanctionEffect(models.Model):
    """A sanction in force on a professional, and what it changed so that it can be undone."""

    class Kind(models.TextChoices):
        WARNING = "warning", _("Warning")
        TRAINING = "training", _("Further training or education")
        PROBATION = "probation", _("Probation")
        SUSPENSION = "suspension", _("Suspension")
        REVOCATION = "revocation", _("Revocation of membership and credentials")
        REFERRAL = "referral", _("Referral for legal action")

    class Status(models.TextChoices):
        ACTIVE = "active", _("In force")
        MET = "met", _("Met")
        ENDED = "ended", _("Ended")
        REVERSED = "reversed", _("Reversed on appeal")

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="effects")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="effects")
    professional = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sanction_effects"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)  # suspension end, probation end
    due_on = models.DateField(null=True, blank=True)  # training due date
    terms = models.CharField(max_length=500, blank=True)  # the training required, authority...
    applied = models.JSONField(default=dict, blank=True)  # what was changed, to undo it
    escalated_at = models.DateTimeField(null=True, blank=True)
    met_by = models.CharField(max_length=64, blank=True)  # "training:12" or "cpd:7"
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["professional", "status"]),
            models.Index(fields=["status", "ends_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="suspension_has_an_end",
                condition=~Q(kind="suspension") | Q(ends_on__isnull=False),
            ),
        ]
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("sanction effect")
        verbose_name_plural = _("sanction effects")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.case})"


class MonitoringReport(models.Model):
    effect = models.ForeignKey(SanctionEffect, on_delete=models.CASCADE, related_name="reports")
    text = EncryptedTextField()
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("monitoring report")
        verbose_name_plural = _("monitoring reports")

    def __str__(self) -> str:
        return f"report on {self.effect_id}"


class ReminderSent(models.Model):
    """A reminder or an escalation sent, at most once per subject and key."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="one_ethics_reminder_per_key"),
        ]
        verbose_name = _("ethics reminder sent")
        verbose_name_plural = _("ethics reminders sent")

    def __str__(self) -> str:
        return f"{self.key} for {self.case_id}"
