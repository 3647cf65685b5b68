"""Keyboard only: the journeys people do most (log a session, sign off, book, readiness), with
focus asserted after every htmx update and after every form error (WCAG 2.1.1, 2.4.3, 3.3.1,
4.1.3). Sign-in is by session cookie; everything after it is key presses."""

import datetime
import re

import pytest

from conftest import make_user
from practicum.accounts.models import Role
from practicum.accounts.tests.site_pages import sign_in_as
from practicum.practice.models import FocusArea, SupervisionRelationship, SupervisionSession
from practicum.supervision.models import Booking
from practicum.supervision.tests.conftest import make_supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACTIVE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name'),
          type: el.type || '', text: (el.innerText || el.value || '').trim().slice(0, 80),
          inSummary: !!el.closest('[data-error-summary]'),
          summary: el.hasAttribute('data-error-summary'),
          outline: style.outlineStyle, outlineColor: style.outlineColor};
}"""
RING = "rgb(11, 61, 145)"  # --focus-ring


@pytest.fixture
def page(browser, live_server):
    """The root conftest's page, except that a form answered 400 (some views answer an invalid
    POST so) is not a console error here: the form error is what these tests drive."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)  # a shared CI machine can be slow
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not [e for e in errors if "status of 400" not in e], errors


def submit(page, key="Enter") -> None:
    """Press a key that sends a form, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press(key)
    page.wait_for_load_state()


def active(page) -> dict:
    return page.evaluate(ACTIVE)


def tab_until(page, matches, limit=40, key="Tab") -> int:
    """Press Tab until the focused element matches; return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if matches(active(page)):
            return presses
    raise AssertionError(f"not reached in {limit} presses; focus on {active(page)}")


def skip_to_main_action(page) -> dict:
    page.keyboard.press("Tab")
    assert active(page)["text"] == "Skip to main content"
    page.keyboard.press("Tab")
    assert active(page)["text"] == "Skip to the form"
    page.keyboard.press("Enter")
    return active(page)


def assert_error_announced(page) -> None:
    """The summary has focus, the title says Error:, each field in error is tied to its message."""
    focus = active(page)
    assert focus["summary"], focus
    assert page.title().startswith("Error:"), page.title()
    invalid = page.locator('[aria-invalid="true"]')
    assert invalid.count() >= 1
    for i in range(invalid.count()):
        field = invalid.nth(i)
        described = field.get_attribute("aria-describedby") or field.evaluate(
            "el => el.closest('fieldset')?.getAttribute('aria-describedby')"
        )
        assert described, field.evaluate("el => el.outerHTML")
        assert any(page.locator(f"#{ref}.errorlist").count() for ref in described.split()), (
            described
        )
    links = page.locator("[data-error-summary] a")
    assert links.count() >= 1


def assert_ring(focus) -> None:
    assert focus["outline"] == "solid" and focus["outlineColor"] == RING, focus


@pytest.fixture
def pair(site_rules):
    mentor = make_user("maya@example.org", Role.MENTOR, full_name="Maya Mentor")
    supervisor = make_supervisor(
        "sam@example.org", name="Sam Supervisor", windows=[(d, "09:00", "17:00") for d in range(7)]
    )
    relationship = SupervisionRelationship.objects.create(
        mentor=mentor,
        supervisor=supervisor,
        focus_area=FocusArea.BOTH,
        started_on=datetime.date(2025, 1, 1),
        frequency="monthly",
    )
    return mentor, supervisor, relationship


def test_log_a_session_by_keyboard(page, live_server, pair):
    mentor, _, _ = pair
    sign_in_as(page, live_server, mentor)
    page.goto("/mentor/log/new/")
    focus = skip_to_main_action(page)
    assert focus["id"] == "id_relationship"
    assert_ring(focus)
    # Send it with the date and the rest missing: the error summary takes focus.
    tab_until(page, lambda f: f["tag"] == "button" and "sign-off" in f["text"])
    submit(page)
    assert_error_announced(page)
    assert page.locator("[data-error-summary] a", has_text="Date").count() == 1
    # Its first link leads to the first field in error.
    page.keyboard.press("Tab")
    assert active(page)["inSummary"] and active(page)["text"].startswith("Supervisor")
    page.keyboard.press("Enter")
    assert active(page)["id"] == "id_relationship"
    page.keyboard.press("ArrowDown")  # a closed select chooses with the arrows
    tab_until(page, lambda f: f["id"] == "id_held_on")
    page.keyboard.type("01022026")  # a past date whichever order the browser shows
    # Chromium's date input ends with its picker button (inside the input): a Tab stop too.
    assert tab_until(page, lambda f: f["id"] == "id_start_time", limit=3) <= 2
    page.keyboard.type("1000A")  # "A" for AM where the browser shows a 12-hour clock
    tab_until(page, lambda f: f["id"] == "id_duration_minutes")
    page.keyboard.type("60")
    tab_until(page, lambda f: f["id"] == "id_focus")
    page.keyboard.type("Endings")
    submit(page)
    session = SupervisionSession.objects.get(mentor=mentor)
    assert session.focus == "Endings" and session.duration_minutes == 60
    assert not page.title().startswith("Error:")


