"""The mentor's practice records: the evidence every credential is judged on.

Client names and emails, reflective free text and private notes are EncryptedTextField: the
database row holds ciphertext only. Such fields can be neither filtered nor sorted on.
"""

import datetime
import hashlib
import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practicum.frameworks.models import Competency, EthicsClause
from practicum.lib.crypto import EncryptedCharField, EncryptedTextField
from practicum.lib.dates import user_zone
from practicum.lib.uploads import stored_extension

MAX_SESSION_MINUTES = 8 * 60


def evidence_path(instance, filename: str) -> str:
    # The uploaded name may carry personal data and is not trusted: only the extension of the
    # type detected by content (lib/uploads.py names the checked upload "upload.<ext>") is kept.
    name = f"{secrets.token_hex(12)}{stored_extension(filename)}"
    return f"evidence/{instance.mentor.public_id}/{name}"


def token_digest(token: str) -> str:
    """Emailed links carry a random token; only its digest is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class FocusArea(models.TextChoices):
    SKILLS = "skills", _("Mentoring skills development")
    DOMAIN = "domain", _("Domain knowledge development")
    BOTH = "both", _("Both")


class SessionFormat(models.TextChoices):
    ONE_TO_ONE = "one_to_one", _("One-to-one")
    GROUP = "group", _("Group")
    THEMATIC_LAB = "thematic_lab", _("Thematic lab")


class SupervisionRelationshipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(ended_on__isnull=True)


class SupervisionRelationship(models.Model):
    """A mentor's declared supervisor: on the platform, or external (name, email, address)."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervision_relationships"
    )
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisees",
    )
    external_name = models.CharField(_("supervisor's name"), max_length=150, blank=True)
    external_email = models.EmailField(_("supervisor's email"), blank=True)
    external_address = models.TextField(_("supervisor's postal address"), blank=True)
    focus_area = models.CharField(_("focus area"), max_length=8, choices=FocusArea.choices)
    started_on = models.DateField(_("start date"))
    frequency = models.CharField(
        _("agreed frequency"), max_length=120, help_text=_("For example: monthly, 90 minutes.")
    )
    # The contract, as the Code asks (clauses 1.A.2 and 1.B.2).
    contract_fees = EncryptedTextField(_("fees"), blank=True)
    contract_logistics = EncryptedTextField(_("logistics"), blank=True)
    confidentiality_scope = EncryptedTextField(_("scope of confidentiality"), blank=True)
    confidentiality_limits = EncryptedTextField(_("when confidentiality may be broken"), blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SupervisionRelationshipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="supervisor_on_platform_or_external",
                condition=(Q(supervisor__isnull=False) & Q(external_name=""))
                | (Q(supervisor__isnull=True) & ~Q(external_name="") & ~Q(external_email="")),
            ),
            models.CheckConstraint(
                name="relationship_ends_after_it_starts",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
            ),
        ]
        indexes = [models.Index(fields=["mentor", "ended_on"])]
        ordering = ["-started_on"]
        verbose_name = _("supervision relationship")
        verbose_name_plural = _("supervision relationships")

    def __str__(self) -> str:
        return self.supervisor_name

    @property
    def is_external(self) -> bool:
        return self.supervisor_id is None

    @property
    def supervisor_name(self) -> str:
        return self.supervisor.get_full_name() if self.supervisor_id else self.external_name

    @property
    def supervisor_email(self) -> str:
        return self.supervisor.email if self.supervisor_id else self.external_email


class SupervisionSessionQuerySet(models.QuerySet):
    def counted(self):
        """What counts toward a credential: confirmed by the supervisor."""
        return self.filter(status=SupervisionSession.Status.CONFIRMED)

    def held_between(self, start, end):
        return self.filter(starts_at__gte=start, starts_at__lt=end)

    def bulk_create(self, objs, *args, **kwargs):
        # bulk_create skips save(): fill the stored local month here so no write path misses it.
        objs = list(objs)
        zones: dict[int, object] = {}
        for obj in objs:
            if obj.local_month is None:
                if obj.mentor_id not in zones:
                    zones[obj.mentor_id] = user_zone(obj.mentor)
                obj.local_month = local_month_of(obj.starts_at, zones[obj.mentor_id])
        return super().bulk_create(objs, *args, **kwargs)


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The label of `value` in the reader's language, or `value` itself when not a choice."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def local_month_of(moment, zone) -> datetime.date:
    """The first day of the month `moment` falls in, on the calendar of `zone`."""
    return timezone.localtime(moment, zone).date().replace(day=1)


