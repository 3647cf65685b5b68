"""A mentor declares a credential held before the platform; staff verify it; the mentor holds it.

With SHOTS_DIR set, it also saves screenshots of the declare form and the staff pages at 1280
and 390 px, in English and Spanish (the issue's "looked at" screenshots)."""

import os
import re
from pathlib import Path

import pytest

from conftest import make_user
from practicum.accounts.models import Role, User
from practicum.credentials.loader import rule_set_load_all
from practicum.credentials.models import Credential
from practicum.credentials.tests.test_browser import sign_in, sign_in_with_totp
from practicum.lib.tests.samples import MINIMAL_PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("SHOTS_DIR")


def _shots(page, email: str, paths: dict[str, str]) -> None:
    """Screenshots through `page`, already signed in as `email` (a second sign-in with the same
    authenticator code in one 30-second window is refused, so staff sign in once)."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for lang in ("en", "es"):
        User.objects.filter(email=email).update(preferred_language=lang)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            for name, path in paths.items():
                page.goto(path)
                page.screenshot(path=f"{SHOTS}/{name}-{lang}-{width}.png", full_page=True)
    User.objects.filter(email=email).update(preferred_language="en")
    page.set_viewport_size({"width": 1280, "height": 720})


def test_a_declared_credential_is_verified_by_staff(
    page, browser, live_server, frameworks, tmp_path
):
    rule_set_load_all()
    mentor = make_user("maya@example.org", Role.MENTOR, full_name="Maya Mentor")
    make_user("chloe@example.org", Role.CREDENTIALING_STAFF, full_name="Chloé Staff", mfa=True)
    evidence = tmp_path / "cpm-certificate.pdf"
    evidence.write_bytes(MINIMAL_PDF)

    sign_in(page, "maya@example.org")
    page.goto("/credentials/")
    page.get_by_role("link", name=re.compile("Declare a credential you already hold")).click()
    page.get_by_role("heading", name="Declare a credential you hold").wait_for()
    page.get_by_label("Credential", exact=True).select_option(
        label="Certified Professional Mentor (CPM)"
    )
    page.get_by_label("Credential number").fill("IMC-CPM-2024-000777")
    page.get_by_label("Issued on").fill("2024-05-02")
    page.get_by_label("Valid from").fill("2024-05-02")
    page.get_by_label("Expires on").fill("2027-05-02")
    page.get_by_label("Certificate or letter").set_input_files(str(evidence))
    page.get_by_role("button", name="Declare it").click()
    page.get_by_text("Your credential is declared").wait_for()
    assert "Waiting for verification" in page.content()
    _shots(page, "maya@example.org", {"declare": "/credentials/declare/"})

    staff = browser.new_context(base_url=live_server.url, locale="en-GB").new_page()
    sign_in_with_totp(staff, "chloe@example.org")
    staff.goto("/credentials/staff/")
    staff.get_by_role("link", name="Credentials held before the platform, to verify").click()
    staff.get_by_role("link", name="CPM IMC-CPM-2024-000777").click()
    staff.get_by_role("heading", name="What the mentor declares").wait_for()
    declared_path = staff.url.replace(live_server.url, "")
    _shots(
        staff,
        "chloe@example.org",
        {"declared-queue": "/credentials/staff/declared/", "declared-review": declared_path},
    )
    staff.goto(declared_path)
    staff.get_by_role("button", name="Verify and issue").click()
    staff.get_by_text("Verified: IMC-CPM-2024-000777 is issued.").wait_for()
    credential = Credential.objects.get(holder=mentor)
    assert str(credential.valid_from) == "2024-05-02"
    staff.context.close()

    page.goto("/credentials/")
    page.get_by_role("link", name="IMC-CPM-2024-000777").wait_for()


@pytest.mark.skipif(not SHOTS, reason="screenshots only, with SHOTS_DIR set")
def test_screenshots_of_the_review_checklist(browser, live_server, frameworks):
    from practicum.credentials.tests import builders

    rule_set_load_all()
    mentor = make_user("maya@example.org", Role.MENTOR, full_name="Maya Mentor")
    make_user("chloe@example.org", Role.CREDENTIALING_STAFF, full_name="Chloé Staff", mfa=True)
    builders.make_eligible_for_cmm(mentor)
    application = builders.apply_and_submit(mentor)
    builders.pay(application, None, contacts=False)
    path = f"/credentials/staff/applications/{application.pk}/"
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    sign_in_with_totp(page, "chloe@example.org")
    _shots(page, "chloe@example.org", {"review": path})
    context.close()
