"""A reflection walked through every step, into a supervision session, and read by the
session's supervisor in their own browser: only what was shared, only while it is shared."""

import re

import pytest

from conftest import PASSWORD, make_user
from practicum.accounts.models import Role
from practicum.reflection.loader import tool_load_all
from practicum.reflection.models import Reflection, ReflectionShare, SessionTag, WorksheetClause
from practicum.reflection.tests.conftest import declare, upcoming

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STEPS = [
    ("The situation", {"The situation": "The sponsor asked what my mentee told me in confidence."}),
    (
        "What happened, and what you did",
        {"What happened": "She phoned after session four.", "What I did": "I said I'd reply."},
    ),
    (
        "Thoughts and feelings",
        {"What I was thinking": "Torn.", "What I felt": "PRIVATE-FEELING: a tight chest."},
    ),
    (
        "Patterns",
        {"With this client": "She asks me to speak for her.", "Across clients": "Me too."},
    ),
    ("The ethical dimension", {"The ethical dimension": "Confidentiality and the sponsor."}),
    ("Options and their consequences", {"Options and their consequences": "Say nothing."}),
    ("What you learned", {"What I learned": "Contract three ways."}),
    ("What to bring to supervision", {"What I want to bring": "SHARED-QUESTION: whose client?"}),
    ("Actions", {"My next actions": "Re-contract within two weeks."}),
]


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


@pytest.fixture
def other_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    # The withdrawn share answers 404 on purpose; anything else (a CSP violation) fails.
    expected = "the server responded with a status of 404"
    assert not [e for e in errors if expected not in e], errors


def test_a_reflection_goes_through_every_step_and_into_a_supervision_session(
    page, other_page, frameworks
):
    tool_load_all()
    maya = make_user("maya@example.org", Role.MENTOR, full_name="Maya Mentor")
    sam = make_user("sam@example.org", Role.MENTOR, Role.SUPERVISOR, full_name="Sam Supervisor")
    session = upcoming(maya, declare(maya, sam), days=5, focus="The sponsor dilemma")

    sign_in(page, "maya@example.org")
    page.goto("/reflection/")
    page.get_by_role("link", name="Start a reflection").first.click()
    page.get_by_label("Title").fill("The sponsor's request")
    page.get_by_role("button", name="Begin").click()

    for number, (title, answers) in enumerate(STEPS, start=1):
        page.get_by_role("heading", level=1, name=title).wait_for()
        assert f"Step {number} of 9" in page.content()
        for label, text in answers.items():
            page.get_by_label(label).fill(text)
        if title == "The ethical dimension":
            # the worksheet opens from this step, with the step saved first
            page.get_by_role("button", name="Open an Ethics Lens Worksheet").click()
            page.get_by_role("heading", name="The sponsor's request").wait_for()
            page.get_by_role("link", name="Find relevant clauses").first.click()
            page.get_by_role("heading", name="Suggested for your dilemma").wait_for()
            page.get_by_role("button", name=re.compile(r"^Add 1\.B\.")).first.click()
            page.get_by_text(re.compile(r"Clause \u2068?1\.B\.\d\u2069? added\.")).wait_for()
            page.get_by_role("link", name="Back to your reflection").click()
            page.get_by_role("heading", level=1, name=title).wait_for()
            assert page.get_by_label(next(iter(answers))).input_value() == next(
                iter(answers.values())
            )
        button = "Save and finish" if number == len(STEPS) else "Save and continue"
        page.get_by_role("button", name=button).click()

    page.get_by_text("Your reflection is complete.").wait_for()
    reflection = Reflection.objects.get()
    assert not reflection.is_draft and reflection.answered_steps == 9
    assert WorksheetClause.objects.filter(worksheet__reflection=reflection).count() == 1

    # Into the supervision session, shared with its supervisor before it takes place.
    page.get_by_role("link", name="Bring to a supervision session").click()
    page.get_by_label("Supervision session").select_option(str(session.pk))
    page.get_by_label("Share the chosen steps with this session’s supervisor").check()
    steps = page.get_by_role("group", name="Steps to share")
    assert steps.get_by_label("The situation").is_checked()
    assert steps.get_by_label("What to bring to supervision").is_checked()
    assert not steps.get_by_label("Thoughts and feelings").is_checked()
    page.get_by_label("Share the Ethics Lens Worksheet too").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Shared with Sam Supervisor. You can withdraw it at any time.").wait_for()
    share = ReflectionShare.objects.get()
    assert share.session == session and share.supervisor == sam

    # The themes of the session, saved in place (htmx) on the session's fragment page.
    page.goto(f"/reflection/sessions/{session.pk}/")
    page.get_by_label("Boundaries").check()
    page.get_by_role("button", name="Save themes").click()
    page.get_by_text("Themes saved.").wait_for()
    assert SessionTag.objects.get().tag.name == "Boundaries"

    # The supervisor, in their own browser, sees what was shared and nothing else.
    sign_in(other_page, "sam@example.org")
    other_page.goto("/reflection/shared/")
    row = other_page.get_by_role("row", name=re.compile("Maya Mentor"))
    row.get_by_role("link", name="The sponsor's request").click()
    other_page.get_by_role("heading", name="1. The situation").wait_for()
    html = other_page.content()
    assert "The sponsor asked what my mentee told me in confidence." in html
    assert "SHARED-QUESTION: whose client?" in html
    assert "Ethics Lens Worksheet" in html and "1.B." in html
    assert "PRIVATE-FEELING" not in html and "Re-contract within two weeks." not in html

    # Withdrawn: gone for the supervisor at once.
    page.goto(f"/reflection/reflections/{reflection.pk}/")
    page.get_by_role("button", name="Withdraw sharing").click()
    page.get_by_text("Sharing withdrawn").wait_for()
    response = other_page.reload()
    assert response.status == 404
    assert "SHARED-QUESTION" not in other_page.content()
