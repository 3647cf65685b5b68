"""The reflective toolkit: the most sensitive text on the platform.

Everything a mentor writes here is an EncryptedTextField (ciphertext in the row, never
filtered on) and belongs to that mentor alone. The only way anyone else sees any of it is a
`ReflectionShare`: the mentor's choice to show chosen steps of one reflection to the supervisor
of one supervision session, withdrawable at any time.

Prompts, statements and scales are versioned data (`ToolVersion`, loaded from data/): a record
keeps the version it was written with, and a published version never changes.
"""

import json
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from practicum.frameworks.models import (
    BehaviouralIndicator,
    Competency,
    EthicsClause,
    FrameworkVersion,
    QuestionnaireStatement,
)
from practicum.lib.crypto import EncryptedCharField, EncryptedTextField
from practicum.lib.versioned import VersionedDocument
from practicum.practice.models import CpdEntry, MentoringEngagement, SupervisionSession


def new_share_code() -> str:
    return secrets.token_urlsafe(16)


def _json_loads(text: str, default):
    if not text:
        return default
    try:
        value = json.loads(text)
    except ValueError:
        return default
    return value if isinstance(value, type(default)) else default


# --- Versioned tool data ------------------------------------------------------------------


class ToolVersion(VersionedDocument):
    """One published version of our own prompts, statements or scale (data/<kind>/<v>.yaml)."""

    class Kind(models.TextChoices):
        REFLECTIVE_CONVERSATION = "reflective_conversation", _("Reflective Conversation Framework")
        SELF_CARE = "self_care_checklist", _("Self-Care and Burnout Checklist")
        COMPETENCY_SCALE = "competency_scale", _("Competency self-assessment scale")
        READINESS_STEPS = "readiness_steps", _("Supervision readiness development steps")
        THEMES = "themes", _("Reflection themes")

    kind = models.CharField(max_length=32, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="unique_tool_version"),
        ]
        indexes = [models.Index(fields=["kind", "effective_date"])]
        ordering = ["kind", "-effective_date"]
        verbose_name = _("tool version")
        verbose_name_plural = _("tool versions")

    # Reflective Conversation Framework
    @property
    def steps(self) -> list[dict]:
        # In the reader's language; keys, order and flags are the version's own.
        return self.local.get("steps", [])

    # Scales (self-care, competency)
    @property
    def scale(self) -> dict:
        return self.local.get("scale", {})

    @property
    def scale_choices(self) -> list[tuple[int, str]]:
        scale = self.scale
        labels = scale.get("labels", [])
        return [
            (value, f"{value} · {labels[i]}" if i < len(labels) else str(value))
            for i, value in enumerate(range(scale.get("min", 1), scale.get("max", 5) + 1))
        ]


# --- Tags -----------------------------------------------------------------------------------


class Tag(models.Model):
    """A mentor's theme (boundaries, transference...). The name is the mentor's own words, so it
    is encrypted; `digest` (a keyed hash of the normalised name) keeps names unique per mentor."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflection_tags"
    )
    name = EncryptedCharField(_("theme"), max_length=40)
    digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentor", "digest"], name="unique_tag_per_mentor"),
        ]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name


class SessionTag(models.Model):
    """A theme on one of the mentor's supervision log entries (practice cannot import us)."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="session_tags")
    session = models.ForeignKey(
        SupervisionSession, on_delete=models.CASCADE, related_name="reflection_tags"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tag", "session"], name="unique_session_tag"),
        ]
        verbose_name = _("session tag")
        verbose_name_plural = _("session tags")

    def __str__(self) -> str:
        return f"tag {self.tag_id} on session {self.session_id}"


# --- Reflective Conversation Framework ------------------------------------------------------


class ReflectionQuerySet(models.QuerySet):
    def for_mentor(self, mentor):
        return self.filter(mentor=mentor)


