"""Our Open Badges checked by independent implementations, from what the site publishes only.

openbadgeslib (an Open Badges 3.0 verifier from PyPI) checks the signature, the OB 3.0 VC-JWT
rules and the Bitstring Status Lists (revocation and suspension); it takes a public key, so the
key comes from dereferencing the JWT's `kid` URL, as OB 3.0 asks of a verifier. joserfc and
PyJWT check the same signatures from that JWK, and 1EdTech's JSON schema (vendored in `data/`)
checks the credential. The badge goes issued, suspended, reinstated, revoked.
"""

import datetime
import io
import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import jsonschema
import jwt as pyjwt
import pytest
from django.conf import settings
from django.urls import reverse
from joserfc import jwt as jose_jwt
from joserfc.jwk import JWKRegistry
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier
from openbadgeslib.ob3.status import decode_encoded_list, set_indices
from PIL import Image

from practicum.credentials import services
from practicum.credentials.models import body_today
from practicum.credentials.tests import builders

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).parent / "data" / "ob_v3p0_achievementcredential_schema.json").read_text()
)


class Published:
    """A verifier's view of the site: only URLs the site names, fetched over HTTP."""

    def __init__(self, client):
        self.client = client

    def __call__(self, url: str) -> bytes:
        assert url.startswith(settings.SITE_URL), url
        parsed = urlparse(url)
        response = self.client.get(parsed.path)
        assert response.status_code == 200, url
        return response.content

    def jwk(self, token: str) -> dict:
        kid = pyjwt.get_unverified_header(token)["kid"]
        assert kid.startswith(settings.SITE_URL)  # a URL that dereferences to the key
        jwk = json.loads(self(kid))
        assert "d" not in jwk and "p" not in jwk
        return jwk

    def claims(self, token: str) -> dict:
        """The payload, its signature checked by joserfc and PyJWT against the kid's JWK."""
        jwk = self.jwk(token)
        header = pyjwt.get_unverified_header(token)
        assert header["alg"] == jwk["alg"] and header.get("typ", "JWT") == "JWT"
        verified = jose_jwt.decode(token, JWKRegistry.import_key(jwk), algorithms=[jwk["alg"]])
        claims = pyjwt.decode(
            token,
            pyjwt.PyJWK(jwk).key,
            algorithms=[jwk["alg"]],
            options={"verify_exp": False, "verify_aud": False},
        )
        assert verified.claims == claims
        return claims

    def bit(self, entry: dict) -> bool:
        """The credential's bit in the status list the entry names (its signature checked)."""
        listing = self.claims(self(entry["statusListCredential"]).decode())
        assert "BitstringStatusListCredential" in listing["type"]
        assert listing["credentialSubject"]["statusPurpose"] == entry["statusPurpose"]
        bits = decode_encoded_list(listing["credentialSubject"]["encodedList"])
        assert len(bits) * 8 >= 131072
        return int(entry["statusListIndex"]) in set_indices(bits)

    def verify(self, token: str, *, status: bool = True):
        jwk = self.jwk(token)
        verifier = OB3Verifier(pubkey_pem=pyjwt.PyJWK(jwk).key)
        return verifier.verify(token, check_status=status, verify_status_list=status, download=self)


def _state(published: Published, token: str) -> dict:
    claims = published.claims(token)
    return {entry["statusPurpose"]: published.bit(entry) for entry in claims["credentialStatus"]}


@pytest.fixture
def issued(rules, mentor):
    return builders.credential(mentor, "CMM", body_today() - datetime.timedelta(days=30))


def test_the_badge_follows_the_ob3_vc_jwt_rules(client, issued):
    published = Published(client)
    token = published(
        f"{settings.SITE_URL}{reverse('credentials:badge_jwt', args=[issued.verification_code])}"
    ).decode()
    header = pyjwt.get_unverified_header(token)
    assert header["alg"] == "RS256"  # the algorithm every verifier supports
    claims = published.claims(token)
    assert "vc" not in claims  # the payload is the credential itself
    assert claims["iss"] == claims["issuer"]["id"]
    assert claims["jti"] == claims["id"]
    assert claims["sub"] == claims["credentialSubject"]["id"]
    moment = datetime.datetime.fromtimestamp(claims["nbf"], datetime.UTC)
    assert moment.strftime("%Y-%m-%dT%H:%M:%SZ") == claims["validFrom"]
    moment = datetime.datetime.fromtimestamp(claims["exp"], datetime.UTC)
    assert moment.strftime("%Y-%m-%dT%H:%M:%SZ") == claims["validUntil"]
    credential = published.verify(token)
    assert credential.issuer.id == claims["iss"]
    # 1EdTech's schema: the credential (the JWT claims are not part of it)
    document = {k: v for k, v in claims.items() if k not in {"iss", "jti", "sub", "nbf", "exp"}}
    errors = list(jsonschema.Draft201909Validator(SCHEMA).iter_errors(document))
    assert [e for e in errors if e.path and e.path[0] != "credentialStatus"] == []
    # OB 3.0 allows one credentialStatus; revocation and suspension need two entries (the
    # VC 2.0 form, a list), each of which is a valid CredentialStatus
    status_schema = {"$defs": SCHEMA["$defs"], **SCHEMA["$defs"]["CredentialStatus"]}
    for entry in document["credentialStatus"]:
        jsonschema.Draft201909Validator(status_schema).validate(entry)
    # the achievement's image is published too
    image = published(claims["credentialSubject"]["achievement"]["image"]["id"])
    assert image.startswith(b"\x89PNG")


