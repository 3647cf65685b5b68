"""A new member's first steps in Arabic, in Chromium: sign-up, pledge, dashboard, a session
logged, a reflection's first step. Every page says dir="rtl", the menu is one row that starts at
the right, no English shows outside the official texts, and axe-core finds nothing.

English is looked for in every text the page shows or names (aria-label, title, alt,
placeholder), except inside an element marked as another language: the official texts (the
Code, the Competencies, the pledge) say lang="en" where no official Arabic is published, and
carry a note in Arabic. A tool's prompts and a credential's description come from versioned data
with their Arabic beside it. Skipped while the branch has no Arabic catalogue (see
lib/tests/test_translation_coverage.py)."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from conftest import PASSWORD, make_user
from practicum.accounts.models import Role, User
from practicum.accounts.tests.page_checks import axe_violations
from practicum.lib.tests.test_translation_coverage import catalogue_folders
from practicum.reflection.loader import tool_load_all
from practicum.reflection.tests.conftest import declare

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not catalogue_folders("ar"), reason="no Arabic catalogue in this branch"),
]

# A Latin word of three letters or more in the chrome is English left untranslated, except these
# names, which are the same in every language (a time zone is named by its IANA identifier, a
# file by its format, a key as printed on it).
SAME_IN_ARABIC = {"Practicum", "English", "Español", "UTC", "CSV", "PDF", "JSON", "Ctrl", "Mac"}
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
# A choice of competencies or clauses is labelled with the official texts' own names.
CHROME = (
    "nav a, nav button, h1, label:not([for^=id_competencies_]):not([for^=id_clauses_]), legend, "
    "main button[type=submit], .site-footer label, .site-footer button"
)


@pytest.fixture
def arabic_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="ar")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    assert not errors, errors


def english_in(page, selector: str = CHROME) -> list[str]:
    texts = page.locator(selector).evaluate_all(
        "els => els.filter(e => e.offsetParent !== null || e.getClientRects().length)"
        ".map(e => e.innerText)"
    )
    return [
        text for text in texts if "@" not in text and set(LATIN_WORD.findall(text)) - SAME_IN_ARABIC
    ]


# Every text a reader meets on the page (text nodes shown, and the words a screen reader or a
# pointer gives: aria-label, title, alt, placeholder, a button's value), except inside an element
# marked as another language (the official English texts say lang="en").
PAGE_TEXTS = """() => {
  const out = [];
  const foreign = el => { const l = el.closest('[lang]'); return l && !l.lang.startsWith('ar'); };
  const shown = el => el.getClientRects().length > 0
    && getComputedStyle(el).visibility !== 'hidden';
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!el || !node.textContent.trim() || !shown(el)) continue;
    if (el.closest('script, style, noscript, template')) continue;
    if (!foreign(el)) out.push(node.textContent.trim());
  }
  const named = '[aria-label], [title], [alt], [placeholder], input[type=submit][value]';
  for (const el of document.body.querySelectorAll(named)) {
    if (foreign(el)) continue;
    for (const name of ['aria-label', 'title', 'alt', 'placeholder']) {
      if (el.getAttribute(name)) out.push(el.getAttribute(name));
    }
    if (el.matches('input[type=submit]')) out.push(el.value);
  }
  return out;
}"""


def english_on_page(page, allowed: frozenset = frozenset()) -> list[str]:
    """Texts with a Latin word of three letters or more outside the official texts: English
    left untranslated (names the same in every language, addresses and `allowed` apart)."""
    return [
        text
        for text in page.evaluate(PAGE_TEXTS)
        if "@" not in text and set(LATIN_WORD.findall(text)) - SAME_IN_ARABIC - allowed
    ]


def check_arabic_page(page, selector: str = CHROME, *, whole: bool = True) -> None:
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert english_in(page, selector) == [], page.url
    if whole:
        assert english_on_page(page) == [], page.url
    violations = axe_violations(page)
    assert violations == [], [(v["id"], v["nodes"][0]["target"]) for v in violations]


def test_a_new_member_walks_the_first_steps_in_arabic(arabic_page, frameworks, run_tasks):
    page = arabic_page
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/accounts/signup/")
    # The browser asked for Arabic: the form offers it, named in Arabic.
    assert page.locator("main select[name=language]").input_value() == "ar"
    assert page.locator("main select[name=language] option[value=ar]").inner_text() == "العربية"
    check_arabic_page(page)
    page.locator("input[name=full_name]").fill("نادية الجديدة")
    page.locator("input[name=email]").fill("nadia@example.org")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/confirm-email/")
    assert User.objects.get(email="nadia@example.org").preferred_language == "ar"

    run_tasks()  # the verification email, in Arabic and right to left
    message = mail.outbox[-1]
    html = next(body for body, mime in message.alternatives if mime == "text/html")
    assert 'lang="ar" dir="rtl"' in html
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    page.goto(urlsplit(link).path)
    page.locator("main form button[type=submit]").click()

    page.wait_for_url("**/pledge/**")
    check_arabic_page(page)
    page.locator("main input[type=checkbox]").check()
    page.locator("main form button[type=submit]").click()

    page.wait_for_url("**/mentor/")
    check_arabic_page(page)
    # Mirrored: the brand on the right, the menu left of it, its first section right of its last,
    # all of them on one row.
    brand = page.locator(".brand").bounding_box()
    assert brand["x"] > 1280 / 2
    items = page.locator("nav .nav-bar > li").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [(r.top + r.bottom) / 2, r.right, r.left]; })"
    )
    assert len(items) > 1
    middles = [middle for middle, _right, _left in items]
    assert max(middles) - min(middles) < 4, items  # one row
    rights = [right for _top, right, _left in items]
    assert rights == sorted(rights, reverse=True)
    assert all(a[2] >= b[1] - 1 for a, b in zip(items, items[1:], strict=False))  # no overlap
    assert page.locator(".site-menu").bounding_box()["x"] < brand["x"]

    # A session held last week, with a supervisor on the platform.
    nadia = User.objects.get(email="nadia@example.org")
    sami = make_user("sami@example.org", Role.MENTOR, Role.SUPERVISOR, full_name="سامي المشرف")
    declare(nadia, sami)
    page.goto("/mentor/log/new/")
    check_arabic_page(page)
    page.locator("select[name=relationship]").select_option(index=1)
    held = timezone.localdate() - datetime.timedelta(days=3)
    page.locator("input[name=held_on]").fill(held.isoformat())
    page.locator("input[name=start_time]").fill("14:00")
    page.locator("input[name=duration_minutes]").fill("60")
    page.locator("select[name=format]").select_option("one_to_one")
    page.locator("input[name=focus]").fill("الصمت في الجلسة")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    assert nadia.supervision_sessions.count() == 1
    check_arabic_page(page)

    # A reflection's first step: the step's own words are the toolkit's data; the chrome is read.
    tool_load_all()
    page.goto("/reflection/reflections/new/")
    check_arabic_page(page)
    page.locator("input[name=title]").fill("طلب الجهة الراعية")
    page.locator("main form button[type=submit]").click()
    page.locator("textarea").first.wait_for()
    # The steps' names (in the step navigation too) are the toolkit's data.
    check_arabic_page(
        page,
        ".site-header nav a, .site-header nav button, main button[name=action], "
        ".site-footer button",
    )
    page.locator("textarea").first.fill("سألتني الجهة الراعية عما قالته لي المتدربة.")
    page.locator("main button[name=action][value=next]").click()
    page.wait_for_load_state()
    assert "?" not in page.locator("h1").inner_text()


def test_the_phone_menu_opens_on_the_right(arabic_page, live_server, frameworks):
    from practicum.accounts.tests.site_pages import sign_in_as

    person = make_user("rtl.phone@example.org", Role.MENTOR, preferred_language="ar")
    sign_in_as(arabic_page, live_server, person)
    page = arabic_page
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/mentor/")
    toggle = page.locator(".menu-toggle")
    box = toggle.bounding_box()
    # The Menu button sits at the end of the header row: the left, right to left.
    assert box["x"] < 390 / 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
