"""Signing keys for Open Badges: RS256 (the algorithm every OB 3.0 verifier supports) or EdDSA.

The newest unretired key signs; every key, retired or not, stays published so a badge signed
before a rotation still verifies. Each key has its own URL that answers its public JWK: that URL
is the JWT header's `kid`, so any verifier can dereference it (OB 3.0 "Dereferencing the Public
Key"). Private keys are stored encrypted.
"""

import base64
import json
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from jwt.algorithms import RSAAlgorithm

from practicum.credentials.models import BadgeSigningKey, Sequence
from practicum.credentials.services import absolute

ALGORITHMS = ("RS256", "EdDSA")
RSA_BITS = 2048  # what OB 3.0 (via its security reference) asks as a minimum


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def key_create(algorithm: str | None = None) -> BadgeSigningKey:
    algorithm = algorithm or settings.BADGE_SIGNING_ALGORITHM
    if algorithm not in ALGORITHMS:
        raise ValueError(f"Unsupported badge signing algorithm: {algorithm}")
    if algorithm == "RS256":
        private = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        jwk = RSAAlgorithm.to_jwk(private.public_key(), as_dict=True)
        public = json.dumps({"n": jwk["n"], "e": jwk["e"]})
    else:
        private = Ed25519PrivateKey.generate()
        public = b64url(
            private.public_key().public_bytes(
                serialization.Encoding.Raw, serialization.PublicFormat.Raw
            )
        )
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")
    return BadgeSigningKey.objects.create(
        kid=f"imc-{timezone.now():%Y%m%d}-{secrets.token_hex(4)}",
        algorithm=algorithm,
        private_key=pem,
        public_key=public,
    )


def _lock_keys() -> None:
    """Serialise key creation and rotation: two first uses at once create one key."""
    Sequence.objects.get_or_create(name="badge-signing-key")
    Sequence.objects.select_for_update().get(name="badge-signing-key")


@transaction.atomic
def signing_key() -> BadgeSigningKey:
    """The key that signs now; created on first use."""
    key = BadgeSigningKey.objects.filter(retired_at__isnull=True).first()
    if key is not None:
        return key
    _lock_keys()
    return BadgeSigningKey.objects.filter(retired_at__isnull=True).first() or key_create()


@transaction.atomic
def key_rotate(algorithm: str | None = None) -> BadgeSigningKey:
    """Retire the signing key (it stays published for verification) and start a new one."""
    _lock_keys()
    BadgeSigningKey.objects.filter(retired_at__isnull=True).update(retired_at=timezone.now())
    return key_create(algorithm)


def private_key(key: BadgeSigningKey):
    return serialization.load_pem_private_key(key.private_key.encode("ascii"), password=None)


def public_key(key: BadgeSigningKey):
    if key.algorithm == "RS256":
        return RSAAlgorithm.from_jwk({"kty": "RSA", **json.loads(key.public_key)})
    return Ed25519PublicKey.from_public_bytes(b64url_decode(key.public_key))


def key_url(key: BadgeSigningKey) -> str:
    """The key's `kid`: a URL that answers its public JWK."""
    return absolute(reverse("credentials:badge_key", args=[key.kid]))


def key_for_kid(kid) -> BadgeSigningKey | None:
    """Our key named by a JWT header's `kid`: its URL, or (badges signed before keys had
    URLs) its bare name."""
    kid = str(kid or "")[:512]
    name = kid.rsplit("/", 1)[-1].removesuffix(".json") if "/" in kid else kid
    key = BadgeSigningKey.objects.filter(kid=name[:64]).first()
    if key is None or kid not in (key.kid, key_url(key)):
        return None
    return key


def public_jwk(key: BadgeSigningKey) -> dict:
    if key.algorithm == "RS256":
        material = {"kty": "RSA", **json.loads(key.public_key)}
    else:
        material = {"kty": "OKP", "crv": "Ed25519", "x": key.public_key}
    return {**material, "kid": key_url(key), "use": "sig", "alg": key.algorithm}


def jwks() -> dict:
    return {
        "keys": [public_jwk(key) for key in BadgeSigningKey.objects.order_by("-created_at", "-pk")]
    }
