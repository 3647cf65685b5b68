"""Open Badges 3.0: each credential as a Verifiable Credential secured as a VC-JWT, following
1EdTech's rules for it: the JWT payload is the credential itself, with `iss`, `nbf`, `jti`,
`sub` and `exp` taken from it, and the header's `kid` a URL that answers the public key.

Keys (RS256 or EdDSA, rotatable) live in `badge_keys`, the revocation and suspension status
lists in `badge_status`, badge images and baking in `badge_images`.

`badge_verify` checks a file as any verifier would (a key of ours by its `kid`, the signature,
the validity dates) and then the credential's live status here (revoked, suspended, expired).
It still reads badges signed before these rules (the credential in a `vc` claim, a bare `kid`).
"""

import datetime
import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

import jwt
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from practicum.credentials import badge_status
from practicum.credentials.badge_keys import (  # noqa: F401 (re-exported for callers)
    ALGORITHMS,
    b64url,
    jwks,
    key_create,
    key_for_kid,
    key_rotate,
    key_url,
    private_key,
    public_key,
    signing_key,
)
from practicum.credentials.models import Credential, RuleSet, body_today
from practicum.credentials.services import absolute

ISSUER_NAME = "International Mentoring Center"
CONTEXTS = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
MAX_TOKEN_BYTES = 64 * 1024


# --- Documents -----------------------------------------------------------------------------


def issuer_id() -> str:
    return absolute(reverse("credentials:issuer"))


def issuer_profile() -> dict:
    return {
        "@context": CONTEXTS,
        "id": issuer_id(),
        "type": ["Profile"],
        "name": ISSUER_NAME,
        "url": absolute("/"),
        "description": _("The professional body that issues mentoring credentials."),
    }


def achievement(rule_set: RuleSet) -> dict:
    rules = rule_set.rules
    return {
        "id": absolute(reverse("credentials:achievement", args=[rules.code])),
        "type": ["Achievement"],
        "achievementType": "Certification",
        "name": rules.title,
        "description": rules.description,
        "criteria": {
            "id": absolute(reverse("credentials:type_detail", args=[rules.code])),
            "narrative": rules.description,
        },
        "humanCode": rules.code,
        "image": {
            "id": absolute(reverse("credentials:badge_image", args=[rules.code])),
            "type": "Image",
            "caption": rules.title,
        },
        "creator": {"id": issuer_id(), "type": ["Profile"], "name": ISSUER_NAME},
    }


def _at_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=datetime.UTC)


def _iso(moment: datetime.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def credential_document(credential: Credential) -> dict:
    """The OpenBadgeCredential (JSON-LD): the VC-JWT's payload."""
    holder = credential.holder
    salt = b64url(credential.vc_id.bytes)[:16]
    identity = hashlib.sha256((holder.email.lower() + salt).encode()).hexdigest()
    verify_url = absolute(reverse("credentials:verify_code", args=[credential.verification_code]))
    return {
        "@context": CONTEXTS,
        "id": f"urn:uuid:{credential.vc_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": credential.rule_set.rules.title,
        "issuer": {"id": issuer_id(), "type": ["Profile"], "name": ISSUER_NAME},
        "validFrom": _iso(_at_midnight(credential.valid_from)),
        "validUntil": _iso(_at_midnight(credential.expires_on)),
        "credentialSubject": {
            "id": verify_url + "#holder",
            "type": ["AchievementSubject"],
            "name": holder.get_full_name(),
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "emailAddress",
                    "hashed": True,
                    "identityHash": f"sha256${identity}",
                    "salt": salt,
                }
            ],
            "achievement": achievement(credential.rule_set),
        },
        "credentialStatus": badge_status.status_entries(credential),
        "credentialSchema": [SCHEMA],
        "evidence": [
            {
                "id": verify_url,
                "type": ["Evidence"],
                "name": _("Public verification page of credential %(number)s")
                % {"number": credential.number},
            }
        ],
    }


def credential_jwt(credential: Credential) -> str:
    """The credential as a compact VC-JWT signed with the current key (OB 3.0 section 8.2)."""
    key = signing_key()
    document = credential_document(credential)
    claims = {
        **document,
        "iss": document["issuer"]["id"],
        "jti": document["id"],
        "sub": document["credentialSubject"]["id"],
        "nbf": int(_at_midnight(credential.valid_from).timestamp()),
        "exp": int(_at_midnight(credential.expires_on).timestamp()),
    }
    return jwt.encode(
        claims,
        private_key(key),
        algorithm=key.algorithm,
        headers={"kid": key_url(key), "typ": "JWT"},
    )


def linkedin_add_url(credential: Credential) -> str:
    """LinkedIn's "Add licence or certification" form, filled in from the credential."""
    verify_url = absolute(reverse("credentials:verify_code", args=[credential.verification_code]))
    return "https://www.linkedin.com/profile/add?" + urlencode(
        {
            "startTask": "CERTIFICATION_NAME",
            "name": credential.rule_set.rules.title,
            "organizationName": ISSUER_NAME,
            "issueYear": credential.valid_from.year,
            "issueMonth": credential.valid_from.month,
            "expirationYear": credential.expires_on.year,
            "expirationMonth": credential.expires_on.month,
            "certUrl": verify_url,
            "certId": credential.number,
        }
    )


