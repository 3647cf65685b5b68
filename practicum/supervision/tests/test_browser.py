"""In Chromium: a mentor in New York books a supervisor in London; each sees their own time."""

import re
import zoneinfo

import pytest
from django.core import mail
from django.utils.formats import date_format

from conftest import PASSWORD, make_user
from practicum.accounts.models import Role
from practicum.supervision.models import Booking
from practicum.supervision.tests.conftest import make_supervisor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    assert not errors, errors


def shown(moment, zone: str) -> str:
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    return f"{date_format(local, 'DATETIME_FORMAT')} ({zone})"


def test_a_new_york_mentor_books_a_london_supervisor_and_both_see_their_own_time(
    page, other_page, frameworks, run_tasks
):
    make_supervisor(
        "lena@example.org",
        name="Lena London",
        zone="Europe/London",
        windows=[(day, "09:00", "11:00") for day in range(7)],
    )
    make_user("nia@example.org", Role.MENTOR, full_name="Nia NewYork", time_zone="America/New_York")

    sign_in(page, "nia@example.org")
    page.goto("/supervision/supervisors/")
    page.get_by_role("link", name="Lena London").click()
    page.get_by_role("heading", name="Lena London").wait_for()
    page.get_by_role("link", name="See free slots and book").click()
    page.get_by_text("shown in your time zone (America/New_York)").wait_for()
    first_slot = page.locator("button.slot").first
    if not first_slot.count():  # late in the week: the next one has slots
        page.get_by_role("link", name="Next week").click()
        first_slot = page.locator("button.slot").first
    label = first_slot.inner_text()
    assert "(Europe/London)" in label and re.search(r"\b(09|10):00 \(Europe/London\)", label)
    first_slot.click()

    # One click only chooses: the next page shows the time in both zones and the notice period.
    page.get_by_role("heading", name="Confirm your booking").wait_for()
    assert not Booking.objects.exists()
    confirm = page.locator(".confirm-booking").inner_text()
    assert "(America/New_York)" in confirm and "(Europe/London)" in confirm
    assert "up to 24 hours before it starts" in confirm
    page.get_by_role("link", name="Choose another time").click()
    page.get_by_text("shown in your time zone (America/New_York)").wait_for()
    assert not Booking.objects.exists()
    first_slot = page.locator("button.slot").first
    if not first_slot.count():
        page.get_by_role("link", name="Next week").click()
        first_slot = page.locator("button.slot").first
    first_slot.click()
    page.get_by_role("button", name="Book this session").click()
    page.get_by_text("Booked.").wait_for()

    booking = Booking.objects.get()
    mentor_sees = shown(booking.starts_at, "America/New_York")
    supervisor_sees = shown(booking.starts_at, "Europe/London")
    assert mentor_sees != supervisor_sees
    assert page.locator(".when-mine").inner_text() == mentor_sees
    assert page.locator(".when-theirs").inner_text() == supervisor_sees

    sign_in(other_page, "lena@example.org")
    other_page.goto("/supervision/")
    row = other_page.get_by_role("row", name=re.compile("Nia NewYork"))
    assert supervisor_sees in row.inner_text() and mentor_sees in row.inner_text()
    row.get_by_role("link").first.click()
    assert other_page.locator(".when-mine").inner_text() == supervisor_sees
    assert other_page.locator(".when-theirs").inner_text() == mentor_sees

    run_tasks()
    by_person = {m.to[0]: m for m in mail.outbox}
    assert mentor_sees in by_person["nia@example.org"].body
    assert supervisor_sees in by_person["lena@example.org"].body
