"""The registry of training centres: their administrators and mentors, programmes, cohorts and
graduates, and their accreditation history. Training records (practice) cite these rows."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from practicum.lib.crypto import EncryptedCharField


def random_code() -> str:
    return secrets.token_urlsafe(9)


def email_digest(email: str) -> str:
    """A keyed hash of a normalised email: graduates are matched on it, the email stays
    encrypted (a bare hash would let a copy of the database test guesses)."""
    normalised = " ".join(email.split()).casefold()
    return salted_hmac(
        "practicum.institutions.email_digest", normalised, algorithm="sha256"
    ).hexdigest()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CentreKind(models.TextChoices):
    # The same values as practice.TrainingRecord.CentreType and credentials' training sources.
    ACCREDITED = "accredited", _("Accredited")
    ENDORSED = "endorsed", _("Endorsed")
    NON_ACCREDITED = "non_accredited", _("Non-Accredited")


RECOGNISED_KINDS = (CentreKind.ACCREDITED, CentreKind.ENDORSED)


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Online")
    BLENDED = "blended", _("Blended")


class TrainingCentreQuerySet(models.QuerySet):
    def listed(self):
        """The public directory: centres accredited or endorsed now."""
        return self.filter(status=TrainingCentre.Status.RECOGNISED, kind__in=RECOGNISED_KINDS)

    def administered_by(self, user):
        return self.filter(
            members__user=user,
            members__role=CentreMember.Role.ADMIN,
            members__joined_at__isnull=False,
            members__left_at__isnull=True,
        ).distinct()

    def with_mentor(self, user):
        """The centres `user` belongs to as one of their own mentors (joined, not left): what
        opens a group or lab a centre reserves for its mentors."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            members__user=user,
            members__role=CentreMember.Role.MENTOR,
            members__joined_at__isnull=False,
            members__left_at__isnull=True,
        )


class TrainingCentre(models.Model):
    class Status(models.TextChoices):
        REGISTERED = "registered", _("On the registry")
        APPLIED = "applied", _("Applied")
        IN_REVIEW = "in_review", _("In review")
        RECOGNISED = "recognised", _("Accredited or endorsed")
        SUSPENDED = "suspended", _("Suspended")
        LAPSED = "lapsed", _("Lapsed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    code = models.CharField(max_length=16, unique=True, default=random_code, editable=False)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=CentreKind.choices, default=CentreKind.NON_ACCREDITED
    )
    country = models.CharField(_("country"), max_length=80)
    website = models.URLField(_("website"), blank=True)
    contact_name = models.CharField(_("contact name"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.REGISTERED
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    status_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TrainingCentreQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="recognised_centre_has_dates_and_kind",
                condition=~Q(status="recognised")
                | (
                    Q(valid_from__isnull=False)
                    & Q(valid_until__isnull=False)
                    & Q(kind__in=["accredited", "endorsed"])
                ),
            ),
            models.CheckConstraint(
                name="centre_valid_until_after_from",
                condition=Q(valid_until__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_until__gte=models.F("valid_from")),
            ),
        ]
        indexes = [models.Index(fields=["status", "valid_until"])]
        ordering = ["name"]
        verbose_name = _("training centre")
        verbose_name_plural = _("training centres")

    def __str__(self) -> str:
        return self.name

    @property
    def is_recognised(self) -> bool:
        return self.status == self.Status.RECOGNISED

    def kind_on(self, day: datetime.date) -> str:
        """The centre's kind on a day, from its accreditation history: Non-Accredited outside
        any period of recognition (so a record keeps the kind of when the training happened)."""
        for period in self.recognitions.all():
            if period.covers(day):
                return period.kind
        return CentreKind.NON_ACCREDITED