def revocation_list(*, today: datetime.date | None = None) -> dict:
    """The 1EdTechRevocationList that badges signed before the Bitstring Status Lists name in
    their `credentialStatus`, kept for them. A verifier treats
    every credential listed as not valid, so a suspended credential is listed while its
    suspension holds (its reason says "Suspended" with the dates) and leaves the list when it
    is lifted; a revoked one stays for good."""
    today = today or body_today()
    revoked = [
        {"id": f"urn:uuid:{vc_id}", "revocationReason": reason}
        for vc_id, reason in Credential.objects.filter(
            status=Credential.Status.REVOKED
        ).values_list("vc_id", "status_reason")
    ]
    suspended = []
    for credential in Credential.objects.filter(status=Credential.Status.SUSPENDED).order_by("pk"):
        if credential.status_on(today) != Credential.Status.SUSPENDED:
            continue
        since = (credential.status_changed_on or today).isoformat()
        if credential.suspended_until:
            reason = f"Suspended from {since} until {credential.suspended_until.isoformat()}"
        else:
            reason = f"Suspended from {since}"
        suspended.append(
            {
                "id": f"urn:uuid:{credential.vc_id}",
                "revocationReason": f"{reason}: {credential.status_reason}",
            }
        )
    return {
        "@context": CONTEXTS,
        "id": absolute(reverse("credentials:revocation_list")),
        "issuer": issuer_id(),
        "revokedCredentials": revoked + suspended,
    }


# --- Verification --------------------------------------------------------------------------


@dataclass(frozen=True)
class BadgeCheck:
    ok: bool
    message: str
    credential: Credential | None = None


def _day(day: datetime.date) -> str:
    return date_format(day, "DATE_FORMAT")


def badge_verify(token: str, *, today: datetime.date | None = None) -> BadgeCheck:
    """Check an uploaded VC-JWT: a key of ours (by kid), an intact signature, its validity
    dates, then the credential's status here. The message says plainly what failed."""
    today = today or body_today()
    token = "".join(token.split())
    if not token or len(token) > MAX_TOKEN_BYTES:
        return BadgeCheck(False, _("This is not a badge file issued by us (a signed VC-JWT)."))
    try:
        header = jwt.get_unverified_header(token)
    except jwt.InvalidTokenError:
        return BadgeCheck(False, _("This is not a badge file issued by us (a signed VC-JWT)."))
    if header.get("alg") not in ALGORITHMS:
        return BadgeCheck(
            False,
            _("The file is not signed the way our badges are (RS256 or Ed25519): it is not ours."),
        )
    key = key_for_kid(header.get("kid"))
    if key is None:
        return BadgeCheck(
            False, _("The file was signed with a key that is not ours: it was not issued by us.")
        )
    try:
        claims = jwt.decode(
            token,
            public_key(key),
            algorithms=[key.algorithm],
            issuer=issuer_id(),
            options={"require": ["iss", "jti", "nbf", "exp"], "verify_exp": False},
        )
    except jwt.InvalidSignatureError:
        return BadgeCheck(
            False,
            _(
                "The signature does not match the content: the file has been changed since it "
                "was issued. Do not rely on it."
            ),
        )
    except jwt.ImmatureSignatureError:
        return BadgeCheck(
            False, _("The signature is genuine, but the credential is not valid yet.")
        )
    except jwt.InvalidIssuerError:
        return BadgeCheck(False, _("The file names another issuer: it was not issued by us."))
    except jwt.InvalidTokenError:
        return BadgeCheck(False, _("The file could not be read as a badge issued by us."))
    # The payload is the credential; badges signed before 1EdTech's rules carry it in `vc`.
    document = claims.get("vc", claims)
    if not isinstance(document, dict) or document.get("id") != claims["jti"]:
        return BadgeCheck(False, _("The file could not be read as a badge issued by us."))
    vc_id = str(claims["jti"]).removeprefix("urn:uuid:")
    try:
        credential = (
            Credential.objects.select_related("holder", "credential_type", "rule_set")
            .filter(vc_id=vc_id)
            .first()
        )
    except (ValueError, TypeError):
        credential = None
    if credential is None:
        return BadgeCheck(False, _("The signature is genuine, but we hold no such credential."))
    if credential.status == Credential.Status.REVOKED:
        return BadgeCheck(
            False,
            _("The signature is genuine, but this credential was revoked on %(day)s.")
            % {"day": _day(credential.status_changed_on or today)},
            credential,
        )
    if credential.status_on(today) == Credential.Status.SUSPENDED:
        return BadgeCheck(
            False,
            _("The signature is genuine, but this credential is suspended since %(day)s.")
            % {"day": _day(credential.status_changed_on or today)},
            credential,
        )
    expires = datetime.datetime.fromtimestamp(claims["exp"], datetime.UTC).date()
    if expires <= today or credential.status_on(today) == Credential.Status.EXPIRED:
        return BadgeCheck(
            False,
            _("The signature is genuine, but this credential expired on %(day)s.")
            % {"day": _day(min(expires, credential.expires_on))},
            credential,
        )
    return BadgeCheck(
        True,
        _(
            "Genuine and valid: %(title)s held by %(name)s, credential %(number)s, valid until "
            "%(day)s."
        )
        % {
            "title": credential.rule_set.rules.title,
            "name": credential.holder.get_full_name(),
            "number": credential.number,
            "day": _day(credential.expires_on),
        },
        credential,
    )
