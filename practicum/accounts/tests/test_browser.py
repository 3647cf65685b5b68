"""Real Chromium against the live server: what a new member and a staff member actually do."""

import re
import time
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from playwright.sync_api import expect

from conftest import PASSWORD, TOTP_SECRET, make_user
from practicum.accounts.models import Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_new_mentor_signs_up_verifies_pledges_and_switches_language(page, frameworks, run_tasks):
    page.goto("/")
    page.get_by_role("link", name="Join as a mentor").click()
    page.get_by_label("Your name").fill("Nadia Newcomer")
    page.get_by_label("Email").fill("newcomer@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.get_by_role("heading", name="Verify Your Email Address").wait_for()

    run_tasks()  # the background worker sends the email
    assert mail.outbox[-1].to == ["newcomer@example.org"]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    page.goto(urlsplit(link).path)  # the email names SITE_URL; the test server has its own port
    # Confirmed in the browser that signed up: signed in straight away, no password again.
    page.get_by_role("button", name="Confirm").click()

    page.get_by_role("heading", name="Your pledge to the Code of Ethics").wait_for()
    page.get_by_role("button", name="Make the pledge").click()
    # Said twice: in the error summary (focused) and beside the box.
    # The error comes with the reloaded page: wait for it rather than look once.
    expect(page.get_by_text("Tick the box to make the pledge").first).to_be_visible()
    page.get_by_label("I have read the Code of Ethics and I make this pledge.").check()
    page.get_by_role("button", name="Make the pledge").click()

    page.get_by_role("heading", name="Welcome, Nadia").wait_for()
    assert page.url.endswith("/mentor/")

    page.get_by_label("Language").select_option("es")
    page.get_by_role("button", name="Change").click()
    page.get_by_role("button", name="Mentoría").click()  # the menu's section opens
    page.get_by_role("link", name="Panel de mentor").wait_for()
    assert page.locator("html").get_attribute("lang") == "es"


def test_a_staff_member_signs_in_through_mfa(page, frameworks):
    make_user("staff@example.org", Role.CREDENTIALING_STAFF, mfa=True)
    page.goto("/accounts/login/?next=/credentials/staff/")
    page.get_by_label("Email").fill("staff@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    page.get_by_role("heading", name="Two-Factor Authentication").wait_for()
    for _attempt in range(2):  # a code can expire between reading the clock and submitting
        code = format_hotp_value(hotp_value(TOTP_SECRET, int(time.time()) // 30))
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()
        if "/2fa/" not in page.url:
            break
        time.sleep(1)

    page.get_by_role("heading", name="Credentialing", exact=True).wait_for()
    assert page.url.endswith("/credentials/staff/")


def test_keyboard_users_can_skip_to_the_content(page, frameworks):
    page.goto("/frameworks/code-of-ethics/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("el => el === document.activeElement")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_clause_search_updates_in_place(page, frameworks):
    page.goto("/frameworks/code-of-ethics/")
    page.get_by_label("Search the clauses").fill("digital files")
    results = page.locator("#search-results")
    results.get_by_text("1.B.3").wait_for()
    assert page.url.endswith("/frameworks/code-of-ethics/")


def test_the_menu_is_one_row_of_role_sections_that_open_by_keyboard(page, live_server, frameworks):
    from practicum.accounts.tests.site_pages import sign_in_as

    person = make_user("two.roles@example.org", Role.MENTOR, Role.SUPERVISOR)
    sign_in_as(page, live_server, person)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/mentor/")
    nav = page.get_by_role("navigation", name="Main")
    mentoring = nav.get_by_role("button", name="Mentoring")
    supervising = nav.get_by_role("button", name="Supervising")
    # One row: every top-level item sits at the same height.
    tops = nav.locator(".nav-bar > li").evaluate_all(
        "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert max(tops) - min(tops) < 8
    assert mentoring.get_attribute("aria-expanded") == "false"
    mentoring.focus()
    page.keyboard.press("Enter")
    assert mentoring.get_attribute("aria-expanded") == "true"
    assert nav.get_by_role("link", name="Supervision log").is_visible()
    page.keyboard.press("Escape")
    assert mentoring.get_attribute("aria-expanded") == "false"
    assert mentoring.evaluate("el => el === document.activeElement")
    supervising.click()
    nav.get_by_role("link", name="Sessions to sign off").click()
    page.get_by_role("heading", name="Awaiting your sign-off").wait_for()

    # A phone: one Menu button holds the sections.
    page.set_viewport_size({"width": 390, "height": 800})
    assert not mentoring.is_visible()
    menu = page.get_by_role("button", name="Menu")
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true" and mentoring.is_visible()