class Reflection(models.Model):
    """One guided reflection on a practice dilemma, saved step by step as a draft.

    `answers` is a JSON object {field key: text} encrypted as a whole: the steps are data
    (`tool`), so they cannot be columns.
    """

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections"
    )
    tool = models.ForeignKey(ToolVersion, on_delete=models.PROTECT, related_name="+")
    title = EncryptedCharField(
        _("title"), max_length=120, help_text=_("A few words for you to recognise it. No names.")
    )
    answers = EncryptedTextField(blank=True)
    current_step = models.PositiveSmallIntegerField(default=1)
    engagement = models.ForeignKey(
        MentoringEngagement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reflections",
        verbose_name=_("engagement"),
    )
    session = models.ForeignKey(
        SupervisionSession,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="attached_reflections",
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="reflections")
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReflectionQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["mentor", "created_at"]),
            models.Index(fields=["mentor", "engagement"]),
        ]
        ordering = ["-updated_at"]
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")

    def __str__(self) -> str:
        return f"reflection {self.pk}"

    @property
    def answer_map(self) -> dict[str, str]:
        return _json_loads(self.answers, {})

    @property
    def is_draft(self) -> bool:
        return self.completed_at is None

    @property
    def step_count(self) -> int:
        return len(self.tool.steps)

    def step_is_answered(self, step: dict) -> bool:
        answers = self.answer_map
        return any((answers.get(f["key"]) or "").strip() for f in step["fields"])

    @property
    def answered_steps(self) -> int:
        return sum(1 for step in self.tool.steps if self.step_is_answered(step))


class ReflectionShareQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)

    def visible_to(self, supervisor):
        """Shares `supervisor` may read: active, addressed to them, for a session they still
        supervise, and the reflection still attached to that session."""
        return self.active().filter(
            Q(session__relationship__supervisor=supervisor)
            | Q(session__relationship__isnull=True, session__facilitator=supervisor),
            supervisor=supervisor,
            reflection__session=models.F("session"),
        )


class ReflectionShare(models.Model):
    """The mentor's choice to show chosen steps of a reflection to a session's supervisor."""

    code = models.CharField(max_length=32, unique=True, default=new_share_code, editable=False)
    reflection = models.ForeignKey(Reflection, on_delete=models.CASCADE, related_name="shares")
    session = models.ForeignKey(SupervisionSession, on_delete=models.CASCADE, related_name="+")
    supervisor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reflections_shared"
    )
    steps = models.JSONField(default=list, help_text="the step keys shared")
    include_worksheet = models.BooleanField(default=False)
    shared_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = ReflectionShareQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["reflection"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_active_share_per_reflection",
            ),
        ]
        indexes = [models.Index(fields=["supervisor", "withdrawn_at"])]
        ordering = ["-shared_at"]
        verbose_name = _("reflection share")
        verbose_name_plural = _("reflection shares")

    def __str__(self) -> str:
        return f"share of reflection {self.reflection_id} with {self.supervisor_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


# --- Ethics Lens Worksheet ------------------------------------------------------------------


