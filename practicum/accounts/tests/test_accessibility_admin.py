"""axe-core and reflow on every Django admin page a site administrator can open: every
registered model's list, add form and the change form of one of its rows (the demo world
fills them), each app's index and the site's index."""

import pytest
from django.contrib import admin

from practicum.accounts.tests.page_checks import check_pages, report
from practicum.accounts.tests.site_pages import admin_paths, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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


def test_the_admin_has_no_accessibility_violation(admin_page, live_server, world):
    user = world.people["admin"]
    sign_in_as(admin_page, live_server, user)
    paths = admin_paths(user)
    changes = [path for path in paths if path.endswith("/change/")]
    assert len(changes) == len(admin.site._registry), "a model without a row in the world"
    found, seen = check_pages(admin_page, paths)
    print(report("admin", seen, found))
    assert found == {}, report("admin", seen, found)
