"""Which practice records an application cites: they cannot be deleted while it stands."""

from django.db import models
from django.utils.translation import gettext as _

from practicum.credentials.models import Application, CitedRecord


def record_cited_by_application(kind: str, record: models.Model) -> str | None:
    """The reason `record` cannot be deleted, or None. A submitted application under way or
    approved cites its evidence; a draft cites nothing, and a rejected application lets go."""
    cited = (
        CitedRecord.objects.filter(
            kind=kind, record_id=record.pk, application__status__in=Application.CITING
        )
        .select_related("application")
        .order_by("application__submitted_at")
        .first()
    )
    if cited is None:
        return None
    return _("Your application %(reference)s cites this record.") % {
        "reference": cited.application.reference
    }