class EthicsWorksheet(models.Model):
    """A choice weighed against the Code. Clauses are cited by foreign key to the clause row of
    their Code version, which never changes: a later Code leaves the worksheet as it was."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ethics_worksheets"
    )
    reflection = models.OneToOneField(
        Reflection,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="worksheet",
    )
    engagement = models.ForeignKey(
        MentoringEngagement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="ethics_worksheets",
        verbose_name=_("engagement"),
    )
    title = EncryptedCharField(_("title"), max_length=120)
    dilemma = EncryptedTextField(_("the choice or dilemma"), blank=True)
    options = EncryptedTextField(blank=True)  # JSON list of option texts
    stakeholder_client = EncryptedTextField(_("the client"), blank=True)
    stakeholder_sponsor = EncryptedTextField(_("the sponsor"), blank=True)
    stakeholder_organisation = EncryptedTextField(_("the organisation"), blank=True)
    stakeholder_society = EncryptedTextField(_("society and the wider world"), blank=True)
    decision = EncryptedTextField(_("my decision"), blank=True)
    reasons = EncryptedTextField(_("my reasons"), blank=True)
    to_supervision = EncryptedTextField(_("what I will take to supervision"), blank=True)
    clauses = models.ManyToManyField(
        EthicsClause, through="WorksheetClause", related_name="+", blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["mentor", "updated_at"])]
        ordering = ["-updated_at"]
        verbose_name = _("ethics worksheet")
        verbose_name_plural = _("ethics worksheets")

    def __str__(self) -> str:
        return f"worksheet {self.pk}"

    @property
    def option_list(self) -> list[str]:
        return [str(o) for o in _json_loads(self.options, [])]

    @property
    def ranking_text(self) -> str:
        """What the clause suggestions are ranked against: the dilemma and the options."""
        return "\n".join([self.dilemma, *self.option_list])

    def analysis_rows(self, cited: list["WorksheetClause"]) -> list[dict]:
        """Per cited clause, each option (number, text) with how it stands against it."""
        options = self.option_list
        return [
            {
                "cited": item,
                "options": [
                    (index + 1, option, item.analysis_map.get(str(index), ""))
                    for index, option in enumerate(options)
                ],
            }
            for item in cited
        ]

    @property
    def stakeholders(self) -> list[tuple[str, str]]:
        return [
            (str(self._meta.get_field(name).verbose_name), getattr(self, name))
            for name in STAKEHOLDER_FIELDS
        ]


STAKEHOLDER_FIELDS = (
    "stakeholder_client",
    "stakeholder_sponsor",
    "stakeholder_organisation",
    "stakeholder_society",
)


class WorksheetClause(models.Model):
    class Source(models.TextChoices):
        SUGGESTED = "suggested", _("Suggested")
        SEARCHED = "searched", _("Found by search")

    worksheet = models.ForeignKey(
        EthicsWorksheet, on_delete=models.CASCADE, related_name="cited_clauses"
    )
    clause = models.ForeignKey(EthicsClause, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=16, choices=Source.choices)
    # JSON {option index: how the option stands against this clause}
    analysis = EncryptedTextField(blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["worksheet", "clause"], name="unique_worksheet_clause"),
        ]
        ordering = ["added_at", "pk"]
        verbose_name = _("worksheet clause")
        verbose_name_plural = _("worksheet clauses")

    def __str__(self) -> str:
        return f"{self.clause.identifier} on worksheet {self.worksheet_id}"

    @property
    def analysis_map(self) -> dict[str, str]:
        return _json_loads(self.analysis, {})


# --- Supervision-readiness self-assessment --------------------------------------------------


class ReadinessAttempt(models.Model):
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readiness_attempts"
    )
    framework = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")
    total = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["mentor", "created_at"])]
        ordering = ["-created_at", "-pk"]
        verbose_name = _("readiness attempt")
        verbose_name_plural = _("readiness attempts")

    def __str__(self) -> str:
        return f"readiness {self.total} on {self.created_at:%Y-%m-%d}"


class ReadinessAnswer(models.Model):
    attempt = models.ForeignKey(ReadinessAttempt, on_delete=models.CASCADE, related_name="answers")
    statement = models.ForeignKey(
        QuestionnaireStatement, on_delete=models.PROTECT, related_name="+"
    )
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "statement"], name="unique_readiness_answer"
            ),
            models.CheckConstraint(
                name="readiness_score_1_to_5", condition=Q(score__gte=1) & Q(score__lte=5)
            ),
        ]
        ordering = ["statement__position"]
        verbose_name = _("readiness answer")
        verbose_name_plural = _("readiness answers")

    def __str__(self) -> str:
        return f"{self.statement_id}: {self.score}"


# --- Self-Care and Burnout Checklist --------------------------------------------------------


class SelfCareCheck(models.Model):
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="selfcare_checks"
    )
    tool = models.ForeignKey(ToolVersion, on_delete=models.PROTECT, related_name="+")
    answers = models.JSONField(default=dict)  # {statement code: value on the scale}
    score = models.PositiveSmallIntegerField()
    note = EncryptedTextField(_("a note for yourself"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["mentor", "created_at"])]
        ordering = ["-created_at", "-pk"]
        verbose_name = _("self-care check")
        verbose_name_plural = _("self-care checks")

    def __str__(self) -> str:
        return f"self-care {self.score} on {self.created_at:%Y-%m-%d}"


class SelfCarePreference(models.Model):
    mentor = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="selfcare_preference"
    )
    monthly_reminder = models.BooleanField(_("send me a monthly reminder"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["monthly_reminder"])]
        verbose_name = _("self-care preference")
        verbose_name_plural = _("self-care preferences")

    def __str__(self) -> str:
        return f"self-care reminders for {self.mentor_id}: {self.monthly_reminder}"


class SelfCareReminder(models.Model):
    """A reminder sent: at most one per mentor per calendar month, whoever runs the job."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="selfcare_reminders"
    )
    month = models.DateField(help_text="the first day of the month it was sent for")
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "month"], name="one_selfcare_reminder_a_month"
            ),
        ]
        verbose_name = _("self-care reminder")
        verbose_name_plural = _("self-care reminders")

    def __str__(self) -> str:
        return f"self-care reminder {self.month:%Y-%m} for {self.mentor_id}"


