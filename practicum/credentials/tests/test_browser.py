"""From an eligible mentor applying to a reviewer approving to the public seeing the badge."""

import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail

from conftest import PASSWORD, TOTP_SECRET, make_user
from practicum.accounts.models import Role
from practicum.credentials.loader import rule_set_load_all
from practicum.credentials.models import Application, Credential, body_today
from practicum.credentials.tests import builders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def sign_in_with_totp(page, email):
    sign_in(page, email)
    page.get_by_role("heading", name="Two-Factor Authentication").wait_for()
    for _attempt in range(2):  # a code can expire between reading the clock and submitting
        code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()
        if "/2fa/" not in page.url:
            break
        time.sleep(1)


@pytest.fixture
def other_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not errors, errors


def test_an_eligible_mentor_applies_staff_approve_and_the_public_sees_the_badge(
    page, other_page, frameworks, run_tasks
):
    rule_set_load_all()
    mentor = make_user(
        "maya@example.org",
        Role.MENTOR,
        full_name="Maya Mentor",
        membership_status="member",
        membership_valid_until=body_today().replace(year=body_today().year + 1),
        profile_public=True,
    )
    builders.make_eligible_for_cmm(mentor)
    make_user("chloe@example.org", Role.CREDENTIALING_STAFF, full_name="Chloé Staff", mfa=True)
    make_user("sol@example.org", Role.CREDENTIALING_STAFF, full_name="Sol Second", mfa=True)

    # the mentor applies, step by step
    sign_in(page, "maya@example.org")
    page.goto("/mentor/")  # the dashboard embeds the credentials panel with htmx
    page.get_by_text("Your records meet every requirement.").first.wait_for()
    page.goto("/credentials/types/CMM/")
    page.get_by_text("Your records meet every requirement: you can apply.").wait_for()
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("heading", name="Eligibility, on all your records").wait_for()
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("heading", name="The training programmes counted").wait_for()
    assert page.get_by_label(re.compile("Mentoring Foundations")).first.is_checked()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Your engagements and the references").wait_for()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Your declared supervisor").wait_for()
    assert page.get_by_label(re.compile("Edith External")).is_checked()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label(re.compile("I declare that I engage in continuous learning")).check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_role("heading", name="Review and submit").wait_for()
    assert "Fee: 450.00 USD" in page.content()
    page.get_by_role("button", name="Submit and receive the invoice").click()
    page.get_by_role("heading", name=re.compile(r"Application CMM-\d{4}-0001")).wait_for()
    invoice_number = Application.objects.get().invoice.number
    assert invoice_number in page.content()

    # a reviewer with MFA records the payment, takes the application and approves it
    sign_in_with_totp(other_page, "chloe@example.org")
    other_page.goto("/credentials/staff/queue/")
    other_page.get_by_role("link", name=re.compile(r"CMM-\d{4}-0001")).click()
    other_page.get_by_label("Bank reference").fill("TRANSFER-881")
    other_page.get_by_role("button", name="Mark paid").click()
    other_page.get_by_text("Payment recorded: the review clock has started.").wait_for()
    other_page.get_by_role("button", name="Take it").click()
    other_page.get_by_text("is assigned to Chloé Staff").wait_for()
    # the review controls (rule data): the payment recorder does not decide, and every
    # referee is contacted first: the checklist says what is still to do
    other_page.get_by_role("heading", name="Before approving").wait_for()
    other_page.get_by_text("You recorded this application's payment").wait_for()
    builders.contact_all_referees(Application.objects.get())
    other_page.context.clear_cookies()
    sign_in_with_totp(other_page, "sol@example.org")
    other_page.goto("/credentials/staff/queue/")
    other_page.get_by_role("link", name=re.compile(r"CMM-\d{4}-0001")).click()
    other_page.get_by_label("Approve and issue the credential").check()
    other_page.get_by_role("button", name="Record the decision").click()
    other_page.get_by_text("Approved: the credential is issued").wait_for()
    credential = Credential.objects.get(holder=mentor, credential_type__code="CMM")
    assert credential.number in other_page.content()

    # the applicant is emailed; the public verification page shows the credential
    run_tasks()
    approval = next(m for m in mail.outbox if m.subject.startswith("Approved"))
    path = re.search(r"https?://[^/\s]+(/credentials/verify/\S+/)", approval.body)[1]
    page.context.clear_cookies()
    page.goto(path)
    page.get_by_role("heading", name="Valid credential").wait_for()
    assert "Maya Mentor" in page.content() and credential.number in page.content()

    # the public profile's badges (the fragment the profile embeds)
    page.goto(f"/mentors/{mentor.public_id}/")
    page.get_by_role("heading", name="Maya Mentor").wait_for()
    page.goto(f"/credentials/holders/{mentor.public_id}/badges/")
    badge = page.get_by_role("link", name=re.compile("Certified Master Mentor"))
    badge.wait_for()
    badge.click()
    page.get_by_role("heading", name="Valid credential").wait_for()
