"""Read-only queues for the credentialing staff: the facts of each application, never the
evidence snapshot (it names mentees and holds reflections)."""

import datetime
from typing import Literal

from allauth.mfa.utils import is_mfa_enabled
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from practicum.accounts.models import Role
from practicum.api.auth import AUTH, require
from practicum.api.endpoints import Cursor, responses
from practicum.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageOut, paginate
from practicum.api.problems import Problem
from practicum.api.scopes import Scope
from practicum.credentials.models import Application, body_today

router = Router(tags=["Staff"], auth=AUTH)

AppStatus = Literal["awaiting_payment", "in_review", "info_requested", "approved", "rejected"]


class ApplicationOut(Schema):
    id: int
    reference: str
    type: str
    kind: Literal["initial", "renewal"]
    status: AppStatus
    applicant_name: str
    submitted_at: datetime.datetime | None
    target_date: datetime.date | None
    days_left: int | None
    paused: bool
    assigned_to: str | None


class ApplicationPage(PageOut):
    items: list[ApplicationOut]


class QueueQuery(Schema):
    status: AppStatus | None = Field(None, description="Default: the open applications.")
    type: str | None = Field(None, pattern=r"^[A-Za-z0-9]{1,8}$")
    cursor: Cursor = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@router.get("/staff/applications", response=responses({200: ApplicationPage}))
def application_queue(request, filters: Query[QueueQuery]):
    """The credential applications queue, newest first."""
    user = require(request, Scope.STAFF_READ, Role.CREDENTIALING_STAFF)
    if not is_mfa_enabled(user):
        raise Problem(403, _("Forbidden"), _("Staff access needs two-factor authentication."))
    applications = Application.objects.submitted().select_related(
        "applicant", "credential_type", "assigned_to"
    )
    if filters.status:
        applications = applications.filter(status=filters.status)
    else:
        applications = applications.open()
    if filters.type:
        applications = applications.filter(credential_type__code=filters.type)
    page = paginate(applications, cursor=filters.cursor, limit=filters.limit)
    today = body_today()
    return {
        "items": [
            {
                "id": a.pk,
                "reference": a.reference,
                "type": a.credential_type.code,
                "kind": a.kind,
                "status": a.status,
                "applicant_name": a.applicant.get_full_name(),
                "submitted_at": a.submitted_at,
                "target_date": a.target_date,
                "days_left": a.days_left(today),
                "paused": a.is_paused,
                "assigned_to": a.assigned_to.get_full_name() if a.assigned_to_id else None,
            }
            for a in page["items"]
        ],
        "next_cursor": page["next_cursor"],
    }
