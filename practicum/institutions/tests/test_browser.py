"""In the browser: a centre's accreditation application, staff's approval and the public
directory; and a centre recording a graduate, counted as verified hours in the mentor's CMM
eligibility."""

import datetime
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from conftest import PASSWORD, TOTP_SECRET, make_user
from practicum.accounts.models import Role
from practicum.credentials import accreditation
from practicum.credentials.loader import rule_set_load_all
from practicum.frameworks.models import BehaviouralIndicator
from practicum.institutions import services
from practicum.institutions.tests.conftest import make_centre, make_cohort, make_programme
from practicum.lib.tests.samples import MINIMAL_PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = MINIMAL_PDF


def sign_in(page, email, *, totp=False):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    if not totp:
        return
    page.get_by_role("heading", name="Two-Factor Authentication").wait_for()
    for _attempt in range(2):
        code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()
        if "/2fa/" not in page.url:
            break
        time.sleep(1)


def sign_out(page):
    page.context.clear_cookies()


def test_a_centre_applies_staff_approve_and_the_public_finds_it(page, frameworks, tmp_path):
    accreditation.rules_load_all()
    admin = make_user("carla@centre.example.org", Role.INSTITUTION_ADMIN, mfa=True)
    centre = make_centre(name="Lisbon Mentoring School", admin=admin, country="Portugal")
    programme = make_programme(centre, name="Mentoring in Practice", hours="72")
    programme.indicators.set(
        [BehaviouralIndicator.objects.filter(competency__number=n).first() for n in range(1, 10)]
    )
    make_user("chloe@example.org", Role.CREDENTIALING_STAFF, full_name="Chloé Staff", mfa=True)
    evidence = tmp_path / "curriculum.pdf"
    evidence.write_bytes(PDF)

    # the centre's administrator applies
    sign_in(page, "carla@centre.example.org", totp=True)
    page.goto("/institution/")
    page.get_by_role("heading", name="Lisbon Mentoring School").wait_for()
    page.get_by_role("link", name="Apply for accreditation").click()
    page.get_by_label("Recognition sought").select_option("accredited")
    page.get_by_label("The organisation").fill("A school of mentoring since 2012.")
    page.get_by_label("Mentoring in Practice").check()
    page.get_by_label("Faculty").fill("Ana Lima - CMM\nBruno Sá - PhD in education")
    page.get_by_label("Evidence files").set_input_files(str(evidence))
    page.get_by_role("button", name="Submit the application").click()
    page.get_by_text("Pay the invoice below: the review starts then.").wait_for()
    page.get_by_text("Reference to quote").wait_for()
    reference = page.get_by_role("heading", level=1).inner_text().split()[-1]
    sign_out(page)

    # staff approve from the queue
    sign_in(page, "chloe@example.org", totp=True)
    page.goto("/credentials/accreditation/staff/")
    page.get_by_role("link", name=reference).click()
    page.get_by_label("Bank reference").fill("TRF-2291")
    page.get_by_role("button", name="Mark paid").click()
    page.get_by_text("Payment recorded: the review clock has started.").wait_for()
    page.get_by_role("button", name="Take it").click()
    page.get_by_label("Decision").select_option("approve")
    page.get_by_role("button", name="Record the decision").click()
    page.get_by_text("The decision is recorded; the centre is told.").wait_for()
    sign_out(page)

    # the public finds it
    page.goto("/centres/?country=portugal")
    page.get_by_role("link", name="Lisbon Mentoring School").click()
    page.get_by_role("heading", name="Mentoring in Practice").wait_for()
    assert "Accredited" in page.locator("main").inner_text()
    page.goto("/centres/check/?q=lisbon")
    page.get_by_role("link", name="Lisbon Mentoring School").wait_for()


def test_a_centre_records_a_graduate_and_the_mentors_cmm_counts_the_verified_hours(
    page, frameworks
):
    rule_set_load_all()
    admin = make_user("carla@centre.example.org", Role.INSTITUTION_ADMIN, mfa=True)
    centre = make_centre(name="Lisbon Mentoring School", admin=admin)
    services.recognition_grant(
        centre=centre,
        kind="accredited",
        valid_from=datetime.date(2023, 1, 1),
        valid_until=datetime.date.today() + datetime.timedelta(days=365),
        by=None,
    )
    programme = make_programme(centre, name="Mentoring in Practice", hours="60")
    cohort = make_cohort(programme)
    make_user("maya@example.org", Role.MENTOR, full_name="Maya Mentor")

    # the centre records Maya as a graduate of the cohort
    sign_in(page, "carla@centre.example.org", totp=True)
    page.goto(f"/institution/cohorts/{cohort.pk}/")
    page.get_by_label("Name").fill("Maya Mentor")
    page.get_by_label("Email").fill("maya@example.org")
    page.get_by_role("button", name="Record the graduate").click()
    page.get_by_text("The graduate is recorded.").wait_for()
    sign_out(page)

    # Maya records the training from the registry, without evidence
    sign_in(page, "maya@example.org")
    page.goto("/mentor/training/new/")
    page.get_by_label("Programme from the registry").select_option(str(programme.pk))
    page.get_by_label("Training hours").fill("60")
    page.get_by_label("Mode").select_option("blended")
    page.get_by_label("Start date").fill("2024-01-10")
    page.get_by_label("End date").fill("2024-06-30")
    page.get_by_label("Instructor's name").fill("Ines Instructor")
    page.get_by_label("Instructor's email").fill("ines@centre.example.org")
    page.get_by_role("button", name="Save the training").click()
    page.get_by_text("Verified by the centre").first.wait_for()

    # the CMM eligibility counts those hours, with their source
    page.goto("/credentials/types/CMM/")
    page.get_by_text("60 of 50 hours").wait_for()
    page.locator("summary", has_text="record counted").first.click()
    page.get_by_text("verified by the centre").first.wait_for()
