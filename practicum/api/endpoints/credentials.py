"""The holder's credentials, and public verification by number."""

import datetime
from typing import Annotated, Literal

from django.http import Http404
from ninja import Field, Path, Query, Router, Schema

from practicum.accounts.models import Role
from practicum.api.auth import AUTH, require
from practicum.api.endpoints import Cursor, responses
from practicum.api.pagination import DEFAULT_LIMIT, MAX_LIMIT, PageOut, paginate
from practicum.api.scopes import Scope
from practicum.credentials.documents import verification_url
from practicum.credentials.models import Credential, body_today

router = Router(tags=["Credentials"])

Status = Literal["active", "expired", "suspended", "revoked"]
Number = Annotated[str, Path(pattern=r"^[A-Za-z0-9-]{1,32}$")]


class CredentialOut(Schema):
    number: str
    type: str
    title: str
    status: Status
    issued_on: datetime.date
    valid_from: datetime.date
    expires_on: datetime.date
    suspended_until: datetime.date | None
    renewal_of: str | None
    verification_url: str


class CredentialPage(PageOut):
    items: list[CredentialOut]


class VerificationOut(Schema):
    """What the public verification page shows, no more."""

    number: str
    holder_name: str
    title: str
    status: Status
    status_reason: str
    status_changed_on: datetime.date | None
    issued_on: datetime.date
    valid_from: datetime.date
    expires_on: datetime.date
    suspended_until: datetime.date | None
    renewed_as: str | None
    as_of: datetime.date


class PageQuery(Schema):
    cursor: Cursor = None
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


def _credential_out(credential: Credential, today: datetime.date) -> dict:
    return {
        "number": credential.number,
        "type": credential.credential_type.code,
        "title": credential.rule_set.rules.title,
        "status": credential.status_on(today),
        "issued_on": credential.issued_on,
        "valid_from": credential.valid_from,
        "expires_on": credential.expires_on,
        "suspended_until": credential.suspended_until,
        "renewal_of": credential.renewal_of.number if credential.renewal_of_id else None,
        "verification_url": verification_url(credential),
    }


def _credentials():
    return Credential.objects.select_related("credential_type", "rule_set", "renewal_of")


@router.get("/credentials", auth=AUTH, response=responses({200: CredentialPage}))
def credential_list(request, filters: Query[PageQuery]):
    """The caller's credentials, newest first."""
    user = require(request, Scope.CREDENTIALS_READ, Role.MENTOR)
    page = paginate(_credentials().filter(holder=user), cursor=filters.cursor, limit=filters.limit)
    today = body_today()
    return {
        "items": [_credential_out(c, today) for c in page["items"]],
        "next_cursor": page["next_cursor"],
    }


@router.get("/credentials/{number}", auth=AUTH, response=responses({200: CredentialOut}))
def credential_detail(request, number: Number):
    user = require(request, Scope.CREDENTIALS_READ, Role.MENTOR)
    credential = _credentials().filter(holder=user, number=number).first()
    if credential is None:
        raise Http404
    return _credential_out(credential, body_today())


@router.get("/verify/{number}", auth=None, response=responses({200: VerificationOut}))
def credential_verify(request, number: Number):
    """Public: anyone may check a credential by the number printed on it."""
    credential = (
        Credential.objects.select_related("holder", "rule_set").filter(number=number).first()
    )
    if credential is None:
        raise Http404
    today = body_today()
    status = credential.status_on(today)
    renewed = Credential.objects.filter(renewal_of=credential).values_list("number", flat=True)
    return {
        "number": credential.number,
        "holder_name": credential.holder.get_full_name(),
        "title": credential.rule_set.rules.title,
        "status": status,
        "status_reason": credential.status_reason if status in ("suspended", "revoked") else "",
        "status_changed_on": credential.status_changed_on,
        "issued_on": credential.issued_on,
        "valid_from": credential.valid_from,
        "expires_on": credential.expires_on,
        "suspended_until": credential.suspended_until if status == "suspended" else None,
        "renewed_as": renewed.first(),
        "as_of": today,
    }
