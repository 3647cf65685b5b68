"""Reflow (WCAG 1.4.10): at 320 CSS px wide (400 % zoom of 1280) no page scrolls sideways;
only a data table may scroll, inside its own box. Same pages as the axe run."""

import pytest

from practicum.accounts.tests import site_pages
from practicum.accounts.tests.site_pages import sign_in_as, visit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 320
# The widest element that is not inside a scrolling table box: named in the failure message.
WIDEST = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.table-scroll')) continue;
    const r = el.getBoundingClientRect();
    const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
      + (typeof el.className === 'string' && el.className ? '.' + el.className.trim() : '');
    if (r.right > width + 1) out.push([r.right, name]);
  }
  out.sort((a, b) => b[0] - a[0]);
  return out.slice(0, 3);
}"""


def too_wide(page, paths) -> dict:
    page.set_viewport_size({"width": WIDTH, "height": 800})
    found = {}
    for path in paths:
        if not visit(page, path):
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > WIDTH:
            found[path] = (width, page.evaluate(WIDEST, WIDTH))
    return found


@pytest.mark.parametrize("persona", site_pages.ACCESS_PERSONAS)
def test_no_page_of_each_role_scrolls_sideways_at_320_px(page, live_server, site_people, persona):
    sign_in_as(page, live_server, site_people["people"][persona])
    assert too_wide(page, site_pages.pages_by_persona(site_people)[persona]) == {}


def test_no_admin_page_scrolls_sideways_at_320_px(page, live_server, site_people):
    sign_in_as(page, live_server, site_people["site_admin"])
    assert too_wide(page, site_pages.admin_paths(site_people["site_admin"])) == {}