class Recognition(models.Model):
    """A period during which a centre was accredited or endorsed (cut short by a suspension or
    a withdrawal). Rows are added, and only their `ended_on` ever set."""

    centre = models.ForeignKey(
        TrainingCentre, on_delete=models.CASCADE, related_name="recognitions"
    )
    kind = models.CharField(max_length=16, choices=CentreKind.choices)
    valid_from = models.DateField()
    valid_until = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="recognition_is_accredited_or_endorsed",
                condition=Q(kind__in=["accredited", "endorsed"]),
            ),
            models.CheckConstraint(
                name="recognition_ends_after_it_starts",
                condition=Q(valid_until__gte=models.F("valid_from")),
            ),
        ]
        ordering = ["-valid_from"]
        verbose_name = _("recognition")
        verbose_name_plural = _("recognitions")

    def __str__(self) -> str:
        return f"{self.centre} {self.kind} {self.valid_from}–{self.valid_until}"

    def covers(self, day: datetime.date) -> bool:
        last = self.valid_until
        if self.ended_on is not None:
            last = min(last, self.ended_on - datetime.timedelta(days=1))
        return self.valid_from <= day <= last


class CentreMemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(joined_at__isnull=False, left_at__isnull=True)

    def pending(self):
        return self.filter(joined_at__isnull=True, left_at__isnull=True)


class CentreMember(models.Model):
    """An administrator of a centre, or one of its own mentors: invited by email, joins by the
    emailed link, can leave. The administrator's role is scoped to the centres they belong to."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Administrator")
        MENTOR = "mentor", _("Mentor")

    centre = models.ForeignKey(TrainingCentre, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=8, choices=Role.choices)
    email = models.EmailField(_("email"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="centre_memberships",
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    invited_at = models.DateTimeField(default=timezone.now)
    joined_at = models.DateTimeField(null=True, blank=True)
    left_at = models.DateTimeField(null=True, blank=True)
    # A mentor member's consent to their yes/no supervision and CPD figures being shown.
    shares_progress = models.BooleanField(default=False)

    objects = CentreMemberQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "user", "role"],
                condition=Q(user__isnull=False, left_at__isnull=True),
                name="one_current_membership_per_role",
            ),
        ]
        verbose_name = _("centre member")
        verbose_name_plural = _("centre members")

    def __str__(self) -> str:
        return f"{self.get_role_display()} of {self.centre}"

    @property
    def is_active(self) -> bool:
        return self.joined_at is not None and self.left_at is None


class Programme(models.Model):
    centre = models.ForeignKey(TrainingCentre, on_delete=models.CASCADE, related_name="programmes")
    name = models.CharField(_("name"), max_length=200)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    description = models.TextField(_("description"), blank=True)
    indicators = models.ManyToManyField(
        "frameworks.BehaviouralIndicator",
        blank=True,
        related_name="programmes",
        verbose_name=_("competency indicators covered"),
    )
    active = models.BooleanField(_("offered now"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(name="programme_hours_positive", condition=Q(hours__gt=0)),
            models.UniqueConstraint(fields=["centre", "name"], name="unique_programme_name"),
        ]
        ordering = ["name"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return f"{self.name} ({self.centre})"


class Cohort(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="cohorts")
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"))
    instructor_name = models.CharField(_("instructor's name"), max_length=150)
    instructor_email = models.EmailField(_("instructor's email"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="cohort_ends_after_it_starts",
                condition=Q(ended_on__gte=models.F("started_on")),
            ),
        ]
        ordering = ["-started_on"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")

    def __str__(self) -> str:
        return f"{self.programme.name}, {self.started_on}"


class GraduateQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=Graduate.Status.CONFIRMED)

    def verifying(self, *, user, programme_id):
        """The confirmed completion that verifies a mentor's training in a programme."""
        return self.confirmed().filter(user=user, programme_id=programme_id)


