"""axe-core and reflow on every page each role can reach, the Django admin included: no
violation, no sideways scrolling. The pages come from `site_pages` (derived from the URL conf
and the demo world); the roles are spread over several files so that `--dist loadfile` gives
both CI workers a share. This file: the people who are not signed in as a member or staff."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from practicum.accounts.tests.page_checks import AXE_OPTIONS, axe_violations, check_pages, report
from practicum.accounts.tests.site_pages import checked_by, pages_of, sign_in_as, visit

__all__ = ["AXE_OPTIONS", "audit", "check_persona", "sign_in_as"]

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_axe_uses_wcag_2_2_rules(page):
    page.goto("about:blank")
    page.evaluate(Axe().axe_script)
    tags = page.evaluate("() => axe.getRules(['wcag22aa']).map(r => r.ruleId)")
    assert "target-size" in tags


def audit(page, paths) -> dict:
    """axe alone on a few pages, at the page's current size (other apps' browser flows)."""
    found = {}
    for path in paths:
        if not visit(page, path):
            continue
        violations = axe_violations(page)
        if violations:
            found[path] = [(v["id"], v["help"], v["nodes"][0]["target"]) for v in violations]
    return found


def check_persona(page, live_server, world, persona: str) -> None:
    sign_in_as(page, live_server, world.people[persona])
    found, seen = check_pages(page, checked_by(persona, pages_of(world, persona)))
    print(report(persona, seen, found))
    assert seen > 1  # a party checks only its own pages: the complainant has three
    assert found == {}, report(persona, seen, found)


@pytest.mark.parametrize("persona", ["anonymous", "complainant", "applicant", "professional"])
def test_public_and_party_pages(page, live_server, world, persona):
    check_persona(page, live_server, world, persona)
