"""Credential status as W3C Bitstring Status Lists: one list for revocation, one for suspension.

Each credential's bit is at the same index in both lists (its primary key), and its badge names
both entries, so any verifier reads "revoked" or "suspended" from what we publish. A revoked
credential's bit stays set; a suspension's bit is set while the suspension holds and cleared
when it is lifted or ends. Each list is itself a credential, signed like the badges.
"""

import datetime
import gzip

import jwt
from django.urls import reverse
from django.utils import timezone

from practicum.credentials.badge_keys import b64url, key_url, private_key, signing_key
from practicum.credentials.models import Credential, body_today
from practicum.credentials.services import absolute

PURPOSES = ("revocation", "suspension")
MIN_BITS = 131072  # the list size Bitstring Status List asks for, so one bit tells little
LIST_LIFETIME = datetime.timedelta(days=1)  # a verifier refuses a copy older than this
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def list_url(purpose: str) -> str:
    return absolute(reverse("credentials:status_list", args=[purpose]))


def status_entries(credential: Credential) -> list[dict]:
    index = str(credential.pk)
    return [
        {
            "id": f"{list_url(purpose)}#{index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": purpose,
            "statusListIndex": index,
            "statusListCredential": list_url(purpose),
        }
        for purpose in PURPOSES
    ]


def _indices(purpose: str, today: datetime.date) -> list[int]:
    if purpose == "revocation":
        return list(
            Credential.objects.filter(status=Credential.Status.REVOKED).values_list("pk", flat=True)
        )
    return [
        credential.pk
        for credential in Credential.objects.filter(status=Credential.Status.SUSPENDED)
        if credential.status_on(today) == Credential.Status.SUSPENDED
    ]


def encoded_list(indices: list[int]) -> str:
    """GZIP-compressed, multibase base64url bitstring; index 0 is the first byte's high bit."""
    bits = max(MIN_BITS, max(indices, default=0) + 1)
    bitstring = bytearray((bits + 7) // 8)
    for index in indices:
        bitstring[index // 8] |= 0x80 >> (index % 8)
    return "u" + b64url(gzip.compress(bytes(bitstring), mtime=0))


def _iso(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def status_list_credential(purpose: str, *, today: datetime.date | None = None) -> dict:
    from practicum.credentials.badges import issuer_id  # badges imports this module

    now = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    url = list_url(purpose)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_id(),
        "validFrom": _iso(now),
        "validUntil": _iso(now + LIST_LIFETIME),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": purpose,
            "encodedList": encoded_list(_indices(purpose, today or body_today())),
        },
    }


def status_list_jwt(purpose: str, *, today: datetime.date | None = None) -> str:
    """The status list credential, secured as a VC-JWT the way the badges are."""
    document = status_list_credential(purpose, today=today)
    key = signing_key()
    moment = datetime.datetime.strptime(document["validFrom"], "%Y-%m-%dT%H:%M:%SZ")
    until = datetime.datetime.strptime(document["validUntil"], "%Y-%m-%dT%H:%M:%SZ")
    claims = {
        **document,
        "iss": document["issuer"],
        "jti": document["id"],
        "sub": document["credentialSubject"]["id"],
        "nbf": int(moment.replace(tzinfo=datetime.UTC).timestamp()),
        "exp": int(until.replace(tzinfo=datetime.UTC).timestamp()),
    }
    return jwt.encode(
        claims,
        private_key(key),
        algorithm=key.algorithm,
        headers={"kid": key_url(key), "typ": "JWT"},
    )
