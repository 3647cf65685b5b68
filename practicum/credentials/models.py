"""Credentials: rule sets as versioned data, applications, payments, review, issued credentials.

Rule sets are loaded from `data/rules/*.yaml` (see loader.py): a published version never
changes; a change is a new version. An application freezes the evidence it was judged on
(`snapshot`, encrypted: it names mentees and referees). Issued credentials are never edited
in place except for their status (suspension, revocation, expiry), and every change writes an
`practicum.audit` entry.
"""

import datetime
import secrets
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from practicum.credentials.rules import Rules
from practicum.lib.crypto import EncryptedTextField
from practicum.lib.dates import add_years  # noqa: F401 (re-exported: callers import it from here)
from practicum.lib.versioned import forget_current


def body_today() -> datetime.date:
    """The body's calendar day (UTC): deadlines and expiry do not depend on the viewer's zone."""
    return timezone.now().astimezone(datetime.UTC).date()


def new_verification_code() -> str:
    return secrets.token_urlsafe(16)


def document_path(instance, filename: str) -> str:
    # The uploaded name may carry personal data: it is not kept in the path.
    return f"credentials/{instance.application.applicant.public_id}/{secrets.token_hex(12)}"


class TrainingSource(models.TextChoices):
    """Where the training counted by an application came from: it sets the review time."""

    ACCREDITED = "accredited", _("Accredited")
    ENDORSED = "endorsed", _("Endorsed")
    NON_ACCREDITED = "non_accredited", _("Non-Accredited")


class Sequence(models.Model):
    """A counter per name (e.g. "credential:CMM:2026"), taken under a row lock."""

    name = models.CharField(max_length=64, unique=True)
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")

    def __str__(self) -> str:
        return f"{self.name} = {self.last}"


class CredentialType(models.Model):
    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["code"]
        verbose_name = _("credential type")
        verbose_name_plural = _("credential types")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class RuleSetQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date | None = None):
        """The version of each type in force on `on`: the latest whose effective date has come."""
        on = on or body_today()
        rows = self.filter(effective_date__lte=on).order_by(
            "credential_type_id", "-effective_date", "-loaded_at"
        )
        keep, seen = [], set()
        for pk, type_id in rows.values_list("pk", "credential_type_id"):
            if type_id not in seen:
                seen.add(type_id)
                keep.append(pk)
        return (
            self.filter(pk__in=keep)
            .select_related("credential_type")
            .order_by("credential_type__code")
        )

    def current(self, code: str, on: datetime.date | None = None) -> "RuleSet | None":
        on = on or body_today()
        return (
            self.filter(credential_type__code=code, effective_date__lte=on)
            .select_related("credential_type")
            .order_by("-effective_date", "-loaded_at")
            .first()
        )


class RuleSet(models.Model):
    """One published version of a credential type's rules (the YAML file, as loaded)."""

    credential_type = models.ForeignKey(
        CredentialType, on_delete=models.PROTECT, related_name="rule_sets"
    )
    version = models.CharField(max_length=16)
    effective_date = models.DateField()
    rules_are_ours = models.BooleanField(default=False)
    content = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64)
    # {lang: overlay} from CMM-1.1.<lang>.yaml (lib.translations), outside content_hash.
    translations = models.JSONField(default=dict, blank=True)
    loaded_at = models.DateTimeField(default=timezone.now)

    objects = RuleSetQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["credential_type", "version"], name="unique_rule_set_version"
            ),
        ]
        indexes = [models.Index(fields=["credential_type", "effective_date"])]
        ordering = ["credential_type", "-effective_date"]
        verbose_name = _("credential rule set")
        verbose_name_plural = _("credential rule sets")

    def __str__(self) -> str:
        return f"{self.credential_type.code} rules {self.version}"

    @property
    def code(self) -> str:
        return self.credential_type.code

    @property
    def name(self) -> str:
        return self.credential_type.name

    @cached_property
    def rules(self) -> Rules:
        return Rules.from_content(self.content, str(self))

    @property
    def local_rules(self) -> Rules:
        """The rules with their texts (description, declaration) in the reader's language: what
        pages show. Services and records use `rules`, the version as published."""
        from practicum.lib.translations import active_language, localized_content

        if not self.translations:
            return self.rules
        cache = self.__dict__.setdefault("_local_rules", {})
        lang = active_language()
        if lang not in cache:
            cache[lang] = Rules.from_content(localized_content(self, lang), str(self))
        return cache[lang]