class SupervisionSession(models.Model):
    """One entry of the supervision log (the Session Log Template)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting sign-off")
        CONFIRMED = "confirmed", _("Confirmed")
        DISPUTED = "disputed", _("Disputed")

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervision_sessions"
    )
    # A session the mentor logs belongs to a declared supervisor (relationship). A group session
    # or lab the mentor attended is created by the platform from attendance (source), already
    # signed off by its facilitator.
    relationship = models.ForeignKey(
        SupervisionRelationship,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions",
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    facilitator_name = models.CharField(max_length=150, blank=True)
    source = models.CharField(
        max_length=64, blank=True, help_text="set when created by the platform, e.g. lab:12"
    )
    starts_at = models.DateTimeField(_("start"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    format = models.CharField(_("format"), max_length=16, choices=SessionFormat.choices)
    focus = models.CharField(_("focus"), max_length=200)
    cases_brought = EncryptedTextField(
        _("cases or themes brought"), blank=True, help_text=_("No client names, please.")
    )
    key_learnings = EncryptedTextField(_("key learnings"), blank=True)
    actions = EncryptedTextField(_("actions"), blank=True)
    experience = EncryptedTextField(_("how I experienced the session"), blank=True)
    feedback_to_supervisor = EncryptedTextField(_("feedback to my supervisor"), blank=True)
    competencies = models.ManyToManyField(
        Competency, blank=True, related_name="+", verbose_name=_("competencies addressed")
    )
    clauses = models.ManyToManyField(
        EthicsClause, blank=True, related_name="+", verbose_name=_("Code clauses touched")
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    dispute_reason = EncryptedTextField(_("reason"), blank=True)
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_by_name = models.CharField(max_length=150, blank=True)
    import_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # The month of starts_at on the mentor's calendar, stored so the dashboard chart is a plain
    # GROUP BY on every database (SQLite runs a zoned TruncMonth as Python per row). Set by
    # save() and bulk_create(); rewritten when the mentor changes zone (local_months_refresh).
    local_month = models.DateField(null=True, editable=False)

    objects = SupervisionSessionQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["relationship", "starts_at"], name="one_session_per_supervisor_start"
            ),
            models.UniqueConstraint(
                fields=["mentor", "source"],
                condition=~Q(source=""),
                name="one_session_per_mentor_source",
            ),
            models.CheckConstraint(
                name="session_has_a_supervisor_or_a_source",
                condition=Q(relationship__isnull=False) | ~Q(source=""),
            ),
            models.CheckConstraint(
                name="session_duration_bounded",
                condition=Q(duration_minutes__gt=0) & Q(duration_minutes__lte=MAX_SESSION_MINUTES),
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "starts_at"]),
            models.Index(fields=["mentor", "local_month"]),
            models.Index(fields=["mentor", "status"]),
            models.Index(fields=["relationship", "status"]),
        ]
        ordering = ["-starts_at"]
        verbose_name = _("supervision session")
        verbose_name_plural = _("supervision sessions")

    def __str__(self) -> str:
        return f"{self.get_format_display()} · {self.starts_at:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        # Only a new start needs the mentor's zone (a sign-off must not load the mentor).
        update_fields = kwargs.get("update_fields")
        moved = self.local_month is None or self.starts_at != getattr(self, "_stored_start", None)
        if moved and (update_fields is None or "starts_at" in update_fields):
            self.local_month = local_month_of(self.starts_at, user_zone(self.mentor))
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "local_month"}
        super().save(*args, **kwargs)
        self._stored_start = self.starts_at

    @classmethod
    def from_db(cls, db, field_names, values):
        session = super().from_db(db, field_names, values)
        session._stored_start = session.__dict__.get("starts_at")
        return session

    # The log shows both on every row. Django's own get_FOO_display rebuild the field's choices
    # on each call; these look the label up, with the same answer (an unknown value as stored).
    def get_status_display(self) -> str:
        return choice_label(self.Status, self.status)

    def get_format_display(self) -> str:
        return choice_label(SessionFormat, self.format)

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.duration_minutes) / 60).quantize(Decimal("0.01"))

    @property
    def supervisor_name(self) -> str:
        if self.relationship_id is not None:
            return self.relationship.supervisor_name
        return self.facilitator.get_full_name() if self.facilitator_id else self.facilitator_name

    @property
    def is_from_attendance(self) -> bool:
        return bool(self.source)

    @property
    def is_locked(self) -> bool:
        return self.status == self.Status.CONFIRMED


class SignOffLink(models.Model):
    """A single-use link emailed to an external supervisor to confirm or dispute a session."""

    session = models.ForeignKey(SupervisionSession, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("sign-off link")
        verbose_name_plural = _("sign-off links")

    def __str__(self) -> str:
        return f"sign-off link for {self.session_id}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class MentoringEngagement(models.Model):
    class Kind(models.TextChoices):
        INTERNAL = "internal", _("Internal (at work)")
        EXTERNAL = "external", _("External")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        ENDED_EARLY = "ended_early", _("Ended early")

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="engagements"
    )
    mentee_name = EncryptedCharField(_("mentee's name"), max_length=150)
    mentee_email = EncryptedCharField(_("mentee's email"), max_length=254, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    kind = models.CharField(_("internal or external"), max_length=8, choices=Kind.choices)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2, null=True, blank=True)
    confidentiality_agreement = models.BooleanField(
        _("bound by a confidentiality agreement"), default=False
    )
    private_notes = EncryptedTextField(_("private notes"), blank=True)
    import_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="engagement_ends_after_it_starts",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
            ),
            models.CheckConstraint(
                name="completed_engagement_has_an_end",
                condition=~Q(status="completed") | Q(ended_on__isnull=False),
            ),
            models.CheckConstraint(
                name="engagement_hours_positive", condition=Q(hours__isnull=True) | Q(hours__gt=0)
            ),
        ]
        indexes = [models.Index(fields=["mentor", "status"])]
        ordering = ["-started_on"]
        verbose_name = _("mentoring engagement")
        verbose_name_plural = _("mentoring engagements")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} engagement from {self.started_on}"


class TrainingRecord(models.Model):
    class CentreType(models.TextChoices):
        ACCREDITED = "accredited", _("Accredited")
        ENDORSED = "endorsed", _("Endorsed")
        NON_ACCREDITED = "non_accredited", _("Non-Accredited")

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        BLENDED = "blended", _("Blended")

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records"
    )
    centre_name = models.CharField(_("training centre"), max_length=200)
    # The kind of the centre when the training took place (a registry centre's kind on the end
    # date; free text counts as Non-Accredited).
    centre_type = models.CharField(_("centre type"), max_length=16, choices=CentreType.choices)
    # Picked from the registry (institutions): a confirmed graduate of this programme with the
    # mentor's account makes the record Verified by the centre.
    centre = models.ForeignKey(
        "institutions.TrainingCentre",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    programme = models.ForeignKey(
        "institutions.Programme",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    programme_name = models.CharField(_("programme"), max_length=200)
    hours = models.DecimalField(_("training hours"), max_digits=6, decimal_places=2)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices)
    started_on = models.DateField(_("start date"))
    ended_on = models.DateField(_("end date"))
    instructor_name = models.CharField(_("instructor's name"), max_length=150)
    instructor_email = models.EmailField(_("instructor's email"))
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, blank=True)
    evidence_type = models.CharField(max_length=32, blank=True)
    # Credentialing staff looked for a typed-in centre on the registry and found none: the
    # record leaves their matching queue (`centre_matching.py`) and stays Non-Accredited.
    registry_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="training_ends_after_it_starts",
                condition=Q(ended_on__gte=models.F("started_on")),
            ),
            models.CheckConstraint(name="training_hours_positive", condition=Q(hours__gt=0)),
        ]
        ordering = ["-ended_on"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")

    def __str__(self) -> str:
        return f"{self.programme_name} ({self.centre_name})"


class CpdEntry(models.Model):
    """A line of the CPD/CEU ledger. Other parts of the platform write their own (source)."""

    class Category(models.TextChoices):
        TRAINING = "training", _("Training")
        THEMATIC_LAB = "thematic_lab", _("Thematic lab")
        SUPERVISION = "supervision", _("Supervision")
        # Studying a library resource (added by the library, capped per year by its rules).
        SELF_STUDY = "self_study", _("Self-study")
        OTHER = "other", _("Other learning")

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cpd_entries"
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    title = models.CharField(_("what"), max_length=200)
    occurred_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=2)
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, blank=True)
    evidence_type = models.CharField(max_length=32, blank=True)
    source = models.CharField(
        max_length=64, blank=True, help_text="set when created by the platform"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(name="cpd_hours_positive", condition=Q(hours__gt=0)),
            models.UniqueConstraint(
                fields=["mentor", "source"],
                condition=~Q(source=""),
                name="one_cpd_entry_per_source",
            ),
        ]
        indexes = [models.Index(fields=["mentor", "occurred_on"])]
        ordering = ["-occurred_on"]
        verbose_name = _("CPD entry")
        verbose_name_plural = _("CPD entries")

    def __str__(self) -> str:
        return f"{self.title} ({self.hours} h)"


class Reference(models.Model):
    """A referee's confirmation of an engagement, by emailed single-use link or by the body."""

    class Relation(models.TextChoices):
        MENTEE = "mentee", _("The mentee")
        MANAGER = "manager", _("The mentee's manager")
        REPRESENTATIVE = "representative", _("An authorised representative of the organisation")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting the referee")
        CONFIRMED = "confirmed", _("Confirmed")
        CORRECTED = "corrected", _("Confirmed with corrections")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Link expired")
        TO_BE_CONTACTED = "to_be_contacted", _("To be contacted by the body")

    VERIFIED = (Status.CONFIRMED, Status.CORRECTED)

    engagement = models.ForeignKey(
        MentoringEngagement, on_delete=models.CASCADE, related_name="references"
    )
    referee_name = EncryptedCharField(_("referee's name"), max_length=150)
    referee_email = EncryptedCharField(_("referee's email"), max_length=254)
    relation = models.CharField(
        _("relation to the mentee"), max_length=16, choices=Relation.choices
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.REQUESTED)
    token_hash = models.CharField(max_length=64, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    referee_comment = EncryptedTextField(blank=True)
    corrected_started_on = models.DateField(null=True, blank=True)
    corrected_ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["token_hash"]),
            models.Index(fields=["engagement", "status"]),
        ]
        ordering = ["-created_at"]
        verbose_name = _("reference")
        verbose_name_plural = _("references")

    def __str__(self) -> str:
        return f"reference for engagement {self.engagement_id}: {self.status}"

    @property
    def is_verified(self) -> bool:
        return self.status in self.VERIFIED


