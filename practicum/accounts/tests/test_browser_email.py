"""An HTML email as sent, rendered by a real browser: what a reader sees, where its links go,
and axe-core on it (with PRACTICUM_SCREENSHOTS=1, screenshots in /tmp/shots-mail/)."""

import os
import re
from pathlib import Path

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from practicum.accounts.tests.page_checks import SCREENSHOTS, axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
SHOTS = Path(os.environ.get("MAIL_SHOTS", "/tmp/shots-mail"))
SITE = "https://practicum.example.org"


@pytest.mark.parametrize("language", ["en", "es"])
@override_settings(SITE_URL=SITE)
def test_a_password_reset_email_reads_well_in_a_browser(
    browser, client, mentor, run_tasks, language
):

    mail.outbox.clear()
    client.post(
        reverse("account_reset_password"),
        {"email": mentor.email},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    run_tasks()
    (message,) = mail.outbox
    (html,) = [body for body, mime in message.alternatives if mime == "text/html"]

    context = browser.new_context(locale=language)
    page = context.new_page()
    page.set_content(html)
    assert page.title() == message.subject
    assert page.locator("html").get_attribute("lang") == language
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == message.subject.removeprefix("[Practicum] ")
    body = page.locator("body").inner_text()
    assert "Practicum" in body and "Hello from" not in body
    hrefs = page.locator("a").evaluate_all("links => links.map(a => a.href)")
    assert hrefs and all(href.startswith(f"{SITE}/") for href in hrefs)
    assert any(re.search(r"/accounts/password/reset/key/", href) for href in hrefs)
    # every link is visible text, not an image or an empty anchor
    assert all(text.strip() for text in page.locator("a").all_inner_texts())

    violations = axe_violations(page)
    assert not violations, [(v["id"], v["nodes"][0]["target"]) for v in violations]

    if SCREENSHOTS:
        SHOTS.mkdir(parents=True, exist_ok=True)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 800})
            page.screenshot(path=str(SHOTS / f"email-reset-{language}-{width}.png"), full_page=True)
    context.close()
