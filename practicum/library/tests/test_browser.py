"""An editor writes a members' briefing paper, a second editor publishes it, a visitor sees its
summary only, and a mentor whose readiness is low on recurring patterns finds it recommended,
studies it and sees the self-study hours in the CPD ledger."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import make_user
from practicum.accounts.models import Role
from practicum.credentials.tests.test_browser import sign_in, sign_in_with_totp
from practicum.lib.tests.samples import MINIMAL_PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Recurring patterns: what supervision shows"


@pytest.fixture
def new_page(browser, live_server):
    contexts, errors = [], []

    def make():
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        return page

    yield make
    for context in contexts:
        context.close()
    assert not errors, errors


def test_an_editor_publishes_for_members_a_visitor_sees_the_summary_a_mentor_studies_it(
    new_page, frameworks
):
    from practicum.reflection.loader import tool_load_all
    from practicum.reflection.tests.test_learning_needs import take_readiness

    tool_load_all()
    make_user("edith@example.org", Role.EDITOR, full_name="Edith Editor", mfa=True)
    make_user("eddie@example.org", Role.EDITOR, full_name="Eddie Editor", mfa=True)
    mentor = make_user(
        "maya@example.org",
        Role.MENTOR,
        full_name="Maya Mentor",
        membership_status="member",
        membership_valid_until=timezone.localdate() + datetime.timedelta(days=200),
    )
    take_readiness(mentor, {"Q5": 1, "Q6": 2})

    # the editor writes the briefing paper and submits it
    editor = new_page()
    sign_in_with_totp(editor, "edith@example.org")
    editor.goto("/library/desk/new/")
    editor.get_by_label("Kind").select_option(label="Briefing paper")
    editor.get_by_label("Who may read it whole").select_option(label="Members")
    editor.get_by_label("Title").fill(TITLE)
    editor.get_by_label("Summary").fill(
        "How recurring patterns with one client and between clients show up in supervision."
    )
    editor.get_by_label("Author").fill("IMC Supervision Committee")
    editor.get_by_label("Date").fill("2026-05-01")
    editor.get_by_label("Reading or viewing time (minutes)").fill("15")
    editor.get_by_label("File (a PDF").set_input_files(
        {"name": "paper.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}
    )
    editor.get_by_label("Reflective practice").check()
    editor.get_by_role("button", name="Save as draft").click()
    editor.get_by_text("Saved as a draft (version 1).").wait_for()
    editor.get_by_role("button", name="Submit for review").click()
    editor.get_by_text("Another editor must review and publish what you submitted.").wait_for()

    # a second editor publishes it
    reviewer = new_page()
    sign_in_with_totp(reviewer, "eddie@example.org")
    reviewer.goto("/library/desk/?status=review")
    reviewer.get_by_role("link", name=TITLE).click()
    reviewer.get_by_role("button", name="Publish").click()
    reviewer.get_by_text("visible since").wait_for()

    # a visitor finds it and reads the summary, with no way to the file
    visitor = new_page()
    visitor.goto("/library/")
    visitor.get_by_role("link", name=TITLE).click()
    visitor.get_by_role("heading", name="How to get access").wait_for()
    expect(visitor.get_by_text("How recurring patterns with one client")).to_be_visible()
    assert visitor.get_by_role("link", name="Download the briefing paper (PDF)").count() == 0

    # the mentor finds it recommended, studies it and counts it as CPD
    page = new_page()
    sign_in(page, "maya@example.org")
    page.goto("/mentor/")
    panel = page.locator("section", has=page.get_by_role("heading", name="Recommended for you"))
    panel.get_by_text("low in your readiness reflection").first.wait_for()
    panel.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("link", name="Download the briefing paper (PDF)")).to_be_visible()
    page.get_by_label("What you take from it").fill("I keep avoiding the sponsor conversation.")
    page.get_by_role("button", name="Mark as studied").click()
    page.get_by_role("button", name="Add to my CPD ledger").click()
    page.get_by_text("In your CPD ledger: 0.25 hours of self-study.").wait_for()
    page.get_by_role("link", name="See your CPD ledger").click()
    page.get_by_text(TITLE).first.wait_for()