def new_import_code() -> str:
    return secrets.token_urlsafe(16)


class ImportBatch(models.Model):
    """An uploaded CSV of past sessions or engagements, checked row by row before anything is
    saved (practicum/practice/importer.py).

    The file's text names mentees and holds reflections: `payload` keeps it encrypted until the
    batch is committed, then it is cleared (the records hold it from then on). `errors` is stored
    in clear, so its messages never quote a cell's value.
    """

    class Kind(models.TextChoices):
        SESSIONS = "sessions", _("Supervision sessions")
        ENGAGEMENTS = "engagements", _("Mentoring engagements")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        PARSING = "parsing", _("Being checked")
        READY = "ready", _("Ready to import")
        INVALID = "invalid", _("Needs correcting")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Could not be read")

    code = models.CharField(max_length=32, unique=True, default=new_import_code, editable=False)
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_batches"
    )
    kind = models.CharField(_("what the file holds"), max_length=16, choices=Kind.choices)
    # How the file writes dates like 03/04/2025 (`lib.csv_import.DATE_ORDERS`); "" reads only
    # unambiguous ones.
    date_order = models.CharField(_("dates in the file"), max_length=3, blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    file_digest = models.CharField(max_length=64)
    payload = EncryptedTextField(blank=True)
    errors = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="import_progress_within_total",
                condition=Q(processed_rows__lte=models.F("total_rows")),
            ),
            models.CheckConstraint(
                name="import_committed_at_iff_committed",
                condition=(Q(status="committed") & Q(committed_at__isnull=False))
                | (~Q(status="committed") & Q(committed_at__isnull=True)),
            ),
        ]
        indexes = [
            models.Index(fields=["mentor", "created_at"]),
            models.Index(fields=["mentor", "file_digest"]),
        ]
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    def __str__(self) -> str:
        return f"{self.kind} import {self.code} ({self.status})"

    @property
    def is_checking(self) -> bool:
        return self.status in {self.Status.UPLOADED, self.Status.PARSING}
