"""The shared helpers: dates, absolute URLs, the templated email."""

import datetime
import zoneinfo
from types import SimpleNamespace

import pytest
from django.core import mail

from practicum.lib.dates import add_years, user_zone
from practicum.lib.emails import render_email, send_templated_email
from practicum.lib.pdf import pdf_plain, pdf_text
from practicum.lib.urls import absolute_reverse, absolute_url

SESSION = SimpleNamespace(status="confirmed", signed_off_by_name="Sam Supervisor")


def test_add_years_keeps_the_day_and_moves_29_february_to_the_28th():
    assert add_years(datetime.date(2025, 3, 31), 2) == datetime.date(2027, 3, 31)
    assert add_years(datetime.date(2024, 2, 29), 1) == datetime.date(2025, 2, 28)
    assert add_years(datetime.date(2024, 2, 29), -4) == datetime.date(2020, 2, 29)


def test_user_zone_falls_back_to_utc():
    assert user_zone(SimpleNamespace(time_zone="Europe/Madrid")) == zoneinfo.ZoneInfo(
        "Europe/Madrid"
    )
    assert user_zone(SimpleNamespace(time_zone="Mars/Olympus")) == zoneinfo.ZoneInfo("UTC")
    assert user_zone(SimpleNamespace(time_zone="")) == zoneinfo.ZoneInfo("UTC")


def test_absolute_urls_come_from_site_url(settings):
    settings.SITE_URL = "https://practicum.example/"
    assert absolute_url("/mentor/") == "https://practicum.example/mentor/"
    assert absolute_reverse("practice:sign_off_queue").startswith("https://practicum.example/")


def test_pdf_text_is_safe_for_the_font():
    assert pdf_text("a <b> & c") == "a &lt;b&gt; &amp; c"
    assert pdf_plain("plain") == "plain"


@pytest.mark.django_db
def test_an_email_is_rendered_in_the_recipients_language_and_zone(mentor, run_tasks):
    mentor.preferred_language = "es"
    mentor.time_zone = "America/New_York"
    subject, text, html = render_email(
        "practice/email/sign_off_result",
        recipient=mentor,
        context={"session": SESSION, "url": "https://x/"},
    )
    assert subject != "Your supervision session was confirmed"
    assert '<html lang="es"' in html and subject in html  # the text in the common layout
    assert "Sam Supervisor" in text
    send_templated_email(
        "practice/email/sign_off_result",
        recipient=mentor,
        context={"session": SESSION, "url": "https://x/"},
    )
    run_tasks()
    assert mail.outbox[-1].to == [mentor.email] and mail.outbox[-1].subject == subject
