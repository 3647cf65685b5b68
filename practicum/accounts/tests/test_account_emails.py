"""allauth's emails (confirmation, password reset, security notices) speak for the body:
its name, links to SITE_URL whatever host the request reached, and the common HTML part."""

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from practicum.accounts.tests.test_signup import sign_up

pytestmark = pytest.mark.django_db

SITE = "https://practicum.example.org"


def _html(message) -> str:
    (html,) = [body for body, mime in message.alternatives if mime == "text/html"]
    return html


@override_settings(SITE_URL=SITE, BODY_NAME="The Mentoring Body")
def test_the_confirmation_email_greets_from_the_body_and_links_to_site_url(
    client, frameworks, run_tasks
):
    sign_up(client)
    run_tasks()
    (message,) = mail.outbox
    assert "Hello from" not in message.body and "testserver" not in message.body
    assert "The Mentoring Body" in message.body
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    assert link.startswith(f"{SITE}/accounts/confirm-email/")
    html = _html(message)
    assert f'href="{link}"' in html and "testserver" not in html
    assert "<h1" in html and "The Mentoring Body" in html


@override_settings(SITE_URL=SITE)
def test_the_password_reset_email_links_to_site_url_in_text_and_html(client, mentor, run_tasks):
    client.post(reverse("account_reset_password"), {"email": mentor.email})
    run_tasks()
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/key/\S+/", message.body).group(0)
    assert link.startswith(f"{SITE}/")
    assert f'href="{link}"' in _html(message)
    assert "testserver" not in message.body + _html(message)


@override_settings(SITE_URL=SITE)
def test_an_email_to_an_unknown_address_also_points_to_site_url(client, frameworks, run_tasks):
    client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    run_tasks()
    (message,) = mail.outbox
    assert "testserver" not in message.body and SITE in message.body
