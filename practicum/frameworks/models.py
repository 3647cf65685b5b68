"""The body's frameworks as versioned data.

A published version never changes: a new text is a new version, loaded from a new file.
Rows that other records cite (clauses, indicators, statements, sanctions) are kept per version,
so a worksheet or a complaint that cites clause 1.B.3 of version 1.0 keeps citing exactly that.
Prose that nothing cites (introductions, definitions, values, pledge) stays in `content`.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practicum.lib.versioned import VersionedDocument


class FrameworkVersion(VersionedDocument):
    class Kind(models.TextChoices):
        CODE_OF_ETHICS = "code_of_ethics", _("Code of Ethics")
        COMPETENCIES = "competencies", _("Core Competencies")
        READINESS_QUESTIONNAIRE = "readiness_questionnaire", _("Supervision readiness")

    kind = models.CharField(max_length=32, choices=Kind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="unique_framework_version"),
        ]
        indexes = [models.Index(fields=["kind", "effective_date"])]
        ordering = ["kind", "-effective_date"]
        verbose_name = _("framework version")
        verbose_name_plural = _("framework versions")


class EthicsClause(models.Model):
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="clauses"
    )
    identifier = models.CharField(max_length=16, help_text="group.section.clause, e.g. 1.B.3")
    group_number = models.PositiveSmallIntegerField()
    group_name = models.CharField(max_length=120)
    section_letter = models.CharField(max_length=2)
    section_title = models.CharField(max_length=120)
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    position = models.PositiveIntegerField()
    # {lang: {field: text}} from the version's translation files (lib.translations): the row
    # cited stays the same; only what it reads like in another language is added.
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "identifier"], name="unique_clause_id"),
        ]
        ordering = ["framework", "position"]
        verbose_name = _("ethics clause")
        verbose_name_plural = _("ethics clauses")

    def __str__(self) -> str:
        return f"{self.identifier} {self.text[:60]}"

    @property
    def anchor(self) -> str:
        return f"clause-{self.identifier}"


class Sanction(models.Model):
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="sanctions"
    )
    position = models.PositiveSmallIntegerField(help_text="1 is the mildest")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    # {lang: {field: text}} from the version's translation files (lib.translations): the row
    # cited stays the same; only what it reads like in another language is added.
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "position"], name="unique_sanction_step"),
        ]
        ordering = ["framework", "position"]
        verbose_name = _("sanction")
        verbose_name_plural = _("sanctions")

    def __str__(self) -> str:
        return self.name


class Competency(models.Model):
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="competencies"
    )
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=120)
    description = models.TextField()
    # {lang: {field: text}} from the version's translation files (lib.translations): the row
    # cited stays the same; only what it reads like in another language is added.
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="unique_competency"),
        ]
        ordering = ["framework", "number"]
        verbose_name_plural = _("competencies")
        verbose_name = _("competency")

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def anchor(self) -> str:
        return f"competency-{self.number}"


class BehaviouralIndicator(models.Model):
    competency = models.ForeignKey(Competency, on_delete=models.PROTECT, related_name="indicators")
    number = models.PositiveSmallIntegerField()
    identifier = models.CharField(max_length=16, help_text="competency.indicator, e.g. 3.4")
    text = models.TextField()
    # {lang: {field: text}} from the version's translation files (lib.translations): the row
    # cited stays the same; only what it reads like in another language is added.
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["competency", "number"], name="unique_indicator"),
        ]
        ordering = ["competency", "number"]
        verbose_name = _("behavioural indicator")
        verbose_name_plural = _("behavioural indicators")

    def __str__(self) -> str:
        return f"{self.identifier} {self.text[:60]}"

    @property
    def anchor(self) -> str:
        return f"indicator-{self.identifier}"


class QuestionnaireStatement(models.Model):
    framework = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="statements"
    )
    code = models.CharField(max_length=8)
    position = models.PositiveSmallIntegerField()
    text = models.TextField()
    # {lang: {field: text}} from the version's translation files (lib.translations): the row
    # cited stays the same; only what it reads like in another language is added.
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_statement"),
        ]
        ordering = ["framework", "position"]
        verbose_name = _("questionnaire statement")
        verbose_name_plural = _("questionnaire statements")

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class PledgeAcceptance(models.Model):
    """A member's acceptance of the pledge of one version of the Code of Ethics."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pledge_acceptances"
    )
    framework = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "framework"], name="unique_pledge_acceptance"),
        ]
        verbose_name = _("pledge acceptance")
        verbose_name_plural = _("pledge acceptances")

    def __str__(self) -> str:
        return f"{self.user} accepted {self.framework} on {self.accepted_at:%Y-%m-%d}"
