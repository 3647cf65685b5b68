"""axe-core on every page without URL arguments that each persona can reach, in Arabic, and on
the main pages about an object each persona opens (a session, a reflection, an application and
its review, a case, a centre and a cohort, a group and a lab...: `OBJECT_PAGES_IN_ARABIC`, one
object each): the same rules as the English checks (page_checks.AXE_OPTIONS), no violation, and
every page says dir="rtl" lang="ar". Reflow is left to the English checks (the layout uses
logical properties, so the right-to-left page is as wide as the left-to-right one), and so are
the other object pages, to keep this one file cheap enough for a single CI worker.

Members choose their language in their profile (UserPreferencesMiddleware activates it); the
signed-out visitor's choice is Django's language cookie, as the footer's switch sets it."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from practicum.accounts.models import User
from practicum.accounts.tests.object_pages import OBJECT_PAGES
from practicum.accounts.tests.page_checks import WIDE, axe_violations, with_axe
from practicum.accounts.tests.site_pages import (
    PERSONAS,
    checked_by,
    is_page,
    plain_paths,
    sign_in_as,
    visit,
)
from practicum.lib.tests.test_translation_coverage import catalogue_folders

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not catalogue_folders("ar"), reason="no Arabic catalogue in this branch"),
]


def plain_pages_of(user) -> list[str]:
    """The pages without URL arguments `user` (None: signed out) opens with a whole page."""
    client = Client()
    if user is not None:
        client.force_login(user)
    return [path for path in plain_paths() if is_page(client.get(path))]


# The main pages about an object, per persona (URL names of `object_pages.OBJECT_PAGES`; the
# first object it gives that persona).
OBJECT_PAGES_IN_ARABIC = {
    "anonymous": [
        "credentials:verify_code",
        "library:detail",
        "institutions:centre_public",
        "accounts:public_profile",
        "practice:external_sign_off",
        "ethics:follow",
    ],
    "mentor": [
        "practice:session_detail",
        "practice:session_edit",
        "practice:engagement_detail",
        "reflection:reflection_detail",
        "reflection:reflection_step",
        "reflection:worksheet_detail",
        "reflection:worksheet_analysis",
        "reflection:readiness_result",
        "reflection:selfcare_result",
        "reflection:competency_result",
        "reflection:goal_detail",
        "credentials:type_detail",
        "credentials:application_detail",
        "credentials:credential_detail",
        "supervision:supervisor_profile",
        "supervision:booking_detail",
        "supervision:group_detail",
        "supervision:lab_detail",
        "library:detail",
    ],
    "supervisor": [
        "practice:sign_off_session",
        "reflection:shared_reflection",
        "supervision:group_manage",
        "supervision:group_session_detail",
        "supervision:lab_attendance",
    ],
    "staff": [
        "credentials:review",
        "credentials:credential_manage",
        "credentials:accreditation_review",
        "credentials:declared_review",
        "supervision:application_review",
        "institutions:staff_centre",
        "supervision:lab_edit",
    ],
    "ethics": ["ethics:case"],
    "panel": ["ethics:case"],
    "professional": ["ethics:my_case"],
    "complainant": ["ethics:my_concern"],
    "applicant": ["credentials:application_step"],
    "institution": [
        "institutions:centre",
        "institutions:programme",
        "institutions:cohort",
        "institutions:mentors",
        "supervision:centre_supervision",
        "credentials:accreditation_detail",
    ],
    "editor": ["library:manage", "library:resource_edit"],
    "admin": [],
}


def object_paths(world, persona: str) -> list[str]:
    paths = []
    for name in OBJECT_PAGES_IN_ARABIC[persona]:
        kwargs = next(kw for who, kw in OBJECT_PAGES[name](world) if who == persona)
        paths.append(reverse(name, kwargs=kwargs))
    return paths


def test_every_persona_has_its_object_pages_in_arabic():
    assert set(OBJECT_PAGES_IN_ARABIC) == set(PERSONAS)
    assert all(name in OBJECT_PAGES for names in OBJECT_PAGES_IN_ARABIC.values() for name in names)


# The root element's dir and lang, in one call to the browser.
DIRECTION = "() => ['dir', 'lang'].map(name => document.documentElement.getAttribute(name))"


def check_arabic_pages(page, paths) -> tuple[dict, int]:
    found, seen = {}, 0
    page.set_viewport_size({"width": WIDE, "height": 800})
    with_axe(page)
    for path in paths:
        if not visit(page, path):
            continue
        seen += 1
        problems = [(v["id"], v["help"], v["nodes"][0]["target"]) for v in axe_violations(page)]
        direction = tuple(page.evaluate(DIRECTION))
        if direction != ("rtl", "ar"):
            problems.append(("dir, lang", direction))
        if problems:
            found[path] = problems
    return found, seen


@pytest.mark.parametrize("persona", PERSONAS)
def test_arabic_pages_of_each_persona(page, live_server, world, persona):
    user = world.people[persona]
    if user is not None:
        # In the database only (each request reads the user from it): the world is restored
        # from its snapshot for the next test, and its shared objects stay as they were.
        User.objects.filter(pk=user.pk).update(preferred_language="ar")
    sign_in_as(page, live_server, user)
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": "ar", "url": live_server.url}]
    )
    found, seen = check_arabic_pages(
        page, checked_by(persona, plain_pages_of(user)) + object_paths(world, persona)
    )
    lines = [f"{persona} in Arabic: {seen} pages, {len(found)} with problems"]
    for path, problems in found.items():
        lines += [f"  {path}"] + [f"    {p}" for p in problems]
    print("\n".join(lines))
    assert seen > 1
    assert found == {}, "\n".join(lines)
