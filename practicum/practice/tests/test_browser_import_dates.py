"""The import form's choice of date order, in a real browser: labelled, keyboard-reachable,
accessible, in English and Spanish (with PRACTICUM_SCREENSHOTS=1, screenshots on a wide and a
narrow screen in /tmp/shots-mail/)."""

import os
from pathlib import Path

import pytest
from django.urls import reverse

from practicum.accounts.tests.page_checks import SCREENSHOTS, axe_violations
from practicum.practice.tests.test_browser_export_erasure import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(os.environ.get("MAIL_SHOTS", "/tmp/shots-mail"))


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_import_form_offers_the_date_order(page, mentor, language):

    mentor.preferred_language = language
    mentor.save(update_fields=["preferred_language"])
    sign_in(page, mentor.email)
    page.goto(reverse("practice:import_upload"))
    label = {"en": "Dates in the file", "es": "Fechas del archivo"}[language]
    group = page.get_by_role("group", name=label)
    assert group.get_by_role("radio").count() == 3
    day_first = {"en": "Day first: 14/03/2025", "es": "Primero el día: 14/03/2025"}[language]
    group.get_by_label(day_first).check()
    assert group.get_by_label(day_first).is_checked()
    violations = axe_violations(page)
    assert not violations, [(v["id"], v["nodes"][0]["target"]) for v in violations]
    if not SCREENSHOTS:
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        group.scroll_into_view_if_needed()
        page.screenshot(path=str(SHOTS / f"import-form-{language}-{width}.png"))
