"""Open Badges 3.0: signing as VC-JWT, verification, tampering, revocation, key rotation."""

import base64
import datetime
import json
from io import StringIO

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from practicum.credentials import badges
from practicum.credentials.models import BadgeSigningKey, add_years, body_today
from practicum.credentials.tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def cmm(rules, mentor):
    return builders.credential(mentor, "CMM", body_today() - datetime.timedelta(days=30))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def test_a_key_is_created_on_first_use_and_kept_encrypted(cmm):
    assert not BadgeSigningKey.objects.exists()
    badges.credential_jwt(cmm)
    badges.credential_jwt(cmm)
    key = BadgeSigningKey.objects.get()
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key FROM credentials_badgesigningkey")
        assert cursor.fetchone()[0].startswith("fernet:")
    assert key.private_key.startswith("-----BEGIN PRIVATE KEY-----")


def test_the_badge_is_an_open_badges_3_credential_signed_with_rs256(cmm):
    token = badges.credential_jwt(cmm)
    header = jwt.get_unverified_header(token)
    key = BadgeSigningKey.objects.get()
    assert key.algorithm == "RS256"
    assert header == {"alg": "RS256", "kid": badges.key_url(key), "typ": "JWT"}
    vc = jwt.decode(token, badges.public_key(key), algorithms=["RS256"], issuer=badges.issuer_id())
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json" in vc["@context"]
    assert vc["id"] == vc["jti"] == f"urn:uuid:{cmm.vc_id}"
    assert vc["issuer"]["id"] == vc["iss"] and vc["issuer"]["type"] == ["Profile"]
    assert vc["validFrom"] == f"{cmm.valid_from.isoformat()}T00:00:00Z"
    assert vc["validUntil"] == f"{cmm.expires_on.isoformat()}T00:00:00Z"
    achievement = vc["credentialSubject"]["achievement"]
    assert achievement["name"] == "Certified Master Mentor (CMM)"
    assert achievement["type"] == ["Achievement"] and achievement["criteria"]["narrative"]
    assert [s["statusPurpose"] for s in vc["credentialStatus"]] == ["revocation", "suspension"]
    assert {s["type"] for s in vc["credentialStatus"]} == {"BitstringStatusListEntry"}
    assert cmm.holder.email not in json.dumps(vc)  # the email is only there hashed


def test_a_badge_signed_before_the_ob3_rules_still_verifies(cmm, settings):
    """Badges already downloaded carry the credential in `vc` and a bare kid."""
    settings.BADGE_SIGNING_ALGORITHM = "EdDSA"
    key = badges.signing_key()
    document = badges.credential_document(cmm)
    claims = {
        "iss": document["issuer"]["id"],
        "jti": document["id"],
        "sub": document["credentialSubject"]["id"],
        "nbf": int(datetime.datetime.combine(cmm.valid_from, datetime.time()).timestamp()),
        "exp": int(datetime.datetime.combine(cmm.expires_on, datetime.time()).timestamp()),
        "vc": document,
    }
    legacy = jwt.encode(
        claims, badges.private_key(key), algorithm="EdDSA", headers={"kid": key.kid}
    )
    assert badges.badge_verify(legacy).ok


def test_a_genuine_badge_verifies(cmm):
    check = badges.badge_verify(badges.credential_jwt(cmm))
    assert check.ok and check.credential == cmm
    assert "Genuine and valid" in check.message and cmm.number in check.message


def test_a_tampered_badge_fails_with_a_clear_message(cmm):
    header, payload, signature = badges.credential_jwt(cmm).split(".")
    claims = json.loads(unb64(payload))
    claims["validUntil"] = "2099-01-01T00:00:00Z"
    claims["exp"] = 4070908800
    forged = ".".join([header, b64(json.dumps(claims).encode()), signature])
    check = badges.badge_verify(forged)
    assert not check.ok
    assert check.message.startswith("The signature does not match the content")


def test_a_badge_signed_with_a_key_of_our_own_making_fails(cmm):
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    token = badges.credential_jwt(cmm)
    claims = jwt.decode(token, options={"verify_signature": False})
    kid = jwt.get_unverified_header(token)["kid"]
    forged = jwt.encode(
        claims,
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        algorithm="RS256",
        headers={"kid": kid},
    )
    assert badges.badge_verify(forged).message.startswith("The signature does not match")
    unknown = jwt.encode(
        claims, Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": "x"}
    )
    assert "a key that is not ours" in badges.badge_verify(unknown).message


