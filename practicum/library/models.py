"""The resource library: the body's curated supervision resources (issue 19).

A `Resource` carries its current content; every edit also writes a `ResourceVersion` that keeps
the body, the files and the metadata as they were, so nothing an editor replaced is lost. Files
are stored under random names and served only by the library's views after an access check,
addressed by the resource's random code (never its id, never the storage name).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from practicum.lib.crypto import EncryptedTextField


def new_code() -> str:
    return secrets.token_urlsafe(9)


def resource_file_path(instance, filename: str) -> str:
    # The stored name says nothing of the resource: a random folder, the checked type's name.
    return f"library/{secrets.token_hex(16)}/{filename}"


class Resource(models.Model):
    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        BRIEFING = "briefing", _("Briefing paper")
        VIDEO = "video", _("Video")
        TEMPLATE = "template", _("Template")
        LINK = "link", _("External link")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Access(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Members")
        CREDENTIALED = "credentialed", _("Credentialed mentors")
        SUPERVISORS = "supervisors", _("Supervisors")
        CENTRE = "centre", _("A training centre's mentors")

    code = models.CharField(max_length=16, unique=True, default=new_code, editable=False)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    access = models.CharField(
        _("who may read it"), max_length=16, choices=Access.choices, default=Access.MEMBERS
    )
    centre = models.ForeignKey(
        "institutions.TrainingCentre",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="library_resources",
        verbose_name=_("training centre"),
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=1000)
    author = models.CharField(_("author"), max_length=150)
    written_on = models.DateField(_("date"))
    minutes = models.PositiveSmallIntegerField(_("reading or viewing time (minutes)"))
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    body = models.TextField(_("text (Markdown)"), blank=True, max_length=60000)
    url = models.URLField(_("link"), blank=True, max_length=500)
    template_tool = models.CharField(_("reflective tool"), max_length=40, blank=True)
    file = models.FileField(upload_to=resource_file_path, blank=True, max_length=200)
    file_kind = models.CharField(max_length=8, blank=True)
    captions = models.FileField(upload_to=resource_file_path, blank=True, max_length=200)
    competencies = models.ManyToManyField(
        "frameworks.Competency", blank=True, related_name="library_resources"
    )
    clauses = models.ManyToManyField(
        "frameworks.EthicsClause", blank=True, related_name="library_resources"
    )
    # When it becomes visible once published; the list is a query on it, so no job is needed.
    publish_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="library_centre_iff_centre_access",
                condition=(Q(access="centre") & Q(centre__isnull=False))
                | (~Q(access="centre") & Q(centre__isnull=True)),
            ),
        ]
        indexes = [models.Index(fields=["status", "publish_at"])]
        ordering = ["-publish_at", "-pk"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return (
            self.status == self.Status.PUBLISHED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )


class ResourceTag(models.Model):
    """A tag from the body's own vocabularies (data/vocabularies/): a supervision theme or a
    format. Competencies and Code clauses are tagged by their framework rows instead."""

    class Vocabulary(models.TextChoices):
        THEME = "theme", _("Supervision theme")
        FORMAT = "format", _("Format")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="tags")
    vocabulary = models.CharField(max_length=8, choices=Vocabulary.choices)
    slug = models.SlugField(max_length=60)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "vocabulary", "slug"], name="library_one_tag_per_slug"
            )
        ]
        indexes = [models.Index(fields=["vocabulary", "slug"])]
        verbose_name = _("resource tag")
        verbose_name_plural = _("resource tags")

    def __str__(self) -> str:
        return f"{self.vocabulary}:{self.slug}"


class ResourceVersion(models.Model):
    """The resource as one edit left it: kept for good (files included)."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    metadata = models.JSONField(default=dict)
    body = models.TextField(blank=True)
    file = models.FileField(upload_to=resource_file_path, blank=True, max_length=200)
    file_kind = models.CharField(max_length=8, blank=True)
    captions = models.FileField(upload_to=resource_file_path, blank=True, max_length=200)
    # The title and summary's sentence vector for search by meaning, once per version.
    vector = models.BinaryField(null=True, blank=True)
    vector_model = models.CharField(max_length=60, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="library_version_number")
        ]
        ordering = ["-number"]
        verbose_name = _("resource version")
        verbose_name_plural = _("resource versions")

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.number}"


class StudyRecord(models.Model):
    """A mentor's note that they studied a resource, with a short reflection (encrypted: staff
    see that it exists and the CPD hours it gave, never the text)."""

    mentor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="library_studies"
    )
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="studies")
    reflection = EncryptedTextField(_("what you take from it"), blank=True)
    studied_on = models.DateField(_("studied on"))
    cpd_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["mentor", "resource"], name="library_one_study")
        ]
        ordering = ["-studied_on", "-pk"]
        verbose_name = _("study record")
        verbose_name_plural = _("study records")

    def __str__(self) -> str:
        return f"{self.resource_id} studied {self.studied_on}"