def _forget_rule_sets(sender, **kwargs) -> None:
    # The rule sets in force are kept per process (services.standing.rule_sets_in_force).
    forget_current()


for _model in (RuleSet, CredentialType):
    post_save.connect(_forget_rule_sets, sender=_model, dispatch_uid=f"forget_{_model.__name__}")
    post_delete.connect(_forget_rule_sets, sender=_model, dispatch_uid=f"drop_{_model.__name__}")


# --- Applications --------------------------------------------------------------------------


class ApplicationQuerySet(models.QuerySet):
    def submitted(self):
        return self.exclude(status=Application.Status.DRAFT)

    def open(self):
        return self.filter(status__in=Application.OPEN)

    def under_clock(self):
        """Applications whose review clock runs: paid, not paused, not decided."""
        return self.filter(status=Application.Status.IN_REVIEW)

    def overdue(self, today: datetime.date):
        return self.under_clock().filter(target_date__lt=today)

    def due_soon(self, today: datetime.date, days: int):
        return self.under_clock().filter(
            target_date__gte=today, target_date__lte=today + datetime.timedelta(days=days)
        )


class Application(models.Model):
    class Kind(models.TextChoices):
        INITIAL = "initial", _("First application")
        RENEWAL = "renewal", _("Renewal")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        IN_REVIEW = "in_review", _("In review")
        INFO_REQUESTED = "info_requested", _("More information requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    OPEN = (Status.AWAITING_PAYMENT, Status.IN_REVIEW, Status.INFO_REQUESTED)
    DECIDABLE = (Status.IN_REVIEW, Status.INFO_REQUESTED)
    # Applications whose cited records the mentor may not delete (see apps.py).
    CITING = (*OPEN, Status.APPROVED)

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credential_applications"
    )
    credential_type = models.ForeignKey(
        CredentialType, on_delete=models.PROTECT, related_name="applications"
    )
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="applications")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.INITIAL)
    renews = models.ForeignKey(
        "Credential", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    reference = models.CharField(max_length=24, blank=True)
    # The wizard's choices (record ids, the supervisor's address): no client data.
    draft = models.JSONField(default=dict, blank=True)
    # What was submitted, frozen: names mentees and referees, hence encrypted (JSON text).
    snapshot = EncryptedTextField(blank=True)
    eligibility = models.JSONField(default=dict, blank=True)
    declared_at = models.DateTimeField(null=True, blank=True)
    # Fee as fixed at submission, by type and membership.
    member_at_submission = models.BooleanField(default=False)
    fee_amount = models.DecimalField(max_digits=8, decimal_places=2, null=True, blank=True)
    fee_currency = models.CharField(max_length=3, blank=True)
    # The review clock: it starts when payment is recorded and pauses while the applicant is
    # asked for more; the target date moves by the days paused.
    training_source = models.CharField(max_length=16, choices=TrainingSource.choices, blank=True)
    review_days = models.PositiveSmallIntegerField(null=True, blank=True)
    clock_started_at = models.DateTimeField(null=True, blank=True)
    paused_since = models.DateField(null=True, blank=True)
    paused_days = models.PositiveIntegerField(default=0)
    target_date = models.DateField(null=True, blank=True)
    audit_selected = models.BooleanField(default=False)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_applications",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reasons = EncryptedTextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reference"], condition=~Q(reference=""), name="unique_application_ref"
            ),
            models.UniqueConstraint(
                fields=["applicant", "credential_type", "kind"],
                condition=Q(status="draft"),
                name="one_draft_per_type_and_kind",
            ),
            models.UniqueConstraint(
                fields=["applicant", "credential_type", "kind"],
                condition=Q(status__in=["awaiting_payment", "in_review", "info_requested"]),
                name="one_open_application_per_type_and_kind",
            ),
            models.CheckConstraint(
                name="renewal_names_its_credential",
                condition=(Q(kind="renewal") & Q(renews__isnull=False))
                | (Q(kind="initial") & Q(renews__isnull=True)),
            ),
            models.CheckConstraint(
                name="submitted_application_has_a_reference",
                condition=Q(status="draft") | ~Q(reference=""),
            ),
            models.CheckConstraint(
                name="decided_application_has_a_decision_time",
                condition=~Q(status__in=["approved", "rejected"]) | Q(decided_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "target_date"]),
            models.Index(fields=["applicant", "status"]),
            models.Index(fields=["assigned_to", "status"]),
        ]
        ordering = ["-created_at"]
        verbose_name = _("credential application")
        verbose_name_plural = _("credential applications")

    def __str__(self) -> str:
        return self.reference or f"draft {self.credential_type.code} application {self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None

    def days_left(self, today: datetime.date) -> int | None:
        if self.target_date is None:
            return None
        return (self.target_date - today).days


