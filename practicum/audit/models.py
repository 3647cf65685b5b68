"""One audit trail for every consequential act on the platform.

An entry names its subject by type and id (not a foreign key), so it outlives the subject: a
deleted application or an erased member leaves the record that something was done, by whom and
when. ``person`` is whose data the subject is (the applicant, the professional); erasing that
person blanks the values an entry kept and leaves the bare fact (``services.audit_erase_person``).
"""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def for_subject(self, subject: models.Model) -> "AuditEntryQuerySet":
        return self.filter(subject_type=subject._meta.label_lower, subject_id=str(subject.pk))

    def for_subjects(self, subjects) -> "AuditEntryQuerySet":
        """Entries of several subjects at once (e.g. an application and the credential it made)."""
        query = models.Q(pk__in=[])
        for subject in subjects:
            if subject is not None and subject.pk is not None:
                query |= models.Q(
                    subject_type=subject._meta.label_lower, subject_id=str(subject.pk)
                )
        return self.filter(query)


class AuditEntry(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("by"),
    )
    # Kept apart from the foreign key so the trail still says who acted after they are gone.
    actor_name = models.CharField(_("by (name)"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64)
    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.CharField(_("subject id"), max_length=64)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("about"),
    )
    before = models.JSONField(_("before"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    after = models.JSONField(_("after"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    at = models.DateTimeField(_("when"), default=timezone.now)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "at"], name="audit_subject_at"),
            models.Index(fields=["person", "at"], name="audit_person_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.subject_type}:{self.subject_id} by {self.actor_name or '-'}"

    @property
    def label(self) -> str:
        from practicum.audit.services import action_label

        return action_label(self.action)

    def changes(self) -> list[tuple[str, object, object]]:
        """(label, before, after) for every key either side names, in a stable order; the label
        is the key's name in the reader's language (`services.change_label`)."""
        from practicum.audit.services import change_label

        keys = list(dict.fromkeys([*self.before, *self.after]))
        return [(change_label(key), self.before.get(key), self.after.get(key)) for key in keys]