def test_issued_suspended_reinstated_revoked_as_an_outside_verifier_sees_it(client, issued, staff):
    published = Published(client)
    url = f"{settings.SITE_URL}{reverse('credentials:badge_jwt', args=[issued.verification_code])}"
    token = published(url).decode()  # the holder's copy, kept throughout

    assert _state(published, token) == {"revocation": False, "suspension": False}
    published.verify(token)

    services.credential_suspend(credential=issued, by=staff, reason="Ethics case")
    assert _state(published, token) == {"revocation": False, "suspension": True}
    with pytest.raises(OB3VerificationError, match="'suspension' is set"):
        published.verify(token)

    services.credential_reinstate(credential=issued, by=staff, reason="Case closed")
    assert _state(published, token) == {"revocation": False, "suspension": False}
    published.verify(token)

    services.credential_revoke(credential=issued, by=staff, reason="Sanction")
    assert _state(published, token) == {"revocation": True, "suspension": False}
    with pytest.raises(OB3VerificationError, match="'revocation' is set"):
        published.verify(token)
    # a copy downloaded now says the same
    with pytest.raises(OB3VerificationError, match="'revocation' is set"):
        published.verify(published(url).decode())


def test_a_suspension_that_ends_by_itself_leaves_the_list(client, issued, staff):
    published = Published(client)
    token = published(
        f"{settings.SITE_URL}{reverse('credentials:badge_jwt', args=[issued.verification_code])}"
    ).decode()
    services.credential_suspend(
        credential=issued, by=staff, reason="Ethics", until=body_today() + datetime.timedelta(1)
    )
    assert _state(published, token)["suspension"] is True
    issued.refresh_from_db()
    issued.suspended_until = body_today()
    issued.save()
    assert _state(published, token)["suspension"] is False


def test_eddsa_keys_work_the_same_for_an_outside_verifier(client, issued, settings):
    settings.BADGE_SIGNING_ALGORITHM = "EdDSA"
    published = Published(client)
    token = published(
        f"{settings.SITE_URL}{reverse('credentials:badge_jwt', args=[issued.verification_code])}"
    ).decode()
    assert pyjwt.get_unverified_header(token)["alg"] == "EdDSA"
    assert published.jwk(token)["crv"] == "Ed25519"
    published.verify(token)


def test_the_baked_png_carries_the_credential_an_outside_verifier_accepts(client, issued):
    published = Published(client)
    png = published(
        f"{settings.SITE_URL}{reverse('credentials:badge_png', args=[issued.verification_code])}"
    )
    token = OB3Verifier.extract_token_from_png(png)
    assert published.verify(token).issuer.name == "International Mentoring Center"
    image = Image.open(io.BytesIO(png))
    assert image.size == (512, 512) and image.text["openbadgecredential"] == token


def test_each_credential_type_has_its_own_badge_from_data(client, rules):
    cpm = client.get(reverse("credentials:badge_image", args=["CPM"])).content
    cmm = client.get(reverse("credentials:badge_image", args=["CMM"])).content
    assert cpm.startswith(b"\x89PNG") and cmm.startswith(b"\x89PNG") and cpm != cmm


def test_the_holder_page_offers_the_baked_badge_and_linkedin(client, issued):
    client.force_login(issued.holder)
    html = client.get(reverse("credentials:credential_detail", args=[issued.pk])).content.decode()
    assert reverse("credentials:badge_png", args=[issued.verification_code]) in html
    link = next(
        part.split('"')[0]
        for part in html.split('href="')
        if part.startswith("https://www.linkedin.com/profile/add?")
    )
    query = parse_qs(urlparse(link.replace("&amp;", "&")).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"]
    assert query["name"] == ["Certified Master Mentor (CMM)"]
    assert query["organizationName"] == ["International Mentoring Center"]
    assert query["issueYear"] == [str(issued.valid_from.year)]
    assert query["certId"] == [issued.number]
    assert query["certUrl"][0].startswith(settings.SITE_URL)