class Graduate(models.Model):
    """A person who completed a programme: recorded by the centre (one by one or imported), or
    claimed by a mentor and then confirmed or declined by the centre. The email is kept
    encrypted; `email_digest` matches it to a mentor's account."""

    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed by the centre")
        REQUESTED = "requested", _("Confirmation requested")
        DECLINED = "declined", _("Declined by the centre")

    class Source(models.TextChoices):
        RECORDED = "recorded", _("Recorded by the centre")
        IMPORTED = "imported", _("Imported by the centre")
        CLAIM = "claim", _("Asked by the mentor")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="graduates")
    cohort = models.ForeignKey(
        Cohort, null=True, blank=True, on_delete=models.CASCADE, related_name="graduates"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="graduations",
    )
    name = EncryptedCharField(_("name"), max_length=150)
    email = EncryptedCharField(_("email"), max_length=254)
    email_digest = models.CharField(max_length=64, db_index=True)
    hours = models.DecimalField(_("hours completed"), max_digits=6, decimal_places=2)
    completed_on = models.DateField(_("completed on"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.RECORDED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = GraduateQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(name="graduate_hours_positive", condition=Q(hours__gt=0)),
            models.UniqueConstraint(
                fields=["programme", "email_digest", "completed_on"],
                condition=~Q(status="declined"),
                name="one_completion_per_person_and_day",
            ),
        ]
        indexes = [models.Index(fields=["user", "programme", "status"])]
        ordering = ["-completed_on", "pk"]
        verbose_name = _("graduate")
        verbose_name_plural = _("graduates")

    def __str__(self) -> str:
        return f"graduate {self.pk} of {self.programme_id}"


class GraduateImport(models.Model):
    """A CSV of graduates between upload and commit: checked at once, previewed, then saved
    all together or not at all. The text is encrypted and cleared once imported."""

    class Status(models.TextChoices):
        READY = "ready", _("Ready to import")
        INVALID = "invalid", _("Needs correcting")
        COMMITTED = "committed", _("Imported")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    payload = EncryptedCharField(max_length=5_000_000, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices)
    errors = models.JSONField(default=list, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("graduate import")
        verbose_name_plural = _("graduate imports")

    def __str__(self) -> str:
        return f"graduate import {self.pk}"


class CentreReminder(models.Model):
    """A renewal reminder sent for one period's end: the unique constraint makes the periodic
    job idempotent."""

    centre = models.ForeignKey(TrainingCentre, on_delete=models.CASCADE, related_name="reminders")
    valid_until = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "valid_until", "days_before"], name="unique_centre_reminder"
            ),
        ]
        verbose_name = _("centre reminder")
        verbose_name_plural = _("centre reminders")

    def __str__(self) -> str:
        return f"reminder for {self.centre_id}, {self.days_before} days before {self.valid_until}"


def training_verification() -> dict:
    """Annotations for a queryset of practice's training records: the hours a confirmed
    graduate record of the same programme and mentor verifies (None when unverified)."""
    graduates = Graduate.objects.confirmed().filter(
        programme=models.OuterRef("programme"), user=models.OuterRef("mentor")
    )
    claims = Graduate.objects.filter(
        programme=models.OuterRef("programme"),
        user=models.OuterRef("mentor"),
        status=Graduate.Status.REQUESTED,
    )
    return {
        "verified_hours": models.Subquery(graduates.values("hours")[:1]),
        "claim_pending": models.Exists(claims),
    }


# --- Accreditation applications (reviewed in credentials.accreditation) --------------------------


class AccreditationRules(models.Model):
    """A published version of the accreditation criteria, fees, review times and validity
    (`credentials/data/accreditation/<version>.yaml`, `load_accreditation_rules`)."""

    version = models.CharField(max_length=16, unique=True)
    effective_date = models.DateField()
    content = models.JSONField(default=dict)
    content_hash = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-effective_date"]
        verbose_name = _("accreditation rules")
        verbose_name_plural = _("accreditation rules")

    def __str__(self) -> str:
        return f"accreditation rules {self.version}"

    @classmethod
    def current(cls, on: datetime.date | None = None):
        on = on or timezone.localdate()
        return cls.objects.filter(effective_date__lte=on).order_by("-effective_date").first()


class AccreditationApplicationQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=AccreditationApplication.OPEN)

    def under_clock(self):
        return self.filter(status=AccreditationApplication.Status.IN_REVIEW)

    def overdue(self, today: datetime.date):
        return self.under_clock().filter(target_date__lt=today)


class AccreditationApplication(models.Model):
    """A centre's application to be accredited or endorsed (or to renew). The review clock has
    the same fields and rules as a credential application's (`credentials.review_clock`)."""

    class Status(models.TextChoices):
        # As a credential application: the review clock starts once the fee is paid.
        AWAITING_PAYMENT = "awaiting_payment", _("Awaiting payment")
        IN_REVIEW = "in_review", _("In review")
        INFO_REQUESTED = "info_requested", _("More information requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")

    OPEN = (Status.AWAITING_PAYMENT, Status.IN_REVIEW, Status.INFO_REQUESTED)

    centre = models.ForeignKey(
        TrainingCentre, on_delete=models.CASCADE, related_name="accreditation_applications"
    )
    kind = models.CharField(_("recognition sought"), max_length=16, choices=CentreKind.choices)
    renewal = models.BooleanField(default=False)
    rules = models.ForeignKey(AccreditationRules, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=16, choices=Status.choices, default=Status.AWAITING_PAYMENT
    )
    reference = models.CharField(max_length=24, unique=True)
    organisation = models.TextField(_("the organisation"))
    faculty = models.JSONField(default=list)  # [{"name": ..., "credentials": ...}]
    programmes = models.ManyToManyField(Programme, related_name="accreditation_applications")
    # The programmes as submitted (hours, mode, indicators): later edits do not change them.
    snapshot = models.JSONField(default=dict)
    checks = models.JSONField(default=list)  # the criteria as judged at submission
    fee_amount = models.DecimalField(max_digits=8, decimal_places=2)
    fee_currency = models.CharField(max_length=3)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    # The review clock (see credentials.review_clock).
    review_days = models.PositiveSmallIntegerField(null=True, blank=True)
    clock_started_at = models.DateTimeField(null=True, blank=True)
    paused_since = models.DateField(null=True, blank=True)
    paused_days = models.PositiveIntegerField(default=0)
    target_date = models.DateField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision_reasons = models.TextField(blank=True)

    objects = AccreditationApplicationQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["centre"],
                condition=Q(status__in=["awaiting_payment", "in_review", "info_requested"]),
                name="one_open_accreditation_application",
            ),
            models.CheckConstraint(
                name="accreditation_sought_is_accredited_or_endorsed",
                condition=Q(kind__in=["accredited", "endorsed"]),
            ),
        ]
        indexes = [models.Index(fields=["status", "target_date"])]
        ordering = ["-submitted_at"]
        verbose_name = _("accreditation application")
        verbose_name_plural = _("accreditation applications")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN

    @property
    def is_paused(self) -> bool:
        return self.paused_since is not None


class AccreditationInfoRequest(models.Model):
    application = models.ForeignKey(
        AccreditationApplication, on_delete=models.CASCADE, related_name="info_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField()
    requested_at = models.DateTimeField(default=timezone.now)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(answered_at__isnull=True),
                name="one_open_accreditation_info_request",
            ),
        ]
        ordering = ["requested_at"]
        verbose_name = _("accreditation information request")
        verbose_name_plural = _("accreditation information requests")

    def __str__(self) -> str:
        return f"request on {self.application}"


def accreditation_evidence_path(instance, filename: str) -> str:
    return f"accreditation/{instance.application_id}/{secrets.token_hex(16)}"


class AccreditationDocument(models.Model):
    """An evidence file (PDF, PNG or JPEG, checked by content), served only to the centre's
    administrators and credentialing staff."""

    application = models.ForeignKey(
        AccreditationApplication, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(upload_to=accreditation_evidence_path)
    file_type = models.CharField(max_length=8)
    title = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("accreditation document")
        verbose_name_plural = _("accreditation documents")

    def __str__(self) -> str:
        return f"document {self.pk} of {self.application}"