class CitedRecord(models.Model):
    """A practice record a submitted application cites (by the kind names of practice.erasure)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="cited")
    kind = models.CharField(max_length=16)
    record_id = models.PositiveBigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind", "record_id"], name="unique_cited_record"
            ),
        ]
        indexes = [models.Index(fields=["kind", "record_id"])]
        verbose_name = _("cited record")
        verbose_name_plural = _("cited records")

    def __str__(self) -> str:
        return f"{self.application} cites {self.kind} {self.record_id}"


class InfoRequest(models.Model):
    """Staff ask the applicant for more; the review clock pauses until the answer."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="info_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = EncryptedTextField()
    for_audit = models.BooleanField(default=False)
    requested_at = models.DateTimeField(default=timezone.now)
    answer = EncryptedTextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(answered_at__isnull=True),
                name="one_open_info_request",
            ),
        ]
        ordering = ["requested_at"]
        verbose_name = _("information request")
        verbose_name_plural = _("information requests")

    def __str__(self) -> str:
        return f"request on {self.application} at {self.requested_at:%Y-%m-%d}"


class ApplicationDocument(models.Model):
    """A file attached to an application: evidence copied at submission, or uploaded later."""

    class Purpose(models.TextChoices):
        TRAINING_EVIDENCE = "training", _("Training evidence (as submitted)")
        ANSWER = "answer", _("Further evidence")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    info_request = models.ForeignKey(
        InfoRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="documents"
    )
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    source_record_id = models.PositiveBigIntegerField(null=True, blank=True)
    file = models.FileField(upload_to=document_path)
    file_type = models.CharField(max_length=8)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} for {self.application}"


