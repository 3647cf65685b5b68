"""axe-core (WCAG 2.0, 2.1 and 2.2 A and AA, and best practice) on every page each role can
reach, the Django admin included: no violation.

The pages come from `site_pages` (the authorisation matrix's 200s, object pages, the admin's
registry); `test_reflow.py` visits the same pages at 320 CSS px."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from practicum.accounts.tests import site_pages
from practicum.accounts.tests.site_pages import sign_in_as, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": [
            "wcag2a",
            "wcag2aa",
            "wcag21a",
            "wcag21aa",
            "wcag22a",
            "wcag22aa",
            "best-practice",
        ],
    },
    "resultTypes": ["violations"],
}


def audit(page, paths) -> dict:
    axe, found = Axe(), {}
    for path in paths:
        if not visit(page, path):
            continue
        violations = axe.run(page, options=AXE_OPTIONS).response["violations"]
        if violations:
            found[path] = [(v["id"], v["help"], v["nodes"][0]["target"]) for v in violations]
    return found


def test_axe_uses_wcag_2_2_rules(page):
    page.goto("about:blank")
    page.evaluate(Axe().axe_script)
    tags = page.evaluate("() => axe.getRules(['wcag22aa']).map(r => r.ruleId)")
    assert "target-size" in tags


@pytest.mark.parametrize("persona", site_pages.ACCESS_PERSONAS)
def test_no_page_of_each_role_has_an_axe_violation(page, live_server, site_people, persona):
    sign_in_as(page, live_server, site_people["people"][persona])
    pages = site_pages.pages_by_persona(site_people)[persona]
    assert len(pages) > 5
    assert audit(page, pages) == {}


@pytest.fixture
def admin_page(browser, live_server):
    """The root conftest's page, except for console errors raised by axe's own injected script
    (no source URL): on the admin's change forms, axe's style preload trips our CSP. Errors
    from the admin's pages and scripts still fail the test."""
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors = []
    page.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and m.location.get("url") else None,
    )
    yield page
    context.close()
    assert not errors, errors


def test_the_admin_has_no_accessibility_violation(admin_page, live_server, site_people):
    page = admin_page
    sign_in_as(page, live_server, site_people["site_admin"])
    user = site_people["people"][site_pages.MENTOR]
    pages = site_pages.admin_paths(site_people["site_admin"])
    pages.append(f"/admin/accounts/user/{user.pk}/change/")
    assert audit(page, pages) == {}