def test_sign_off_by_keyboard(page, live_server, pair):
    mentor, supervisor, relationship = pair
    from django.utils import timezone

    session = SupervisionSession.objects.create(
        mentor=mentor,
        relationship=relationship,
        format="one_to_one",
        focus="Endings",
        starts_at=timezone.now() - datetime.timedelta(days=2),
        duration_minutes=60,
    )
    sign_in_as(page, live_server, supervisor)
    page.goto("/supervision/sign-off/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to main content
    presses = tab_until(page, lambda f: f["text"] == "Review")
    assert presses <= 3
    submit(page)
    focus = skip_to_main_action(page)
    assert focus["id"] == "id_decision_0"
    # A radio group is one Tab stop.
    page.keyboard.press("Tab")
    assert active(page)["id"] == "id_reason"
    page.keyboard.press("Tab")
    submit(page)  # no decision yet
    assert_error_announced(page)
    tab_until(page, lambda f: f["inSummary"] and f["tag"] == "a")
    page.keyboard.press("Enter")
    assert active(page)["id"] == "id_decision_0"
    page.keyboard.press("ArrowDown")  # arrows move within the group and choose
    assert active(page)["id"] == "id_decision_1"
    page.keyboard.press("ArrowUp")
    assert active(page)["id"] == "id_decision_0"
    assert page.locator("#id_decision_0").is_checked()
    tab_until(page, lambda f: f["tag"] == "button" and f["text"] == "Send my decision")
    submit(page)
    session.refresh_from_db()
    assert session.status == SupervisionSession.Status.CONFIRMED


def test_book_a_slot_by_keyboard_keeps_focus_across_weeks(page, live_server, pair):
    mentor, supervisor, _ = pair
    sign_in_as(page, live_server, mentor)
    page.goto(f"/supervision/supervisors/{supervisor.public_id}/book/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # skip to main content
    tab_until(page, lambda f: f["text"] == "Next week")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.id === 'slots-title'"
    )
    heading = page.locator("#slots-title").inner_text()
    page.wait_for_function(
        "(h) => document.getElementById('live-region').textContent.includes(h)", arg=heading
    )
    # From the new week's heading, the week links and then the slots follow.
    page.keyboard.press("Tab")
    assert active(page)["text"] == "Previous week"
    page.keyboard.press("Enter")
    page.wait_for_function(
        "(h) => document.activeElement.id === 'slots-title'"
        " && document.activeElement.innerText !== h",
        arg=heading,
    )
    tab_until(page, lambda f: f["tag"] == "button" and re.search(r"\d\d:\d\d", f["text"]))
    assert_ring(active(page))
    page.keyboard.press("Enter")
    # Booking asks for confirmation first (both zones and the notice period shown).
    page.get_by_role("heading", name="Confirm your booking").wait_for()
    tab_until(page, lambda f: f["tag"] == "button" and f["text"] == "Book this session")
    assert_ring(active(page))
    page.keyboard.press("Enter")
    page.get_by_text("Booked.").wait_for()
    assert Booking.objects.filter(mentor=mentor).count() == 1


def test_readiness_by_keyboard_one_tab_stop_per_statement(page, live_server, site_rules):
    mentor = make_user("maya@example.org", Role.MENTOR, full_name="Maya Mentor")
    sign_in_as(page, live_server, mentor)
    page.goto("/reflection/readiness/new/")
    groups = page.locator("fieldset:has(input[type=radio])")
    count = groups.count()
    assert count == 19
    focus = skip_to_main_action(page)
    assert focus["type"] == "radio"
    names = []
    for i in range(count):
        focus = active(page)
        assert focus["type"] == "radio", (i, focus)
        names.append(focus["name"])
        if i < count - 1:  # leave the last statement unanswered
            page.keyboard.press("Space")
            page.keyboard.press("ArrowRight")
        page.keyboard.press("Tab")
    assert len(set(names)) == count  # 19 statements, 19 Tab stops, not 19 x 5
    assert active(page)["tag"] == "button"
    submit(page)
    assert_error_announced(page)
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    focus = active(page)
    assert focus["name"] == names[-1] and focus["type"] == "radio"
    page.keyboard.press("Space")
    tab_until(page, lambda f: f["tag"] == "button")
    submit(page)
    assert not page.title().startswith("Error:")
    assert "/readiness/new/" not in page.url