class ApplicationNote(models.Model):
    """A note between staff on an application; never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = EncryptedTextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("application note")
        verbose_name_plural = _("application notes")

    def __str__(self) -> str:
        return f"note on {self.application}"


class ReferenceContact(models.Model):
    """Staff contacted a referee themselves, by phone or email, and say what came of it."""

    class Method(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("Email")

    class Outcome(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed the engagement")
        NOT_REACHED = "not_reached", _("Could not be reached")
        NOT_CONFIRMED = "not_confirmed", _("Did not confirm")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="reference_contacts"
    )
    reference_id = models.PositiveBigIntegerField()
    method = models.CharField(max_length=8, choices=Method.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    note = EncryptedTextField(blank=True)
    contacted_on = models.DateField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["application", "reference_id"])]
        ordering = ["created_at"]
        verbose_name = _("reference contact")
        verbose_name_plural = _("reference contacts")

    def __str__(self) -> str:
        return f"{self.get_method_display()} contact for reference {self.reference_id}"


# --- Payments ------------------------------------------------------------------------------


class Invoice(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting payment")
        PAID = "paid", _("Paid")

    # What the invoice is for: a credential application, or a training centre's accreditation
    # application (issue 11), paid through the same providers and confirmation.
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.CASCADE, related_name="invoice"
    )
    accreditation = models.OneToOneField(
        "institutions.AccreditationApplication",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="invoice",
    )
    number = models.CharField(max_length=24, unique=True)
    provider = models.CharField(max_length=32)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    currency = models.CharField(max_length=3)
    # What the payer needs (bank details, the reference to quote), as issued.
    instructions = models.JSONField(default=dict)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    issued_at = models.DateTimeField(default=timezone.now)
    due_on = models.DateField()

    class Meta:
        constraints = [
            models.CheckConstraint(name="invoice_amount_positive", condition=Q(amount__gt=0)),
            models.CheckConstraint(
                name="invoice_is_for_one_application",
                condition=Q(application__isnull=False, accreditation__isnull=True)
                | Q(application__isnull=True, accreditation__isnull=False),
            ),
        ]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")

    def __str__(self) -> str:
        return self.number


class Payment(models.Model):
    """A recorded payment. The idempotency key makes a repeated confirmation record one row."""

    invoice = models.OneToOneField(Invoice, on_delete=models.CASCADE, related_name="payment")
    idempotency_key = models.CharField(max_length=64, unique=True)
    receipt_number = models.CharField(max_length=24, unique=True)
    provider = models.CharField(max_length=32)
    provider_reference = models.CharField(max_length=120, blank=True)
    amount = models.DecimalField(max_digits=8, decimal_places=2)
    currency = models.CharField(max_length=3)
    received_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(name="payment_amount_positive", condition=Q(amount__gt=0)),
        ]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")

    def __str__(self) -> str:
        return self.receipt_number


# --- Issued credentials --------------------------------------------------------------------


class CredentialQuerySet(models.QuerySet):
    def valid_on(self, day: datetime.date):
        """Active (not suspended, revoked or expired) and within their validity on `day`; a
        suspension whose set period has ended no longer counts, even before the job lifts it."""
        return self.filter(
            Q(status=Credential.Status.ACTIVE)
            | Q(status=Credential.Status.SUSPENDED, suspended_until__lte=day),
            valid_from__lte=day,
            expires_on__gt=day,
        )

    def suspension_ended(self, day: datetime.date):
        return self.filter(status=Credential.Status.SUSPENDED, suspended_until__lte=day)

    def due_to_expire(self, day: datetime.date):
        return self.filter(status=Credential.Status.ACTIVE, expires_on__lte=day)


class Credential(models.Model):
    """An issued credential: one row per validity cycle (a renewal is a new row)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")

    number = models.CharField(max_length=32, unique=True)
    verification_code = models.CharField(
        max_length=32, unique=True, default=new_verification_code, editable=False
    )
    vc_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="credentials"
    )
    credential_type = models.ForeignKey(
        CredentialType, on_delete=models.PROTECT, related_name="credentials"
    )
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="credentials")
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="credential"
    )
    renewal_of = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewed_by"
    )
    issued_on = models.DateField()
    valid_from = models.DateField()
    expires_on = models.DateField(help_text="The first day on which it is no longer valid.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.TextField(blank=True)
    status_changed_on = models.DateField(null=True, blank=True)
    suspended_until = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CredentialQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="credential_expires_after_it_starts",
                condition=Q(expires_on__gt=models.F("valid_from")),
            ),
            models.CheckConstraint(
                name="suspension_or_revocation_has_a_reason",
                condition=~Q(status__in=["suspended", "revoked"]) | ~Q(status_reason=""),
            ),
        ]
        indexes = [
            models.Index(fields=["holder", "status"]),
            models.Index(fields=["status", "expires_on"]),
        ]
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("credential")
        verbose_name_plural = _("credentials")

    def __str__(self) -> str:
        return self.number

    def status_on(self, day: datetime.date) -> str:
        """The status as it is on `day`, whether or not the periodic job has run yet: expired
        from its expiry date, and a suspension for a set period over once that period ends."""
        status = self.status
        if status == self.Status.SUSPENDED and self.suspended_until and self.suspended_until <= day:
            status = self.Status.ACTIVE
        if status == self.Status.ACTIVE and self.expires_on <= day:
            return self.Status.EXPIRED
        return status

    def status_label_on(self, day: datetime.date) -> str:
        return self.Status(self.status_on(day)).label

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.status_on(day) == self.Status.ACTIVE and self.valid_from <= day

    def cycle_years(self) -> list[tuple[int, datetime.date, datetime.date]]:
        """(year number, first day, first day after) for each year of the validity cycle."""
        years, start, n = [], self.valid_from, 1
        while start < self.expires_on:
            end = min(add_years(self.valid_from, n), self.expires_on)
            years.append((n, start, end))
            start, n = end, n + 1
        return years