@pytest.mark.parametrize("garbage", ["", "hello", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.x"])
def test_garbage_is_not_a_badge(rules, garbage):
    check = badges.badge_verify(garbage)
    assert not check.ok and check.message


def test_a_revoked_credential_fails_and_is_on_the_revocation_list(client, cmm):
    token = badges.credential_jwt(cmm)
    cmm.status, cmm.status_reason, cmm.status_changed_on = "revoked", "Sanction", body_today()
    cmm.save()
    check = badges.badge_verify(token)
    assert not check.ok and "was revoked on" in check.message
    listing = client.get(reverse("credentials:revocation_list")).json()
    assert listing["revokedCredentials"] == [
        {"id": f"urn:uuid:{cmm.vc_id}", "revocationReason": "Sanction"}
    ]


def test_a_suspended_credential_fails(cmm):
    token = badges.credential_jwt(cmm)
    cmm.status, cmm.status_reason = "suspended", "Ethics"
    cmm.save()
    assert "is suspended" in badges.badge_verify(token).message


def test_an_expired_credential_fails_with_its_date(rules, mentor):
    credential = builders.credential(mentor, "CPM", add_years(body_today(), -2))
    check = badges.badge_verify(badges.credential_jwt(credential))
    assert not check.ok and "expired on" in check.message


def test_rotation_keeps_old_badges_verifiable_and_publishes_both_keys(client, cmm, settings):
    settings.BADGE_SIGNING_ALGORITHM = "EdDSA"
    before = badges.credential_jwt(cmm)
    out = StringIO()
    call_command("rotate_badge_key", "--algorithm", "RS256", stdout=out)
    old, new = BadgeSigningKey.objects.order_by("created_at", "pk")
    assert old.retired_at is not None and new.retired_at is None
    assert (old.algorithm, new.algorithm) == ("EdDSA", "RS256")
    assert new.kid in out.getvalue()
    after = badges.credential_jwt(cmm)
    assert jwt.get_unverified_header(after)["kid"] == badges.key_url(new)
    assert badges.badge_verify(before).ok and badges.badge_verify(after).ok
    keys = client.get(reverse("credentials:jwks")).json()["keys"]
    assert {k["kid"] for k in keys} == {badges.key_url(old), badges.key_url(new)}
    published = next(k for k in keys if k["kid"] == badges.key_url(old))
    assert published["kty"] == "OKP" and published["crv"] == "Ed25519" and "d" not in published
    public = Ed25519PublicKey.from_public_bytes(unb64(published["x"]))
    assert jwt.decode(before, public, algorithms=["EdDSA"], options={"verify_aud": False})
    # each kid URL answers its own key
    for key in (old, new):
        answered = client.get(badges.key_url(key).removeprefix(django_settings.SITE_URL)).json()
        assert answered == next(k for k in keys if k["kid"] == badges.key_url(key))


def test_the_public_upload_form_verifies_a_file(client, cmm):
    token = badges.credential_jwt(cmm)
    upload = SimpleUploadedFile(f"{cmm.number}.jwt", token.encode(), content_type="application/jwt")
    response = client.post(reverse("credentials:badge_check"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200 and "Verified" in html and cmm.number in html


def test_the_upload_form_says_plainly_when_a_file_was_tampered_with(client, cmm):
    token = badges.credential_jwt(cmm)
    tampered = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    response = client.post(reverse("credentials:badge_check"), {"token": tampered})
    html = response.content.decode()
    assert "Not verified" in html and "has been changed since it was issued" in html


def test_the_upload_form_needs_a_file_or_text(client, rules):
    response = client.post(reverse("credentials:badge_check"), {})
    assert response.status_code == 400
    assert "Choose a badge file, or paste its content below." in response.content.decode()
    binary = SimpleUploadedFile("x.jwt", b"\xff\xfe\x00", content_type="application/jwt")
    response = client.post(reverse("credentials:badge_check"), {"file": binary})
    assert response.status_code == 400


def test_the_badge_download_is_public_and_an_attachment(client, cmm):
    response = client.get(reverse("credentials:badge_jwt", args=[cmm.verification_code]))
    assert response.status_code == 200
    assert f'filename="{cmm.number}.jwt"' in response["Content-Disposition"]
    assert badges.badge_verify(response.content.decode()).ok


def test_the_issuer_profile_and_achievement_are_published(client, rules):
    issuer = client.get(reverse("credentials:issuer")).json()
    assert issuer["type"] == ["Profile"] and issuer["name"] == "International Mentoring Center"
    achievement = client.get(reverse("credentials:achievement", args=["CMM"])).json()
    assert achievement["achievementType"] == "Certification" and achievement["humanCode"] == "CMM"
