"""In Chromium: a mentor downloads their data (PDF, CSV, JSON) and then erases their account;
the audit trail keeps only the bare fact."""

import json
from pathlib import Path

import pytest

from conftest import PASSWORD
from practicum.accounts.models import User
from practicum.audit.models import AuditEntry
from practicum.audit.services import ERASED_NAME
from practicum.practice.models import SupervisionSession
from practicum.practice.tests.test_supervision_log import declare, log

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, email):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()


def test_a_mentor_exports_their_data_then_erases_the_account(page, mentor):
    log(mentor, declare(mentor), focus="Holding silence")
    sign_in(page, mentor.email)
    page.goto("/mentor/export/")
    page.get_by_role("heading", name="Your data").wait_for()

    with page.expect_download() as pdf:
        page.get_by_role("button", name="Download the PDF").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert Path(pdf.value.path()).read_bytes()[:5] == b"%PDF-"

    with page.expect_download() as everything:
        page.get_by_role("link", name="Download everything").click()
    data = json.loads(Path(everything.value.path()).read_text(encoding="utf-8"))
    assert "Holding silence" in json.dumps(data)

    page.get_by_role("link", name="Erase my account").click()
    page.get_by_label("Your email address").fill("someone.else@example.org")
    page.get_by_role("button", name="Erase my account for good").click()
    page.locator(".errorlist").first.wait_for()
    assert User.objects.filter(pk=mentor.pk).exists()

    page.get_by_label("Your email address").fill(mentor.email)
    page.get_by_role("button", name="Erase my account for good").click()
    page.get_by_text("Your account and all your records have been erased.").wait_for()
    assert not User.objects.filter(pk=mentor.pk).exists()
    assert not SupervisionSession.objects.exists()
    erased = AuditEntry.objects.get(action="account.erased")
    assert erased.actor_name == ERASED_NAME and erased.before == {} and erased.after == {}