# --- Competency self-assessment and development plan --------------------------------------


class CompetencyAssessment(models.Model):
    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="competency_assessments"
    )
    framework = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")
    tool = models.ForeignKey(ToolVersion, on_delete=models.PROTECT, related_name="+")
    note = EncryptedTextField(_("a note for yourself"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["mentor", "created_at"])]
        ordering = ["-created_at", "-pk"]
        verbose_name = _("competency self-assessment")
        verbose_name_plural = _("competency self-assessments")

    def __str__(self) -> str:
        return f"competency self-assessment on {self.created_at:%Y-%m-%d}"


class IndicatorRating(models.Model):
    assessment = models.ForeignKey(
        CompetencyAssessment, on_delete=models.CASCADE, related_name="ratings"
    )
    indicator = models.ForeignKey(BehaviouralIndicator, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assessment", "indicator"], name="unique_rating"),
            models.CheckConstraint(
                name="rating_score_1_to_5", condition=Q(score__gte=1) & Q(score__lte=5)
            ),
        ]
        verbose_name = _("indicator rating")
        verbose_name_plural = _("indicator ratings")

    def __str__(self) -> str:
        return f"{self.indicator_id}: {self.score}"


class DevelopmentGoal(models.Model):
    """A SMART goal of the mentor's development plan."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("In progress")
        ACHIEVED = "achieved", _("Achieved")
        SET_ASIDE = "set_aside", _("Set aside")

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="development_goals"
    )
    title = EncryptedCharField(_("goal"), max_length=200)
    competencies = models.ManyToManyField(
        Competency, related_name="+", verbose_name=_("competencies")
    )
    specific = EncryptedTextField(_("specific: what exactly will you do?"))
    measurable = EncryptedTextField(_("measurable: how will you know you have done it?"))
    achievable = EncryptedTextField(_("achievable: what makes it realistic for you now?"))
    relevant = EncryptedTextField(_("relevant: why does it matter for your practice?"))
    due_on = models.DateField(_("time-bound: by when?"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(name="goal_progress_0_to_100", condition=Q(progress__lte=100)),
        ]
        indexes = [models.Index(fields=["mentor", "status", "due_on"])]
        ordering = ["status", "due_on", "pk"]
        verbose_name = _("development goal")
        verbose_name_plural = _("development goals")

    def __str__(self) -> str:
        return f"goal {self.pk}"

    @cached_property
    def is_overdue(self) -> bool:
        return self.status == self.Status.ACTIVE and self.due_on < timezone.localdate()


class GoalEvidence(models.Model):
    """Evidence for a goal: a supervision log entry, a CPD entry or a reflection (exactly one)."""

    class Kind(models.TextChoices):
        SESSION = "session", _("Supervision session")
        CPD = "cpd", _("CPD entry")
        REFLECTION = "reflection", _("Reflection")

    goal = models.ForeignKey(DevelopmentGoal, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    session = models.ForeignKey(
        SupervisionSession, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    cpd_entry = models.ForeignKey(
        CpdEntry, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reflection = models.ForeignKey(
        Reflection, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    note = EncryptedTextField(_("what it shows"), blank=True)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="evidence_links_exactly_its_kind",
                condition=(
                    Q(
                        kind="session",
                        session__isnull=False,
                        cpd_entry__isnull=True,
                        reflection__isnull=True,
                    )
                    | Q(
                        kind="cpd",
                        session__isnull=True,
                        cpd_entry__isnull=False,
                        reflection__isnull=True,
                    )
                    | Q(
                        kind="reflection",
                        session__isnull=True,
                        cpd_entry__isnull=True,
                        reflection__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["goal", "session"],
                condition=Q(session__isnull=False),
                name="unique_goal_session",
            ),
            models.UniqueConstraint(
                fields=["goal", "cpd_entry"],
                condition=Q(cpd_entry__isnull=False),
                name="unique_goal_cpd",
            ),
            models.UniqueConstraint(
                fields=["goal", "reflection"],
                condition=Q(reflection__isnull=False),
                name="unique_goal_reflection",
            ),
        ]
        ordering = ["added_at", "pk"]
        verbose_name = _("goal evidence")
        verbose_name_plural = _("goal evidence")

    def __str__(self) -> str:
        return f"{self.kind} evidence for goal {self.goal_id}"

    @property
    def target(self):
        return self.session or self.cpd_entry or self.reflection