class RenewalReminder(models.Model):
    """A renewal reminder sent: at most one per credential and threshold."""

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "days_before"], name="one_reminder_per_threshold"
            ),
        ]
        verbose_name = _("renewal reminder")
        verbose_name_plural = _("renewal reminders")

    def __str__(self) -> str:
        return f"{self.days_before}-day reminder for {self.credential}"


class BadgeSigningKey(models.Model):
    """An RS256 or EdDSA key for Open Badges credentials. The newest unretired key signs;
    retired keys stay published (JWKS) so badges they signed still verify."""

    kid = models.CharField(max_length=64, unique=True)
    algorithm = models.CharField(
        max_length=8, choices=[("RS256", "RS256"), ("EdDSA", "EdDSA")], default="EdDSA"
    )
    private_key = EncryptedTextField()
    public_key = models.TextField(
        help_text="EdDSA: the raw Ed25519 key, base64url; RS256: the JWK's n and e as JSON"
    )
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("badge signing key")
        verbose_name_plural = _("badge signing keys")

    def __str__(self) -> str:
        return self.kid


# --- Declared credentials --------------------------------------------------------------------


def declared_evidence_path(instance, filename: str) -> str:
    return f"credentials/{instance.holder.public_id}/declared-{secrets.token_hex(12)}"


class DeclaredCredential(models.Model):
    """A credential a mentor already holds (issued before the platform), declared with its
    number, dates and evidence for credentialing staff to verify; verified, it is issued."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for verification")
        VERIFIED = "verified", _("Verified")
        DECLINED = "declined", _("Declined")

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="declared_credentials"
    )
    credential_type = models.ForeignKey(
        CredentialType, on_delete=models.PROTECT, related_name="declarations"
    )
    number = models.CharField(max_length=32)
    issued_on = models.DateField()
    valid_from = models.DateField()
    expires_on = models.DateField()
    evidence = models.FileField(upload_to=declared_evidence_path)
    evidence_type = models.CharField(max_length=8)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    decline_reason = EncryptedTextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    credential = models.OneToOneField(
        Credential, null=True, blank=True, on_delete=models.SET_NULL, related_name="declaration"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "credential_type"],
                condition=Q(status="pending"),
                name="one_pending_declaration_per_type",
            ),
            models.CheckConstraint(
                name="declared_credential_expires_after_it_starts",
                condition=Q(expires_on__gt=models.F("valid_from")),
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]
        ordering = ["created_at", "pk"]
        verbose_name = _("declared credential")
        verbose_name_plural = _("declared credentials")

    def __str__(self) -> str:
        return f"declared {self.credential_type.code} {self.number}"
